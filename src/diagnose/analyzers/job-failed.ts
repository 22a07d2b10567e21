/**
 * JobFailed: a Job the job controller gave up on (condition Failed True, reason `BackoffLimitExceeded`:
 * `Job has reached the specified backoff limit`, or `DeadlineExceeded`: `Job was active longer than
 * specified deadline`), or a Job still running whose pods keep failing. Why the pods failed is read
 * from the newest failed pod's termination and log, as the CrashLoopBackOff analyzer reads a crash.
 * The culprit is the CronJob when the Job belongs to one, so a CronJob whose runs keep failing is one
 * incident. A failure already followed by a successful run of the same CronJob is history: no finding.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { CronJob, Job, ObjectRef } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { formatDuration, millisOf } from '../../cluster/time.js';
import { finding, type Analyzer } from '../analyzer.js';
import { describeCondition, eventEvidence, eventsWithReason, specEvidence, statusEvidence } from '../evidence.js';
import { diagnoseExit, terminationEvidence, type ExitDiagnosis } from '../exit-cause.js';
import type { Category, Evidence, Finding, Severity } from '../finding.js';
import { containersOf, type ContainerView, type PodObj, type Termination } from '../pod-state.js';

type JobObj = Obj<Job>;
type JobCondition = NonNullable<NonNullable<Job['status']>['conditions']>[number];

/** An active Job counts as failing once this many of its pods have failed. */
const ACTIVE_FAILURES = 2;
/** A CronJob whose last runs failed this many times in a row has stopped doing its work: critical. */
const CRITICAL_RUNS = 2;

export const jobFailedAnalyzer: Analyzer = {
  mode: 'JobFailed',
  description: 'Jobs past their backoff limit or deadline, or whose pods keep failing; why, from the failed pods; CronJob runs grouped',
  analyze(graph) {
    return graph.ofKind<Job>('Job').flatMap((job) => analyzeJob(graph, job) ?? []);
  },
};

