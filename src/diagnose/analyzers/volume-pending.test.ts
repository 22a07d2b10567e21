import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, event, graphOf, node, pod, replicaSet, deployment } from '../../../test/k8s.js';
import { groupIncidents } from '../incidents.js';
import { pendingAnalyzer } from './pending.js';
import { volumePendingAnalyzer } from './volume-pending.js';

function claim(name: string, spec: Record<string, unknown>, over: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: ago(30), ...(over['metadata'] as object ?? {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem', ...spec },
    status: { phase: 'Pending' },
  };
}

function storageClass(name: string, over: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...over };
}

function volume(name: string, spec: Record<string, unknown>, phase = 'Available'): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '20Gi' }, persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/mnt/data' }, ...spec }, status: { phase } };
}

function consumer(name: string, claimName: string, scheduled = false): KubeObject {
  return pod('shop', name, {
    metadata: { creationTimestamp: ago(30) },
    spec: { ...(scheduled ? {} : { nodeName: undefined }), volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
    status: scheduled ? {} : { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }], containerStatuses: undefined },
  });
}

describe('volumePendingAnalyzer: claims', () => {
  it('names a claim without class, default or volume, and groups the waiting pod with it', () => {
    const c = claim('data-ledger-0', { storageClassName: '' });
    const p = consumer('ledger-0', 'data-ledger-0');
    const bind = event(c, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', { count: 122 });
    const sched = event(p, 'Warning', 'FailedScheduling', '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    const graph = graphOf([node('node-1'), c, p, bind, sched]);
    const [f] = volumePendingAnalyzer.analyze(graph);
    expect(f?.rootCause.category).toBe('no-storage-class');
    expect(f?.severity).toBe('critical');
    expect(f?.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f?.evidence.map((e) => e.quote).join('\n')).toContain('no storage class is set');
    expect(f?.fixes).toEqual([]);
    const incidents = groupIncidents([...pendingAnalyzer.analyze(graph), f!], graph);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.cause.mode).toBe('VolumePending');
    expect(incidents[0]!.symptoms.map((s) => s.rootCause.category)).toEqual(['pvc-unbound']);
  });

  it('proposes recreating a claim that names a missing class with the default class', () => {
    const c = claim('uploads', { storageClassName: 'fast' });
    const failed = event(c, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast" not found', { count: 9 });
    const standard = storageClass('standard', { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } });
    const [f] = volumePendingAnalyzer.analyze(graphOf([c, failed, standard, storageClass('archive')]));
    expect(f?.rootCause.category).toBe('no-storage-class');
    expect(f?.severity).toBe('warning');
    const plan = f?.fixes[0];
    expect(plan?.verb).toBe('apply');
    expect((plan?.change as { spec: { storageClassName: string } }).spec.storageClassName).toBe('standard');
    expect(plan?.reason).toContain('immutable');
  });

  it('trusts only the events about a named class when the input holds no StorageClass', () => {
    const c = claim('orders', { storageClassName: 'gp3' });
    expect(volumePendingAnalyzer.analyze(graphOf([c]))).toEqual([]);
    const [f] = volumePendingAnalyzer.analyze(graphOf([c, event(c, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "gp3" not found')]));
    expect(f?.rootCause.category).toBe('no-storage-class');
  });

  it('names the mismatch with the closest static volume', () => {
    const c = claim('archive', { storageClassName: '', resources: { requests: { storage: '50Gi' } } });
    const vols = [volume('pv-archive-01', { storageClassName: '' }), volume('pv-archive-02', { storageClassName: '', accessModes: ['ReadOnlyMany'], capacity: { storage: '10Gi' } })];
    const [f] = volumePendingAnalyzer.analyze(graphOf([c, ...vols]));
    expect(f?.rootCause.category).toBe('no-matching-pv');
    expect(f?.rootCause.explanation).toContain('pv-archive-01: capacity 20Gi is less than the requested 50Gi');
  });

  it('treats a missing class that static volumes carry as a volume mismatch', () => {
    const c = claim('media', { storageClassName: 'manual', accessModes: ['ReadWriteMany'] });
    const [f] = volumePendingAnalyzer.analyze(graphOf([c, volume('pv-media', { storageClassName: 'manual' })]));
    expect(f?.rootCause.category).toBe('no-matching-pv');
    expect(f?.rootCause.explanation).toContain('lack ReadWriteMany');
  });

  it('reports a provisioner error under its class', () => {
    const c = claim('orders', { storageClassName: 'gp3' });
    const failed = event(c, 'Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = Could not create volume "pvc-1": UnauthorizedOperation', { count: 4 });
    const [f] = volumePendingAnalyzer.analyze(graphOf([c, failed, storageClass('gp3')]));
    expect(f?.rootCause.category).toBe('provisioning-failed');
    expect(f?.rootCause.explanation).toContain('UnauthorizedOperation');
  });

  it('flags an external provisioner that stays silent, not one that just started', () => {
    const wait = 'Waiting for a volume to be created either by the external provisioner \'ebs.csi.aws.com\' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.';
    const old = claim('cache', { storageClassName: 'gp3' });
    const oldEvents = event(old, 'Normal', 'ExternalProvisioning', wait, { count: 40 });
    const [f] = volumePendingAnalyzer.analyze(graphOf([old, oldEvents, storageClass('gp3')]));
    expect(f?.rootCause.category).toBe('provisioning-failed');
    const young = claim('cache', { storageClassName: 'gp3' }, { metadata: { creationTimestamp: ago(2) } });
    expect(volumePendingAnalyzer.analyze(graphOf([young, event(young, 'Normal', 'ExternalProvisioning', wait), storageClass('gp3')]))).toEqual([]);
  });

  it('leaves alone a claim waiting for its first consumer and a claim seconds old', () => {
    const wffc = storageClass('local', { volumeBindingMode: 'WaitForFirstConsumer' });
    const c = claim('scratch', { storageClassName: 'local' });
    const waiting = event(c, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', { count: 30 });
    const fresh = claim('fresh', { storageClassName: '' }, { metadata: { creationTimestamp: ago(0.2) } });
    expect(volumePendingAnalyzer.analyze(graphOf([wffc, c, waiting, fresh]))).toEqual([]);
  });
});

describe('volumePendingAnalyzer: mounts', () => {
  const d = deployment('shop', 'gateway');
  const rs = replicaSet(d, '5c7d9f8b6');
  const creating = (name: string, volumes: unknown[]): KubeObject => pod('shop', name, {
    spec: { nodeName: 'node-2', volumes },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] },
  }, rs);

  it('blames a missing Secret mounted as a volume', () => {
    const p = creating('gateway-5c7d9f8b6-k2x9q', [{ name: 'tls', secret: { secretName: 'gateway-tls' } }]);
    const evs = [
      event(p, 'Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "tls" : secret "gateway-tls" not found', { count: 12 }),
      event(p, 'Warning', 'FailedMount', 'Unable to attach or mount volumes: unmounted volumes=[tls], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition', { count: 3, minutesAgo: 0.5 }),
    ];
    const [f] = volumePendingAnalyzer.analyze(graphOf([d, rs, p, ...evs]));
    expect(f?.rootCause.category).toBe('mount-failed');
    expect(f?.subject.name).toBe('gateway-5c7d9f8b6-k2x9q');
    expect(f?.culprit).toEqual({ kind: 'Secret', namespace: 'shop', name: 'gateway-tls' });
    expect(f?.evidence[0]?.quote).toContain('secret "gateway-tls" not found');
    expect(f?.severity).toBe('critical');
  });

  it('blames the claim of a volume still attached elsewhere, naming the pod that holds it', () => {
    const c = { ...claim('data-gateway', { storageClassName: 'gp3', volumeName: 'pvc-7f3a' }), status: { phase: 'Bound' } };
    const p = creating('gateway-5c7d9f8b6-new', [{ name: 'data', persistentVolumeClaim: { claimName: 'data-gateway' } }]);
    const old = pod('shop', 'gateway-5c7d9f8b6-old', { metadata: { deletionTimestamp: ago(8) }, spec: { nodeName: 'node-1', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-gateway' } }] } }, rs);
    const ev = event(p, 'Warning', 'FailedAttachVolume', 'Multi-Attach error for volume "pvc-7f3a" Volume is already exclusively attached to one node and can\'t be attached to another', { count: 5 });
    ev.source = { component: 'attachdetach-controller' };
    const [f] = volumePendingAnalyzer.analyze(graphOf([d, rs, c, p, old, ev]));
    expect(f?.culprit).toEqual({ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-gateway' });
    expect(f?.rootCause.explanation).toContain('gateway-5c7d9f8b6-old on node-1 (Terminating)');
  });

  it('explains the deadlock of a rolling update whose old pod still runs with the volume', () => {
    const c = { ...claim('data-gateway', { storageClassName: 'gp3', volumeName: 'pvc-7f3a' }), status: { phase: 'Bound' } };
    const p = creating('gateway-5c7d9f8b6-new', [{ name: 'data', persistentVolumeClaim: { claimName: 'data-gateway' } }]);
    const old = pod('shop', 'gateway-5c7d9f8b6-old', { spec: { nodeName: 'node-1', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-gateway' } }] } }, rs);
    const ev = event(p, 'Warning', 'FailedAttachVolume', 'Multi-Attach error for volume "pvc-7f3a" Volume is already used by pod(s) gateway-5c7d9f8b6-old');
    const [f] = volumePendingAnalyzer.analyze(graphOf([d, rs, c, p, old, ev]));
    expect(f?.rootCause.explanation).toContain('strategy Recreate');
    expect(f?.severity).toBe('warning');
  });

  it('ignores old mount errors of a pod that now runs', () => {
    const p = pod('shop', 'gateway-5c7d9f8b6-ok', { spec: { volumes: [{ name: 'tls', secret: { secretName: 'gateway-tls' } }] } }, rs);
    const ev = event(p, 'Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "tls" : secret "gateway-tls" not found', { minutesAgo: 30 });
    expect(volumePendingAnalyzer.analyze(graphOf([d, rs, p, ev]))).toEqual([]);
  });
});
