import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ControllerHarness, eventsAbout, pods, runPod, startHarness } from './controllers.test-support.js';
import { R, type Obj, mutable } from './kube.js';

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function createStatefulSet(replicas: number, policy: 'OrderedReady' | 'Parallel' = 'OrderedReady'): void {
  h.store.create(R.statefulsets, {
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      replicas, serviceName: 'db', podManagementPolicy: policy, selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  }, { namespace: 'default' });
}

function names(): string[] {
  return pods(h.store).map((p) => p.metadata.name).sort();
}

function readyAll(): void {
  for (const pod of pods(h.store)) if (!(pod.status as Obj)['podIP']) runPod(h.store, pod, true, 'node-1', h.clock.now());
  h.settle();
}

describe('StatefulSet controller', () => {
  it('creates ordinal pods one at a time, each after the previous is Running and Ready, with their claims', () => {
    createStatefulSet(3);
    h.settle();
    expect(names()).toEqual(['db-0']);
    const pod = h.store.get(R.pods, 'default', 'db-0');
    expect(pod.metadata.labels).toMatchObject({ app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(pod.metadata.labels?.['controller-revision-hash']).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(pod.spec).toMatchObject({ hostname: 'db-0', subdomain: 'db', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }] });
    const claim = h.store.get(R.persistentvolumeclaims, 'default', 'data-db-0');
    expect(claim.metadata.labels).toEqual({ app: 'db' });
    readyAll();
    expect(names()).toEqual(['db-0', 'db-1']);
    readyAll();
    readyAll();
    expect(names()).toEqual(['db-0', 'db-1', 'db-2']);
    expect(h.store.list(R.persistentvolumeclaims, { namespace: 'default' }).items.map((c) => c.metadata.name).sort()).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    expect(eventsAbout(h.store, 'db').map((e) => e.message)).toEqual(expect.arrayContaining([
      'create Claim data-db-0 Pod db-0 in StatefulSet db success', 'create Pod db-0 in StatefulSet db successful',
    ]));
    expect(h.store.get(R.statefulsets, 'default', 'db').status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 });
  });

  it('scales down from the highest ordinal and keeps the claims', () => {
    createStatefulSet(3, 'Parallel');
    h.settle();
    expect(names()).toEqual(['db-0', 'db-1', 'db-2']);
    readyAll();
    const sts = mutable(h.store.get(R.statefulsets, 'default', 'db'));
    (sts['spec'] as Obj)['replicas'] = 1;
    h.store.update(R.statefulsets, sts, { namespace: 'default', name: 'db' });
    h.settle();
    expect(names()).toEqual(['db-0']);
    expect(eventsAbout(h.store, 'db').map((e) => e.message)).toContain('delete Pod db-2 in StatefulSet db successful');
    expect(h.store.list(R.persistentvolumeclaims, { namespace: 'default' }).items).toHaveLength(3);
  });
});
