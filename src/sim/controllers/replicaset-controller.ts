/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods, adopting
 * orphans that match the selector, deleting the least useful pods first when there are too many,
 * and writes the status counters (replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas after minReadySeconds, observedGeneration).
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { fromSelectorObject, matchesLabels, type LabelSelectorObject } from '../store/label-selector.js';
import type { ObjectStore } from '../store/object-store.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { watchAll } from './informer.js';
import {
  R, type Obj, arr, controllerRef, isActive, isNotFound, isPodReady, msUntilAvailable, mutable, num, ownerRefTo, rec, specOf,
  statusOf, timestamp, tryGet,
} from './kube.js';
import { rankForDeletion } from './pod-ranking.js';
import { podFromTemplate } from './pod-template.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

/** The real controller creates at most this many pods per sync (burstReplicas). */
const BURST_REPLICAS = 500;
/** How long after a failed pod create the ReplicaSet tries again. */
const FAILED_CREATE_RETRY_MS = 10_000;

/** Runs the ReplicaSet controller until stopped. */
export function startReplicaSetController(store: ObjectStore, clock: SimClock): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'replicaset-controller' });
  const queue: WorkQueue = new WorkQueue(clock, (key) => syncReplicaSet(store, clock, recorder, queue, key));
  const stopSets = watchAll(store, R.replicasets, (_type, rs) => queue.add(keyFor(rs.metadata.namespace, rs.metadata.name)));
  const stopPods = watchAll(store, R.pods, (_type, pod) => {
    const owner = controllerRef(pod);
    if (owner) {
      if (owner.kind === 'ReplicaSet') queue.add(keyFor(pod.metadata.namespace, owner.name));
      return;
    }
    for (const rs of matchingSets(store, pod)) queue.add(keyFor(rs.metadata.namespace, rs.metadata.name));
  });
  return () => {
    stopSets();
    stopPods();
    queue.stop();
  };
}

function selectorOf(rs: KubeObject): ReturnType<typeof fromSelectorObject> | undefined {
  const sel = rec(specOf(rs)['selector']);
  if (!sel) return undefined;
  const parsed = fromSelectorObject(sel as LabelSelectorObject);
  return parsed.length === 0 ? undefined : parsed;
}

/** ReplicaSets whose selector matches an orphan pod (candidates to adopt it). */
function matchingSets(store: ObjectStore, pod: KubeObject): KubeObject[] {
  return store.list(R.replicasets, { namespace: pod.metadata.namespace }).items.filter((rs) => {
    const sel = selectorOf(rs);
    return sel !== undefined && matchesLabels(sel, pod.metadata.labels ?? {});
  });
}

function syncReplicaSet(store: ObjectStore, clock: SimClock, recorder: EventRecorder, queue: WorkQueue, key: string): void {
  const { namespace, name } = splitKey(key);
  const rs = tryGet(R.replicasets, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!rs) return;
  let pods = claimPods(store, rs);
  let failure: string | undefined;
  if (!rs.metadata.deletionTimestamp) {
    failure = manageReplicas(store, recorder, rs, pods);
    pods = claimPods(store, rs);
  }
  const wait = writeStatus(store, clock, rs, pods, failure);
  if (wait !== undefined) queue.addAfter(key, wait);
  // A failed create is retried after a while, as the real controller's rate-limited requeue does.
  if (failure !== undefined) queue.addAfter(key, FAILED_CREATE_RETRY_MS);
}

/** The active pods the ReplicaSet controls, after adopting matching orphans (PodControllerRefManager). */
function claimPods(store: ObjectStore, rs: KubeObject): KubeObject[] {
  const selector = selectorOf(rs);
  const owned: KubeObject[] = [];
  for (const pod of store.list(R.pods, { namespace: rs.metadata.namespace }).items) {
    const owner = controllerRef(pod);
    if (owner) {
      if (owner.uid === rs.metadata.uid) owned.push(pod);
      continue;
    }
    if (!selector || rs.metadata.deletionTimestamp || pod.metadata.deletionTimestamp) continue;
    if (!matchesLabels(selector, pod.metadata.labels ?? {})) continue;
    const adopted = adopt(store, rs, pod);
    if (adopted) owned.push(adopted);
  }
  return owned.filter(isActive);
}

