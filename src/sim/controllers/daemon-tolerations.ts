/**
 * Where a DaemonSet runs (pkg/controller/daemon/util): the tolerations every daemon pod gets
 * (AddOrUpdateDaemonPodTolerations), the node affinity that pins a pod to its node
 * (ReplaceDaemonSetPodNodeNameNodeAffinity), and whether a node's labels and taints admit it.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { type Obj, arr, rec, specOf } from './kube.js';

/** The tolerations the DaemonSet controller adds to every daemon pod. */
export function daemonTolerations(hostNetwork: boolean): Obj[] {
  const out: Obj[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) out.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return out;
}

function tolerates(toleration: Obj, taint: Obj): boolean {
  if (toleration['effect'] !== undefined && toleration['effect'] !== '' && toleration['effect'] !== taint['effect']) return false;
  if (toleration['operator'] === 'Exists') return toleration['key'] === undefined || toleration['key'] === '' || toleration['key'] === taint['key'];
  return toleration['key'] === taint['key'] && (toleration['value'] ?? '') === (taint['value'] ?? '');
}

/** True when the node's labels match the pod's nodeSelector and every NoSchedule/NoExecute taint is tolerated: a daemon pod should run there. */
export function nodeAdmits(node: KubeObject, podSpec: Obj): boolean {
  return selectorMatches(node, podSpec) && toleratesTaints(node, podSpec, ['NoSchedule', 'NoExecute']);
}

/**
 * True when a daemon pod already on the node may stay (NodeShouldRunDaemonPod's shouldContinueRunning):
 * only NoExecute taints evict, so a node tainted unreachable or unschedulable with NoSchedule keeps its
 * daemon pods while getting no new ones.
 */
export function nodeKeeps(node: KubeObject, podSpec: Obj): boolean {
  return selectorMatches(node, podSpec) && toleratesTaints(node, podSpec, ['NoExecute']);
}

function selectorMatches(node: KubeObject, podSpec: Obj): boolean {
  const labels = node.metadata.labels ?? {};
  const selector = (rec(podSpec['nodeSelector']) ?? {}) as Record<string, string>;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function toleratesTaints(node: KubeObject, podSpec: Obj, effects: readonly string[]): boolean {
  const tolerations = [...arr(podSpec['tolerations']), ...daemonTolerations(podSpec['hostNetwork'] === true)];
  return arr(specOf(node)['taints'])
    .filter((t) => effects.includes(t['effect'] as string))
    .every((taint) => tolerations.some((t) => tolerates(t, taint)));
}

/** The node a daemon pod is meant for: its nodeName, or the name its node affinity pins. */
export function targetNode(pod: KubeObject): string | undefined {
  const spec = specOf(pod);
  if (typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '') return spec['nodeName'];
  const required = rec(rec(rec(spec['affinity'])?.['nodeAffinity'])?.['requiredDuringSchedulingIgnoredDuringExecution']);
  for (const term of arr(required?.['nodeSelectorTerms'])) {
    for (const field of arr(term['matchFields'])) {
      const values = field['values'];
      if (field['key'] === 'metadata.name' && Array.isArray(values) && typeof values[0] === 'string') return values[0];
    }
  }
  return undefined;
}

/** The pod's affinity with the daemon node pinned by `metadata.name`, replacing any other required terms. */
export function pinToNode(podSpec: Obj, node: string): void {
  const affinity = rec(podSpec['affinity']) ?? {};
  const nodeAffinity = rec(affinity['nodeAffinity']) ?? {};
  nodeAffinity['requiredDuringSchedulingIgnoredDuringExecution'] = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
  };
  affinity['nodeAffinity'] = nodeAffinity;
  podSpec['affinity'] = affinity;
  const existing = arr(podSpec['tolerations']);
  for (const t of daemonTolerations(podSpec['hostNetwork'] === true)) {
    if (!existing.some((e) => e['key'] === t['key'] && e['effect'] === t['effect'])) existing.push(t);
  }
  podSpec['tolerations'] = existing;
}
