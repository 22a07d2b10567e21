/**
 * Graceful pod deletion through the real kubectl: `kubectl delete pod` waits until the kubelet has
 * stopped the containers and removed the pod; with the node's kubelet stopped the pod shows
 * Terminating until `kubectl delete --grace-period=0 --force` removes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterKubectl, eventually, startClusterKubectl } from '../api/kubectl.test-support.js';
import { RealClock } from '../clock.js';
import { lookupResource } from '../resources.js';

/** 30 simulated seconds a real one: a 45 s grace period passes in 1.5 s. */
const SPEED = 30;
const PODS = lookupResource('pods')!;

let cluster: ClusterKubectl;
beforeAll(async () => {
  cluster = await startClusterKubectl({ nodes: 1, clock: new RealClock(SPEED) });
});
afterAll(async () => {
  await cluster.close();
});

function manifest(name: string, image: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  terminationGracePeriodSeconds: 45
  containers: [{name: app, image: "${image}"${extra}}]
`;
}

async function statusColumn(name: string): Promise<string | undefined> {
  const out = await cluster.kubectl('get', 'pod', name, '--no-headers');
  return out.code === 0 ? out.stdout.trim().split(/\s+/)[2] : undefined;
}

function stored(name: string): boolean {
  return cluster.sim.store.list(PODS, { namespace: 'default' }).items.some((p) => p.metadata.name === name);
}

describe('graceful pod deletion through kubectl', () => {
  it('kubectl delete pod returns once the kubelet has killed the container after its grace period and removed the pod', async () => {
    // `sleep` ignores SIGTERM: the pod goes only when SIGKILL comes, 45 simulated seconds later.
    expect((await cluster.kubectlIn(manifest('batch', 'busybox:1.36', ', command: [sleep, "3600"]'), 'apply', '-f', '-')).code).toBe(0);
    await eventually(async () => (await statusColumn('batch')) === 'Running', 15_000, 'batch Running');
    const started = cluster.sim.clock.now().getTime();
    const deleted = await cluster.kubectl('delete', 'pod', 'batch');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe('pod "batch" deleted\n');
    expect(stored('batch')).toBe(false);
    expect(cluster.sim.clock.now().getTime() - started).toBeGreaterThanOrEqual(45_000);
  }, 30_000);

  it('shows Terminating while the node\'s kubelet is stopped, until a forced delete removes the pod', async () => {
    expect((await cluster.kubectlIn(manifest('api', 'nginx:1.27'), 'apply', '-f', '-')).code).toBe(0);
    await eventually(async () => (await statusColumn('api')) === 'Running', 15_000, 'api Running');
    cluster.sim.stopKubelet('sim-worker-1');
    try {
      const marked = await cluster.kubectl('delete', 'pod', 'api', '--wait=false');
      expect(marked.stdout).toBe('pod "api" deleted\n');
      // Two grace periods later, nothing has confirmed the deletion.
      const until = cluster.sim.clock.now().getTime() + 90_000;
      await eventually(() => cluster.sim.clock.now().getTime() >= until, 10_000, '90 simulated seconds');
      expect(await statusColumn('api')).toBe('Terminating');

      const forced = await cluster.kubectl('delete', 'pod', 'api', '--grace-period=0', '--force');
      expect(forced.code).toBe(0);
      expect(forced.stderr).toContain('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.');
      expect(forced.stdout).toBe('pod "api" force deleted\n');
      expect(stored('api')).toBe(false);
    } finally {
      cluster.sim.startKubelet('sim-worker-1');
    }
  }, 30_000);
});
