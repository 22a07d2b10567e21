/**
 * How many replicas a template change may take down at once, by the rules of the controllers that
 * roll it out: the Deployment controller's fenceposts (pkg/controller/deployment/util: maxSurge
 * rounded up, maxUnavailable rounded down, both zero meaning one), the StatefulSet controller (one at
 * a time by default, at least one), the DaemonSet controller (maxUnavailable rounded up, default 1).
 */
import type { KubeObject } from '../cluster/objects.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Rec : {});

/** intstr.GetScaledValueFromIntOrPercent: an integer, or a percentage of `total` rounded up or down; undefined when malformed. */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string') return undefined;
  const percent = /^(\d+)%$/.exec(value);
  if (percent) {
    const scaled = (Number(percent[1]) * total) / 100;
    return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
  }
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** `spec.replicas`, which the API server defaults to 1. */
export function desiredReplicas(workload: KubeObject): number {
  const replicas = rec(workload.spec)['replicas'];
  return typeof replicas === 'number' ? replicas : 1;
}

export interface RolloutBounds {
  /** Replicas the rollout may take down at once, in the worst case. */
  maxUnavailable: number;
  /** Extra replicas it may create above the desired count. */
  maxSurge: number;
  /** Whether a template change replaces the running pods at all (OnDelete and ReplicaSets do not). */
  replacesPods: boolean;
  /** The rule applied, for the radius' notes. */
  rule: string;
}

/**
 * The bounds of a template change of `workload`, which runs `scheduled` pods (a DaemonSet's count
 * comes from its nodes, not from replicas).
 */
export function rolloutBounds(workload: KubeObject, scheduled: number): RolloutBounds {
  const spec = rec(workload.spec);
  switch (workload.kind) {
    case 'Deployment': return deploymentBounds(spec);
    case 'StatefulSet': return statefulSetBounds(spec);
    case 'DaemonSet': return daemonSetBounds(spec, scheduled);
    default: return { maxUnavailable: 0, maxSurge: 0, replacesPods: false, rule: `a ${workload.kind}'s controller does not replace running pods when its template changes` };
  }
}

function deploymentBounds(spec: Rec): RolloutBounds {
  const desired = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const strategy = rec(spec['strategy']);
  if (strategy['type'] === 'Recreate') {
    return { maxUnavailable: desired, maxSurge: 0, replacesPods: true, rule: 'strategy Recreate: every old pod is stopped before a new one starts' };
  }
  const rolling = rec(strategy['rollingUpdate']);
  const surgeValue = rolling['maxSurge'] ?? '25%';
  const unavailableValue = rolling['maxUnavailable'] ?? '25%';
  const surge = scaledValue(surgeValue, desired, true) ?? 0;
  let unavailable = scaledValue(unavailableValue, desired, false) ?? 0;
  // ResolveFenceposts: a rollout that may neither surge nor go below the desired count would never move.
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return {
    maxUnavailable: Math.min(unavailable, desired), maxSurge: surge, replacesPods: true,
    rule: `RollingUpdate maxUnavailable ${String(unavailableValue)} of ${desired} rounded down = ${unavailable}, maxSurge ${String(surgeValue)} rounded up = ${surge}`,
  };
}

function statefulSetBounds(spec: Rec): RolloutBounds {
  const desired = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const strategy = rec(spec['updateStrategy']);
  if (strategy['type'] === 'OnDelete') return { maxUnavailable: 0, maxSurge: 0, replacesPods: false, rule: 'updateStrategy OnDelete: pods take the new template only when deleted' };
  const value = rec(strategy['rollingUpdate'])['maxUnavailable'] ?? 1;
  const unavailable = Math.max(1, scaledValue(value, desired, false) ?? 1);
  return { maxUnavailable: Math.min(unavailable, desired), maxSurge: 0, replacesPods: true, rule: `RollingUpdate: ${unavailable} pod(s) at a time, in ordinal order` };
}

function daemonSetBounds(spec: Rec, scheduled: number): RolloutBounds {
  const strategy = rec(spec['updateStrategy']);
  if (strategy['type'] === 'OnDelete') return { maxUnavailable: 0, maxSurge: 0, replacesPods: false, rule: 'updateStrategy OnDelete: pods take the new template only when deleted' };
  const rolling = rec(strategy['rollingUpdate']);
  const surge = scaledValue(rolling['maxSurge'] ?? 0, scheduled, true) ?? 0;
  const unavailable = scaledValue(rolling['maxUnavailable'] ?? 1, scheduled, true) ?? 1;
  return { maxUnavailable: Math.min(unavailable, scheduled), maxSurge: surge, replacesPods: true, rule: `RollingUpdate maxUnavailable rounded up = ${unavailable} of ${scheduled} node(s)` };
}
