/**
 * Reading a pod's state the way kubectl does: its containers, their statuses, its conditions, and
 * whether its workload still has a replica that serves.
 */
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import type { Container, ContainerStatus, ObjectRef, Pod } from '../cluster/objects.js';
import { keyOf } from '../cluster/objects.js';
import type { Severity } from './finding.js';

export type PodObj = Obj<Pod>;

/** How a container instance ended: its current state's or its last state's `terminated`. */
export type Termination = NonNullable<NonNullable<ContainerStatus['lastState']>['terminated']>;

/** A container with its status, for app and init containers alike. */
export interface ContainerView {
  spec: Container;
  status?: ContainerStatus;
  init: boolean;
  /** Path of its status for evidence: `status.containerStatuses[app]`. */
  statusPath: string;
  /** Path of its spec for evidence: `spec.containers[app]`. */
  specPath: string;
  /** How the kubelet's events name it in `involvedObject.fieldPath`: `spec.containers{app}`. */
  fieldPath: string;
}

export function containersOf(pod: PodObj): ContainerView[] {
  const views: ContainerView[] = [];
  const add = (specs: Container[] | undefined, statuses: ContainerStatus[] | undefined, init: boolean): void => {
    const list = init ? 'initContainerStatuses' : 'containerStatuses';
    const field = init ? 'initContainers' : 'containers';
    const paths = (name: string): Pick<ContainerView, 'statusPath' | 'specPath' | 'fieldPath'> => ({
      statusPath: `status.${list}[${name}]`, specPath: `spec.${field}[${name}]`, fieldPath: `spec.${field}{${name}}`,
    });
    for (const spec of specs ?? []) {
      const status = statuses?.find((s) => s.name === spec.name);
      const view: ContainerView = { spec, init, ...paths(spec.name) };
      if (status) view.status = status;
      views.push(view);
    }
    // Statuses without a spec (describe text of a pod whose spec was cut) still count.
    for (const status of statuses ?? []) {
      if (!specs?.some((s) => s.name === status.name)) {
        views.push({ spec: { name: status.name, image: status.image }, status, init, ...paths(status.name) });
      }
    }
  };
  add(pod.spec?.initContainers, pod.status?.initContainerStatuses, true);
  add(pod.spec?.containers, pod.status?.containerStatuses, false);
  return views;
}

/**
 * A pod that shows nothing a pod analyzer looks for: Running, every container running and ready and
 * never restarted, every init container done (exit 0) or running as a sidecar, never restarted, and
 * nothing waiting or terminated. Most pods of a large cluster are like this, so the check is a few
 * property reads without allocation. Every pod analyzer's entry test (a waiting reason, a kill, a
 * restart, phase Pending or Failed) fails on such a pod: they start from {@link troubledPods}.
 */
export function isQuiet(pod: PodObj): boolean {
  const status = pod.status;
  if (status?.phase !== 'Running' || status.reason !== undefined) return false;
  const containers = status.containerStatuses;
  if (!containers?.length) return false;
  for (const cs of containers) {
    const state = cs.state;
    if (cs.ready !== true || cs.restartCount || !state?.running || state.waiting || state.terminated || cs.lastState?.terminated) return false;
  }
  const inits = status.initContainerStatuses;
  if (inits) {
    for (const cs of inits) {
      const state = cs.state;
      if (cs.restartCount || !state || state.waiting || cs.lastState?.terminated) return false;
      const done = state.terminated?.exitCode === 0 && state.terminated.reason === 'Completed';
      if (!done && !state.running) return false;
    }
  }
  return true;
}

const troubled = new WeakMap<ClusterGraph, PodObj[]>();

/** Every pod that is not {@link isQuiet}, in input order: found once per graph, shared by the pod analyzers. */
export function troubledPods(graph: ClusterGraph): PodObj[] {
  let pods = troubled.get(graph);
  if (!pods) troubled.set(graph, (pods = graph.pods().filter((pod) => !isQuiet(pod))));
  return pods;
}

/**
 * Whether any container status of the pod (init containers too) passes `test`: a cheap first look, so
 * that only the few pods in trouble pay for {@link containersOf}.
 */
export function someContainerStatus(pod: PodObj, test: (status: ContainerStatus) => boolean): boolean {
  return (pod.status?.containerStatuses ?? []).some(test) || (pod.status?.initContainerStatuses ?? []).some(test);
}

