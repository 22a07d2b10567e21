/**
 * The Job controller (pkg/controller/job), NonIndexed completion mode: runs up to `parallelism`
 * pods until `completions` have succeeded, re-creates failed pods after an exponential back-off
 * (10 s doubling, at most 6 minutes, on the clock), and fails the Job once more pods failed than
 * `backoffLimit` allows (restartPolicy Never; with OnFailure, container restarts count), with the
 * 1.32 condition pairs (SuccessCriteriaMet + Complete, FailureTarget + Failed) and events.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { watchAll } from './informer.js';
import {
  R, type Obj, arr, conditionOf, controllerRef, isNotFound, isPodReady, mutable, num, rec, specOf, statusOf, timestamp, tryGet,
} from './kube.js';
import { podFromTemplate } from './pod-template.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;
const BACKOFF_MESSAGE = 'Job has reached the specified backoff limit';
const COMPLETED_MESSAGE = 'Reached expected number of succeeded pods';

/** Runs the Job controller until stopped. */
export function startJobController(store: ObjectStore, clock: SimClock): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'job-controller' });
  const queue: WorkQueue = new WorkQueue(clock, (key) => {
    const wait = syncJob(store, clock, recorder, key);
    if (wait !== undefined) queue.addAfter(key, wait);
  });
  const stops = [
    watchAll(store, R.jobs, (_t, job) => queue.add(keyFor(job.metadata.namespace, job.metadata.name))),
    watchAll(store, R.pods, (_t, pod) => {
      const owner = controllerRef(pod);
      if (owner?.kind === 'Job') queue.add(keyFor(pod.metadata.namespace, owner.name));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

function isFinished(job: KubeObject): boolean {
  const status = statusOf(job);
  return ['Complete', 'Failed'].some((type) => conditionOf(status, type)?.['status'] === 'True');
}

function phase(pod: KubeObject): string {
  return String(statusOf(pod)['phase'] ?? '');
}

function restarts(pod: KubeObject): number {
  return arr(statusOf(pod)['containerStatuses']).reduce((n, c) => n + num(c['restartCount']), 0);
}

function condition(type: string, reason: string, message: string, now: Date): Obj {
  const t = timestamp(now);
  return { type, status: 'True', lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/** Latest time a pod of the job finished (what the back-off counts from). */
function lastFailure(failed: KubeObject[]): number {
  let latest = 0;
  for (const pod of failed) {
    for (const c of arr(statusOf(pod)['containerStatuses'])) {
      const finished = Date.parse(String(rec(rec(c['state'])?.['terminated'])?.['finishedAt'] ?? ''));
      if (!Number.isNaN(finished)) latest = Math.max(latest, finished);
    }
    latest = Math.max(latest, Date.parse(pod.metadata.creationTimestamp ?? '') || 0);
  }
  return latest;
}

function syncJob(store: ObjectStore, clock: SimClock, recorder: EventRecorder, key: string): number | undefined {
  const { namespace, name } = splitKey(key);
  const job = tryGet(R.jobs, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!job || job.metadata.deletionTimestamp || isFinished(job)) return undefined;
  const spec = specOf(job);
  const now = clock.now();
  const owned = store.list(R.pods, { namespace }).items.filter((p) => controllerRef(p)?.uid === job.metadata.uid);
  const active = owned.filter((p) => !p.metadata.deletionTimestamp && phase(p) !== 'Succeeded' && phase(p) !== 'Failed');
  const succeeded = owned.filter((p) => phase(p) === 'Succeeded').length;
  const failedPods = owned.filter((p) => phase(p) === 'Failed');
  const completions = typeof spec['completions'] === 'number' ? spec['completions'] : undefined;
  const parallelism = num(spec['parallelism'], 1);
  const backoffLimit = num(spec['backoffLimit'], 6);
  const onFailure = rec(rec(spec['template'])?.['spec'])?.['restartPolicy'] === 'OnFailure';
  const failures = failedPods.length + (onFailure ? active.reduce((n, p) => n + restarts(p), 0) : 0);
  const status: Obj = structuredClone(statusOf(job));
  status['startTime'] ??= timestamp(now);
  let wait: number | undefined;
  const conditions = arr(status['conditions']);
  if (failures > backoffLimit) {
    for (const pod of active) deletePod(store, pod);
    conditions.push(condition('FailureTarget', 'BackoffLimitExceeded', BACKOFF_MESSAGE, now), condition('Failed', 'BackoffLimitExceeded', BACKOFF_MESSAGE, now));
    recorder.record(objectReference(job), 'Warning', 'BackoffLimitExceeded', BACKOFF_MESSAGE);
    active.length = 0;
  } else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) {
    conditions.push(condition('SuccessCriteriaMet', 'CompletionsReached', COMPLETED_MESSAGE, now), condition('Complete', 'CompletionsReached', COMPLETED_MESSAGE, now));
    status['completionTime'] = timestamp(now);
    recorder.record(objectReference(job), 'Normal', 'Completed', 'Job completed');
  } else {
    const remaining = completions !== undefined ? completions - succeeded : (succeeded > 0 ? 0 : parallelism);
    const want = Math.min(parallelism, remaining) - active.length;
    if (want > 0) {
      const backoff = failedPods.length === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failedPods.length - 1));
      const readyAt = lastFailure(failedPods) + backoff;
      if (backoff > 0 && readyAt > now.getTime()) wait = readyAt - now.getTime();
      else for (let i = 0; i < want; i++) createPod(store, recorder, job, active);
    }
  }
  if (conditions.length > 0) status['conditions'] = conditions;
  status['active'] = active.length;
  status['ready'] = active.filter(isPodReady).length;
  status['succeeded'] = succeeded;
  status['failed'] = failedPods.length;
  status['terminating'] = owned.filter((p) => p.metadata.deletionTimestamp).length;
  status['uncountedTerminatedPods'] = {};
  for (const k of ['active', 'succeeded', 'failed'] as const) if (status[k] === 0) delete status[k];
  if (JSON.stringify(status) !== JSON.stringify(statusOf(job))) {
    const next = mutable(job);
    next['status'] = status;
    store.update(R.jobs, next, { namespace, name, subresource: 'status' });
  }
  return wait;
}

function createPod(store: ObjectStore, recorder: EventRecorder, job: KubeObject, active: KubeObject[]): void {
  try {
    const pod = store.create(R.pods, podFromTemplate(job), { namespace: job.metadata.namespace });
    active.push(pod);
    recorder.record(objectReference(job), 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
  } catch (err) {
    recorder.record(objectReference(job), 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function deletePod(store: ObjectStore, pod: KubeObject): void {
  try {
    store.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
