/**
 * The arithmetic of a rolling update (pkg/controller/deployment/util): maxSurge and maxUnavailable
 * resolved against the desired replicas (surge rounds up, unavailable rounds down, and both zero
 * means one unavailable), and the sums over a deployment's ReplicaSets.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { num, rec, specOf, statusOf } from './kube.js';

/** intstr.GetScaledValueFromIntOrPercent: an integer, or a percentage of `total` rounded up or down. */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value);
    if (m) {
      const scaled = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
    }
    if (/^\d+$/.test(value)) return Number(value);
  }
  return 0;
}

/** The desired replicas of a deployment or ReplicaSet (`spec.replicas`, 1 when unset). */
export function replicasOf(o: KubeObject): number {
  return num(specOf(o)['replicas'], 1);
}

function isRolling(d: KubeObject): boolean {
  return rec(specOf(d)['strategy'])?.['type'] !== 'Recreate';
}

/** ResolveFenceposts: the surge and unavailability a rolling update of `d` may use. */
export function fenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const rolling = rec(rec(specOf(d)['strategy'])?.['rollingUpdate']) ?? {};
  const desired = replicasOf(d);
  const surge = scaledValue(rolling['maxSurge'] ?? '25%', desired, true);
  let unavailable = scaledValue(rolling['maxUnavailable'] ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** MaxSurge: 0 for Recreate. */
export function maxSurge(d: KubeObject): number {
  return isRolling(d) ? fenceposts(d).surge : 0;
}

/** MaxUnavailable: 0 for Recreate or no replicas, never more than the replicas. */
export function maxUnavailable(d: KubeObject): number {
  const desired = replicasOf(d);
  if (!isRolling(d) || desired === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desired);
}

/** Sum of spec.replicas. */
export function specReplicas(sets: readonly KubeObject[]): number {
  return sets.reduce((n, rs) => n + replicasOf(rs), 0);
}

/** Sum of a status counter. */
export function statusSum(sets: readonly KubeObject[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return sets.reduce((n, rs) => n + num(statusOf(rs)[field]), 0);
}

/** NewRSNewReplicas: how many replicas the new ReplicaSet may have now. */
export function newReplicaSetReplicas(d: KubeObject, all: readonly KubeObject[], newRS: KubeObject | undefined): number {
  if (!isRolling(d)) return replicasOf(d);
  const current = specReplicas(all);
  const maxTotal = replicasOf(d) + maxSurge(d);
  const newSize = newRS ? replicasOf(newRS) : 0;
  if (current >= maxTotal) return newSize;
  return Math.min(maxTotal - current + newSize, replicasOf(d));
}

/** Go's math.Round (half away from zero). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}
