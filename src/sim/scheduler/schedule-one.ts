/**
 * One scheduling attempt for one pod, against the scheduler's model of the store's state
 * (./scheduler-cache.ts), with the filters the Pending analyzer uses (cluster/scheduling.ts): bind
 * to the best fitting node, or mark the pod unschedulable with the scheduler's message. Writes go
 * through the store, so watches, kubectl and the kubelets see them.
 */
import { ClusterGraph, type Obj } from '../../cluster/graph.js';
import type { KubeObject, Pod } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { objectReference, type EventRecorder } from '../events/event-recorder.js';
import { lookupResource } from '../resources.js';
import { formatTime, type ObjectStore } from '../store/index.js';
import { failedSchedulingMessage } from './failure-message.js';
import { pickNode } from './node-score.js';
import type { SchedulerView } from './scheduler-cache.js';

const PODS = lookupResource('pods')!;
const NODES = lookupResource('nodes')!;
/** What the filters read besides nodes and pods: claims, volumes, classes, namespaces (namespaceSelector). */
const CONTEXT = ['persistentvolumeclaims', 'persistentvolumes', 'storageclasses', 'namespaces'].map((r) => lookupResource(r)!);

/** What one attempt needs. */
export interface AttemptContext {
  store: ObjectStore;
  clock: SimClock;
  recorder: EventRecorder;
}

/** The outcome: bound to a node, or not (to retry after a back-off). */
export type AttemptResult = { bound: string; pod: Obj<Pod> } | { unschedulable: string };

/**
 * The store's state as a graph. Nodes whose kubelet has not posted allocatable yet are left out:
 * the real scheduler never sees a node before its kubelet registers it with its capacity.
 */
export function snapshotGraph(store: ObjectStore, clock: SimClock): ClusterGraph {
  const nodes = store.list(NODES).items.filter((n) => (n as { status?: { allocatable?: object } }).status?.allocatable !== undefined);
  const objects: KubeObject[] = [...nodes, ...store.list(PODS).items];
  for (const r of CONTEXT) objects.push(...store.list(r).items);
  return new ClusterGraph({ objects, logs: [], origins: ['sim'], capturedAt: clock.now().toISOString() });
}

/** Schedules `pod` on `view`; the caller counts a bound pod in the view (the node's free resources changed). */
export function scheduleOne(ctx: AttemptContext, view: SchedulerView, pod: Obj<Pod>): AttemptResult {
  const fit = view.model.fit(pod);
  const node = fit.preFilter ? undefined : pickNode(view.load, pod, fit.fitting);
  if (node) {
    return { bound: node.name, pod: bind(ctx, pod, node.name) };
  }
  const message = failedSchedulingMessage(pod, fit);
  // Without nodes there is no FitError, but the scheduler still counts the pod Unschedulable.
  setScheduledCondition(ctx, pod, 'False', 'Unschedulable', message);
  ctx.recorder.record(objectReference(pod), 'Warning', 'FailedScheduling', message);
  return { unschedulable: message };
}

/** What the `pods/binding` subresource does: set spec.nodeName, and PodScheduled True. */
function bind(ctx: AttemptContext, pod: Obj<Pod>, nodeName: string): Obj<Pod> {
  const namespace = pod.metadata.namespace ?? 'default';
  const bound = ctx.store.update(PODS, { ...pod, spec: { ...pod.spec, nodeName } }, { namespace, name: pod.metadata.name }) as Obj<Pod>;
  setScheduledCondition(ctx, bound, 'True');
  ctx.recorder.record(objectReference(bound), 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${pod.metadata.name} to ${nodeName}`);
  return bound;
}

/** Sets PodScheduled through the status subresource, keeping lastTransitionTime when the status stays. */
function setScheduledCondition(ctx: AttemptContext, pod: Obj<Pod>, status: 'True' | 'False', reason?: string, message?: string): void {
  const current = ctx.store.get(PODS, pod.metadata.namespace, pod.metadata.name) as Obj<Pod>;
  const conditions = current.status?.conditions ?? [];
  const previous = conditions.find((c) => c.type === 'PodScheduled');
  if (previous && previous.status === status && previous.reason === reason && previous.message === message) return;
  const condition = {
    type: 'PodScheduled', status, lastProbeTime: null,
    lastTransitionTime: previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : formatTime(ctx.clock.now()),
    ...(reason !== undefined && { reason }), ...(message !== undefined && { message }),
  };
  const next = [...conditions.filter((c) => c.type !== 'PodScheduled'), condition];
  ctx.store.update(PODS, { ...current, status: { ...current.status, conditions: next } }, {
    namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: 'status',
  });
}
