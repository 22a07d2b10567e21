import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { evictPod } from '../api/eviction.js';
import { lookupResource } from '../resources.js';
import { StatusError } from '../store/status-error.js';
import { type ControllerHarness, eventsAbout, pods, runPod, startHarness } from './controllers.test-support.js';
import { DELETION_TIMEOUT_MS, scaledValue } from './disruption-controller.js';
import { R, type Obj, mutable } from './kube.js';

const PDBS = lookupResource('poddisruptionbudgets.policy')!;

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function createDeployment(replicas: number): void {
  h.store.create(R.deployments, {
    metadata: { name: 'api', namespace: 'default' },
    spec: {
      replicas, selector: { matchLabels: { app: 'api' } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'nginx:1.27' }] } },
    },
  }, { namespace: 'default' });
}

function createBudget(spec: Obj, name = 'api'): void {
  h.store.create(PDBS, { metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app: 'api' } }, ...spec } }, { namespace: 'default' });
}

function budget(name = 'api'): Obj {
  return h.store.get(PDBS, 'default', name).status as Obj;
}

/** Runs every pod that has no IP yet, Ready or not, until the controllers stop creating pods. */
function runAll(ready = true): void {
  for (let i = 0; i < 10; i++) {
    h.settle();
    const waiting = pods(h.store).filter((p) => !(p.status as Obj)['podIP']);
    if (waiting.length === 0) return;
    for (const pod of waiting) runPod(h.store, pod, ready, 'node-1', h.clock.now());
  }
}

function refusal(fn: () => void): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected the eviction to be refused');
}

describe('scaledValue', () => {
  it('takes integers as they are and rounds percentages up', () => {
    expect(scaledValue(2, 10)).toBe(2);
    expect(scaledValue('50%', 3)).toBe(2);
    expect(scaledValue('34%', 3)).toBe(2);
    expect(scaledValue('0%', 5)).toBe(0);
    expect(scaledValue('half', 5)).toBeInstanceOf(Error);
  });
});

describe('disruption controller', () => {
  it('counts healthy pods against an integer minAvailable, with the DisruptionAllowed condition', () => {
    createDeployment(3);
    runAll();
    createBudget({ minAvailable: 2 });
    h.settle();
    expect(budget()).toMatchObject({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    expect(budget()['conditions']).toEqual([
      { type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'SufficientPods', message: '' },
    ]);
  });

  it('takes the scale of a percentage from the Deployment, rounding up', () => {
    createDeployment(3);
    runAll();
    createBudget({ maxUnavailable: '50%' });
    h.settle();
    // ceil(3 × 50%) = 2 may be unavailable, so 1 must stay healthy.
    expect(budget()).toMatchObject({ expectedPods: 3, desiredHealthy: 1, disruptionsAllowed: 2 });
    const edited = mutable(h.store.get(PDBS, 'default', 'api'));
    edited['spec'] = { ...(edited['spec'] as Obj), maxUnavailable: undefined, minAvailable: '100%' };
    h.store.update(PDBS, edited, { namespace: 'default', name: 'api' });
    h.settle();
    expect(budget()).toMatchObject({ observedGeneration: 2, desiredHealthy: 3, disruptionsAllowed: 0 });
    expect((budget()['conditions'] as Obj[])[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods', observedGeneration: 2 });
  });

  it('counts unready pods as unhealthy and reports a budget that matches no pod', () => {
    createDeployment(2);
    runAll(false);
    createBudget({ minAvailable: 1 });
    createBudget({ minAvailable: 1, selector: { matchLabels: { app: 'other' } } }, 'other');
    h.settle();
    expect(budget()).toMatchObject({ currentHealthy: 0, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 0 });
    expect(eventsAbout(h.store, 'other')).toContainEqual({ reason: 'NoPods', message: 'No matching pods found', count: expect.any(Number) });
  });

  it('fails safe when a percentage covers a pod without a controller', () => {
    h.store.create(R.pods, { metadata: { name: 'loose', namespace: 'default', labels: { app: 'api' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } }, { namespace: 'default' });
    createBudget({ maxUnavailable: '10%' });
    h.settle();
    expect(eventsAbout(h.store, 'api').map((e) => e.reason)).toContain('UnmanagedPods');
    expect(budget()).toMatchObject({ expectedPods: 0, disruptionsAllowed: 0 });
  });
});

describe('eviction', () => {
  function runningPods(): KubeObject[] {
    return pods(h.store, 'default', 'app=api');
  }

  it('spends the budget: one pod goes and is recorded, the next is refused with 429 and the DisruptionBudget cause', () => {
    createDeployment(3);
    runAll();
    createBudget({ minAvailable: 2 });
    h.settle();
    const [first, second] = runningPods();
    evictPod(h.store, 'default', first!.metadata.name, {});
    expect(() => h.store.get(R.pods, 'default', first!.metadata.name)).toThrow(/not found/);
    expect(budget()).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { [first!.metadata.name]: '2026-01-01T00:00:00Z' } });
    h.settle();
    const err = refusal(() => evictPod(h.store, 'default', second!.metadata.name, {}));
    expect(err.code).toBe(429);
    expect(err.status).toMatchObject({
      reason: 'TooManyRequests', message: 'Cannot evict pod as it would violate the pod\'s disruption budget.',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget api needs 2 healthy pods and has 2 currently' }] },
    });
    expect(h.store.get(R.pods, 'default', second!.metadata.name).metadata.deletionTimestamp).toBeUndefined();
  });

  it('leaves the budget and the pod alone on a dry run', () => {
    createDeployment(2);
    runAll();
    createBudget({ maxUnavailable: 1 });
    h.settle();
    const [pod] = runningPods();
    evictPod(h.store, 'default', pod!.metadata.name, { dryRun: true });
    expect(h.store.get(R.pods, 'default', pod!.metadata.name).metadata.name).toBe(pod!.metadata.name);
    expect(budget()['disruptionsAllowed']).toBe(1);
  });

  it('evicts a Pending pod without asking the budget, and refuses a pod covered by two budgets', () => {
    createDeployment(2);
    runAll();
    createBudget({ minAvailable: 2 });
    createBudget({ minAvailable: 1 }, 'second');
    h.settle();
    const err = refusal(() => evictPod(h.store, 'default', runningPods()[0]!.metadata.name, {}));
    expect(err.status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500,
    });
    h.store.create(R.pods, { metadata: { name: 'waiting', namespace: 'default', labels: { app: 'api' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } }, { namespace: 'default' });
    evictPod(h.store, 'default', 'waiting', {});
    expect(() => h.store.get(R.pods, 'default', 'waiting')).toThrow(/not found/);
  });

  it('lets the controller forget an evicted pod that was never deleted, after two minutes', () => {
    createDeployment(2);
    runAll();
    createBudget({ minAvailable: 1 });
    h.settle();
    const [pod] = runningPods();
    // An eviction approved but whose delete never happened: the status alone records it.
    const stored = mutable(h.store.get(PDBS, 'default', 'api'));
    stored['status'] = { ...(stored['status'] as Obj), disruptionsAllowed: 0, disruptedPods: { [pod!.metadata.name]: '2026-01-01T00:00:00Z' } };
    h.store.update(PDBS, stored, { namespace: 'default', name: 'api', subresource: 'status' });
    h.settle();
    expect(budget()).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0 });
    h.advance(DELETION_TIMEOUT_MS + 1000);
    expect(budget()).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1 });
    expect(budget()['disruptedPods']).toBeUndefined();
  });
});
