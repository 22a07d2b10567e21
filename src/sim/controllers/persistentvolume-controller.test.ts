import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { StatusError } from '../store/status-error.js';
import { type ControllerHarness, eventsAbout, runPod, startHarness } from './controllers.test-support.js';
import { DEFAULT_STORAGE_CLASS, createDefaultStorageClass } from './default-storage-class.js';
import { R, type Obj, mutable } from './kube.js';
import { RESYNC_MS } from './persistentvolume-controller.js';

const PVS = lookupResource('persistentvolumes')!;
const CLASSES = lookupResource('storageclasses.storage.k8s.io')!;

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function createClass(name: string, extra: Obj = {}): void {
  h.store.create(CLASSES, { metadata: { name }, provisioner: 'example.com/disk', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...extra });
}

function createClaim(name: string, spec: Obj = {}): KubeObject {
  return h.store.create(R.persistentvolumeclaims, {
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  }, { namespace: 'default' });
}

function claim(name: string): KubeObject {
  return h.store.get(R.persistentvolumeclaims, 'default', name);
}

function volume(name: string): KubeObject {
  return h.store.get(PVS, undefined, name);
}

function createVolume(name: string, storage: string, extra: Obj = {}, labels: Record<string, string> = {}): void {
  h.store.create(PVS, {
    metadata: { name, labels },
    spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: `/data/${name}` }, ...extra },
  });
}

function reasons(name: string): string[] {
  return eventsAbout(h.store, name).map((e) => e.reason);
}

function podUsing(claimName: string, name = 'app'): KubeObject {
  return h.store.create(R.pods, {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  }, { namespace: 'default' });
}

