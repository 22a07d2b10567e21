/**
 * A Deployment's status as the deployment controller writes it (sync.go calculateStatus and
 * progress.go syncRolloutStatus): counters summed over its ReplicaSets, and the Available and
 * Progressing conditions with the real reasons and messages.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { type Obj, arr, conditionOf, num, specOf, statusOf, timestamp } from './kube.js';
import { maxUnavailable, replicasOf, statusSum } from './deployment-math.js';

/** Reasons of the Progressing and Available conditions (deploymentutil). */
export const REASON = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** A new condition stamped now. */
export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: Date): Obj {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/**
 * SetDeploymentCondition: no change when status and reason are the same; a change of reason with
 * the same status keeps the transition time; the condition moves to the end of the list.
 */
export function setCondition(status: Obj, condition: Obj): void {
  const current = conditionOf(status, String(condition['type']));
  if (current && current['status'] === condition['status'] && current['reason'] === condition['reason']) return;
  if (current && current['status'] === condition['status']) condition['lastTransitionTime'] = current['lastTransitionTime'];
  status['conditions'] = [...arr(status['conditions']).filter((c) => c['type'] !== condition['type']), condition];
}

/** RemoveDeploymentCondition. */
export function removeCondition(status: Obj, type: string): void {
  status['conditions'] = arr(status['conditions']).filter((c) => c['type'] !== type);
}

/** calculateStatus: counters and the Available condition. Zero counters are omitted, as Go's omitempty does. */
export function calculateStatus(d: KubeObject, all: readonly KubeObject[], newRS: KubeObject | undefined, now: Date): Obj {
  const old = statusOf(d);
  const available = statusSum(all, 'availableReplicas');
  const desired = replicasOf(d);
  const status: Obj = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: statusSum(all, 'replicas'),
    updatedReplicas: newRS ? num(statusOf(newRS)['replicas']) : 0,
    readyReplicas: statusSum(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, desired - available),
  };
  for (const k of Object.keys(status)) if (status[k] === 0) delete status[k];
  if (old['collisionCount'] !== undefined) status['collisionCount'] = old['collisionCount'];
  status['conditions'] = structuredClone(arr(old['conditions']));
  if (available >= desired - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.minAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON.minUnavailable, 'Deployment does not have minimum availability.', now));
  }
  if (arr(status['conditions']).length === 0) delete status['conditions'];
  return status;
}

/** DeploymentComplete: every replica updated and available, and the spec observed. */
export function isComplete(d: KubeObject, status: Obj): boolean {
  const desired = replicasOf(d);
  return num(status['updatedReplicas']) === desired && num(status['replicas']) === desired
    && num(status['availableReplicas']) === desired && num(status['observedGeneration']) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than before. */
export function isProgressing(d: KubeObject, next: Obj): boolean {
  const old = statusOf(d);
  const oldOld = num(old['replicas']) - num(old['updatedReplicas']);
  const newOld = num(next['replicas']) - num(next['updatedReplicas']);
  return num(next['updatedReplicas']) > num(old['updatedReplicas']) || newOld < oldOld
    || num(next['readyReplicas']) > num(old['readyReplicas']) || num(next['availableReplicas']) > num(old['availableReplicas']);
}

/** The progress deadline in seconds, or undefined when there is none. */
export function progressDeadline(d: KubeObject): number | undefined {
  const v = specOf(d)['progressDeadlineSeconds'];
  return typeof v === 'number' && v !== 2147483647 ? v : undefined;
}

/** DeploymentTimedOut: the Progressing condition was last updated longer ago than the deadline. */
export function isTimedOut(d: KubeObject, status: Obj, now: Date): boolean {
  const deadline = progressDeadline(d);
  const cond = conditionOf(status, 'Progressing');
  if (deadline === undefined || !cond) return false;
  if (cond['reason'] === REASON.timedOut) return true;
  if (cond['reason'] === REASON.newRSAvailable) return false;
  const from = Date.parse(String(cond['lastUpdateTime']));
  return from + deadline * 1000 < now.getTime();
}

/**
 * syncRolloutStatus's Progressing condition: successfully progressed, progressing (keeping the
 * transition time of a True condition), or timed out.
 */
export function applyProgress(d: KubeObject, status: Obj, newRS: KubeObject | undefined, now: Date): void {
  if (progressDeadline(d) === undefined) return;
  const current = conditionOf(statusOf(d), 'Progressing');
  const done = num(status['replicas']) === num(status['updatedReplicas']) && current?.['reason'] === REASON.newRSAvailable;
  if (done) return;
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (isComplete(d, status)) {
    setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`, now));
  } else if (isProgressing(d, status)) {
    const condition = newCondition('Progressing', 'True', REASON.rsUpdated, `${subject} is progressing.`, now);
    if (current?.['status'] === 'True') condition['lastTransitionTime'] = current['lastTransitionTime'];
    removeCondition(status, 'Progressing');
    setCondition(status, condition);
  } else if (isTimedOut(d, status, now)) {
    setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, `${subject} has timed out progressing.`, now));
  }
}

/** requeueStuckDeployment: when to look again so that a stalled rollout times out on time. */
export function msUntilDeadline(d: KubeObject, status: Obj, now: Date): number | undefined {
  const deadline = progressDeadline(d);
  const cond = conditionOf(status, 'Progressing');
  if (deadline === undefined || !cond) return undefined;
  if (cond['reason'] === REASON.newRSAvailable || cond['reason'] === REASON.timedOut) return undefined;
  if (isComplete(d, status)) return undefined;
  const at = Date.parse(String(cond['lastUpdateTime'])) + deadline * 1000;
  return Math.max(0, at - now.getTime()) + 1000;
}

/**
 * The ReplicaFailure condition of the new ReplicaSet (or else of any other) copied onto the
 * Deployment, and removed when none has one (getReplicaFailures / ConditionFromReplicaSetCondition).
 */
export function applyReplicaFailure(status: Obj, newRS: KubeObject | undefined, all: readonly KubeObject[]): void {
  const failureOf = (rs: KubeObject | undefined): Obj | undefined => (rs ? conditionOf(statusOf(rs), 'ReplicaFailure') : undefined);
  const failure = failureOf(newRS) ?? all.map(failureOf).find((c) => c !== undefined);
  if (!failure) {
    removeCondition(status, 'ReplicaFailure');
    if (arr(status['conditions']).length === 0) delete status['conditions'];
    return;
  }
  setCondition(status, {
    type: 'ReplicaFailure', status: failure['status'], lastUpdateTime: failure['lastTransitionTime'],
    lastTransitionTime: failure['lastTransitionTime'], reason: failure['reason'], message: failure['message'],
  });
}
