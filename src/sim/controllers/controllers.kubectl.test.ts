/**
 * The controllers driven by the real kubectl (v1.32 on PATH) over HTTP, on a real clock: create,
 * scale, set image, rollout status, history and undo, and a progress deadline, with a stand-in
 * kubelet that marks the `app=web` pods Running and Ready through the store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealClock } from '../clock.js';
import { type SimKubectl, eventually, startSimKubectl } from '../api/kubectl.test-support.js';
import { type RunningControllers, startControllers } from './index.js';
import { runPod } from './controllers.test-support.js';
import { R, type Obj } from './kube.js';

let sim: SimKubectl;
let controllers: RunningControllers;
let kubelet: NodeJS.Timeout;
const kubectl = (...args: string[]) => sim.kubectl(args);

beforeEach(async () => {
  sim = await startSimKubectl();
  controllers = startControllers({ store: sim.store, clock: new RealClock() });
});
afterEach(async () => {
  clearInterval(kubelet);
  controllers.stop();
  await sim.close();
});

/** Marks every `app=web` pod that has no IP yet Running and Ready, every 50 ms (the kubelet's part). */
function startKubelet(): void {
  kubelet = setInterval(() => {
    for (const pod of sim.store.list(R.pods, { namespace: 'default', labelSelector: 'app=web' }).items) {
      if ((pod.status as Obj | undefined)?.['podIP'] || pod.metadata.deletionTimestamp) continue;
      try {
        runPod(sim.store, pod, true);
      } catch {
        // Deleted or changed meanwhile: the next tick sees it again.
      }
    }
  }, 50);
}

function podNames(): string[] {
  return sim.store.list(R.pods, { namespace: 'default' }).items.map((p) => p.metadata.name);
}

describe('controllers with kubectl', () => {
  it('create, get, rollout status, scale, set image, rollout undo, and a progress deadline', async () => {
    const created = await kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3');
    expect(created.stdout).toBe('deployment.apps/web created\n');
    await eventually(() => podNames().length === 3, 5_000, 'three pods');
    const listed = await kubectl('get', 'rs,pods');
    expect(listed.code).toBe(0);
    const rsName = /^replicaset\.apps\/(web-[bcdfghjklmnpqrstvwxz2456789]+)\s+3\s+3\s+0\s/m.exec(listed.stdout)?.[1];
    expect(rsName, listed.stdout).toBeDefined();
    const podRows = listed.stdout.split('\n').filter((l) => l.startsWith('pod/'));
    expect(podRows).toHaveLength(3);
    for (const row of podRows) expect(row).toMatch(new RegExp(`^pod/${rsName!}-[bcdfghjklmnpqrstvwxz2456789]{5}\\s`));

    startKubelet();
    const status = await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');

    const scaled = await kubectl('scale', 'deployment', 'web', '--replicas=5');
    expect(scaled.stdout).toBe('deployment.apps/web scaled\n');
    expect((await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).code).toBe(0);
    await eventually(() => podNames().length === 5, 5_000, 'five pods');

    const setImage = await kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.28');
    expect(setImage.stdout).toBe('deployment.apps/web image updated\n');
    const rolled = await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toContain('deployment "web" successfully rolled out');
    const sets = sim.store.list(R.replicasets, { namespace: 'default' }).items;
    expect(sets).toHaveLength(2);
    const second = sets.find((rs) => rs.metadata.name !== rsName)!;
    expect((second.spec as Obj)['replicas']).toBe(5);
    expect(((await kubectl('get', 'rs', rsName!, '-o', 'jsonpath={.spec.replicas}'))).stdout).toBe('0');

    const history = await kubectl('rollout', 'history', 'deployment/web');
    expect(history.stdout).toMatch(/^1\s+<none>$/m);
    expect(history.stdout).toMatch(/^2\s+<none>$/m);

    const undo = await kubectl('rollout', 'undo', 'deployment/web', '--to-revision=1');
    expect(undo.stdout).toBe('deployment.apps/web rolled back\n');
    expect((await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).code).toBe(0);
    const first = sim.store.get(R.replicasets, 'default', rsName!);
    expect(first.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect((first.spec as Obj)['replicas']).toBe(5);
    await eventually(() => podNames().length === 5 && podNames().every((n) => n.startsWith(`${rsName!}-`)), 10_000, 'pods of revision 1 only');
    const image = await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    expect(image.stdout).toBe('nginx:1.27');

    // A rollout whose pods never get ready (the stand-in kubelet only serves the web pods) times out.
    const manifest = sim.file('slow.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  replicas: 2
  progressDeadlineSeconds: 1
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers:
      - name: checkout
        image: nginx:1.27
`);
    expect((await kubectl('apply', '-f', manifest)).code).toBe(0);
    const stalled = await kubectl('rollout', 'status', 'deployment/checkout', '--timeout=15s');
    expect(stalled.code).toBe(1);
    expect(stalled.stderr).toContain('error: deployment "checkout" exceeded its progress deadline');
    const described = await kubectl('describe', 'deployment', 'checkout');
    expect(described.stdout).toMatch(/Progressing\s+False\s+ProgressDeadlineExceeded/);
  }, 60_000);
});
