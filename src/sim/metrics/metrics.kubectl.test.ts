/**
 * The resource metrics API of the simulated cluster through the real kubectl: `kubectl top pods`
 * (with and without `--containers`), `kubectl top nodes`, and the raw NodeMetrics / PodMetrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterKubectl, type KubectlResult, eventually, startClusterKubectl } from '../api/kubectl.test-support.js';
import { RealClock } from '../clock.js';
import { SYSTEM_CPU_MILLIS, SYSTEM_MEMORY_BYTES } from '../kubelet/usage.js';

let cluster: ClusterKubectl | undefined;
const kubectl = (input: string | undefined, ...args: string[]): Promise<KubectlResult> =>
  input === undefined ? cluster!.kubectl(...args) : cluster!.kubectlIn(input, ...args);

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: worker, namespace: shop, labels: {app: worker}}
spec:
  containers:
  - name: crunch
    image: polinux/stress:1.0.4
    command: [stress, --cpu, "2", --vm, "1", --vm-bytes, 48M]
    resources: {limits: {cpu: 500m, memory: 128Mi}}
  - name: sidecar
    image: busybox:1.36
    command: [sleep, infinity]
`;

beforeAll(async () => {
  cluster = await startClusterKubectl({ nodes: 1, clock: new RealClock(20) });
  const applied = await kubectl(MANIFEST, 'apply', '-f', '-');
  expect(applied.code, applied.stderr).toBe(0);
  await eventually(async () => {
    const r = await kubectl(undefined, 'get', 'pods', '-n', 'shop', '--no-headers');
    const lines = r.stdout.trim().split('\n');
    return lines.length === 3 && lines.every((l) => /\sRunning\s/.test(l));
  }, 20_000, 'three pods Running');
}, 40_000);
afterAll(async () => {
  await cluster?.close();
});

/** The rows of a `kubectl top` table, split into cells. */
function rows(stdout: string): string[][] {
  return stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
}

const millis = (cell: string) => (cell.endsWith('m') ? Number(cell.slice(0, -1)) : Number(cell) * 1000);
const mebibytes = (cell: string) => Number(cell.replace(/Mi$/, ''));

describe('kubectl top', () => {
  it('shows each pod\'s CPU and memory, a busy pod throttled at its CPU limit', async () => {
    const r = await kubectl(undefined, 'top', 'pods', '-n', 'shop');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...body] = rows(r.stdout);
    expect(header).toEqual(['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    const worker = body.find((row) => row[0] === 'worker')!;
    // stress spins two cores; the 500m limit throttles it, the sidecar idles at a few millicores.
    expect(millis(worker[1]!)).toBeGreaterThan(500);
    expect(millis(worker[1]!)).toBeLessThan(510);
    expect(mebibytes(worker[2]!)).toBeGreaterThanOrEqual(45);
    const web = body.filter((row) => row[0]!.startsWith('web-'));
    expect(web).toHaveLength(2);
    for (const row of web) expect(millis(row[1]!)).toBeLessThan(10);
  });

  it('splits a pod into its containers with --containers', async () => {
    const r = await kubectl(undefined, 'top', 'pods', 'worker', '-n', 'shop', '--containers');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...body] = rows(r.stdout);
    expect(header).toEqual(['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(body.map((row) => [row[0], row[1], row[2]])).toEqual([['worker', 'crunch', '500m'], ['worker', 'sidecar', '1m']]);
  });

  it('filters pods by label and refuses a pod that does not exist', async () => {
    const r = await kubectl(undefined, 'top', 'pods', '-n', 'shop', '-l', 'app=web', '--no-headers');
    expect(rows(r.stdout).map((row) => row[0]!.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''))).toEqual(['web', 'web']);
    const missing = await kubectl(undefined, 'top', 'pod', 'absent', '-n', 'shop');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('pods "absent" not found');
  });

  it('shows the node as the sum of its pods and the system\'s share, against allocatable', async () => {
    const pods = rows((await kubectl(undefined, 'top', 'pods', '-A', '--no-headers')).stdout);
    const r = await kubectl(undefined, 'top', 'nodes');
    expect(r.code, r.stderr).toBe(0);
    const [header, node] = rows(r.stdout);
    expect(header).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    expect(node![0]).toBe('sim-worker-1');
    const podCpu = pods.reduce((sum, row) => sum + millis(row[2]!), 0);
    expect(millis(node![1]!)).toBe(podCpu + SYSTEM_CPU_MILLIS);
    // 4 allocatable cores by default.
    expect(node![2]).toBe(`${Math.floor((millis(node![1]!) / 4000) * 100)}%`);
    expect(mebibytes(node![3]!)).toBeGreaterThan(SYSTEM_MEMORY_BYTES / 2 ** 20);
  });

  it('serves NodeMetrics and PodMetrics as metrics-server writes them', async () => {
    const raw = await kubectl(undefined, 'get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/worker');
    const metrics = JSON.parse(raw.stdout) as Record<string, unknown>;
    expect(metrics).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', window: '15s', metadata: { name: 'worker', namespace: 'shop', labels: { app: 'worker' } } });
    expect(metrics['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((metrics['containers'] as { usage: { cpu: string } }[])[0]!.usage.cpu).toBe('500m');
    const nodes = JSON.parse((await kubectl(undefined, 'get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes')).stdout) as { kind: string; items: { metadata: { name: string } }[] };
    expect(nodes.kind).toBe('NodeMetricsList');
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['sim-worker-1']);
    const resources = await kubectl(undefined, 'api-resources', '--api-group=metrics.k8s.io', '--no-headers');
    expect(rows(resources.stdout).map((row) => [row[0], row.at(-1)])).toEqual([['nodes', 'NodeMetrics'], ['pods', 'PodMetrics']]);
    const table = await kubectl(undefined, 'get', 'podmetrics', '-n', 'shop', 'worker');
    expect(rows(table.stdout)[0]).toEqual(['NAME', 'CPU', 'MEMORY', 'WINDOW']);
  });
});
