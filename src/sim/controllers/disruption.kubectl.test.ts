/**
 * PodDisruptionBudgets, eviction, cordon and drain in a whole simulated cluster, through the real
 * kubectl: drain moves a Deployment's pods off a node when its budget allows, and retries with the
 * apiserver's 429 message until its timeout when the budget allows nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startClusterKubectl, type ClusterKubectl, type KubectlResult } from '../api/kubectl.test-support.js';

let cluster: ClusterKubectl;
const kubectl = (...args: string[]): Promise<KubectlResult> => cluster.kubectl(...args);

beforeAll(async () => {
  cluster = await startClusterKubectl({ nodes: 2 });
});
afterAll(async () => {
  await cluster.close();
});

function workload(name: string, budget: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: "nginx:1.27"}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ${name}, namespace: default}
spec:
  ${budget}
  selector: {matchLabels: {app: ${name}}}
`;
}

/** `pod node` pairs of the Running pods of an app. */
async function placement(app: string): Promise<[string, string][]> {
  const out = (await kubectl('get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase}{"\\n"}{end}')).stdout;
  return out.trim().split('\n').filter((l) => l.endsWith(' Running')).map((l) => l.split(' ') as [string, string]);
}

async function allowed(name: string): Promise<string> {
  return (await kubectl('get', 'pdb', name, '-o', 'jsonpath={.status.disruptionsAllowed}')).stdout;
}

describe('disruption budgets and drain, through kubectl', () => {
  it('prints budgets, drains a node its budget allows, and cordons and uncordons', async () => {
    expect((await cluster.kubectlIn(workload('api', 'maxUnavailable: 1'), 'apply', '-f', '-')).code).toBe(0);
    await eventually(async () => (await placement('api')).length === 2 && (await allowed('api')) === '1', 30_000, 'two api pods Running and one disruption allowed');
    const table = (await kubectl('get', 'pdb')).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/);
    expect(table[1]).toMatch(/^api\s+N\/A\s+1\s+1\s+\d+s$/);

    const [pod, node] = (await placement('api'))[0]!;
    const drain = await kubectl('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=40s');
    expect(drain.stderr).not.toContain('error');
    expect(drain.code).toBe(0);
    expect(drain.stdout).toContain(`node/${node} cordoned`);
    expect(drain.stdout).toContain(`pod/${pod} evicted`);
    expect(drain.stdout).toContain(`node/${node} drained`);
    const nodes = (await kubectl('get', 'nodes', '--no-headers')).stdout;
    expect(nodes).toMatch(new RegExp(`^${node}\\s+\\S*SchedulingDisabled`, 'm'));
    await eventually(async () => {
      const pods = await placement('api');
      return pods.length === 2 && pods.every(([, n]) => n !== node);
    }, 30_000, 'both api pods Running on the other node');

    expect((await kubectl('uncordon', node)).stdout).toContain(`node/${node} uncordoned`);
    expect((await kubectl('get', 'nodes', '--no-headers')).stdout).not.toContain('SchedulingDisabled');
    const other = node === 'sim-worker-1' ? 'sim-worker-2' : 'sim-worker-1';
    expect((await kubectl('cordon', other)).stdout).toContain(`node/${other} cordoned`);
    expect((await kubectl('get', 'nodes', '--no-headers')).stdout).toMatch(new RegExp(`^${other}\\s+Ready,SchedulingDisabled`, 'm'));
    expect((await kubectl('uncordon', other)).code).toBe(0);
  }, 120_000);

  it('retries an eviction its budget refuses and fails at the drain timeout', async () => {
    expect((await cluster.kubectlIn(workload('ledger', 'minAvailable: 2'), 'apply', '-f', '-')).code).toBe(0);
    await eventually(async () => (await placement('ledger')).length === 2, 30_000, 'two ledger pods Running');
    await eventually(async () => (await kubectl('get', 'pdb', 'ledger', '-o', 'jsonpath={.status.currentHealthy}')).stdout === '2', 10_000, 'the budget sees both pods');
    expect(await allowed('ledger')).toBe('0');
    const [pod, node] = (await placement('ledger'))[0]!;
    const drain = await kubectl('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=7s');
    expect(drain.code).not.toBe(0);
    expect(drain.stderr).toContain(`error when evicting pods/"${pod}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    expect(drain.stderr).toMatch(/global timeout reached: 7s/);
    expect((await kubectl('get', 'pod', pod, '-o', 'jsonpath={.status.phase}')).stdout).toBe('Running');
    expect((await kubectl('uncordon', node)).code).toBe(0);
  }, 90_000);
});