function adopt(store: ObjectStore, rs: KubeObject, pod: KubeObject): KubeObject | undefined {
  const next = mutable(pod);
  const meta = next['metadata'] as Obj;
  meta['ownerReferences'] = [...((meta['ownerReferences'] as Obj[] | undefined) ?? []), ownerRefTo(rs)];
  try {
    return store.update(R.pods, next, { namespace: pod.metadata.namespace, name: pod.metadata.name });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Creates or deletes pods toward spec.replicas; returns the error of a failed create (ReplicaFailure). */
function manageReplicas(store: ObjectStore, recorder: EventRecorder, rs: KubeObject, pods: KubeObject[]): string | undefined {
  const want = num(specOf(rs)['replicas'], 1);
  const diff = pods.length - want;
  let failure: string | undefined;
  if (diff < 0) {
    // Like the real slow start: stop at the first failure instead of repeating it for every pod.
    for (let i = 0; i < Math.min(-diff, BURST_REPLICAS) && failure === undefined; i++) failure = createPod(store, recorder, rs);
  } else if (diff > 0) {
    for (const pod of rankForDeletion(pods).slice(0, Math.min(diff, BURST_REPLICAS))) deletePod(store, recorder, rs, pod);
  }
  return failure;
}

function createPod(store: ObjectStore, recorder: EventRecorder, rs: KubeObject): string | undefined {
  try {
    const pod = store.create(R.pods, podFromTemplate(rs), { namespace: rs.metadata.namespace });
    recorder.record(objectReference(rs), 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    recorder.record(objectReference(rs), 'Warning', 'FailedCreate', `Error creating: ${message}`);
    return message;
  }
}

function deletePod(store: ObjectStore, recorder: EventRecorder, rs: KubeObject, pod: KubeObject): void {
  try {
    store.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
    recorder.record(objectReference(rs), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Writes the status counters (calculateStatus). Returns the milliseconds until a ready pod becomes
 * available, when one is waiting out minReadySeconds.
 */
function writeStatus(store: ObjectStore, clock: SimClock, rs: KubeObject, pods: KubeObject[], failure: string | undefined): number | undefined {
  const spec = specOf(rs);
  const minReady = num(spec['minReadySeconds']);
  const templateLabels = (rec(rec(rec(spec['template'])?.['metadata'])?.['labels']) ?? {}) as Record<string, string>;
  let fully = 0;
  let ready = 0;
  let available = 0;
  let wait: number | undefined;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fully++;
    if (!isPodReady(pod)) continue;
    ready++;
    const left = msUntilAvailable(pod, minReady, clock.now()) ?? 0;
    if (left === 0) available++;
    else wait = Math.min(wait ?? left, left);
  }
  const old = statusOf(rs);
  const next: Obj = { ...old, replicas: pods.length, fullyLabeledReplicas: fully, readyReplicas: ready, availableReplicas: available };
  if (rs.metadata.generation !== undefined) next['observedGeneration'] = rs.metadata.generation;
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (next[k] === 0) delete next[k];
  setReplicaFailure(next, failure, clock.now());
  if (JSON.stringify(next) !== JSON.stringify(old)) {
    const updated = mutable(rs);
    updated['status'] = next;
    store.update(R.replicasets, updated, { namespace: rs.metadata.namespace, name: rs.metadata.name, subresource: 'status' });
  }
  return wait;
}

/** The ReplicaFailure condition: True with reason FailedCreate while creates fail, removed once they work. */
function setReplicaFailure(status: Obj, failure: string | undefined, now: Date): void {
  const others = arr(status['conditions']).filter((c) => c['type'] !== 'ReplicaFailure');
  const current = arr(status['conditions']).find((c) => c['type'] === 'ReplicaFailure');
  if (failure === undefined) {
    if (others.length > 0) status['conditions'] = others; else delete status['conditions'];
    return;
  }
  if (current?.['message'] === failure) return;
  const condition = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: current?.['lastTransitionTime'] ?? timestamp(now), reason: 'FailedCreate', message: failure };
  status['conditions'] = [...others, condition];
}
