/**
 * How the node lifecycle controller judges a node's health (tryUpdateNodeHealth in
 * pkg/controller/nodelifecycle): it keeps, per node, when it last saw a heartbeat on its own clock
 * (a new lastHeartbeatTime on the Ready condition, or a newer renewTime on the node's Lease), and
 * once no heartbeat came for the grace period (node-monitor-grace-period, 50 s since v1.32; the
 * startup grace period, 60 s, for a node that never posted status) it turns the Ready and pressure
 * conditions Unknown: `NodeStatusUnknown` / `Kubelet stopped posting node status.` (lastHeartbeatTime
 * kept, lastTransitionTime now), or `NodeStatusNeverUpdated` / `Kubelet never posted node status.`.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { type Obj, arr, canonicalJson, conditionOf, statusOf, timestamp } from './kube.js';

/** --node-monitor-grace-period (kube-controller-manager v1.32 default; 40 s before). */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
/** --node-startup-grace-period. */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;

/** The conditions the controller turns Unknown (NetworkUnavailable is the network plugin's). */
const WATCHED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** What the controller remembers of one node between passes. */
export interface NodeHealth {
  /** When the controller last saw a heartbeat (clock ms). */
  probeMs: number;
  /** When the controller last saw the Ready condition change (clock ms). */
  readyTransitionMs: number;
  /** The Ready condition as last seen. */
  savedReady: Obj | undefined;
  /** The Lease's renewTime as last seen (ms). */
  savedRenewMs: number | undefined;
}

/** One pass's judgement of one node. */
export interface HealthVerdict {
  health: NodeHealth;
  /** The Ready condition before this pass (a stand-in `Unknown` when the node has none). */
  observed: Obj;
  /** The Ready condition after this pass; undefined while a node that never posted status is in its startup grace. */
  current: Obj | undefined;
  /** The status to write when the conditions turned Unknown in this pass. */
  status?: Obj;
}

/**
 * Judges a node from its object, its Lease's renewTime and what was remembered. With `judge`
 * false the heartbeats are only recorded (the pass ran late: see the controller).
 */
export function judgeNodeHealth(node: KubeObject, renewMs: number | undefined, previous: NodeHealth | undefined, nowMs: number, judge: boolean): HealthVerdict {
  const created = node.metadata.creationTimestamp ?? timestamp(new Date(nowMs));
  const createdMs = Date.parse(created);
  const currentReady = conditionOf(statusOf(node), 'Ready');
  let health: NodeHealth;
  let observed: Obj;
  let graceMs: number;
  if (!currentReady) {
    observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: created };
    graceMs = NODE_STARTUP_GRACE_PERIOD_MS;
    health = previous ? { ...previous, savedReady: undefined } : { probeMs: createdMs, readyTransitionMs: createdMs, savedReady: undefined, savedRenewMs: undefined };
  } else {
    observed = currentReady;
    graceMs = NODE_MONITOR_GRACE_PERIOD_MS;
    health = observeReady(previous, currentReady, nowMs);
  }
  if (renewMs !== undefined && (health.savedRenewMs === undefined || health.savedRenewMs < renewMs)) {
    health = { ...health, savedRenewMs: renewMs, probeMs: nowMs };
  }
  if (!judge || nowMs <= health.probeMs + graceMs) return { health, observed, current: currentReady };
  const conditions = unknownConditions(node, created, timestamp(new Date(nowMs)));
  const current = conditions.find((c) => c['type'] === 'Ready');
  if (canonicalJson(current) === canonicalJson(observed)) return { health, observed, current };
  return {
    health: { ...health, readyTransitionMs: nowMs, savedReady: current },
    observed, current, status: { ...statusOf(node), conditions },
  };
}

/** A new lastHeartbeatTime on the Ready condition is a heartbeat; a new lastTransitionTime is a transition. */
function observeReady(previous: NodeHealth | undefined, ready: Obj, nowMs: number): NodeHealth {
  const saved = previous?.savedReady;
  if (!previous || !saved) return { probeMs: nowMs, readyTransitionMs: nowMs, savedReady: ready, savedRenewMs: previous?.savedRenewMs };
  if (saved['lastHeartbeatTime'] === ready['lastHeartbeatTime']) return previous;
  const transitioned = saved['lastTransitionTime'] !== ready['lastTransitionTime'];
  return { ...previous, probeMs: nowMs, readyTransitionMs: transitioned ? nowMs : previous.readyTransitionMs, savedReady: ready };
}

/** The node's conditions with the watched ones Unknown (those never posted added). */
function unknownConditions(node: KubeObject, created: string, now: string): Obj[] {
  const conditions = arr(statusOf(node)['conditions']).map((c) => ({ ...c }));
  for (const type of WATCHED_CONDITIONS) {
    const c = conditions.find((x) => x['type'] === type);
    if (!c) {
      conditions.push({
        type, status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: now,
        reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
      });
    } else if (c['status'] !== 'Unknown') {
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now });
    }
  }
  return conditions;
}
