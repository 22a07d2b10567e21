/**
 * Controllers that cannot create their pods (or, for a CronJob, its Jobs): the `FailedCreate` events
 * they record, and whether such a failure is still current. The pod never exists, so these events
 * and the controller's own counts are all the evidence there is; a ResourceQuota, an admission
 * webhook, PodSecurity, a missing ServiceAccount or a LimitRange can each be the reason.
 */
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import type { CoreEvent, KubeObject } from '../cluster/objects.js';
import { millisOf } from '../cluster/time.js';

/**
 * The newest `FailedCreate` event per controller whose message `read` understands (by the time the
 * event last happened; input order breaks ties), with what `read` made of it, the most recent
 * controller's first. Each message is read once.
 * @example latestCreateFailures(graph, (m) => m.includes('exceeded quota:') || undefined)
 */
export function latestCreateFailures<T>(graph: ClusterGraph, read: (message: string) => T | undefined): { ev: Obj<CoreEvent>; found: T }[] {
  const latest = new Map<string, { ev: Obj<CoreEvent>; found: T; at: number }>();
  for (const ev of graph.eventsByReason(['FailedCreate'])) {
    const found = ev.message ? read(ev.message) : undefined;
    if (found === undefined) continue;
    const io = ev.involvedObject;
    if (!io.kind || !io.name) continue;
    const key = `${io.kind}/${io.namespace ?? ev.metadata.namespace ?? ''}/${io.name}`;
    const at = graph.eventTime(ev) ?? millisOf(ev.metadata.creationTimestamp) ?? 0;
    const known = latest.get(key);
    if (!known || at >= known.at) latest.set(key, { ev, found, at });
  }
  return [...latest.values()].sort((a, b) => b.at - a.at).map(({ ev, found }) => ({ ev, found }));
}

/** The controller an event is about, when the input holds it (by uid when the event names one). */
export function controllerOf(graph: ClusterGraph, ev: Obj<CoreEvent>): KubeObject | undefined {
  const io = ev.involvedObject;
  if (!io.kind || !io.name) return undefined;
  const namespace = io.namespace ?? ev.metadata.namespace;
  return graph.resolve({ kind: io.kind, name: io.name, ...(namespace ? { namespace } : {}), ...(io.uid ? { uid: io.uid } : {}) });
}

/**
 * Whether a controller's create failure is current, not history: the controller is still short of
 * the pods it wants, and a CronJob has not created a Job since the event.
 */
export function failureIsCurrent(graph: ClusterGraph, controller: KubeObject, ev: Obj<CoreEvent>): boolean {
  if (!stillShort(controller)) return false;
  if (controller.kind !== 'CronJob') return true;
  // A CronJob's lastScheduleTime moves only when it did create the Job of a schedule.
  const scheduled = millisOf((controller.status as { lastScheduleTime?: string } | undefined)?.lastScheduleTime);
  const failed = graph.eventTime(ev);
  return scheduled === undefined || failed === undefined || failed >= scheduled;
}

/** A controller still short of pods: it has fewer than it wants, so a create error of it is not yet overcome. */
function stillShort(controller: KubeObject): boolean {
  const spec = controller.spec as { replicas?: number; parallelism?: number } | undefined;
  const status = controller.status as {
    replicas?: number; active?: number; succeeded?: number; conditions?: { type: string; status: string }[];
    desiredNumberScheduled?: number; currentNumberScheduled?: number;
  } | undefined;
  switch (controller.kind) {
    case 'ReplicaSet': case 'StatefulSet': case 'ReplicationController':
      return (spec?.replicas ?? 1) > (status?.replicas ?? 0);
    case 'Job':
      return !status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')
        && (status?.active ?? 0) < (spec?.parallelism ?? 1);
    case 'DaemonSet':
      return (status?.desiredNumberScheduled ?? 0) > (status?.currentNumberScheduled ?? 0);
    default:
      return true;
  }
}
