import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { type ControllerHarness, eventsAbout, pods, runPod, startHarness } from './controllers.test-support.js';
import { R, type Obj, conditionOf, mutable, specOf } from './kube.js';

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

const HASHED = /^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/;

function createDeployment(extra: Obj = {}, image = 'nginx:1.27'): void {
  h.store.create(R.deployments, {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
      ...extra,
    },
  }, { namespace: 'default' });
}

function deployment(): KubeObject {
  return h.store.get(R.deployments, 'default', 'web');
}

function status(): Obj {
  return deployment().status as Obj;
}

function replicaSets(): KubeObject[] {
  return h.store.list(R.replicasets, { namespace: 'default' }).items;
}

function editDeployment(change: (d: Obj) => void): void {
  const d = mutable(deployment());
  change(d);
  h.store.update(R.deployments, d, { namespace: 'default', name: 'web' });
}

function setImage(image: string): void {
  editDeployment((d) => { (((specOf(d as unknown as KubeObject)['template'] as Obj)['spec'] as Obj)['containers'] as Obj[])[0]!['image'] = image; });
}

/** Marks every pending pod Running and Ready (the kubelet's part), then lets the controllers react, until stable. */
function readyAll(): void {
  for (let i = 0; i < 20; i++) {
    h.settle();
    const waiting = pods(h.store).filter((p) => !(p.status as Obj)['podIP']);
    if (waiting.length === 0) return;
    for (const pod of waiting) runPod(h.store, pod, true, 'node-1', h.clock.now());
  }
}

