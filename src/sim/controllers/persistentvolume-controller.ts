/**
 * The PersistentVolume controller (pkg/controller/volume/persistentvolume/pv_controller.go) with
 * the provisioner and resizer a kind cluster runs beside it: binds each claim to the smallest
 * matching Available volume, or provisions one through its StorageClass (`pvc-<claim uid>`), at
 * once for Immediate classes and once a pod using the claim is on a node for WaitForFirstConsumer
 * ones; reports what blocks a claim with the controller's events (re-sent on its 15 s resync);
 * releases a volume whose claim is gone (Delete removes it, Retain keeps it Released); grows a
 * bound volume when its claim asks for more.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { lookupResource } from '../resources.js';
import { fromSelectorObject, matchesLabels } from '../store/label-selector.js';
import type { ObjectStore } from '../store/object-store.js';
import { watchAll } from './informer.js';
import { R, type Obj, arr, conditionOf, isNotFound, mutable, rec, specOf, statusOf, timestamp, tryGet } from './kube.js';
import { storageBytes } from '../store/storage-quantity.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const CLAIMS = R.persistentvolumeclaims;
const VOLUMES = lookupResource('persistentvolumes')!;
const CLASSES = lookupResource('storageclasses.storage.k8s.io')!;
/** The controller re-examines claims it could not bind this often (its resync period). */
export const RESYNC_MS = 15_000;
/** How long the simulated resizer and kubelet take for each step of an expansion. */
const RESIZE_STEP_MS = 1_000;
/** How long the simulated provisioner takes to make a volume. */
const PROVISION_MS = 500;

const ANN = {
  bindCompleted: 'pv.kubernetes.io/bind-completed',
  boundByController: 'pv.kubernetes.io/bound-by-controller',
  provisionedBy: 'pv.kubernetes.io/provisioned-by',
  selectedNode: 'volume.kubernetes.io/selected-node',
  provisioner: 'volume.kubernetes.io/storage-provisioner',
  betaProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
} as const;

/** What the passes share. */
interface Ctx {
  store: ObjectStore;
  clock: SimClock;
  recorder: EventRecorder;
  /** The external resizer's events. */
  resizer: EventRecorder;
  queue: WorkQueue;
  /** Claims (by uid) whose volume the provisioner is making, and when it will exist. */
  provisioning: Map<string, number>;
  /** Pending timers of the simulated provisioner, cancelled on stop. */
  timers: Set<() => void>;
  /** One recorder per external provisioner, named as the provisioner library names its identity. */
  provisioners: Map<string, EventRecorder>;
}