function condition(job: JobObj, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** The terminal failure of a Job: its Failed condition, or FailureTarget while its pods are still being stopped. */
function failedCondition(job: JobObj): JobCondition | undefined {
  return condition(job, 'Failed') ?? condition(job, 'FailureTarget');
}

function cronJobOf(graph: ClusterGraph, job: JobObj): Obj<CronJob> | undefined {
  const owner = graph.owner(job);
  return owner?.kind === 'CronJob' ? (owner as Obj<CronJob>) : undefined;
}

/** When a Job failed (or, still running, when it started). */
function failureTime(job: JobObj): number | undefined {
  return millisOf(failedCondition(job)?.lastTransitionTime) ?? millisOf(job.status?.startTime) ?? millisOf(job.metadata.creationTimestamp);
}

/** When the CronJob last ran successfully: its status, or the newest completed Job it owns. */
function lastSuccess(graph: ClusterGraph, cron: Obj<CronJob>): number | undefined {
  let best = millisOf(cron.status?.lastSuccessfulTime);
  for (const child of graph.ownedBy(cron)) {
    if (child.kind !== 'Job') continue;
    const done = condition(child as JobObj, 'Complete');
    if (!done) continue;
    const at = millisOf((child as JobObj).status?.completionTime) ?? millisOf(done.lastTransitionTime);
    if (at !== undefined && (best === undefined || at > best)) best = at;
  }
  return best;
}

function analyzeJob(graph: ClusterGraph, job: JobObj): Finding | undefined {
  if (condition(job, 'Complete') || condition(job, 'SuccessCriteriaMet')) return undefined;
  const failed = failedCondition(job);
  if (!failed && (job.spec?.suspend || (job.status?.failed ?? 0) < ACTIVE_FAILURES)) return undefined;
  const cron = cronJobOf(graph, job);
  const at = failureTime(job);
  const success = cron ? lastSuccess(graph, cron) : undefined;
  if (success !== undefined && at !== undefined && success > at) return undefined;
  const pods = graph.podsOf(job);
  const crash = newestFailure(pods);
  const diagnosis = crash ? diagnoseExit(graph, crash.pod, crash.view, crash.term, crash.previous) : undefined;
  const evidence = [...jobEvidence(graph, job, failed), ...(crash && diagnosis ? podEvidence(crash, diagnosis) : [])];
  const category = categoryOf(failed, diagnosis);
  const culprit: ObjectRef = cron ? refOf(cron) : refOf(job);
  return finding({
    mode: 'JobFailed', category, subject: refOf(job), culprit, evidence,
    explanation: `${jobStory(graph, job, failed, cron)} ${podStory(crash, diagnosis, pods.length)}`.trim(),
    confidence: failed ? 0.95 : diagnosis && diagnosis.category !== 'unknown' ? 0.7 : 0.4,
    severity: severityOf(graph, job, failed, cron, success),
    ...(diagnosis?.dependency ? { related: [diagnosis.dependency] } : {}),
  });
}

function categoryOf(failed: JobCondition | undefined, diagnosis: ExitDiagnosis | undefined): Category<'JobFailed'> {
  if (failed?.reason === 'DeadlineExceeded') return 'deadline-exceeded';
  // A pod failure policy rule that fails the Job matched an exit code the application chose.
  if (failed?.reason === 'PodFailurePolicy') return 'application-error';
  if (failed) return 'backoff-limit-exceeded';
  return diagnosis && diagnosis.category !== 'unknown' ? 'application-error' : 'unknown';
}

/** Critical when a CronJob's recent runs have all failed (two or more since its last success). */
function severityOf(graph: ClusterGraph, job: JobObj, failed: JobCondition | undefined, cron: Obj<CronJob> | undefined, success: number | undefined): Severity {
  if (!failed || !cron) return 'warning';
  const failedRuns = graph.ownedBy(cron).filter((o) => o.kind === 'Job' && failedCondition(o as JobObj)
    && (success === undefined || (failureTime(o as JobObj) ?? 0) > success));
  return failedRuns.length >= CRITICAL_RUNS && failedRuns.includes(job) ? 'critical' : 'warning';
}

interface Crash {
  pod: PodObj;
  view: ContainerView;
  term: Termination;
  /** The termination is the container's previous instance (restartPolicy OnFailure). */
  previous: boolean;
}

/** The newest non-zero container exit among the Job's pods. */
function newestFailure(pods: PodObj[]): Crash | undefined {
  let best: Crash | undefined;
  let bestAt = -Infinity;
  for (const pod of pods) {
    for (const view of containersOf(pod)) {
      const current = view.status?.state?.terminated;
      const last = view.status?.lastState?.terminated;
      const term = current && current.exitCode !== 0 ? current : last && last.exitCode !== 0 ? last : undefined;
      if (!term) continue;
      const at = millisOf(term.finishedAt) ?? 0;
      if (at >= bestAt) {
        bestAt = at;
        best = { pod, view, term, previous: term !== current };
      }
    }
  }
  return best;
}

function jobEvidence(graph: ClusterGraph, job: JobObj, failed: JobCondition | undefined): Evidence[] {
  const out: Evidence[] = [];
  if (failed) {
    out.push(statusEvidence(job, `status.conditions[${failed.type}]`, describeCondition(failed), failed.lastTransitionTime));
  }
  const s = job.status;
  out.push(statusEvidence(job, 'status', `Pods Statuses: ${s?.active ?? 0} Active (${s?.ready ?? 0} Ready) / ${s?.succeeded ?? 0} Succeeded / ${s?.failed ?? 0} Failed`));
  if (failed?.reason === 'DeadlineExceeded' && job.spec?.activeDeadlineSeconds !== undefined) {
    out.push(specEvidence(job, 'spec.activeDeadlineSeconds', `Active Deadline Seconds: ${job.spec.activeDeadlineSeconds}s`));
  } else {
    out.push(specEvidence(job, 'spec.backoffLimit', `Backoff Limit: ${job.spec?.backoffLimit ?? 6}`));
  }
  const event = eventsWithReason(graph, refOf(job), ['BackoffLimitExceeded', 'DeadlineExceeded', 'PodFailurePolicy']).pop();
  if (event) out.push(eventEvidence(event));
  return out;
}

function podEvidence(crash: Crash, d: ExitDiagnosis): Evidence[] {
  return [terminationEvidence(crash.pod, crash.view, crash.term), ...d.evidence];
}

function jobStory(graph: ClusterGraph, job: JobObj, failed: JobCondition | undefined, cron: Obj<CronJob> | undefined): string {
  const name = `Job ${job.metadata.name}${cron ? ` (a run of CronJob ${cron.metadata.name})` : ''}`;
  const failures = job.status?.failed ?? 0;
  if (!failed) {
    return `${name} is still running, but ${failures} of its pods have failed; it will give up after ${job.spec?.backoffLimit ?? 6} failures.`;
  }
  if (failed.reason === 'DeadlineExceeded') {
    const started = millisOf(job.status?.startTime);
    const ended = millisOf(failed.lastTransitionTime);
    const ran = started !== undefined && ended !== undefined ? ` It ran ${formatDuration(ended - started)}.` : '';
    const deadline = job.spec?.activeDeadlineSeconds;
    return `${name} failed: it was active longer than its activeDeadlineSeconds${deadline !== undefined ? ` (${formatDuration(deadline * 1000)})` : ''}, so the job controller stopped its pods.${ran} `
      + 'The work takes longer than allowed, or its pods were slow to start or stuck waiting; raise the deadline in the Job template or make the work faster.';
  }
  if (failed.reason === 'PodFailurePolicy') return `${name} failed: a pod failure policy rule failed the Job (${failed.message ?? ''}).`;
  const limit = job.spec?.backoffLimit ?? 6;
  const age = graph.now.getTime() - (millisOf(failed.lastTransitionTime) ?? graph.now.getTime());
  const when = age > 0 ? ` ${formatDuration(age)} ago` : '';
  return `${name} failed${when}: ${failures} of its pods failed, which reached its backoffLimit of ${limit} (${failed.reason ?? 'Failed'}), and no later run has succeeded.`;
}

function podStory(crash: Crash | undefined, d: ExitDiagnosis | undefined, podCount: number): string {
  if (!crash || !d) {
    return podCount ? 'Its pods show no failed container to read a cause from.' : 'Its pods are gone (deleted by the controller or by TTL), so the cause cannot be read from them: check the logs your cluster keeps.';
  }
  return `Its newest failed pod ${crash.pod.metadata.name}: ${d.why}`;
}

