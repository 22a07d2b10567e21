import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { type ControllerHarness, eventsAbout, pods, startHarness } from './controllers.test-support.js';
import { R, type Obj, conditionOf, mutable } from './kube.js';

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function createJob(spec: Obj): void {
  h.store.create(R.jobs, {
    metadata: { name: 'report', namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'busybox' }] } }, ...spec },
  }, { namespace: 'default' });
}

function finish(pod: KubeObject, phase: 'Succeeded' | 'Failed'): void {
  const next = mutable(pod);
  next['status'] = { ...(next['status'] as Obj), phase };
  h.store.update(R.pods, next, { namespace: 'default', name: pod.metadata.name, subresource: 'status' });
}

function running(): KubeObject[] {
  return pods(h.store).filter((p) => (p.status as Obj)['phase'] === 'Pending');
}

function jobStatus(): Obj {
  return h.store.get(R.jobs, 'default', 'report').status as Obj;
}

describe('Job controller', () => {
  it('runs parallelism pods until completions succeed, then Complete with SuccessCriteriaMet', () => {
    createJob({ completions: 3, parallelism: 2 });
    h.settle();
    expect(running()).toHaveLength(2);
    const [first] = running();
    expect(first!.metadata.name).toMatch(/^report-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(first!.metadata.labels?.['job-name']).toBe('report');
    expect(jobStatus()).toMatchObject({ active: 2, ready: 0, terminating: 0, uncountedTerminatedPods: {}, startTime: '2026-01-01T00:00:00Z' });
    for (const pod of running()) finish(pod, 'Succeeded');
    h.settle();
    expect(running()).toHaveLength(1);
    finish(running()[0]!, 'Succeeded');
    h.settle();
    const status = jobStatus();
    expect(status['succeeded']).toBe(3);
    expect(status['active']).toBeUndefined();
    expect((status['conditions'] as Obj[]).map((c) => [c['type'], c['reason'], c['message']])).toEqual([
      ['SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect(eventsAbout(h.store, 'report').map((e) => e.reason)).toEqual(expect.arrayContaining(['SuccessfulCreate', 'Completed']));
  });

  it('backs off before replacing a failed pod and fails with BackoffLimitExceeded past the limit', () => {
    createJob({ backoffLimit: 1 });
    h.settle();
    finish(running()[0]!, 'Failed');
    h.settle();
    expect(running()).toHaveLength(0);
    h.advance(10_000);
    expect(running()).toHaveLength(1);
    finish(running()[0]!, 'Failed');
    h.settle();
    const status = jobStatus();
    expect(status['failed']).toBe(2);
    expect(conditionOf(status, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(conditionOf(status, 'FailureTarget')?.['reason']).toBe('BackoffLimitExceeded');
    expect(eventsAbout(h.store, 'report')).toContainEqual({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', count: 1 });
    h.advance(60_000);
    expect(running()).toHaveLength(0);
  });
});