/**
 * The first container (init containers first) waiting with one of these reasons, after a cheap look
 * at the statuses so that pods without one cost nothing more. A finished or terminating pod waits for
 * nothing: its statuses are history.
 */
export function containerWaitingWith(pod: PodObj, reasons: ReadonlySet<string>): ContainerView | undefined {
  const waitsWith = (s: ContainerStatus): boolean => reasons.has(s.state?.waiting?.reason ?? '');
  if (!someContainerStatus(pod, waitsWith) || isPodFinished(pod) || isTerminating(pod)) return undefined;
  return containersOf(pod).find((view) => view.status !== undefined && waitsWith(view.status));
}

export function podCondition(pod: PodObj, type: string): { status: string; reason?: string; message?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: PodObj): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Phase Succeeded or Failed: the pod will not run again. */
export function isPodFinished(pod: PodObj): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Being deleted: its problems are passing. */
export function isTerminating(pod: PodObj): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

/** One line describing a waiting container, in kubectl describe's words: `Waiting, Reason: …, Message: …`. */
export function describeWaiting(w: { reason?: string | undefined; message?: string | undefined }): string {
  return `Waiting, Reason: ${w.reason ?? '<none>'}${w.message ? `, Message: ${w.message}` : ''}`;
}

/** One line describing a termination, in kubectl describe's words. */
export function describeTermination(t: Termination | undefined): string {
  if (!t) return '';
  const parts = [`Terminated`, `Reason: ${t.reason ?? '<none>'}`, `Exit Code: ${t.exitCode}`];
  if (t.signal) parts.push(`Signal: ${t.signal}`);
  if (t.message) parts.push(`Message: ${t.message}`);
  if (t.startedAt) parts.push(`Started: ${t.startedAt}`);
  if (t.finishedAt) parts.push(`Finished: ${t.finishedAt}`);
  return parts.join(', ');
}

const SERVING_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Pod']);
const readinessCache = new WeakMap<ClusterGraph, Map<string, boolean>>();

/**
 * True when the workload the pod belongs to serves and none of its pods is ready (a bare pod counts
 * as its own workload). Batch workloads (Jobs, CronJobs) have no replicas to be ready: always false.
 */
export function hasNoReadyReplica(graph: ClusterGraph, pod: PodObj): boolean {
  const workload = graph.workloadOf(pod);
  if (!SERVING_KINDS.has(workload.kind)) return false;
  let cache = readinessCache.get(graph);
  if (!cache) readinessCache.set(graph, (cache = new Map()));
  const key = keyOf(workload);
  const known = cache.get(key);
  if (known !== undefined) return known;
  const top = graph.resolve(workload);
  const pods = top && top.kind !== 'Pod' ? graph.podsOf(top) : [pod];
  const none = !pods.some((p) => isPodReady(p) && !isPodFinished(p) && !isTerminating(p));
  cache.set(key, none);
  return none;
}

/** Severity of a failing pod: critical when its workload has nothing ready left. */
export function podSeverity(graph: ClusterGraph, pod: PodObj): Severity {
  return hasNoReadyReplica(graph, pod) ? 'critical' : 'warning';
}

/**
 * Whether some pod of a workload in the snapshot is Running and ready: the severity question of
 * analyzers whose subject never ran (an unscheduled pod, a volume that will not mount), for any kind
 * of workload, a Job's too (unlike {@link hasNoReadyReplica}). False for a bare pod (it has no other
 * replica) and for a workload the snapshot does not hold.
 */
export function hasRunningReadyPod(graph: ClusterGraph, workload: ObjectRef): boolean {
  const obj = graph.resolve(workload);
  return obj ? graph.podsOf(obj).some((p) => p.status?.phase === 'Running' && isPodReady(p)) : false;
}

/**
 * The workloads the pods belong to, each once, in the order first met, at most `limit`: what a
 * finding names in `related` so that the pods' own findings join its incident.
 */
export function distinctWorkloads(graph: ClusterGraph, pods: readonly PodObj[], limit: number): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const pod of pods) {
    if (seen.size >= limit) break;
    const ref = graph.workloadOf(pod);
    seen.set(keyOf(ref), ref);
  }
  return [...seen.values()];
}
