/**
 * The CronJob controller (pkg/controller/cronjob, v2): at each scheduled time (UTC) a Job named
 * `<cronjob>-<scheduled unix minutes>` from the jobTemplate, concurrencyPolicy Allow / Forbid /
 * Replace, startingDeadlineSeconds, suspend, finished jobs noticed (SawCompletedJob) and pruned to
 * the history limits, and the status (active, lastScheduleTime, lastSuccessfulTime).
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { type CronSchedule, mostRecent, nextAfter, parseCron } from './cron-schedule.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { watchAll } from './informer.js';
import {
  R, type Obj, arr, canonicalJson, conditionOf, controllerRef, isAlreadyExists, isNotFound, mutable, num, ownerRefTo, rec,
  specOf, statusOf, timestamp, tryGet,
} from './kube.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const CRONJOBS = lookupResource('cronjobs.batch')!;
const SCHEDULED_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** Runs the CronJob controller until stopped. */
export function startCronJobController(store: ObjectStore, clock: SimClock): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'cronjob-controller' });
  const queue: WorkQueue = new WorkQueue(clock, (key) => {
    const wait = syncCronJob(store, clock, recorder, key);
    if (wait !== undefined) queue.addAfter(key, wait);
  });
  const stops = [
    watchAll(store, CRONJOBS, (_t, cj) => queue.add(keyFor(cj.metadata.namespace, cj.metadata.name))),
    watchAll(store, R.jobs, (_t, job) => {
      const owner = controllerRef(job);
      if (owner?.kind === 'CronJob') queue.add(keyFor(job.metadata.namespace, owner.name));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

/** The Job's finished condition type (Complete or Failed), if any. */
function finishedAs(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const type of ['Complete', 'Failed'] as const) if (conditionOf(statusOf(job), type)?.['status'] === 'True') return type;
  return undefined;
}

function jobRef(job: KubeObject): Obj {
  return {
    kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion,
  };
}

function syncCronJob(store: ObjectStore, clock: SimClock, recorder: EventRecorder, key: string): number | undefined {
  const { namespace, name } = splitKey(key);
  const cj = tryGet(CRONJOBS, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!cj || cj.metadata.deletionTimestamp) return undefined;
  const now = clock.now();
  const status: Obj = structuredClone(statusOf(cj));
  let jobs = store.list(R.jobs, { namespace }).items.filter((j) => controllerRef(j)?.uid === cj.metadata.uid);
  noticeFinished(recorder, cj, jobs, status);
  let schedule: CronSchedule;
  try {
    schedule = parseCron(String(specOf(cj)['schedule'] ?? ''));
  } catch (err) {
    recorder.record(objectReference(cj), 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(specOf(cj)['schedule'])} : ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  if (specOf(cj)['suspend'] !== true) {
    const created = startIfDue(store, recorder, cj, schedule, jobs, status, now);
    if (created) jobs = [...jobs, created];
  }
  pruneHistory(store, recorder, cj, jobs, status);
  writeStatus(store, cj, status);
  const next = nextAfter(schedule, now);
  return next ? next.getTime() - now.getTime() : undefined;
}

function noticeFinished(recorder: EventRecorder, cj: KubeObject, jobs: KubeObject[], status: Obj): void {
  const active = arr(status['active']);
  const still: Obj[] = [];
  for (const ref of active) {
    const job = jobs.find((j) => j.metadata.uid === ref['uid']);
    const finished = job ? finishedAs(job) : undefined;
    if (job && !finished) {
      still.push(ref);
      continue;
    }
    if (job && finished) {
      recorder.record(objectReference(cj), 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${finished}`);
      const completion = statusOf(job)['completionTime'];
      if (finished === 'Complete' && typeof completion === 'string') status['lastSuccessfulTime'] = completion;
    }
  }
  for (const job of jobs) {
    if (!finishedAs(job) && !still.some((r) => r['uid'] === job.metadata.uid)) still.push(jobRef(job));
  }
  if (still.length > 0) status['active'] = still; else delete status['active'];
}

function startIfDue(store: ObjectStore, recorder: EventRecorder, cj: KubeObject, schedule: CronSchedule, jobs: KubeObject[], status: Obj, now: Date): KubeObject | undefined {
  const since = new Date(String(status['lastScheduleTime'] ?? cj.metadata.creationTimestamp ?? now.toISOString()));
  const { time, missed } = mostRecent(schedule, since, now);
  if (!time) return undefined;
  if (missed > 100) {
    recorder.record(objectReference(cj), 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
  }
  const deadline = specOf(cj)['startingDeadlineSeconds'];
  if (typeof deadline === 'number' && time.getTime() + deadline * 1000 < now.getTime()) {
    recorder.record(objectReference(cj), 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${time.toISOString().replace('.000Z', 'Z')}`);
    status['lastScheduleTime'] = timestamp(time);
    return undefined;
  }
  const active = jobs.filter((j) => !finishedAs(j));
  const policy = specOf(cj)['concurrencyPolicy'] ?? 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    recorder.record(objectReference(cj), 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return undefined;
  }
  if (policy === 'Replace') for (const job of active) deleteJob(store, recorder, cj, job, status);
  const job = createJob(store, recorder, cj, time);
  status['lastScheduleTime'] = timestamp(time);
  if (job) status['active'] = [...arr(status['active']), jobRef(job)];
  return job;
}

function createJob(store: ObjectStore, recorder: EventRecorder, cj: KubeObject, time: Date): KubeObject | undefined {
  const template = rec(specOf(cj)['jobTemplate']) ?? {};
  const tmeta = rec(template['metadata']) ?? {};
  const name = `${cj.metadata.name}-${Math.floor(time.getTime() / 60_000)}`;
  const metadata: Obj = {
    name, namespace: cj.metadata.namespace, labels: structuredClone(tmeta['labels'] ?? {}),
    annotations: { ...((rec(tmeta['annotations']) ?? {}) as Record<string, string>), [SCHEDULED_ANNOTATION]: timestamp(time) },
    ownerReferences: [ownerRefTo(cj)],
  };
  try {
    const job = store.create(R.jobs, { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: structuredClone(template['spec'] ?? {}) }, { namespace: cj.metadata.namespace });
    recorder.record(objectReference(cj), 'Normal', 'SuccessfulCreate', `Created job ${name}`);
    return job;
  } catch (err) {
    if (isAlreadyExists(err)) return undefined;
    recorder.record(objectReference(cj), 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function deleteJob(store: ObjectStore, recorder: EventRecorder, cj: KubeObject, job: KubeObject, status: Obj): void {
  try {
    store.delete(R.jobs, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
    recorder.record(objectReference(cj), 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const active = arr(status['active']).filter((r) => r['uid'] !== job.metadata.uid);
  if (active.length > 0) status['active'] = active; else delete status['active'];
}

function pruneHistory(store: ObjectStore, recorder: EventRecorder, cj: KubeObject, jobs: KubeObject[], status: Obj): void {
  const byStart = (a: KubeObject, b: KubeObject): number => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || a.metadata.name.localeCompare(b.metadata.name);
  const limits = { Complete: num(specOf(cj)['successfulJobsHistoryLimit'], 3), Failed: num(specOf(cj)['failedJobsHistoryLimit'], 1) };
  for (const kind of ['Complete', 'Failed'] as const) {
    const finished = jobs.filter((j) => finishedAs(j) === kind && !j.metadata.deletionTimestamp).sort(byStart);
    for (const job of finished.slice(0, Math.max(0, finished.length - limits[kind]))) deleteJob(store, recorder, cj, job, status);
  }
}

function writeStatus(store: ObjectStore, cj: KubeObject, status: Obj): void {
  if (canonicalJson(status) === canonicalJson(statusOf(cj))) return;
  const next = mutable(cj);
  next['status'] = status;
  store.update(CRONJOBS, next, { namespace: cj.metadata.namespace, name: cj.metadata.name, subresource: 'status' });
}