/** Runs the PersistentVolume controller (with the simulated provisioner and resizer) until stopped. */
export function startPersistentVolumeController(store: ObjectStore, clock: SimClock): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'persistentvolume-controller' });
  const resizer = new EventRecorder(store, clock, { component: 'external-resizer' });
  const ctx = { store, clock, recorder, resizer, provisioning: new Map<string, number>(), provisioners: new Map<string, EventRecorder>(), timers: new Set<() => void>() } as Ctx;
  const queue: WorkQueue = new WorkQueue(clock, (key) => (key.startsWith('pv:') ? syncVolume(ctx, key.slice(3)) : syncClaim(ctx, key.slice(4))));
  ctx.queue = queue;
  const claimKey = (namespace: string | undefined, name: string): string => `pvc:${keyFor(namespace, name)}`;
  const stops = [
    watchAll(store, CLAIMS, (type, claim) => {
      if (type !== 'DELETED') queue.add(claimKey(claim.metadata.namespace, claim.metadata.name));
      const volume = specOf(claim)['volumeName'];
      if (typeof volume === 'string' && volume) queue.add(`pv:${volume}`);
    }),
    watchAll(store, VOLUMES, (type, pv) => {
      if (type !== 'DELETED') queue.add(`pv:${pv.metadata.name}`);
      const ref = rec(specOf(pv)['claimRef']);
      if (ref && typeof ref['name'] === 'string') queue.add(claimKey(String(ref['namespace'] ?? ''), ref['name']));
    }),
    watchAll(store, CLASSES, () => {
      for (const claim of store.list(CLAIMS).items) if (statusOf(claim)['phase'] !== 'Bound') queue.add(claimKey(claim.metadata.namespace, claim.metadata.name));
    }),
    watchAll(store, R.pods, (type, pod) => {
      if (type === 'DELETED') return;
      for (const name of claimNames(pod)) queue.add(claimKey(pod.metadata.namespace, name));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    for (const cancel of ctx.timers) cancel();
    queue.stop();
  };
}

/** Queues `key` after `ms`, even when a later resync of it is already queued. */
function syncAfter(ctx: Ctx, key: string, ms: number): void {
  const cancel = ctx.clock.after(ms, () => {
    ctx.timers.delete(cancel);
    ctx.queue.add(key);
  });
  ctx.timers.add(cancel);
}

function claimNames(pod: KubeObject): string[] {
  return arr(specOf(pod)['volumes'])
    .map((v) => rec(v['persistentVolumeClaim'])?.['claimName'])
    .filter((n): n is string => typeof n === 'string');
}

function annotations(o: KubeObject | Obj): Record<string, string> {
  return ((rec((o as Obj)['metadata'])?.['annotations']) ?? {}) as Record<string, string>;
}

function classOf(claim: KubeObject | Obj): string {
  const name = specOf(claim)['storageClassName'];
  return typeof name === 'string' ? name : '';
}

function getClass(ctx: Ctx, name: string): KubeObject | undefined {
  return name ? tryGet(CLASSES, undefined, name, (r, ns, n) => ctx.store.get(r, ns, n)) : undefined;
}

function requestOf(claim: KubeObject | Obj): unknown {
  return rec(rec(specOf(claim)['resources'])?.['requests'])?.['storage'];
}

function capacityOf(pv: KubeObject | Obj): unknown {
  return rec(specOf(pv)['capacity'])?.['storage'];
}

// ---- claims ----

function syncClaim(ctx: Ctx, key: string): void {
  const { namespace, name } = splitKey(key);
  const claim = tryGet(CLAIMS, namespace, name, (r, ns, n) => ctx.store.get(r, ns, n));
  if (!claim || claim.metadata.deletionTimestamp) return;
  if (annotations(claim)[ANN.bindCompleted] !== undefined && specOf(claim)['volumeName']) return syncBoundClaim(ctx, claim);
  syncUnboundClaim(ctx, claim);
}

function syncUnboundClaim(ctx: Ctx, claim: KubeObject): void {
  const wanted = specOf(claim)['volumeName'];
  if (typeof wanted === 'string' && wanted) return bindRequested(ctx, claim, wanted);
  const cls = getClass(ctx, classOf(claim));
  const delayBinding = cls?.['volumeBindingMode'] === 'WaitForFirstConsumer';
  const waiting = delayBinding && annotations(claim)[ANN.selectedNode] === undefined;
  if (waiting) selectNodeFromPod(ctx, claim);
  const volume = bestMatch(ctx, claim, waiting);
  if (volume) return bind(ctx, volume, claim);
  if (waiting) {
    if (annotations(ctx.store.get(CLAIMS, claim.metadata.namespace, claim.metadata.name))[ANN.selectedNode] !== undefined) return;
    recordWaiting(ctx, claim);
  } else if (classOf(claim) !== '') {
    provision(ctx, claim, cls);
    return;
  } else {
    ctx.recorder.record(objectReference(claim), 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
  }
  ctx.queue.addAfter(`pvc:${keyFor(claim.metadata.namespace, claim.metadata.name)}`, RESYNC_MS);
}

/**
 * The scheduler's VolumeBinding PreBind writes the node it chose on a delayed claim; the
 * simulator's scheduler binds without it, so the controller copies the node of the first
 * scheduled pod using the claim.
 */
function selectNodeFromPod(ctx: Ctx, claim: KubeObject): void {
  const node = podsUsing(ctx, claim).map((p) => specOf(p)['nodeName']).find((n): n is string => typeof n === 'string' && n !== '');
  if (!node) return;
  const next = mutable(claim);
  const meta = next['metadata'] as Obj;
  meta['annotations'] = { ...annotations(claim), [ANN.selectedNode]: node };
  ctx.store.update(CLAIMS, next, { namespace: claim.metadata.namespace, name: claim.metadata.name });
}

function podsUsing(ctx: Ctx, claim: KubeObject): KubeObject[] {
  return ctx.store.list(R.pods, { namespace: claim.metadata.namespace })
    .items.filter((p) => !p.metadata.deletionTimestamp && claimNames(p).includes(claim.metadata.name));
}

/** WaitForFirstConsumer, or WaitForPodScheduled when pods using the claim wait for a node (emitEventForUnboundDelayBindingClaim). */
function recordWaiting(ctx: Ctx, claim: KubeObject): void {
  const unscheduled = podsUsing(ctx, claim).filter((p) => !specOf(p)['nodeName']).map((p) => p.metadata.name);
  if (unscheduled.length === 0) {
    ctx.recorder.record(objectReference(claim), 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    return;
  }
  const message = unscheduled.length > 1 ? `waiting for pods ${unscheduled.join(',')} to be scheduled` : `waiting for pod ${unscheduled[0]!} to be scheduled`;
  ctx.recorder.record(objectReference(claim), 'Normal', 'WaitForPodScheduled', message);
}

/** The claim names a volume: bind when it is free and fits (VolumeMismatch otherwise). */
function bindRequested(ctx: Ctx, claim: KubeObject, name: string): void {
  const pv = tryGet(VOLUMES, undefined, name, (r, ns, n) => ctx.store.get(r, ns, n));
  if (!pv) return;
  const ref = rec(specOf(pv)['claimRef']);
  if (!ref || isBoundTo(pv, claim)) {
    const problem = ref ? undefined : mismatch(pv, claim);
    if (problem) {
      ctx.recorder.record(objectReference(claim), 'Warning', 'VolumeMismatch', `Cannot bind to requested volume ${JSON.stringify(name)}: ${problem}`);
      return;
    }
    return bind(ctx, pv, claim);
  }
  ctx.recorder.record(objectReference(claim), 'Warning', 'FailedBinding', `volume ${JSON.stringify(name)} already bound to a different claim.`);
}

function isBoundTo(pv: KubeObject, claim: KubeObject): boolean {
  const ref = rec(specOf(pv)['claimRef']);
  if (!ref || ref['name'] !== claim.metadata.name || (ref['namespace'] ?? '') !== (claim.metadata.namespace ?? '')) return false;
  return !ref['uid'] || ref['uid'] === claim.metadata.uid;
}

/** Why `pv` cannot serve `claim` (checkVolumeSatisfyClaim), or undefined when it can. */
function mismatch(pv: KubeObject, claim: KubeObject): string | undefined {
  if (pv.metadata.deletionTimestamp) return `the volume is marked for deletion ${JSON.stringify(pv.metadata.name)}`;
  if ((storageBytes(capacityOf(pv)) ?? 0) < (storageBytes(requestOf(claim)) ?? 0)) return 'requested PV is too small';
  if (String(specOf(pv)['storageClassName'] ?? '') !== classOf(claim)) return 'storageClassName does not match';
  if ((specOf(pv)['volumeMode'] ?? 'Filesystem') !== (specOf(claim)['volumeMode'] ?? 'Filesystem')) return 'incompatible volumeMode';
  const offered = (specOf(pv)['accessModes'] ?? []) as string[];
  if (!((specOf(claim)['accessModes'] ?? []) as string[]).every((m) => offered.includes(m))) return 'incompatible accessMode';
  return undefined;
}

function selectorMatches(claim: KubeObject, pv: KubeObject): boolean {
  const selector = rec(specOf(claim)['selector']);
  if (!selector) return true;
  try {
    return matchesLabels(fromSelectorObject(selector), pv.metadata.labels ?? {});
  } catch {
    return false;
  }
}

/**
 * A volume pre-bound to the claim first, else the smallest Available one that fits
 * (findBestMatchForClaim). A delayed claim takes only a pre-bound one.
 */
function bestMatch(ctx: Ctx, claim: KubeObject, preBoundOnly: boolean): KubeObject | undefined {
  const volumes = ctx.store.list(VOLUMES).items;
  const preBound = volumes.find((pv) => isBoundTo(pv, claim) && !mismatch(pv, claim));
  if (preBound || preBoundOnly) return preBound;
  const free = volumes.filter((pv) => !specOf(pv)['claimRef'] && statusOf(pv)['phase'] === 'Available' && !mismatch(pv, claim) && selectorMatches(claim, pv));
  free.sort((a, b) => (storageBytes(capacityOf(a)) ?? 0) - (storageBytes(capacityOf(b)) ?? 0));
  return free[0];
}

// ---- provisioning ----

function provision(ctx: Ctx, claim: KubeObject, cls: KubeObject | undefined): void {
  const ref = objectReference(claim);
  const key = `pvc:${keyFor(claim.metadata.namespace, claim.metadata.name)}`;
  if (!cls) {
    ctx.recorder.record(ref, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io ${JSON.stringify(classOf(claim))} not found`);
    ctx.queue.addAfter(key, RESYNC_MS);
    return;
  }
  const provisioner = String(cls['provisioner'] ?? '');
  const uid = claim.metadata.uid ?? '';
  const readyAt = ctx.provisioning.get(uid);
  const now = ctx.clock.now().getTime();
  if (readyAt !== undefined) {
    if (readyAt > now) return;
    ctx.provisioning.delete(uid);
    return createVolume(ctx, claim, cls, provisioner);
  }
  setProvisioner(ctx, claim, provisioner);
  ctx.recorder.record(ref, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${provisioner}' `
    + 'or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.');
  // kubernetes.io/no-provisioner provisions nothing: the claim waits for a volume made by hand.
  if (provisioner === 'kubernetes.io/no-provisioner') return ctx.queue.addAfter(key, RESYNC_MS);
  ctx.provisioning.set(uid, now + PROVISION_MS);
  syncAfter(ctx, key, PROVISION_MS);
}

function setProvisioner(ctx: Ctx, claim: KubeObject, provisioner: string): void {
  const current = annotations(claim);
  if (current[ANN.provisioner] === provisioner && current[ANN.betaProvisioner] === provisioner) return;
  const next = mutable(claim);
  (next['metadata'] as Obj)['annotations'] = { ...current, [ANN.betaProvisioner]: provisioner, [ANN.provisioner]: provisioner };
  ctx.store.update(CLAIMS, next, { namespace: claim.metadata.namespace, name: claim.metadata.name });
}

function provisionerRecorder(ctx: Ctx, provisioner: string): EventRecorder {
  let recorder = ctx.provisioners.get(provisioner);
  if (!recorder) {
    recorder = new EventRecorder(ctx.store, ctx.clock, { component: `${provisioner}_sim-provisioner` });
    ctx.provisioners.set(provisioner, recorder);
  }
  return recorder;
}

/** What the external provisioner (rancher.io/local-path in kind) does: a hostPath volume pre-bound to the claim. */
function createVolume(ctx: Ctx, claim: KubeObject, cls: KubeObject, provisioner: string): void {
  const name = `pvc-${claim.metadata.uid ?? ''}`;
  if (tryGet(VOLUMES, undefined, name, (r, ns, n) => ctx.store.get(r, ns, n))) return;
  const provisionerEvents = provisionerRecorder(ctx, provisioner);
  const ref = objectReference(claim);
  provisionerEvents.record(ref, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claim.metadata.namespace ?? ''}/${claim.metadata.name}"`);
  const node = annotations(claim)[ANN.selectedNode];
  const spec: Obj = {
    capacity: { storage: requestOf(claim) ?? '0' },
    accessModes: specOf(claim)['accessModes'] ?? ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: cls['reclaimPolicy'] ?? 'Delete',
    storageClassName: classOf(claim),
    volumeMode: specOf(claim)['volumeMode'] ?? 'Filesystem',
    claimRef: {
      kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid,
      apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
    },
    hostPath: { path: `/var/local-path-provisioner/${name}_${claim.metadata.namespace ?? ''}_${claim.metadata.name}`, type: 'DirectoryOrCreate' },
  };
  if (Array.isArray(cls['mountOptions'])) spec['mountOptions'] = cls['mountOptions'];
  if (node) spec['nodeAffinity'] = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } };
  const metaAnnotations: Record<string, string> = { [ANN.provisionedBy]: provisioner };
  if (node) metaAnnotations['local.path.provisioner/selected-node'] = node;
  ctx.store.create(VOLUMES, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, annotations: metaAnnotations }, spec });
  provisionerEvents.record(ref, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
}

// ---- binding ----

/** Binds both ways and marks both Bound (bind: volume, volume phase, claim, claim status). */
function bind(ctx: Ctx, pv: KubeObject, claim: KubeObject): void {
  const volume = bindVolume(ctx, pv, claim);
  setVolumePhase(ctx, volume, 'Bound');
  const bound = bindClaim(ctx, claim, volume);
  const status: Obj = { ...structuredClone(statusOf(bound)), phase: 'Bound', accessModes: specOf(volume)['accessModes'], capacity: specOf(volume)['capacity'] };
  saveClaimStatus(ctx, bound, status);
}

function bindVolume(ctx: Ctx, pv: KubeObject, claim: KubeObject): KubeObject {
  const ref = rec(specOf(pv)['claimRef']);
  const byController = !isBoundTo(pv, claim);
  const sameRef = ref && ref['name'] === claim.metadata.name && ref['namespace'] === claim.metadata.namespace && ref['uid'] === claim.metadata.uid;
  const addAnnotation = byController && annotations(pv)[ANN.boundByController] === undefined;
  if (sameRef && !addAnnotation) return pv;
  const next = mutable(pv);
  (next['spec'] as Obj)['claimRef'] = {
    kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid,
    apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
  };
  if (addAnnotation) (next['metadata'] as Obj)['annotations'] = { ...annotations(pv), [ANN.boundByController]: 'yes' };
  return ctx.store.update(VOLUMES, next, { name: pv.metadata.name });
}

function bindClaim(ctx: Ctx, claim: KubeObject, pv: KubeObject): KubeObject {
  const current = annotations(claim);
  const add: Record<string, string> = {};
  if (specOf(claim)['volumeName'] !== pv.metadata.name && current[ANN.boundByController] === undefined) add[ANN.boundByController] = 'yes';
  if (current[ANN.bindCompleted] === undefined) add[ANN.bindCompleted] = 'yes';
  if (specOf(claim)['volumeName'] === pv.metadata.name && Object.keys(add).length === 0) return claim;
  const next = mutable(claim);
  (next['spec'] as Obj)['volumeName'] = pv.metadata.name;
  (next['metadata'] as Obj)['annotations'] = { ...current, ...add };
  return ctx.store.update(CLAIMS, next, { namespace: claim.metadata.namespace, name: claim.metadata.name });
}

function saveClaimStatus(ctx: Ctx, claim: KubeObject, status: Obj): void {
  if (JSON.stringify(status) === JSON.stringify(statusOf(claim))) return;
  const next = mutable(claim);
  next['status'] = status;
  ctx.store.update(CLAIMS, next, { namespace: claim.metadata.namespace, name: claim.metadata.name, subresource: 'status' });
}

function setVolumePhase(ctx: Ctx, pv: KubeObject, phase: string): KubeObject {
  if (statusOf(pv)['phase'] === phase) return pv;
  const next = mutable(pv);
  next['status'] = { ...statusOf(pv), phase, lastPhaseTransitionTime: timestamp(ctx.clock.now()) };
  return ctx.store.update(VOLUMES, next, { name: pv.metadata.name, subresource: 'status' });
}

// ---- bound claims: lost volumes and expansion ----

function syncBoundClaim(ctx: Ctx, claim: KubeObject): void {
  const name = String(specOf(claim)['volumeName']);
  const pv = tryGet(VOLUMES, undefined, name, (r, ns, n) => ctx.store.get(r, ns, n));
  if (!pv) {
    if (statusOf(claim)['phase'] === 'Lost') return;
    saveClaimStatus(ctx, claim, { phase: 'Lost' });
    ctx.recorder.record(objectReference(claim), 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    return;
  }
  if (!specOf(pv)['claimRef'] || isBoundTo(pv, claim)) {
    if (statusOf(claim)['phase'] !== 'Bound') return bind(ctx, pv, claim);
    bindVolume(ctx, pv, claim);
    setVolumePhase(ctx, pv, 'Bound');
    return expand(ctx, claim, pv);
  }
  if (statusOf(claim)['phase'] === 'Lost') return;
  saveClaimStatus(ctx, claim, { phase: 'Lost' });
  ctx.recorder.record(objectReference(claim), 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
}

function resizeCondition(type: string, now: Date, message?: string): Obj {
  return { type, status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(now), ...(message !== undefined && { message }) };
}

/**
 * An expansion in the steps a kind cluster shows: the resizer marks the claim Resizing and grows
 * the volume (FileSystemResizePending), then the kubelet of a node running a pod that mounts the
 * claim grows the file system and the claim's capacity follows.
 */
function expand(ctx: Ctx, claim: KubeObject, pv: KubeObject): void {
  const requested = requestOf(claim);
  const want = storageBytes(requested) ?? 0;
  const status = structuredClone(statusOf(claim));
  if (want > (storageBytes(capacityOf(pv)) ?? 0)) {
    const resizing = conditionOf(status, 'Resizing');
    if (!resizing) return startResize(ctx, claim, pv, status, requested);
    if (waitStep(ctx, claim, resizing)) return;
    const grown = mutable(pv);
    (grown['spec'] as Obj)['capacity'] = { ...(rec(specOf(pv)['capacity']) ?? {}), storage: requested };
    ctx.store.update(VOLUMES, grown, { name: pv.metadata.name });
    status['conditions'] = [resizeCondition('FileSystemResizePending', ctx.clock.now(), 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.')];
    status['allocatedResourceStatuses'] = { storage: 'NodeResizePending' };
    saveClaimStatus(ctx, claim, status);
    ctx.resizer.record(objectReference(claim), 'Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node');
    return;
  }
  const pending = conditionOf(status, 'FileSystemResizePending');
  if (pending && !waitStep(ctx, claim, pending)) finishFileSystemResize(ctx, claim, pv, status);
}

function startResize(ctx: Ctx, claim: KubeObject, pv: KubeObject, status: Obj, requested: unknown): void {
  status['conditions'] = [resizeCondition('Resizing', ctx.clock.now())];
  status['allocatedResources'] = { storage: requested };
  status['allocatedResourceStatuses'] = { storage: 'ControllerResizeInProgress' };
  saveClaimStatus(ctx, claim, status);
  ctx.resizer.record(objectReference(claim), 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata.name}`);
  syncAfter(ctx, `pvc:${keyFor(claim.metadata.namespace, claim.metadata.name)}`, RESIZE_STEP_MS);
}

/** True (with the claim queued for later) while a resize step entered at the condition's time is still running. */
function waitStep(ctx: Ctx, claim: KubeObject, condition: Obj): boolean {
  const since = Date.parse(String(condition['lastTransitionTime'] ?? ''));
  const left = (Number.isNaN(since) ? 0 : since + RESIZE_STEP_MS) - ctx.clock.now().getTime();
  if (left <= 0) return false;
  syncAfter(ctx, `pvc:${keyFor(claim.metadata.namespace, claim.metadata.name)}`, left);
  return true;
}

function finishFileSystemResize(ctx: Ctx, claim: KubeObject, pv: KubeObject, status: Obj): void {
  const mounted = podsUsing(ctx, claim).find((p) => specOf(p)['nodeName'] && statusOf(p)['phase'] === 'Running');
  if (!mounted) return;
  const node = String(specOf(mounted)['nodeName']);
  status['capacity'] = { ...(rec(status['capacity']) ?? {}), storage: capacityOf(pv) };
  delete status['conditions'];
  delete status['allocatedResourceStatuses'];
  saveClaimStatus(ctx, claim, status);
  const kubelet = new EventRecorder(ctx.store, ctx.clock, { component: 'kubelet', host: node });
  kubelet.record(objectReference(claim), 'Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name}" ${node}`);
}

// ---- volumes ----

function syncVolume(ctx: Ctx, name: string): void {
  const pv = tryGet(VOLUMES, undefined, name, (r, ns, n) => ctx.store.get(r, ns, n));
  if (!pv || pv.metadata.deletionTimestamp) return;
  const ref = rec(specOf(pv)['claimRef']);
  if (!ref || !ref['uid']) {
    setVolumePhase(ctx, pv, 'Available');
    return;
  }
  const claim = tryGet(CLAIMS, String(ref['namespace'] ?? ''), String(ref['name'] ?? ''), (r, ns, n) => ctx.store.get(r, ns, n));
  if (!claim || claim.metadata.uid !== ref['uid']) return release(ctx, pv);
  const volumeName = specOf(claim)['volumeName'];
  if (!volumeName) ctx.queue.add(`pvc:${keyFor(claim.metadata.namespace, claim.metadata.name)}`);
  else if (volumeName === name) setVolumePhase(ctx, pv, 'Bound');
}

/** The claim is gone: Released, then the reclaim policy (Delete removes the volume, Retain keeps it). */
function release(ctx: Ctx, pv: KubeObject): void {
  let current = pv;
  if (statusOf(pv)['phase'] !== 'Released' && statusOf(pv)['phase'] !== 'Failed') current = setVolumePhase(ctx, pv, 'Released');
  const policy = specOf(current)['persistentVolumeReclaimPolicy'];
  if (policy === 'Delete') {
    try {
      ctx.store.delete(VOLUMES, undefined, current.metadata.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  } else if (policy === 'Recycle') {
    if (statusOf(current)['phase'] === 'Failed') return;
    const next = mutable(current);
    next['status'] = { ...statusOf(current), phase: 'Failed', message: 'No recycler plugin found for the volume!' };
    ctx.store.update(VOLUMES, next, { name: current.metadata.name, subresource: 'status' });
    ctx.recorder.record(objectReference(current), 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
  }
}
