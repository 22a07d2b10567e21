/**
 * End to end on the OOM scenario (scenarios/checkout-memory.yaml) in the simulator: the analyzer's
 * own fix (its headroom rule gives 256Mi, while the worker needs about 300M) is applied, fails
 * verification and is rolled back; a raise to 512Mi is allowed, applied and verified.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterGraph } from '../cluster/graph.js';
import { diagnose } from '../diagnose/diagnose.js';
import type { Finding } from '../diagnose/finding.js';
import { patchContainer } from '../diagnose/fixes.js';
import { applyScenario } from '../sim/scenario/apply.js';
import { loadScenario } from '../sim/scenario/scenario.js';
import { loadLive } from '../sources/live/load-live.js';
import { submit, type GatewayDeps } from './gateway.js';
import { loadPolicy } from './policy-file.js';
import { eventually, startTestCluster, type TestCluster } from './sim.test-support.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/checkout-memory.yaml', import.meta.url));
const POLICY = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));
const checkout = { kind: 'Deployment', namespace: 'shop', name: 'checkout' };
let cluster: TestCluster;
let deps: GatewayDeps;

const memoryLimit = (): string | undefined => {
  const spec = cluster.get('deployments', 'shop', 'checkout').spec as { template: { spec: { containers: { resources?: { limits?: { memory?: string } } }[] } } };
  return spec.template.spec.containers[0]?.resources?.limits?.memory;
};

async function oomFinding(): Promise<Finding | undefined> {
  const { incidents } = diagnose(new ClusterGraph(await loadLive(cluster.client, { namespace: 'shop' })), { namespace: 'shop' });
  return incidents.flatMap((i) => [i.cause, ...i.symptoms]).find((f) => f.mode === 'OOMKilled' && f.fixes.length > 0);
}

beforeAll(async () => {
  const scenario = await loadScenario(SCENARIO);
  cluster = await startTestCluster({ speed: 20, nodes: 0, catalog: scenario.catalog });
  applyScenario(cluster.sim, scenario);
  deps = { client: cluster.client, db: cluster.db, policy: await loadPolicy(POLICY), actor: 'autopilot', verify: { deadlineMs: 10_000, pollMs: 500 } };
}, 30_000);

afterAll(async () => {
  await cluster.close();
});

describe('the OOM scenario through the gateway', () => {
  it('rolls back the analyzer\'s too-small raise when the pods keep being OOM-killed', async () => {
    const finding = await eventually(oomFinding, 25_000, 'an OOMKilled finding with a fix');
    const fix = finding.fixes[0]!;
    expect(fix.summary).toMatch(/to 256Mi \(was 128Mi\)/);
    const result = await submit(fix, deps, { resolves: finding.id });
    expect(result.decision?.outcome, result.message).toBe('allow');
    expect(result.status, result.message).toBe('rolled-back');
    expect(memoryLimit()).toBe('128Mi');
  }, 40_000);

  it('applies and verifies a raise to 512Mi', async () => {
    const finding = await eventually(oomFinding, 25_000, 'the OOMKilled finding');
    const raise = patchContainer(checkout, 'worker', { resources: { limits: { memory: '512Mi' } } }, { resources: { limits: { memory: '128Mi' } } }, 'set memory limit of container worker to 512Mi (was 128Mi)', 'OOM-killed at 128Mi while allocating about 300M');
    const result = await submit(raise, deps, { resolves: finding.id });
    expect(result.decision?.radius).toMatchObject({ podsRestarted: 1, maxUnavailable: 0, replicas: 1 });
    expect(result.status, result.message).toBe('verified');
    expect(memoryLimit()).toBe('512Mi');
  }, 40_000);
});
