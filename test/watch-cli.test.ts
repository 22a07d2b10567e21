/**
 * `kubetriage watch` as a user runs it: the built command line in a child process, reading a
 * simulated cluster over HTTP, printing JSON lines as incidents open, serving /metrics, stopping
 * cleanly on SIGTERM, and picking up its open incidents from the store when it starts again.
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
import { BIN } from './run-bin.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetriage-watch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface WatchProcess {
  out(): string;
  err(): string;
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** The /metrics text. */
  metrics(): Promise<string>;
  stop(): Promise<number | null>;
}

function startWatch(args: string[]): WatchProcess {
  const child = spawn(process.execPath, [BIN, 'watch', '-o', 'json', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`watch: ${what} did not happen; stdout: ${out} stderr: ${err}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    out: () => out, err: () => err, until,
    metrics: async () => (await fetch(/metrics at (\S+\/metrics)/.exec(err)![1]!)).text(),
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

const analyses = (metrics: string): number => Number(/^kubetriage_analysis_duration_seconds_count (\d+)$/m.exec(metrics)?.[1] ?? 0);

describe('kubetriage watch', () => {
  it('prints a JSON line when an incident opens, serves /metrics, exits 0 on SIGTERM, and does not open it again after a restart', async () => {
    const scenario = await loadScenario(fileURLToPath(new URL('../scenarios/catalog-image.yaml', import.meta.url)));
    const sim = await startSimCluster({ clock: new RealClock(20), nodes: 1, catalog: scenario.catalog });
    const store = join(dir, 'kubetriage.db');
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      await writeKubeconfig(kubeconfig, sim.url);
      const first = startWatch(['--kubeconfig', kubeconfig, '--store', store]);
      await first.until(() => first.err().includes('watching'), 'start');
      applyScenario(sim, scenario);
      await first.until(() => first.out().includes('"opened"'), 'an incident to open');
      const metrics = await first.metrics();
      expect(metrics).toMatch(/^kubetriage_incidents_open\{mode="ImagePull",severity="(critical|warning)"\} 1$/m);
      expect(analyses(metrics)).toBeGreaterThanOrEqual(1);
      expect(Number(/^kubetriage_api_requests_total\{request="get"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(25);
      expect(await first.stop()).toBe(0);
      const changes = first.out().trim().split('\n').map((line) => JSON.parse(line) as { type: string; incident: { id: string; status: string; report: { cause: { mode: string; category: string } } } });
      expect(changes[0]).toMatchObject({ type: 'opened', incident: { status: 'open', report: { cause: { mode: 'ImagePull', category: 'tag-not-found' } } } });

      const second = startWatch(['--kubeconfig', kubeconfig, '--store', store]);
      await second.until(() => second.err().includes('watching'), 'the second start');
      const ready = Date.now();
      while (analyses(await second.metrics()) < 2 && Date.now() - ready < 20_000) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(analyses(await second.metrics())).toBeGreaterThanOrEqual(2);
      expect(await second.metrics()).toMatch(/^kubetriage_incidents_open\{mode="ImagePull",severity="(critical|warning)"\} 1$/m);
      expect(await second.stop()).toBe(0);
      expect(second.out()).not.toContain('"opened"');
    } finally {
      await sim.close();
    }
  }, 90_000);

  it('as autopilot, fixes a new incident through the gateway within the policy, and sees it resolve', async () => {
    const scenario = await loadScenario(fileURLToPath(new URL('../scenarios/shop-microservices.yaml', import.meta.url)));
    const sim = await startSimCluster({ clock: new RealClock(20), nodes: 3, catalog: scenario.catalog });
    try {
      const kubeconfig = join(dir, 'kubeconfig-autopilot');
      await writeKubeconfig(kubeconfig, sim.url);
      const policy = fileURLToPath(new URL('../examples/policy.yaml', import.meta.url));
      const watch = startWatch(['--kubeconfig', kubeconfig, '--store', join(dir, 'autopilot-store.db'), '--autopilot', '--policy', policy, '--db', join(dir, 'autopilot-audit.db')]);
      await watch.until(() => watch.err().includes('watching'), 'start');
      applyScenario(sim, scenario);
      await watch.until(() => watch.out().includes('"remediation"'), 'the autopilot to act', 90_000);
      await watch.until(() => /"type":"resolved".*"OOMKilled"/.test(watch.out()), 'the OOM incident to resolve');
      expect(await watch.stop()).toBe(0);
      const lines = watch.out().trim().split('\n').map((line) => JSON.parse(line) as { type: string; result?: { status: string; plan: { target: { name: string } } } });
      const remediation = lines.find((l) => l.type === 'remediation')!;
      expect(remediation.result).toMatchObject({ status: 'verified', plan: { target: { name: 'payments' } } });
    } finally {
      await sim.close();
    }
  }, 120_000);

  it('runs as replicas under leader election: one leads, and its successor neither loses nor repeats an incident', async () => {
    const scenario = await loadScenario(fileURLToPath(new URL('../scenarios/catalog-image.yaml', import.meta.url)));
    const sim = await startSimCluster({ clock: new RealClock(20), nodes: 1, catalog: scenario.catalog });
    const store = join(dir, 'replicas.db');
    try {
      const kubeconfig = join(dir, 'kubeconfig-replicas');
      await writeKubeconfig(kubeconfig, sim.url);
      const args = ['--kubeconfig', kubeconfig, '--store', store, '--leader-elect', '--lease', 'default/kubetriage-watch'];
      const replicas = [startWatch(args), startWatch(args)];
      const leading = (): WatchProcess[] => replicas.filter((r) => r.err().includes('leading'));
      await replicas[0]!.until(() => leading().length === 1, 'one replica to lead');
      applyScenario(sim, scenario);
      const leader = leading()[0]!;
      const follower = replicas.find((r) => r !== leader)!;
      await leader.until(() => leader.out().includes('"opened"'), 'the leader to open the incident');
      expect(follower.out()).toBe('');
      expect(await leader.stop()).toBe(0);
      await follower.until(() => follower.err().includes('leading'), 'the follower to take over');
      const took = Date.now();
      while (analyses(await follower.metrics()) < 2 && Date.now() - took < 20_000) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await follower.metrics()).toMatch(/^kubetriage_incidents_open\{mode="ImagePull",severity="(critical|warning)"\} 1$/m);
      expect(await follower.stop()).toBe(0);
      expect(follower.out()).not.toContain('"opened"');
    } finally {
      await sim.close();
    }
  }, 90_000);
});
