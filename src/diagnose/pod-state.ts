/** Reading a pod's state the way kubectl does: its containers, their statuses, its conditions. */
import type { Obj } from '../cluster/graph.js';
import type { Container, ContainerStatus, Pod } from '../cluster/objects.js';

export type PodObj = Obj<Pod>;

/** A container with its status, for app and init containers alike. */
export interface ContainerView {
  spec: Container;
  status?: ContainerStatus;
  init: boolean;
  /** Path of its status for evidence: `status.containerStatuses[app]`. */
  statusPath: string;
}

export function containersOf(pod: PodObj): ContainerView[] {
  const views: ContainerView[] = [];
  const add = (specs: Container[] | undefined, statuses: ContainerStatus[] | undefined, init: boolean): void => {
    const list = init ? 'initContainerStatuses' : 'containerStatuses';
    for (const spec of specs ?? []) {
      const status = statuses?.find((s) => s.name === spec.name);
      const view: ContainerView = { spec, init, statusPath: `status.${list}[${spec.name}]` };
      if (status) view.status = status;
      views.push(view);
    }
    // Statuses without a spec (describe text of a pod whose spec was cut) still count.
    for (const status of statuses ?? []) {
      if (!specs?.some((s) => s.name === status.name)) {
        views.push({ spec: { name: status.name, image: status.image }, status, init, statusPath: `status.${list}[${status.name}]` });
      }
    }
  };
  add(pod.spec?.initContainers, pod.status?.initContainerStatuses, true);
  add(pod.spec?.containers, pod.status?.containerStatuses, false);
  return views;
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

/** One line describing a termination, in kubectl describe's words. */
export function describeTermination(t: NonNullable<ContainerStatus['lastState']>['terminated']): string {
  if (!t) return '';
  const parts = [`Terminated`, `Reason: ${t.reason ?? '<none>'}`, `Exit Code: ${t.exitCode}`];
  if (t.signal) parts.push(`Signal: ${t.signal}`);
  if (t.message) parts.push(`Message: ${t.message}`);
  if (t.startedAt) parts.push(`Started: ${t.startedAt}`);
  if (t.finishedAt) parts.push(`Finished: ${t.finishedAt}`);
  return parts.join(', ');
}
