/**
 * Which pods a ReplicaSet deletes first when it has too many (controller.ActivePods ordering):
 * unscheduled before scheduled, Pending before Unknown before Running, not ready before ready,
 * more restarts before fewer, newer before older.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { arr, isPodReady, num, specOf, statusOf } from './kube.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: KubeObject): number {
  return arr(statusOf(pod)['containerStatuses']).reduce((n, c) => n + num(c['restartCount']), 0);
}

function created(pod: KubeObject): number {
  return Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: KubeObject, b: KubeObject): number {
  const scheduled = (p: KubeObject): number => (specOf(p)['nodeName'] ? 1 : 0);
  if (scheduled(a) !== scheduled(b)) return scheduled(a) - scheduled(b);
  const phase = (p: KubeObject): number => PHASE_RANK[String(statusOf(p)['phase'])] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: KubeObject): number => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return created(b) - created(a);
}

/** The pods in the order they should be deleted. */
export function rankForDeletion(pods: readonly KubeObject[]): KubeObject[] {
  return [...pods].sort(compareForDeletion);
}
