/**
 * Graceful deletion of pods, as the apiserver decides it (rest.BeforeDelete with the pod strategy's
 * CheckGracefulDelete): a pod bound to a node and not terminal is only marked with a
 * deletionTimestamp (now + grace period) and deletionGracePeriodSeconds, and its kubelet removes
 * it (a delete with grace period 0) once its containers are stopped. A later delete may only
 * shorten the period.
 */
import type { KubeObject } from '../../cluster/objects.js';

/** What a delete does to a pod before the finalizer rules apply. */
export type GracefulDecision =
  /** Not graceful (unbound, terminal, grace period 0, or already at 0): the ordinary delete. */
  | { kind: 'immediate' }
  /** A graceful deletion with a period as short or shorter is under way: nothing changes. */
  | { kind: 'pending' }
  /** Set these (first graceful delete, or a shorter period); `first` bumps the generation. */
  | { kind: 'mark'; deletionTimestamp: Date; gracePeriodSeconds: number; first: boolean };

/** The grace period the request asks for (negative values count as 1 s, as the apiserver's). */
function requested(gracePeriodSeconds: number | undefined): number | undefined {
  if (gracePeriodSeconds === undefined) return undefined;
  return gracePeriodSeconds < 0 ? 1 : gracePeriodSeconds;
}

/** The pod strategy's period for a first delete: 0 for an unscheduled or terminal pod. */
function podPeriod(pod: KubeObject, asked: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const period = asked ?? spec.terminationGracePeriodSeconds ?? 0;
  return period < 0 ? 1 : period;
}

/**
 * Decides a pod's delete. `now` is the store's clock.
 *
 * @example
 * gracefulPodDelete(boundRunningPod, undefined, now) // { kind: 'mark', gracePeriodSeconds: 30, ... }
 */
export function gracefulPodDelete(pod: KubeObject, gracePeriodSeconds: number | undefined, now: Date): GracefulDecision {
  const asked = requested(gracePeriodSeconds);
  const since = pod.metadata.deletionTimestamp;
  if (since) {
    const current = pod.metadata.deletionGracePeriodSeconds ?? 0;
    if (current <= 0) return { kind: 'immediate' };
    if (asked === undefined || asked >= current) return { kind: 'pending' };
    // The deadline moves by the difference, as BeforeDelete computes it from the old timestamp.
    const deadline = new Date(Date.parse(since) - current * 1000 + asked * 1000);
    return { kind: 'mark', deletionTimestamp: deadline, gracePeriodSeconds: asked, first: false };
  }
  const period = podPeriod(pod, asked);
  if (period === 0) return { kind: 'immediate' };
  return { kind: 'mark', deletionTimestamp: new Date(now.getTime() + period * 1000), gracePeriodSeconds: period, first: true };
}
