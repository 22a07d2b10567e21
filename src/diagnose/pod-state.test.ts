import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/objects.js';
import { deployment, graphOf, pod, replicaSet } from '../../test/k8s.js';
import { containerWaitingWith, describeWaiting, hasNoReadyReplica, hasRunningReadyPod, isQuiet, troubledPods, type PodObj } from './pod-state.js';

const deploy = deployment('shop', 'web');
const rs = replicaSet(deploy, '5d4f8');
const NOT_READY = { conditions: [{ type: 'Ready', status: 'False' }] };
const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff']);

function waiting(reason: string, over: Record<string, unknown> = {}): KubeObject {
  return pod('shop', 'web-5d4f8-a', {
    ...over,
    status: { ...NOT_READY, containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason, message: 'Back-off pulling image "x"' } } }] },
  }, rs);
}

describe('pod state', () => {
  it('finds the container waiting with a reason, and none in a pod that is being deleted', () => {
    expect(containerWaitingWith(waiting('ImagePullBackOff') as PodObj, PULL_REASONS)?.spec.name).toBe('app');
    expect(containerWaitingWith(waiting('CrashLoopBackOff') as PodObj, PULL_REASONS)).toBeUndefined();
    expect(containerWaitingWith(waiting('ImagePullBackOff', { metadata: { deletionTimestamp: '2026-11-20T09:59:00Z' } }) as PodObj, PULL_REASONS)).toBeUndefined();
  });

  it('describes a waiting container as kubectl does', () => {
    expect(describeWaiting({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' })).toBe('Waiting, Reason: ImagePullBackOff, Message: Back-off pulling image "x"');
    expect(describeWaiting({ reason: 'ContainerCreating' })).toBe('Waiting, Reason: ContainerCreating');
  });

  it('tells a workload with a ready replica from one with none', () => {
    const failing = waiting('ImagePullBackOff');
    const healthy = pod('shop', 'web-5d4f8-b', {}, rs);
    const alone = graphOf([deploy, rs, failing]);
    expect(hasNoReadyReplica(alone, failing as PodObj)).toBe(true);
    expect(hasRunningReadyPod(alone, { kind: 'Deployment', namespace: 'shop', name: 'web' })).toBe(false);
    const served = graphOf([deploy, rs, failing, healthy]);
    expect(hasNoReadyReplica(served, failing as PodObj)).toBe(false);
    expect(hasRunningReadyPod(served, { kind: 'Deployment', namespace: 'shop', name: 'web' })).toBe(true);
  });
  describe('quiet pods', () => {
    const running = { name: 'app', ready: true, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: '2026-11-20T09:00:00Z' } } };
    const withStatus = (status: Record<string, unknown>): PodObj => pod('shop', 'web-5d4f8-a', { status }, rs) as PodObj;

    it('takes a running pod whose containers run, are ready and never restarted as quiet', () => {
      expect(isQuiet(pod('shop', 'web-5d4f8-a', {}, rs) as PodObj)).toBe(true);
      const initDone = { name: 'migrate', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } };
      expect(isQuiet(withStatus({ initContainerStatuses: [initDone] }))).toBe(true);
    });

    it('takes any sign of trouble as not quiet', () => {
      const killed = { terminated: { exitCode: 137, reason: 'OOMKilled' } };
      expect(isQuiet(withStatus({ containerStatuses: [{ ...running, restartCount: 1, lastState: killed }] }))).toBe(false);
      expect(isQuiet(withStatus({ containerStatuses: [{ ...running, ready: false }] }))).toBe(false);
      expect(isQuiet(withStatus({ containerStatuses: [{ ...running, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }))).toBe(false);
      expect(isQuiet(withStatus({ initContainerStatuses: [{ ...running, name: 'migrate', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }))).toBe(false);
      expect(isQuiet(withStatus({ phase: 'Failed', reason: 'Evicted' }))).toBe(false);
      expect(isQuiet(withStatus({ phase: 'Pending', containerStatuses: [] }))).toBe(false);
    });

    it('lists the pods that are not quiet, in input order', () => {
      const a = withStatus({ containerStatuses: [{ ...running, ready: false }] });
      const quiet = pod('shop', 'web-5d4f8-b', {}, rs);
      const b = pod('shop', 'web-5d4f8-c', { status: { phase: 'Pending' } }, rs);
      expect(troubledPods(graphOf([quiet, a, b]))).toEqual([a, b]);
    });
  });
});
