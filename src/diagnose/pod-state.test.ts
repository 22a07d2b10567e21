import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/objects.js';
import { deployment, graphOf, pod, replicaSet } from '../../test/k8s.js';
import { containerWaitingWith, describeWaiting, hasNoReadyReplica, hasRunningReadyPod, type PodObj } from './pod-state.js';

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
});
