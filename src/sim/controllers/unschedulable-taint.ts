/**
 * The taint a cordoned node carries. In a real cluster the node lifecycle controller's
 * no-schedule tainting pass (pkg/controller/nodelifecycle) adds `node.kubernetes.io/unschedulable:
 * NoSchedule`, with the time it was added, while spec.unschedulable is true (`kubectl cordon`) and
 * removes it once the node is uncordoned. The scheduler's NodeUnschedulable filter still reads the
 * spec field, so the taint is what `kubectl describe node` and diagnosis see, not what keeps pods off.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { watchAll } from './informer.js';
import { type Obj, mutable, specOf, timestamp, tryGet } from './kube.js';
import { WorkQueue } from './work-queue.js';

const NODES = lookupResource('nodes')!;

/** The taint key the controller derives from spec.unschedulable. */
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

const isOurs = (t: Obj): boolean => t['key'] === UNSCHEDULABLE_TAINT && t['effect'] === 'NoSchedule';

function taintsOf(node: KubeObject): Obj[] {
  const taints = specOf(node)['taints'];
  return Array.isArray(taints) ? (taints as Obj[]) : [];
}

/** Whether the node's taints disagree with its spec.unschedulable. */
function needsSync(node: KubeObject): boolean {
  return (specOf(node)['unschedulable'] === true) !== taintsOf(node).some(isOurs);
}

/** Runs the tainting pass for cordoned nodes until stopped. */
export function startUnschedulableTaint(store: ObjectStore, clock: SimClock): () => void {
  const queue: WorkQueue = new WorkQueue(clock, (name) => sync(store, clock, name));
  const stop = watchAll(store, NODES, (type, node) => {
    if (type !== 'DELETED' && needsSync(node)) queue.add(node.metadata.name);
  });
  return () => {
    stop();
    queue.stop();
  };
}

function sync(store: ObjectStore, clock: SimClock, name: string): void {
  const node = tryGet(NODES, undefined, name, (r, ns, n) => store.get(r, ns, n));
  if (!node || !needsSync(node)) return;
  const next = mutable(node);
  const spec = { ...specOf(node) };
  const kept = taintsOf(node).filter((t) => !isOurs(t));
  const taints = spec['unschedulable'] === true ? [...kept, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: timestamp(clock.now()) }] : kept;
  if (taints.length > 0) spec['taints'] = taints;
  else delete spec['taints'];
  next['spec'] = spec;
  try {
    store.update(NODES, next, { name });
  } catch (err) {
    // A write that lost a race: the watch brings the newer node back to the queue.
    if (!(err instanceof StatusError) || (err.code !== 409 && err.code !== 404)) throw err;
  }
}
