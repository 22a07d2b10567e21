import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupResource } from '../resources.js';
import { type ControllerHarness, eventsAbout, pods, startHarness } from './controllers.test-support.js';
import { R, type Obj, mutable } from './kube.js';

const CRONJOBS = lookupResource('cronjobs.batch')!;

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function jobNames(): string[] {
  return h.store.list(R.jobs, { namespace: 'default' }).items.map((j) => j.metadata.name).sort();
}

/** Stands in for the kubelet: every pending pod of the jobs exits 0. */
function succeedPods(): void {
  for (const pod of pods(h.store)) {
    if ((pod.status as Obj)['phase'] !== 'Pending') continue;
    const next = mutable(pod);
    next['status'] = { ...(next['status'] as Obj), phase: 'Succeeded' };
    h.store.update(R.pods, next, { namespace: 'default', name: pod.metadata.name, subresource: 'status' });
  }
  h.settle();
}

describe('CronJob controller', () => {
  it('starts a Job per scheduled time, forbids overlap, notices completion and prunes history', () => {
    h.store.create(CRONJOBS, {
      metadata: { name: 'nightly', namespace: 'default' },
      spec: {
        schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 1,
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox' }] } } } },
      },
    }, { namespace: 'default' });
    h.settle();
    expect(jobNames()).toEqual([]);
    h.advance(5 * 60_000);
    const first = `nightly-${Math.floor(Date.parse('2026-01-01T00:05:00Z') / 60_000)}`;
    expect(jobNames()).toEqual([first]);
    const job = h.store.get(R.jobs, 'default', first);
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-01T00:05:00Z');
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'nightly', controller: true });
    const status = h.store.get(CRONJOBS, 'default', 'nightly').status as Obj;
    expect(status['lastScheduleTime']).toBe('2026-01-01T00:05:00Z');
    expect(status['active']).toEqual([expect.objectContaining({ kind: 'Job', name: first, apiVersion: 'batch/v1' })]);

    h.advance(5 * 60_000);
    expect(jobNames()).toEqual([first]);
    expect(eventsAbout(h.store, 'nightly').map((e) => e.reason)).toContain('JobAlreadyActive');

    succeedPods();
    expect(eventsAbout(h.store, 'nightly').map((e) => e.message)).toContain(`Saw completed job: ${first}, condition: Complete`);
    const after = h.store.get(CRONJOBS, 'default', 'nightly').status as Obj;
    expect(after['lastSuccessfulTime']).toBe('2026-01-01T00:10:00Z');
    // The 00:10 run that Forbid held back starts once the first run is done (no startingDeadlineSeconds).
    const second = `nightly-${Math.floor(Date.parse('2026-01-01T00:10:00Z') / 60_000)}`;
    expect(jobNames()).toEqual([first, second]);
    expect(after['active']).toEqual([expect.objectContaining({ name: second })]);

    succeedPods();
    expect(jobNames()).toEqual([second]);
    expect(eventsAbout(h.store, 'nightly').map((e) => e.message)).toContain(`Deleted job ${first}`);
    expect((h.store.get(CRONJOBS, 'default', 'nightly').status as Obj)['active']).toBeUndefined();
  });
});