describe('PersistentVolume controller: provisioning', () => {
  it('provisions a claim of an Immediate class at once and binds both ways', () => {
    createClass('fast');
    const created = createClaim('data', { storageClassName: 'fast' });
    h.settle();
    expect(claim('data').status).toEqual({ phase: 'Pending' });
    h.advance(500);
    const pvName = `pvc-${created.metadata.uid!}`;
    const pv = volume(pvName);
    expect(pv.spec).toMatchObject({
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'fast',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: created.metadata.uid },
    });
    expect(pv.status).toMatchObject({ phase: 'Bound' });
    const bound = claim('data');
    expect(bound.spec).toMatchObject({ volumeName: pvName });
    expect(bound.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(bound.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'example.com/disk', 'volume.beta.kubernetes.io/storage-provisioner': 'example.com/disk',
    });
    expect(reasons('data')).toEqual(['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']);
    expect(eventsAbout(h.store, 'data')[2]!.message).toBe(`Successfully provisioned volume ${pvName}`);
  });

  it('waits for a first consumer, then provisions on the node its pod was placed on', () => {
    createDefaultStorageClass(h.store);
    createClaim('data');
    h.settle();
    expect(claim('data').spec).toMatchObject({ storageClassName: DEFAULT_STORAGE_CLASS.metadata.name });
    expect(claim('data').status).toEqual({ phase: 'Pending' });
    expect(eventsAbout(h.store, 'data')).toEqual([{ reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding', count: 1 }]);
    const pod = podUsing('data');
    h.advance(RESYNC_MS);
    expect(eventsAbout(h.store, 'data')).toContainEqual({ reason: 'WaitForPodScheduled', message: 'waiting for pod app to be scheduled', count: expect.any(Number) });
    runPod(h.store, pod, true, 'node-2', h.clock.now());
    h.advance(500);
    const bound = claim('data');
    expect(bound.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-2');
    expect(bound.status).toMatchObject({ phase: 'Bound' });
    expect(volume(String((bound.spec as Obj)['volumeName'])).spec).toMatchObject({
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }] }] } },
    });
  });

  it('leaves a claim of a missing class Pending with ProvisioningFailed, repeated on each resync', () => {
    createClaim('data', { storageClassName: 'gold' });
    h.settle();
    h.advance(RESYNC_MS);
    expect(claim('data').status).toEqual({ phase: 'Pending' });
    expect(eventsAbout(h.store, 'data')).toEqual([{ reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "gold" not found', count: 2 }]);
    createClass('gold');
    h.advance(500);
    expect(claim('data').status).toMatchObject({ phase: 'Bound' });
  });

  it('reports a claim without class and without default as FailedBinding', () => {
    createClaim('data');
    h.settle();
    expect(eventsAbout(h.store, 'data')).toEqual([
      { reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set', count: 1 },
    ]);
  });
});

describe('PersistentVolume controller: static binding and release', () => {
  it('binds the smallest Available volume that fits the claim and its selector', () => {
    createVolume('big', '10Gi', {}, { tier: 'a' });
    createVolume('small', '2Gi', {}, { tier: 'a' });
    createVolume('tiny', '500Mi', {}, { tier: 'a' });
    createVolume('other', '2Gi', {}, { tier: 'b' });
    createClaim('data', { storageClassName: 'manual', selector: { matchLabels: { tier: 'a' } } });
    h.settle();
    expect(claim('data').spec).toMatchObject({ volumeName: 'small' });
    expect(claim('data').status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    expect(volume('small').metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(volume('small').status).toMatchObject({ phase: 'Bound' });
    expect(volume('big').status).toMatchObject({ phase: 'Available' });
  });

  it('releases a volume whose claim is deleted: Retain keeps it Released, Delete removes it', () => {
    createVolume('kept', '1Gi', { persistentVolumeReclaimPolicy: 'Retain' });
    createClaim('first', { storageClassName: 'manual' });
    h.settle();
    createVolume('dropped', '1Gi', { persistentVolumeReclaimPolicy: 'Delete' });
    createClaim('second', { storageClassName: 'manual' });
    h.settle();
    expect([claim('first').spec?.['volumeName' as never], claim('second').spec?.['volumeName' as never]]).toEqual(['kept', 'dropped']);
    h.store.delete(R.persistentvolumeclaims, 'default', 'first');
    h.store.delete(R.persistentvolumeclaims, 'default', 'second');
    h.settle();
    expect(volume('kept').status).toMatchObject({ phase: 'Released' });
    expect(() => volume('dropped')).toThrow(/not found/);
  });
});

describe('PersistentVolume controller: expansion', () => {
  function grow(name: string, storage: string): void {
    const next = mutable(claim(name));
    (next['spec'] as Obj)['resources'] = { requests: { storage } };
    h.store.update(R.persistentvolumeclaims, next, { namespace: 'default', name });
  }

  it('grows the volume, then the claim once a running pod mounts it', () => {
    createClass('fast', { allowVolumeExpansion: true });
    createClaim('data', { storageClassName: 'fast' });
    h.advance(500);
    const pvName = String((claim('data').spec as Obj)['volumeName']);
    h.advance(1000);
    grow('data', '2Gi');
    h.settle();
    expect(claim('data').status).toMatchObject({
      capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' }, conditions: [{ type: 'Resizing', status: 'True' }],
    });
    h.advance(1000);
    expect(volume(pvName).spec).toMatchObject({ capacity: { storage: '2Gi' } });
    expect(claim('data').status).toMatchObject({ capacity: { storage: '1Gi' }, conditions: [{ type: 'FileSystemResizePending' }] });
    runPod(h.store, podUsing('data'), true, 'node-1', h.clock.now());
    h.advance(1000);
    expect(claim('data').status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' }, allocatedResources: { storage: '2Gi' } });
    expect(reasons('data')).toEqual(expect.arrayContaining(['Resizing', 'FileSystemResizeRequired', 'FileSystemResizeSuccessful']));
  });

  it('refuses to grow a claim whose class does not allow expansion', () => {
    createClass('fixed');
    createClaim('data', { storageClassName: 'fixed' });
    h.advance(500);
    let refused: unknown;
    try {
      grow('data', '2Gi');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(StatusError);
    expect((refused as StatusError).status).toMatchObject({
      code: 403, reason: 'Forbidden',
      message: 'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    });
  });
});
