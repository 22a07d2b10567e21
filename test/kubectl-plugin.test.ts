/**
 * `kubectl triage` through the real kubectl: the package's `kubectl-triage` bin on PATH is found by
 * kubectl's plugin mechanism and diagnoses the cluster of the current context, here a simulated one
 * serving a scenario.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../src/sim/api/kubeconfig.js';
import { runKubectl, type KubectlResult } from '../src/sim/api/kubectl.test-support.js';
import { RealClock } from '../src/sim/clock.js';
import { startSimCluster, type SimCluster } from '../src/sim/cluster.js';
import { applyScenario } from '../src/sim/scenario/apply.js';
import { loadScenario } from '../src/sim/scenario/scenario.js';

const BIN_DIR = fileURLToPath(new URL('../bin/', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../scenarios/checkout-memory.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubetriage-plugin-'));
let sim: SimCluster;
const kubeconfig = join(dir, 'kubeconfig');

/** kubectl with the package's bin/ first on PATH, where it finds the plugin. */
const kubectl = (args: string[]): Promise<KubectlResult> => runKubectl(kubeconfig, args, { home: dir, kubeconfigFromEnv: true, env: { PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ''}` } });

beforeAll(async () => {
  const scenario = await loadScenario(SCENARIO);
  sim = await startSimCluster({ clock: new RealClock(20), nodes: 1, catalog: scenario.catalog });
  await writeKubeconfig(kubeconfig, sim.url);
  applyScenario(sim, scenario);
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl triage', () => {
  it('is listed by kubectl as a plugin', async () => {
    const r = await kubectl(['plugin', 'list']);
    expect(r.stdout).toContain(join(BIN_DIR, 'kubectl-triage'));
  });

  it('diagnoses the current context\'s cluster, exiting 1 on findings', async () => {
    let r = await kubectl(['triage', '-o', 'json']);
    for (let i = 0; i < 40 && !r.stdout.includes('OOMKilled'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      r = await kubectl(['triage', '-o', 'json']);
    }
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { incidents: { cause: { mode: string; category: string; subject: { namespace: string } } }[] };
    expect(report.incidents.map((i) => i.cause)).toContainEqual(expect.objectContaining({ mode: 'OOMKilled', category: 'memory-limit-too-low' }));
    expect(r.stderr).toBe('');
  });

  it('scopes to a namespace with -n, and passes commands through', async () => {
    const empty = await kubectl(['triage', '-n', 'kube-system']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/^No problems found in \d+ objects/);
    const version = await kubectl(['triage', '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
