import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, event, graphOf, log, merge, pod } from '../../../test/k8s.js';
import { jobFailedAnalyzer } from './job-failed.js';

const cron = merge({
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'ledger-export', namespace: 'finance', uid: 'cron-0001' },
  spec: { schedule: '0 * * * *', jobTemplate: { spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'export', image: 'registry.example.com/ledger-export:5.0.1' }] } } } } },
  status: {},
}, {});

type Outcome = 'BackoffLimitExceeded' | 'DeadlineExceeded' | 'Complete' | 'running';

function job(name: string, outcome: Outcome, minutesAgo: number, owner: KubeObject | undefined = cron, over: Record<string, unknown> = {}): KubeObject {
  const conditions = outcome === 'BackoffLimitExceeded'
    ? [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastTransitionTime: ago(minutesAgo) },
      { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastTransitionTime: ago(minutesAgo) }]
    : outcome === 'DeadlineExceeded'
      ? [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', lastTransitionTime: ago(minutesAgo) }]
      : outcome === 'Complete'
        ? [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: ago(minutesAgo) }, { type: 'Complete', status: 'True', lastTransitionTime: ago(minutesAgo) }]
        : [];
  return merge({
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name, namespace: 'finance', uid: `job-${name}`, creationTimestamp: ago(minutesAgo + 5), labels: { 'job-name': name },
      ...(owner ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: owner.metadata.name, uid: owner.metadata.uid, controller: true }] } : {}),
    },
    spec: { backoffLimit: 2, completions: 1, parallelism: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'export', image: 'x' }] } } },
    status: {
      startTime: ago(minutesAgo + 5), conditions,
      ...(outcome === 'Complete' ? { succeeded: 1, completionTime: ago(minutesAgo) } : { failed: outcome === 'running' ? 2 : 3, active: outcome === 'running' ? 1 : 0 }),
    },
  }, over);
}

function failedPod(owner: KubeObject, suffix: string, minutesAgo: number, exitCode = 1): KubeObject {
  return pod('finance', `${owner.metadata.name}-${suffix}`, {
    spec: { restartPolicy: 'Never', containers: [{ name: 'export', image: 'registry.example.com/ledger-export:5.0.1' }] },
    status: {
      phase: 'Failed', conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'export', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { reason: 'Error', exitCode, startedAt: ago(minutesAgo + 1), finishedAt: ago(minutesAgo) } } }],
    },
  }, owner);
}

describe('jobFailedAnalyzer', () => {
  it('reports a Job past its backoff limit, with the newest failed pod\'s log line as the why', () => {
    const j = job('ledger-export-29412360', 'BackoffLimitExceeded', 10);
    const pods = [failedPod(j, 'a1b2c', 30), failedPod(j, 'd3e4f', 20), failedPod(j, 'g5h6i', 11)];
    const ev = event(j, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', { minutesAgo: 10, source: { component: 'job-controller' } });
    const logs = [log('finance', 'ledger-export-29412360-g5h6i', 'exporting 2026-11-20\nTraceback (most recent call last):\n  File "/app/export.py", line 88, in <module>\nValueError: ledger period 2026-11 is closed\n', { container: 'export' })];
    const [f] = jobFailedAnalyzer.analyze(graphOf([cron, j, ...pods, ev], logs));
    expect(f!.mode).toBe('JobFailed');
    expect(f!.rootCause.category).toBe('backoff-limit-exceeded');
    expect(f!.subject).toEqual({ kind: 'Job', namespace: 'finance', name: 'ledger-export-29412360' });
    expect(f!.culprit).toEqual({ kind: 'CronJob', namespace: 'finance', name: 'ledger-export' });
    const quotes = f!.evidence.map((e) => e.quote);
    expect(quotes).toContain('Failed True, Reason: BackoffLimitExceeded, Message: Job has reached the specified backoff limit');
    expect(quotes).toContain('Pods Statuses: 0 Active (0 Ready) / 0 Succeeded / 3 Failed');
    expect(quotes).toContain('ValueError: ledger period 2026-11 is closed');
    expect(quotes.join('\n')).toContain('export: State: Terminated, Reason: Error, Exit Code: 1');
    expect(f!.rootCause.explanation).toContain('ledger-export-29412360-g5h6i');
    expect(f!.severity).toBe('warning');
  });

  it('reports a Job past its deadline', () => {
    const j = job('ledger-export-29412360', 'DeadlineExceeded', 10, cron, { spec: { activeDeadlineSeconds: 900 } });
    const [f] = jobFailedAnalyzer.analyze(graphOf([cron, j]));
    expect(f!.rootCause.category).toBe('deadline-exceeded');
    expect(f!.evidence.map((e) => e.quote)).toContain('Active Deadline Seconds: 900s');
    expect(f!.rootCause.explanation).toContain('activeDeadlineSeconds (15m)');
    expect(f!.rootCause.explanation).toContain('pods are gone');
  });

  it('is critical when a CronJob\'s last runs all failed, each with the CronJob as culprit', () => {
    const jobs = [job('ledger-export-29412240', 'BackoffLimitExceeded', 130), job('ledger-export-29412300', 'BackoffLimitExceeded', 70), job('ledger-export-29412360', 'BackoffLimitExceeded', 10)];
    const findings = jobFailedAnalyzer.analyze(graphOf([cron, ...jobs]));
    expect(findings).toHaveLength(3);
    expect(new Set(findings.map((f) => f.culprit.name))).toEqual(new Set(['ledger-export']));
    expect(findings.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('gives no finding for a failure followed by a successful run of the same CronJob', () => {
    const failed = job('ledger-export-29412300', 'BackoffLimitExceeded', 70);
    const done = job('ledger-export-29412360', 'Complete', 8);
    expect(jobFailedAnalyzer.analyze(graphOf([cron, failed, done]))).toEqual([]);
    const later = job('ledger-export-29412420', 'BackoffLimitExceeded', 2);
    expect(jobFailedAnalyzer.analyze(graphOf([cron, failed, done, later])).map((f) => f.subject.name)).toEqual(['ledger-export-29412420']);
  });

  it('gives no finding for a completed Job, nor for a running Job with one failure', () => {
    const done = job('backfill', 'Complete', 5, undefined);
    const once = job('reindex', 'running', 5, undefined, { status: { failed: 1 } });
    expect(jobFailedAnalyzer.analyze(graphOf([done, once]))).toEqual([]);
  });

  it('reports a running Job whose pods keep failing as an application error when the log says why', () => {
    const j = job('reindex', 'running', 5, undefined);
    const p = failedPod(j, 'x1y2z', 2);
    const logs = [log('finance', 'reindex-x1y2z', 'Exception in thread "main" java.lang.IllegalArgumentException: unknown index mapping v7\n')];
    const [f] = jobFailedAnalyzer.analyze(graphOf([j, p], logs));
    expect(f!.rootCause.category).toBe('application-error');
    expect(f!.culprit).toEqual({ kind: 'Job', namespace: 'finance', name: 'reindex' });
    expect(f!.confidence).toBeLessThan(0.9);
  });
});
