/**
 * The workload a pod belongs to, from its name alone (Prometheus series carry the pod's name, not
 * its owner): a Deployment's pods are `<name>-<pod-template-hash>-<5>`, a DaemonSet's or a Job's
 * `<name>-<5>`, a StatefulSet's `<name>-<ordinal>`, with the apiserver's and the ReplicaSet
 * controller's alphabet (no vowels, no 0, 1, 3). A pod whose name fits none is its own workload.
 */

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The pattern in RE2 syntax (Prometheus's `label_replace` anchors it), whose group 1 is the
 * workload: the same pattern serves PromQL and {@link workloadOf}.
 */
export const WORKLOAD_PATTERN = `(.+?)(?:-[${SAFE}]{6,10}-[${SAFE}]{5}|-[${SAFE}]{5}|-[0-9]+)?`;

const WORKLOAD = new RegExp(`^${WORKLOAD_PATTERN}$`);

/**
 * @example workloadOf('checkout-7d4b9c8f6d-x2k9p') // 'checkout'
 * @example workloadOf('db-0') // 'db'
 */
export function workloadOf(pod: string): string {
  return WORKLOAD.exec(pod)?.[1] ?? pod;
}
