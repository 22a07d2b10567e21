/**
 * The taints the node lifecycle controller derives from a node's Ready condition: `Ready=False`
 * gives `node.kubernetes.io/not-ready`, `Ready=Unknown` gives `node.kubernetes.io/unreachable`.
 * The NoSchedule one follows the condition at once (doNoScheduleTaintingPass); the NoExecute one,
 * which evicts pods, is added by the rate-limited zone queues (see node-lifecycle-controller-zones.ts).
 * Every taint the controller adds carries the time it was added (SwapNodeControllerTaint).
 */
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { type Obj, arr, canonicalJson, conditionOf, specOf, statusOf, timestamp, tryGet } from './kube.js';

const NODES = lookupResource('nodes')!;

/** The taint key of a node whose kubelet stopped posting status (Ready=Unknown). */
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
/** The taint key of a node whose kubelet reports NotReady (Ready=False). */
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

/** A taint as the controller compares it: key and effect. */
export interface TaintKey {
  key: string;
  effect: 'NoSchedule' | 'NoExecute';
}

export const UNREACHABLE_NO_EXECUTE: TaintKey = { key: UNREACHABLE_TAINT, effect: 'NoExecute' };
export const NOT_READY_NO_EXECUTE: TaintKey = { key: NOT_READY_TAINT, effect: 'NoExecute' };

const matches = (t: Obj, k: TaintKey): boolean => t['key'] === k.key && t['effect'] === k.effect;

/** The node's taints. */
export function taintsOf(node: KubeObject): Obj[] {
  return arr(specOf(node)['taints']);
}

/** Whether the node carries the taint (key and effect). */
export function hasTaint(node: KubeObject, taint: TaintKey): boolean {
  return taintsOf(node).some((t) => matches(t, taint));
}

/** The NoSchedule taint the Ready condition calls for, if any. */
function readyNoScheduleTaint(node: KubeObject): TaintKey | undefined {
  const status = conditionOf(statusOf(node), 'Ready')?.['status'];
  if (status === 'False') return { key: NOT_READY_TAINT, effect: 'NoSchedule' };
  if (status === 'Unknown') return { key: UNREACHABLE_TAINT, effect: 'NoSchedule' };
  return undefined;
}

/** The Ready-derived NoSchedule taints to add and remove so that the node's taints follow its condition. */
export function noScheduleDiff(node: KubeObject): { add: TaintKey[]; remove: TaintKey[] } {
  const wanted = readyNoScheduleTaint(node);
  const present = taintsOf(node)
    .filter((t) => t['effect'] === 'NoSchedule' && (t['key'] === NOT_READY_TAINT || t['key'] === UNREACHABLE_TAINT))
    .map((t) => ({ key: String(t['key']), effect: 'NoSchedule' as const }));
  return {
    add: wanted && !present.some((p) => p.key === wanted.key) ? [wanted] : [],
    remove: present.filter((p) => p.key !== wanted?.key),
  };
}

/**
 * Adds `add` (stamped with `now`) and removes `remove` on the named node, in one write when
 * anything changes; a write that lost a race is tried once more on a fresh read. False when the
 * node is gone or the write kept failing.
 */
export function swapTaints(store: ObjectStore, nodeName: string, add: TaintKey[], remove: TaintKey[], now: Date): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    const node = tryGet(NODES, undefined, nodeName, (r, ns, n) => store.get(r, ns, n));
    if (!node) return false;
    const before = taintsOf(node);
    let taints = before.filter((t) => !remove.some((k) => matches(t, k)));
    for (const k of add) {
      // The controller only adds a taint the node lacks: one already there keeps its time.
      if (!taints.some((t) => matches(t, k))) taints = [...taints, { key: k.key, effect: k.effect, timeAdded: timestamp(now) }];
    }
    if (canonicalJson(taints) === canonicalJson(before)) return true;
    const spec: Obj = { ...specOf(node) };
    if (taints.length > 0) spec['taints'] = taints;
    else delete spec['taints'];
    try {
      store.update(NODES, { ...node, spec }, { name: nodeName });
      return true;
    } catch (err) {
      if (!(err instanceof StatusError) || (err.code !== 409 && err.code !== 404)) throw err;
    }
  }
  return false;
}
