/**
 * `kubetriage watch` as a user runs it: the built command line in a child process, reading a
 * simulated cluster over HTTP, printing JSON lines as incidents open, and stopping cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../src/sim/api/kubeconfig.js';
import { RealClock } from '../src/sim/clock.js';
import { startSimCluster } from '../src/sim/cluster.js';
import { applyScenario } from '../src/sim/scenario/apply.js';
import { loadScenario } from '../src/sim/scenario/scenario.js';

const BIN = fileURLToPath(new URL('../bin/kubetriage', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubetriage-watch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubetriage watch', () => {
  it('prints a JSON line when an incident opens, and exits 0 on SIGTERM', async () => {
    const scenario = await loadScenario(fileURLToPath(new URL('../scenarios/catalog-image.yaml', import.meta.url)));
    const sim = await startSimCluster({ clock: new RealClock(20), nodes: 1, catalog: scenario.catalog });
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      await writeKubeconfig(kubeconfig, sim.url);
      const child = spawn(process.execPath, [BIN, 'watch', '--kubeconfig', kubeconfig, '-o', 'json', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      while (!err.includes('watching')) {
        if (Date.now() > deadline) throw new Error(`watch did not start: ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      applyScenario(sim, scenario);
      while (!out.includes('"opened"')) {
        if (Date.now() > deadline) throw new Error(`no incident opened: ${out} ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const metricsUrl = /metrics at (\S+\/metrics)/.exec(err)?.[1];
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const metrics = await (await fetch(metricsUrl!)).text();
      expect(metrics).toMatch(/^kubetriage_incidents_open\{mode="ImagePull",severity="(critical|warning)"\} 1$/m);
      expect(metrics).toMatch(/^kubetriage_analysis_duration_seconds_count [1-9]\d*$/m);
      expect(Number(/^kubetriage_api_requests_total\{request="get"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(25);
      expect((await fetch(metricsUrl!.replace('/metrics', '/readyz'))).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const changes = out.trim().split('\n').map((line) => JSON.parse(line) as { type: string; incident: { status: string; report: { cause: { mode: string; category: string } } } });
      expect(changes[0]).toMatchObject({ type: 'opened', incident: { status: 'open', report: { cause: { mode: 'ImagePull', category: 'tag-not-found' } } } });
    } finally {
      await sim.close();
    }
  }, 60_000);
});
