/**
 * A node whose kubelet stops, seen through the real kubectl: NotReady in `get nodes`, the
 * unreachable taints and the node controller's Unknown conditions in `describe node`, its pod
 * evicted after the default 300 s toleration and replaced on the other node (the evicted one stays
 * Terminating: no kubelet confirms its deletion), and Ready again without the taints once the
 * kubelet starts, which finishes the deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterKubectl, eventually, startClusterKubectl } from '../api/kubectl.test-support.js';
import { RealClock } from '../clock.js';

/** 50 simulated seconds a real one: the 50 s grace period passes in about a second. */
const SPEED = 50;

let cluster: ClusterKubectl;
beforeAll(async () => {
  cluster = await startClusterKubectl({ nodes: 2, clock: new RealClock(SPEED) });
});
afterAll(async () => {
  await cluster.close();
});

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec:
      containers: [{name: api, image: nginx:1.27, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
`;

/** NAME, STATUS and NODE of each ledger pod. */
async function pods(): Promise<string[][]> {
  const out = (await cluster.kubectl('get', 'pods', '-l', 'app=ledger', '-o', 'wide', '--no-headers')).stdout;
  return out.trim().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/)).map((c) => [c[0]!, c[2]!, c[6]!]);
}

async function nodeStatus(name: string): Promise<string | undefined> {
  const out = (await cluster.kubectl('get', 'nodes', '--no-headers')).stdout;
  return out.split('\n').find((l) => l.startsWith(`${name} `))?.trim().split(/\s+/)[1];
}

describe('a node whose kubelet stopped, through kubectl', () => {
  it('reads NotReady with the unreachable taints and Unknown conditions, evicts and replaces its pod elsewhere, and recovers once the kubelet starts', async () => {
    expect((await cluster.kubectlIn(DEPLOYMENT, 'apply', '-f', '-')).code).toBe(0);
    await eventually(async () => {
      const p = await pods();
      return p.length === 2 && p.every(([, status]) => status === 'Running') && new Set(p.map(([, , node]) => node)).size === 2;
    }, 15_000, 'a ledger pod Running on each node');
    const [stranded] = (await pods()).find(([, , node]) => node === 'sim-worker-2')!;
    cluster.sim.stopKubelet('sim-worker-2');
    await eventually(async () => (await nodeStatus('sim-worker-2')) === 'NotReady', 20_000, 'sim-worker-2 NotReady');
    expect(await nodeStatus('sim-worker-1')).toBe('Ready');

    let described = '';
    await eventually(async () => {
      described = (await cluster.kubectl('describe', 'node', 'sim-worker-2')).stdout;
      return described.includes('unreachable:NoExecute');
    }, 10_000, 'the NoExecute taint');
    expect(described).toMatch(/^Taints:\s+node\.kubernetes\.io\/unreachable:NoExecute\n\s+node\.kubernetes\.io\/unreachable:NoSchedule\n/m);
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) {
      expect(described).toMatch(new RegExp(`^\\s+${type}\\s+Unknown\\s+.+\\s+NodeStatusUnknown\\s+Kubelet stopped posting node status\\.$`, 'm'));
    }
    expect(described).toMatch(/Normal\s+NodeNotReady\s+\S+\s+node-controller\s+Node sim-worker-2 status is now: NodeNotReady/);
    expect(described).toMatch(/Normal\s+RegisteredNode\s+\S+\s+node-controller\s+Node sim-worker-2 event: Registered Node sim-worker-2 in Controller/);

    // After the default toleration (300 s), the pod is evicted and replaced on the node that is Ready;
    // the evicted pod stays Terminating while its kubelet is down.
    await eventually(async () => {
      const p = await pods();
      const others = p.filter(([name]) => name !== stranded);
      return others.length === 2 && others.every(([, status, node]) => status === 'Running' && node === 'sim-worker-1')
        && p.some(([name, status, node]) => name === stranded && status === 'Terminating' && node === 'sim-worker-2');
    }, 30_000, 'the stranded pod Terminating and replaced on sim-worker-1');
    const events = (await cluster.kubectl('get', 'events', '--field-selector', `involvedObject.name=${stranded}`)).stdout;
    expect(events).toMatch(/Normal\s+TaintManagerEviction\s+pod\/\S+\s+Marking for deletion Pod default\//);
    expect(events).toMatch(/Warning\s+NodeNotReady\s+pod\/\S+\s+Node is not ready/);

    cluster.sim.startKubelet('sim-worker-2');
    await eventually(async () => (await nodeStatus('sim-worker-2')) === 'Ready', 10_000, 'sim-worker-2 Ready again');
    await eventually(async () => (await pods()).every(([name]) => name !== stranded), 10_000, 'the stranded pod gone');
    await eventually(async () => /^Taints:\s+<none>$/m.test((await cluster.kubectl('describe', 'node', 'sim-worker-2')).stdout), 10_000, 'the taints gone');
  }, 60_000);
});
