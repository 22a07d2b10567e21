/**
 * The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status,
 * the numbers the eviction subresource checks. Expected pods come from the pods' controllers
 * (Deployment through its ReplicaSet, bare ReplicaSet, StatefulSet) when a percentage or
 * maxUnavailable needs a scale, else from the matching pods; healthy pods are Ready, not being
 * deleted and not recently evicted (`disruptedPods`, forgotten after two minutes).
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { watchAll } from './informer.js';
import { R, type Obj, arr, isPodReady, mutable, rec, specOf, statusOf, timestamp, tryGet } from './kube.js';
import { goLabelSelector, selectsPod } from './pdb-selector.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const PDBS = lookupResource('poddisruptionbudgets.policy')!;
/** How long an evicted pod may take to be marked deleted before the budget counts it again (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
const CONDITION = 'DisruptionAllowed';

/** Runs the disruption controller until stopped. */
export function startDisruptionController(store: ObjectStore, clock: SimClock): () => void {
  // The real controller's recorder names its source `controllermanager`.
  const recorder = new EventRecorder(store, clock, { component: 'controllermanager' });
  const queue: WorkQueue = new WorkQueue(clock, (key) => {
    const recheck = syncBudget(store, clock, recorder, key);
    if (recheck !== undefined) queue.addAfter(key, recheck);
  });
  const enqueueFor = (pod: KubeObject): void => {
    const namespace = pod.metadata.namespace;
    for (const pdb of store.list(PDBS, { namespace }).items) {
      if (selectsPod(pdb, pod)) queue.add(keyFor(namespace, pdb.metadata.name));
    }
  };
  const stops = [
    watchAll(store, PDBS, (type, pdb) => { if (type !== 'DELETED') queue.add(keyFor(pdb.metadata.namespace, pdb.metadata.name)); }),
    watchAll(store, R.pods, (_type, pod) => enqueueFor(pod)),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

/** An int-or-string as the scale it stands for (intstr.GetScaledValueFromIntOrPercent, rounding up). */
export function scaledValue(value: unknown, total: number): number | Error {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^(-?\d+)%$/.exec(value) : null;
  if (!match) return new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(value)}`);
  return Math.ceil((Number(match[1]) * total) / 100);
}

interface Expected {
  expectedCount: number;
  desiredHealthy: number;
  unmanaged: string[];
}

function syncBudget(store: ObjectStore, clock: SimClock, recorder: EventRecorder, key: string): number | undefined {
  const { namespace, name } = splitKey(key);
  const pdb = tryGet(PDBS, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!pdb) return undefined;
  const pods = store.list(R.pods, { namespace }).items.filter((p) => selectsPod(pdb, p));
  if (pods.length === 0) recorder.record(objectReference(pdb), 'Normal', 'NoPods', 'No matching pods found');
  const expected = expectedPodCount(store, pdb, pods);
  if (expected instanceof Error) {
    recorder.record(objectReference(pdb), 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${expected.message}`);
    failSafe(store, clock, pdb, expected.message);
    return undefined;
  }
  if (expected.unmanaged.length > 0) {
    recorder.record(objectReference(pdb), 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${goLabelSelector(rec(specOf(pdb)['selector']))}) were found `
      + 'to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
      + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
  }
  const now = clock.now().getTime();
  const { disrupted, recheckAt } = liveDisruptions(pdb, pods, now);
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && !recentlyDisrupted(disrupted, p, now) && isPodReady(p)).length;
  writeStatus(store, clock, pdb, currentHealthy, expected, disrupted);
  return recheckAt === undefined ? undefined : Math.max(0, recheckAt - now);
}

/** expectedCount and desiredHealthy from minAvailable or maxUnavailable (getExpectedPodCount). */
function expectedPodCount(store: ObjectStore, pdb: KubeObject, pods: KubeObject[]): Expected | Error {
  const spec = specOf(pdb);
  if (spec['maxUnavailable'] !== undefined && spec['maxUnavailable'] !== null) {
    const scale = expectedScale(store, pods);
    if (scale instanceof Error) return scale;
    const maxUnavailable = scaledValue(spec['maxUnavailable'], scale.expectedCount);
    if (maxUnavailable instanceof Error) return maxUnavailable;
    return { ...scale, desiredHealthy: Math.max(0, scale.expectedCount - maxUnavailable) };
  }
  const minAvailable = spec['minAvailable'];
  if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanaged: [] };
  if (typeof minAvailable === 'string') {
    const scale = expectedScale(store, pods);
    if (scale instanceof Error) return scale;
    const desired = scaledValue(minAvailable, scale.expectedCount);
    if (desired instanceof Error) return desired;
    return { ...scale, desiredHealthy: desired };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
}

/** The sum of the scales of the pods' controllers (getExpectedScale); pods without one are unmanaged. */
function expectedScale(store: ObjectStore, pods: KubeObject[]): { expectedCount: number; unmanaged: string[] } | Error {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller === true);
    if (!ref) {
      unmanaged.push(pod.metadata.name);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = controllerScale(store, pod.metadata.namespace, ref);
    if (!found) return new Error(`found no controllers for pod ${JSON.stringify(pod.metadata.name)}`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const scale of scales.values()) expectedCount += scale;
  return { expectedCount, unmanaged };
}

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function replicasOf(o: KubeObject): number {
  const replicas = specOf(o)['replicas'];
  return typeof replicas === 'number' ? replicas : 1;
}

/** The finders in order: a ReplicaSet's Deployment, a bare ReplicaSet, a StatefulSet. */
function controllerScale(store: ObjectStore, namespace: string | undefined, ref: OwnerRef): { uid: string; scale: number } | undefined {
  const get = (r: typeof R.pods, n: string): KubeObject | undefined => tryGet(r, namespace, n, (res, ns, nm) => store.get(res, ns, nm));
  const group = groupOf(ref.apiVersion);
  if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
    const rs = get(R.replicasets, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    const owner = rs.metadata.ownerReferences?.find((r) => r.controller === true);
    if (!owner) return { uid: rs.metadata.uid ?? '', scale: replicasOf(rs) };
    if (owner.kind !== 'Deployment') return undefined;
    const deployment = get(R.deployments, owner.name);
    if (!deployment || deployment.metadata.uid !== owner.uid) return undefined;
    return { uid: deployment.metadata.uid ?? '', scale: replicasOf(deployment) };
  }
  if (ref.kind === 'StatefulSet' && group === 'apps') {
    const sts = get(R.statefulsets, ref.name);
    if (!sts || sts.metadata.uid !== ref.uid) return undefined;
    return { uid: sts.metadata.uid ?? '', scale: replicasOf(sts) };
  }
  return undefined;
}

function recentlyDisrupted(disrupted: Obj, pod: KubeObject, now: number): boolean {
  const at = disrupted[pod.metadata.name];
  return typeof at === 'string' && Date.parse(at) + DELETION_TIMEOUT_MS > now;
}

/** The evicted pods still expected to go (buildDisruptedPodMap), and when the next one times out. */
function liveDisruptions(pdb: KubeObject, pods: KubeObject[], now: number): { disrupted: Obj; recheckAt: number | undefined } {
  const previous = rec(statusOf(pdb)['disruptedPods']) ?? {};
  const disrupted: Obj = {};
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = previous[pod.metadata.name];
    if (typeof at !== 'string') continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expires <= now) continue;
    disrupted[pod.metadata.name] = at;
    recheckAt = recheckAt === undefined ? expires : Math.min(recheckAt, expires);
  }
  return { disrupted, recheckAt };
}

/** Sets the DisruptionAllowed condition in place, keeping lastTransitionTime while the status stays (meta.SetStatusCondition). */
export function setDisruptionAllowed(status: Obj, observedGeneration: number, now: Date, reason?: string, message = ''): void {
  const allowed = typeof status['disruptionsAllowed'] === 'number' && status['disruptionsAllowed'] > 0;
  const conditions = arr(status['conditions']);
  const previous = conditions.find((c) => c['type'] === CONDITION);
  const state = reason === undefined && allowed ? 'True' : 'False';
  const condition: Obj = {
    type: CONDITION, status: state, observedGeneration,
    lastTransitionTime: previous?.['status'] === state && typeof previous['lastTransitionTime'] === 'string' ? previous['lastTransitionTime'] : timestamp(now),
    reason: reason ?? (allowed ? 'SufficientPods' : 'InsufficientPods'), message,
  };
  status['conditions'] = [...conditions.filter((c) => c !== previous), condition];
}

function writeStatus(store: ObjectStore, clock: SimClock, pdb: KubeObject, currentHealthy: number, expected: Expected, disrupted: Obj): void {
  const generation = pdb.metadata.generation ?? 0;
  const allowed = expected.expectedCount <= 0 ? 0 : Math.max(0, currentHealthy - expected.desiredHealthy);
  const status: Obj = { observedGeneration: generation };
  if (Object.keys(disrupted).length > 0) status['disruptedPods'] = disrupted;
  Object.assign(status, {
    disruptionsAllowed: allowed, currentHealthy, desiredHealthy: expected.desiredHealthy, expectedPods: expected.expectedCount,
    conditions: arr(statusOf(pdb)['conditions']),
  });
  setDisruptionAllowed(status, generation, clock.now());
  save(store, pdb, status);
}

/** When the numbers cannot be computed, allow no disruption (failSafe), with reason SyncFailed. */
function failSafe(store: ObjectStore, clock: SimClock, pdb: KubeObject, message: string): void {
  const status: Obj = { ...structuredClone(statusOf(pdb)), disruptionsAllowed: 0 };
  const observed = typeof status['observedGeneration'] === 'number' ? status['observedGeneration'] : 0;
  setDisruptionAllowed(status, observed, clock.now(), 'SyncFailed', message);
  save(store, pdb, status);
}

function save(store: ObjectStore, pdb: KubeObject, status: Obj): void {
  if (JSON.stringify(status) === JSON.stringify(statusOf(pdb))) return;
  const next = mutable(pdb);
  next['status'] = status;
  store.update(PDBS, next, { namespace: pdb.metadata.namespace, name: pdb.metadata.name, subresource: 'status' });
}
