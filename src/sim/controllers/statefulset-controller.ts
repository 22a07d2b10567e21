/**
 * The StatefulSet controller (pkg/controller/statefulset): pods `<set>-<ordinal>` with stable
 * identity (hostname, subdomain, pod-name and pod-index labels), a PersistentVolumeClaim per
 * volumeClaimTemplate per ordinal named `<template>-<set>-<ordinal>` created before its pod,
 * OrderedReady (one pod at a time, each Running and Ready before the next; scale-down from the
 * highest ordinal) or Parallel management, and RollingUpdate from the highest ordinal down.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { watchAll } from './informer.js';
import {
  R, type Obj, arr, canonicalJson, controllerRef, isNotFound, isPodReady, isTerminal, msUntilAvailable, mutable, num,
  ownerRefTo, rec, specOf, statusOf, tryGet,
} from './kube.js';
import { podFromTemplate } from './pod-template.js';
import { computeHash } from './pod-template-hash.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const REVISION_LABEL = 'controller-revision-hash';

/** Runs the StatefulSet controller until stopped. */
export function startStatefulSetController(store: ObjectStore, clock: SimClock): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'statefulset-controller' });
  const queue: WorkQueue = new WorkQueue(clock, (key) => syncStatefulSet(store, clock, recorder, key));
  const stops = [
    watchAll(store, R.statefulsets, (_t, sts) => queue.add(keyFor(sts.metadata.namespace, sts.metadata.name))),
    watchAll(store, R.pods, (_t, pod) => {
      const owner = controllerRef(pod);
      if (owner?.kind === 'StatefulSet') queue.add(keyFor(pod.metadata.namespace, owner.name));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

function ordinalOf(sts: KubeObject, pod: KubeObject): number | undefined {
  const prefix = `${sts.metadata.name}-`;
  const rest = pod.metadata.name.startsWith(prefix) ? pod.metadata.name.slice(prefix.length) : '';
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

/** The revision pods of the current template carry (`<set>-<hash>`). */
function updateRevision(sts: KubeObject): string {
  return `${sts.metadata.name}-${computeHash(specOf(sts)['template'], undefined)}`;
}

function isRunningAndReady(pod: KubeObject): boolean {
  return statusOf(pod)['phase'] === 'Running' && isPodReady(pod);
}

function claimName(template: Obj, sts: KubeObject, ordinal: number): string {
  return `${String(rec(template['metadata'])?.['name'] ?? '')}-${sts.metadata.name}-${ordinal}`;
}

/** The pod of one ordinal: identity labels, hostname and subdomain, and its claims mounted. */
function newPod(sts: KubeObject, ordinal: number, revision: string): Obj {
  const name = `${sts.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(sts, name);
  const meta = pod['metadata'] as Obj;
  meta['labels'] = {
    ...((rec(meta['labels']) ?? {}) as Record<string, string>),
    [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal),
  };
  const spec = pod['spec'] as Obj;
  spec['hostname'] = name;
  const service = specOf(sts)['serviceName'];
  if (typeof service === 'string' && service !== '') spec['subdomain'] = service;
  const templates = arr(specOf(sts)['volumeClaimTemplates']);
  const volumes = arr(spec['volumes']).filter((v) => !templates.some((t) => rec(t['metadata'])?.['name'] === v['name']));
  for (const t of templates) {
    volumes.push({ name: rec(t['metadata'])?.['name'], persistentVolumeClaim: { claimName: claimName(t, sts, ordinal) } });
  }
  if (volumes.length > 0) spec['volumes'] = volumes;
  return pod;
}

function newClaim(sts: KubeObject, template: Obj, ordinal: number): Obj {
  const tmeta = rec(template['metadata']) ?? {};
  const selectorLabels = (rec(rec(specOf(sts)['selector'])?.['matchLabels']) ?? {}) as Record<string, string>;
  const metadata: Obj = {
    name: claimName(template, sts, ordinal), namespace: sts.metadata.namespace,
    labels: { ...((rec(tmeta['labels']) ?? {}) as Record<string, string>), ...selectorLabels },
  };
  if (tmeta['annotations'] !== undefined) metadata['annotations'] = structuredClone(tmeta['annotations']);
  const retention = rec(specOf(sts)['persistentVolumeClaimRetentionPolicy']);
  if (retention?.['whenDeleted'] === 'Delete') metadata['ownerReferences'] = [{ ...ownerRefTo(sts), controller: true }];
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: structuredClone(template['spec'] ?? {}) };
}

function syncStatefulSet(store: ObjectStore, clock: SimClock, recorder: EventRecorder, key: string): void {
  const { namespace, name } = splitKey(key);
  const sts = tryGet(R.statefulsets, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!sts) return;
  const revision = updateRevision(sts);
  const pods = new Map<number, KubeObject>();
  for (const pod of store.list(R.pods, { namespace }).items) {
    const ordinal = controllerRef(pod)?.uid === sts.metadata.uid ? ordinalOf(sts, pod) : undefined;
    if (ordinal !== undefined) pods.set(ordinal, pod);
  }
  if (!sts.metadata.deletionTimestamp) reconcilePods(store, recorder, sts, pods, revision);
  writeStatus(store, clock, sts, pods, revision);
}

function reconcilePods(store: ObjectStore, recorder: EventRecorder, sts: KubeObject, pods: Map<number, KubeObject>, revision: string): void {
  const replicas = num(specOf(sts)['replicas'], 1);
  const ordered = specOf(sts)['podManagementPolicy'] !== 'Parallel';
  for (let ordinal = 0; ordinal < replicas; ordinal++) {
    const pod = pods.get(ordinal);
    if (pod && isTerminal(pod)) {
      deletePod(store, recorder, sts, pod, pods, ordinal);
      if (ordered) return;
      continue;
    }
    if (!pod) {
      createPod(store, recorder, sts, ordinal, revision, pods);
      if (ordered) return;
      continue;
    }
    if (ordered && (!isRunningAndReady(pod) || pod.metadata.deletionTimestamp)) return;
  }
  const condemned = [...pods.keys()].filter((o) => o >= replicas).sort((a, b) => b - a);
  for (const ordinal of condemned) {
    deletePod(store, recorder, sts, pods.get(ordinal)!, pods, ordinal);
    if (ordered) return;
  }
  rollingUpdate(store, recorder, sts, pods, revision);
}

/** RollingUpdate: when every pod is Running and Ready, replace the highest-ordinal outdated pod. */
function rollingUpdate(store: ObjectStore, recorder: EventRecorder, sts: KubeObject, pods: Map<number, KubeObject>, revision: string): void {
  const strategy = rec(specOf(sts)['updateStrategy']);
  if (strategy?.['type'] === 'OnDelete') return;
  if (![...pods.values()].every(isRunningAndReady)) return;
  const partition = num(rec(strategy?.['rollingUpdate'])?.['partition']);
  const outdated = [...pods.entries()].filter(([o, p]) => o >= partition && p.metadata.labels?.[REVISION_LABEL] !== revision).sort((a, b) => b[0] - a[0]);
  const first = outdated[0];
  if (first) deletePod(store, recorder, sts, first[1], pods, first[0]);
}

function createPod(store: ObjectStore, recorder: EventRecorder, sts: KubeObject, ordinal: number, revision: string, pods: Map<number, KubeObject>): void {
  const podName = `${sts.metadata.name}-${ordinal}`;
  for (const template of arr(specOf(sts)['volumeClaimTemplates'])) {
    const claim = claimName(template, sts, ordinal);
    if (tryGet(R.persistentvolumeclaims, sts.metadata.namespace, claim, (r, ns, n) => store.get(r, ns, n))) continue;
    try {
      store.create(R.persistentvolumeclaims, newClaim(sts, template, ordinal), { namespace: sts.metadata.namespace });
      recorder.record(objectReference(sts), 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${podName} in StatefulSet ${sts.metadata.name} success`);
    } catch (err) {
      recorder.record(objectReference(sts), 'Warning', 'FailedCreate', `create Claim ${claim} for Pod ${podName} in StatefulSet ${sts.metadata.name} failed error: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
  }
  try {
    pods.set(ordinal, store.create(R.pods, newPod(sts, ordinal, revision), { namespace: sts.metadata.namespace }));
    recorder.record(objectReference(sts), 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} successful`);
  } catch (err) {
    recorder.record(objectReference(sts), 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} failed error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function deletePod(store: ObjectStore, recorder: EventRecorder, sts: KubeObject, pod: KubeObject, pods: Map<number, KubeObject>, ordinal: number): void {
  try {
    store.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
    pods.delete(ordinal);
    recorder.record(objectReference(sts), 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function writeStatus(store: ObjectStore, clock: SimClock, sts: KubeObject, pods: Map<number, KubeObject>, revision: string): void {
  const all = [...pods.values()];
  const minReady = num(specOf(sts)['minReadySeconds']);
  const updated = all.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision).length;
  const old = statusOf(sts);
  const currentRevision = updated === all.length ? revision : String(old['currentRevision'] ?? revision);
  const status: Obj = {
    observedGeneration: sts.metadata.generation ?? 0,
    replicas: all.length,
    readyReplicas: all.filter(isPodReady).length,
    currentReplicas: all.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length,
    updatedReplicas: updated,
    currentRevision, updateRevision: revision, collisionCount: 0,
    availableReplicas: all.filter((p) => msUntilAvailable(p, minReady, clock.now()) === 0).length,
  };
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (status[k] === 0) delete status[k];
  if (canonicalJson(status) === canonicalJson(old)) return;
  const next = mutable(sts);
  next['status'] = status;
  store.update(R.statefulsets, next, { namespace: sts.metadata.namespace, name: sts.metadata.name, subresource: 'status' });
}