describe('Deployment controller', () => {
  it('creates a hashed ReplicaSet with revision annotations and reports NewReplicaSetCreated then progress', () => {
    createDeployment();
    h.settle();
    const [rs] = replicaSets();
    expect(rs!.metadata.name).toMatch(HASHED);
    const hash = rs!.metadata.name.slice('web-'.length);
    expect(rs!.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4',
    });
    expect((specOf(rs!)['selector'] as Obj)['matchLabels']).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, blockOwnerDeletion: true });
    expect(pods(h.store).map((p) => p.metadata.name).every((n) => n.startsWith(`${rs!.metadata.name}-`))).toBe(true);
    expect(eventsAbout(h.store, 'web')).toContainEqual({ reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs!.metadata.name} to 3 from 0`, count: 1 });
    expect(deployment().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(conditionOf(status(), 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    expect(conditionOf(status(), 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs!.metadata.name}" is progressing.` });
    readyAll();
    expect(status()).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(status()['unavailableReplicas']).toBeUndefined();
    expect(conditionOf(status(), 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(conditionOf(status(), 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs!.metadata.name}" has successfully progressed.` });
  });

  it('rolls out a new template within maxSurge and maxUnavailable and keeps the old ReplicaSet at zero', () => {
    createDeployment({ replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
    readyAll();
    const [first] = replicaSets();
    setImage('nginx:1.28');
    h.settle();
    const second = replicaSets().find((rs) => rs.metadata.uid !== first!.metadata.uid)!;
    // 25% of 4: surge 1 (rounded up), unavailable 1 (rounded down): 5 pods at most, 3 available at least.
    // The new set gets the surge (1), one old replica may go (old 3), which frees room for one more new.
    expect(specOf(second)['replicas']).toBe(2);
    expect(specOf(h.store.get(R.replicasets, 'default', first!.metadata.name))['replicas']).toBe(3);
    expect(second.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    let maxPods = 0;
    for (let i = 0; i < 20; i++) {
      maxPods = Math.max(maxPods, pods(h.store).length);
      const pending = pods(h.store).filter((p) => !(p.status as Obj)['podIP']);
      if (pending.length === 0) break;
      runPod(h.store, pending[0]!, true, 'node-1', h.clock.now());
      h.settle();
    }
    readyAll();
    expect(maxPods).toBeLessThanOrEqual(5);
    expect(specOf(h.store.get(R.replicasets, 'default', first!.metadata.name))['replicas']).toBe(0);
    expect(replicaSets()).toHaveLength(2);
    expect(status()).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(conditionOf(status(), 'Progressing')?.['reason']).toBe('NewReplicaSetAvailable');
    expect(eventsAbout(h.store, 'web').map((e) => e.message)).toContain(`Scaled down replica set ${first!.metadata.name} to 0 from 1`);
  });

  it('rollout undo (template back to revision 1) reuses the first ReplicaSet with the next revision', () => {
    createDeployment();
    readyAll();
    const [first] = replicaSets();
    setImage('nginx:1.28');
    readyAll();
    setImage('nginx:1.27');
    readyAll();
    expect(replicaSets()).toHaveLength(2);
    const reused = h.store.get(R.replicasets, 'default', first!.metadata.name);
    expect(reused.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(specOf(reused)['replicas']).toBe(3);
    expect(deployment().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('Recreate scales the old ReplicaSet to zero and starts new pods only once the old ones are gone', () => {
    createDeployment({ strategy: { type: 'Recreate' } });
    readyAll();
    const [first] = replicaSets();
    setImage('nginx:1.28');
    h.settle();
    expect(specOf(h.store.get(R.replicasets, 'default', first!.metadata.name))['replicas']).toBe(0);
    readyAll();
    const second = replicaSets().find((rs) => rs.metadata.uid !== first!.metadata.uid)!;
    expect(specOf(second)['replicas']).toBe(3);
    expect(pods(h.store).every((p) => p.metadata.name.startsWith(second.metadata.name))).toBe(true);
  });

  it('a scale change resizes the ReplicaSet and records the event', () => {
    createDeployment();
    readyAll();
    editDeployment((d) => { (d['spec'] as Obj)['replicas'] = 5; });
    readyAll();
    const [rs] = replicaSets();
    expect(specOf(rs!)['replicas']).toBe(5);
    expect(rs!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect(eventsAbout(h.store, 'web').map((e) => e.message)).toContain(`Scaled up replica set ${rs!.metadata.name} to 5 from 3`);
    expect(status()).toMatchObject({ replicas: 5, availableReplicas: 5 });
  });

  it('reports ProgressDeadlineExceeded when pods never become ready within progressDeadlineSeconds', () => {
    createDeployment({ progressDeadlineSeconds: 60 });
    h.settle();
    const [rs] = replicaSets();
    h.advance(59_000);
    expect(conditionOf(status(), 'Progressing')?.['reason']).toBe('ReplicaSetUpdated');
    h.advance(3_000);
    expect(conditionOf(status(), 'Progressing')).toMatchObject({
      status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs!.metadata.name}" has timed out progressing.`,
    });
  });

  it('does not roll out while paused, and says so in the Progressing condition', () => {
    createDeployment();
    readyAll();
    editDeployment((d) => { (d['spec'] as Obj)['paused'] = true; });
    h.settle();
    setImage('nginx:1.28');
    h.settle();
    expect(replicaSets()).toHaveLength(1);
    expect(conditionOf(status(), 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    editDeployment((d) => { (d['spec'] as Obj)['paused'] = false; });
    h.settle();
    expect(replicaSets()).toHaveLength(2);
  });

  it('a restart annotation on the template creates a new ReplicaSet', () => {
    createDeployment();
    readyAll();
    editDeployment((d) => {
      const tmeta = ((d['spec'] as Obj)['template'] as Obj)['metadata'] as Obj;
      tmeta['annotations'] = { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:05:00Z' };
    });
    readyAll();
    const sets = replicaSets();
    expect(sets).toHaveLength(2);
    expect(sets.map((rs) => specOf(rs)['replicas']).sort()).toEqual([0, 3]);
  });

  it('copies the new ReplicaSet\'s ReplicaFailure condition onto the deployment', () => {
    h.store.create(R.namespaces, { metadata: { name: 'shop' } });
    h.store.create(R.deployments, {
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    }, { namespace: 'shop' });
    h.settle();
    // Pods can no longer be created (the namespace is terminating) once the ReplicaSet exists.
    const rs = h.store.list(R.replicasets, { namespace: 'shop' }).items[0]!;
    for (const pod of pods(h.store, 'shop')) h.store.delete(R.pods, 'shop', pod.metadata.name);
    h.store.delete(R.namespaces, undefined, 'shop');
    h.settle();
    const d = h.store.get(R.deployments, 'shop', 'web').status as Obj;
    expect(conditionOf(d, 'ReplicaFailure')).toMatchObject({
      status: 'True', reason: 'FailedCreate', message: expect.stringContaining('because it is being terminated'),
    });
    expect(rs.metadata.name).toMatch(HASHED);
  });
});
