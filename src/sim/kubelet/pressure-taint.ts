/**
 * The taint that follows the node's MemoryPressure condition. In a real cluster the node lifecycle
 * controller (TaintNodesByCondition) writes it; the simulator's kubelet does it right after posting
 * the condition, which is the same outcome without another controller.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { type ObjectStore, StatusError, formatTime } from '../store/index.js';

const NODES = lookupResource('nodes')!;

/** The taint the scheduler sees on a node under memory pressure. */
export const MEMORY_PRESSURE_TAINT = 'node.kubernetes.io/memory-pressure';

type Taint = { key: string; effect: string; value?: string; timeAdded?: string };

function taintsOf(node: KubeObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).map((t) => ({ ...t }));
}

/**
 * Adds (`pressure`) or removes the memory-pressure NoSchedule taint; a no-op when it already is as
 * it should be. A write that conflicts is retried once from a fresh read.
 */
export function syncMemoryPressureTaint(store: ObjectStore, nodeName: string, pressure: boolean, now: Date): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    const node = store.get(NODES, undefined, nodeName);
    const taints = taintsOf(node);
    const has = taints.some((t) => t.key === MEMORY_PRESSURE_TAINT && t.effect === 'NoSchedule');
    if (has === pressure) return;
    const next = pressure
      ? [...taints, { key: MEMORY_PRESSURE_TAINT, effect: 'NoSchedule', timeAdded: formatTime(now) }]
      : taints.filter((t) => !(t.key === MEMORY_PRESSURE_TAINT && t.effect === 'NoSchedule'));
    const spec: Record<string, unknown> = { ...((node.spec as Record<string, unknown> | undefined) ?? {}) };
    if (next.length > 0) spec['taints'] = next;
    else delete spec['taints'];
    try {
      store.update(NODES, { ...node, spec }, { name: nodeName });
      return;
    } catch (err) {
      if (!(err instanceof StatusError) || err.code !== 409) throw err;
    }
  }
}
