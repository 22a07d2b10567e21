/**
 * The DaemonSet controller (pkg/controller/daemon): one pod per node whose labels and taints admit
 * the template, pinned to its node by node affinity (the scheduler then binds it), removed from
 * nodes that no longer admit it, failed pods replaced, outdated pods replaced one at a time
 * (RollingUpdate, maxUnavailable 1), and the status counters `kubectl get ds` prints.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { lookupResource } from '../resources.js';
import { nodeAdmits, nodeKeeps, pinToNode, targetNode } from './daemon-tolerations.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { watchAll } from './informer.js';
import {
  R, type Obj, canonicalJson, controllerRef, isNotFound, isPodReady, isTerminal, msUntilAvailable, mutable, num, rec, specOf,
  statusOf, tryGet,
} from './kube.js';
import { podFromTemplate } from './pod-template.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const NODES = lookupResource('nodes')!;
const DAEMONSETS = lookupResource('daemonsets.apps')!;
const GENERATION_LABEL = 'pod-template-generation';

/** Runs the DaemonSet controller until stopped. */
export function startDaemonSetController(store: ObjectStore, clock: SimClock): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'daemonset-controller' });
  const queue: WorkQueue = new WorkQueue(clock, (key) => syncDaemonSet(store, clock, recorder, key));
  const enqueueAll = (): void => {
    for (const ds of store.list(DAEMONSETS).items) queue.add(keyFor(ds.metadata.namespace, ds.metadata.name));
  };
  const stops = [
    watchAll(store, DAEMONSETS, (_t, ds) => queue.add(keyFor(ds.metadata.namespace, ds.metadata.name))),
    watchAll(store, NODES, () => enqueueAll()),
    watchAll(store, R.pods, (_t, pod) => {
      const owner = controllerRef(pod);
      if (owner?.kind === 'DaemonSet') queue.add(keyFor(pod.metadata.namespace, owner.name));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

function templateSpec(ds: KubeObject): Obj {
  return rec(rec(specOf(ds)['template'])?.['spec']) ?? {};
}

function syncDaemonSet(store: ObjectStore, clock: SimClock, recorder: EventRecorder, key: string): void {
  const { namespace, name } = splitKey(key);
  const ds = tryGet(DAEMONSETS, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!ds) return;
  const nodes = store.list(NODES).items;
  const byNode = new Map<string, KubeObject[]>();
  for (const pod of store.list(R.pods, { namespace }).items) {
    if (controllerRef(pod)?.uid !== ds.metadata.uid || pod.metadata.deletionTimestamp) continue;
    const node = targetNode(pod) ?? '';
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  if (!ds.metadata.deletionTimestamp) manage(store, recorder, ds, nodes, byNode);
  writeStatus(store, clock, ds, nodes, byNode);
}

function manage(store: ObjectStore, recorder: EventRecorder, ds: KubeObject, nodes: KubeObject[], byNode: Map<string, KubeObject[]>): void {
  const wanted = new Set(nodes.filter((n) => nodeAdmits(n, templateSpec(ds))).map((n) => n.metadata.name));
  const kept = new Set(nodes.filter((n) => nodeKeeps(n, templateSpec(ds))).map((n) => n.metadata.name));
  for (const [node, pods] of byNode) {
    if (!kept.has(node)) {
      for (const pod of pods) deletePod(store, recorder, ds, pod);
      byNode.delete(node);
      continue;
    }
    const live = pods.filter((p) => !isTerminal(p));
    for (const failed of pods.filter(isTerminal)) {
      recorder.record(objectReference(ds), 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${failed.metadata.namespace}/${failed.metadata.name} on node ${node}, will try to kill it`);
      deletePod(store, recorder, ds, failed);
    }
    for (const extra of live.slice(1)) deletePod(store, recorder, ds, extra);
    byNode.set(node, live.slice(0, 1));
  }
  for (const node of wanted) {
    if ((byNode.get(node) ?? []).length > 0) continue;
    const pod = createPod(store, recorder, ds, node);
    if (pod) byNode.set(node, [pod]);
  }
  replaceOutdated(store, recorder, ds, byNode);
}

/** RollingUpdate with maxUnavailable 1: while every daemon pod is ready, delete one outdated pod. */
function replaceOutdated(store: ObjectStore, recorder: EventRecorder, ds: KubeObject, byNode: Map<string, KubeObject[]>): void {
  if (rec(specOf(ds)['updateStrategy'])?.['type'] === 'OnDelete') return;
  const pods = [...byNode.values()].flat();
  if (!pods.every(isPodReady)) return;
  const generation = String(ds.metadata.generation ?? 1);
  const outdated = pods.find((p) => p.metadata.labels?.[GENERATION_LABEL] !== generation);
  if (outdated) deletePod(store, recorder, ds, outdated);
}

function createPod(store: ObjectStore, recorder: EventRecorder, ds: KubeObject, node: string): KubeObject | undefined {
  const pod = podFromTemplate(ds);
  const meta = pod['metadata'] as Obj;
  meta['labels'] = { ...((rec(meta['labels']) ?? {}) as Record<string, string>), [GENERATION_LABEL]: String(ds.metadata.generation ?? 1) };
  pinToNode(pod['spec'] as Obj, node);
  try {
    const created = store.create(R.pods, pod, { namespace: ds.metadata.namespace });
    recorder.record(objectReference(ds), 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    return created;
  } catch (err) {
    recorder.record(objectReference(ds), 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function deletePod(store: ObjectStore, recorder: EventRecorder, ds: KubeObject, pod: KubeObject): void {
  try {
    store.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
    recorder.record(objectReference(ds), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function writeStatus(store: ObjectStore, clock: SimClock, ds: KubeObject, nodes: KubeObject[], byNode: Map<string, KubeObject[]>): void {
  const wanted = new Set(nodes.filter((n) => nodeAdmits(n, templateSpec(ds))).map((n) => n.metadata.name));
  const scheduled = [...byNode.entries()].filter(([node, pods]) => wanted.has(node) && pods.length > 0);
  const pods = scheduled.map(([, p]) => p[0]!);
  const minReady = num(specOf(ds)['minReadySeconds']);
  const available = pods.filter((p) => msUntilAvailable(p, minReady, clock.now()) === 0).length;
  const generation = String(ds.metadata.generation ?? 1);
  const status: Obj = {
    currentNumberScheduled: scheduled.length,
    desiredNumberScheduled: wanted.size,
    numberMisscheduled: [...byNode.keys()].filter((n) => !wanted.has(n) && (byNode.get(n) ?? []).length > 0).length,
    numberReady: pods.filter(isPodReady).length,
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[GENERATION_LABEL] === generation).length,
    numberAvailable: available,
    numberUnavailable: wanted.size - available,
  };
  for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const) if (status[k] === 0) delete status[k];
  if (canonicalJson(status) === canonicalJson(statusOf(ds))) return;
  const next = mutable(ds);
  next['status'] = status;
  store.update(DAEMONSETS, next, { namespace: ds.metadata.namespace, name: ds.metadata.name, subresource: 'status' });
}
