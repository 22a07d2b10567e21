/**
 * The simulated kubelets behind the simulated API server, seen through the real kubectl: a bound
 * pod turns Running 1/1, a crashing one shows CrashLoopBackOff with growing RESTARTS.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealClock } from '../clock.js';
import { type SimKubectl, eventually, startSimKubectl } from '../api/kubectl.test-support.js';
import { type Kubelets, startKubelets } from './index.js';

/** Fast enough that a 40 s back-off takes under 1.5 real seconds. */
const clock = new RealClock(30);

let sim: SimKubectl;
let kubelets: Kubelets;

beforeEach(async () => {
  sim = await startSimKubectl({ storeOptions: { now: () => clock.now(), bookmarkIntervalMs: 0 } });
  kubelets = startKubelets({ store: sim.store, clock });
});
afterEach(async () => {
  kubelets.stop();
  await sim.close();
});

const MANIFEST = `apiVersion: v1
kind: Node
metadata:
  name: worker-1
  labels: {kubernetes.io/hostname: worker-1}
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  nodeName: worker-1
  containers:
  - name: app
    image: nginx:1.27
    readinessProbe:
      httpGet: {path: /, port: 80}
      periodSeconds: 5
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: shop
spec:
  nodeName: worker-1
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "echo connecting to queue; exit 1"]
`;

/** The row of a pod in `kubectl get pods`: [NAME, READY, STATUS, RESTARTS…]. */
async function row(name: string): Promise<string[]> {
  const r = await sim.kubectl(['get', 'pods', '-n', 'shop', '--no-headers']);
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
  return line.trim().split(/\s+/);
}

describe('kubelet seen through kubectl', () => {
  it('shows a bound nginx pod Running 1/1, and a crashing pod in CrashLoopBackOff with RESTARTS growing', async () => {
    const applied = await sim.kubectl(['apply', '-f', '-'], MANIFEST);
    expect(applied.code, applied.stderr).toBe(0);

    await eventually(async () => {
      const [, ready, status] = await row('web');
      return ready === '1/1' && status === 'Running';
    }, 10_000, 'web Running 1/1');

    await eventually(async () => (await row('worker'))[2] === 'CrashLoopBackOff', 10_000, 'worker CrashLoopBackOff');
    const first = Number((await row('worker'))[3]);
    await eventually(async () => Number((await row('worker'))[3]) > first, 10_000, 'RESTARTS to grow');

    const described = await sim.kubectl(['describe', 'pod', 'worker', '-n', 'shop']);
    expect(described.stdout).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff\n\s+Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
    expect(described.stdout).toContain('Back-off restarting failed container app in pod worker_shop(');
    const nodes = await sim.kubectl(['get', 'nodes', '--no-headers']);
    expect(nodes.stdout).toMatch(/^worker-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.0/);
    expect(kubelets.logs('shop', 'worker', 'app', true)).toBe('connecting to queue\n');
  }, 40_000);
});
