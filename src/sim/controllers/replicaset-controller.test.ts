import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ControllerHarness, eventsAbout, pods, runPod, startHarness } from './controllers.test-support.js';
import { R, type Obj, mutable } from './kube.js';

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function createReplicaSet(name: string, replicas: number, minReadySeconds = 0): void {
  h.store.create(R.replicasets, {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas, minReadySeconds, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  }, { namespace: 'default' });
}

function status(name: string): Obj {
  return h.store.get(R.replicasets, 'default', name).status as Obj;
}

function scale(name: string, replicas: number): void {
  const rs = mutable(h.store.get(R.replicasets, 'default', name));
  (rs['spec'] as Obj)['replicas'] = replicas;
  h.store.update(R.replicasets, rs, { namespace: 'default', name });
}

describe('ReplicaSet controller', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet, and records SuccessfulCreate', () => {
    createReplicaSet('api', 3);
    h.settle();
    const owned = pods(h.store);
    expect(owned).toHaveLength(3);
    const rs = h.store.get(R.replicasets, 'default', 'api');
    for (const pod of owned) {
      expect(pod.metadata.name).toMatch(/^api-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.labels).toEqual({ app: 'api', tier: 'web' });
      expect(pod.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const created = eventsAbout(h.store, 'api').filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message).sort();
    expect(created).toEqual(owned.map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(status('api')).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    expect(status('api')['readyReplicas']).toBeUndefined();
  });

  it('counts ready pods, and available ones only after minReadySeconds on the clock', () => {
    createReplicaSet('api', 2, 30);
    h.settle();
    for (const pod of pods(h.store)) runPod(h.store, pod, true, 'node-1', h.clock.now());
    h.settle();
    expect(status('api')).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(status('api')['availableReplicas']).toBeUndefined();
    h.advance(29_000);
    expect(status('api')['availableReplicas']).toBeUndefined();
    h.advance(1_000);
    expect(status('api')['availableReplicas']).toBe(2);
  });

  it('deletes unscheduled and not-ready pods before ready ones when scaled down', () => {
    createReplicaSet('api', 4);
    h.settle();
    const [a, b, c, d] = pods(h.store);
    runPod(h.store, a!, true);
    runPod(h.store, b!, true);
    runPod(h.store, c!, false);
    h.settle();
    scale('api', 2);
    h.settle();
    expect(pods(h.store).map((p) => p.metadata.name).sort()).toEqual([a!.metadata.name, b!.metadata.name].sort());
    const deleted = eventsAbout(h.store, 'api').filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message).sort();
    expect(deleted).toEqual([`Deleted pod: ${c!.metadata.name}`, `Deleted pod: ${d!.metadata.name}`].sort());
    expect(status('api')).toMatchObject({ replicas: 2, readyReplicas: 2, observedGeneration: 2 });
  });

  it('replaces a deleted pod, and adopts a matching orphan instead of creating one', () => {
    createReplicaSet('api', 2);
    h.settle();
    const [first] = pods(h.store);
    h.store.delete(R.pods, 'default', first!.metadata.name);
    h.settle();
    const afterReplace = pods(h.store).map((p) => p.metadata.name);
    expect(afterReplace).toHaveLength(2);
    expect(afterReplace).not.toContain(first!.metadata.name);
    h.store.delete(R.pods, 'default', afterReplace[0]!);
    h.store.create(R.pods, { metadata: { name: 'stray', namespace: 'default', labels: { app: 'api' } }, spec: { containers: [{ name: 'x', image: 'nginx' }] } }, { namespace: 'default' });
    h.settle();
    const names = pods(h.store).map((p) => p.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).toContain('stray');
    expect(h.store.get(R.pods, 'default', 'stray').metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: 'api', controller: true });
    expect(status('api')).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1 });
  });
});

describe('ReplicaSet controller failures', () => {
  it('reports pods the apiserver refuses in the ReplicaFailure condition, and retries later', () => {
    h.store.create(R.namespaces, { metadata: { name: 'shop' } });
    h.store.create(R.replicasets, {
      metadata: { name: 'api', namespace: 'shop' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'api' } },
        template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'nginx:1.27' }] } },
      },
    }, { namespace: 'shop' });
    // The namespace is terminating before the controller's first pass: every pod create is Forbidden.
    h.store.delete(R.namespaces, undefined, 'shop');
    h.settle();
    expect(pods(h.store, 'shop')).toHaveLength(0);
    const conditions = h.store.get(R.replicasets, 'shop', 'api').status as Obj;
    expect(conditions['conditions']).toEqual([{
      type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'FailedCreate',
      message: expect.stringContaining('unable to create new content in namespace shop because it is being terminated'),
    }]);
    h.advance(10_000);
    expect(pods(h.store, 'shop')).toHaveLength(0);
    expect((h.store.get(R.replicasets, 'shop', 'api').status as Obj)['conditions']).toHaveLength(1);
  });
});
