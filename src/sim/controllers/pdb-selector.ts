/**
 * Which pods a PodDisruptionBudget covers, shared by the disruption controller and the eviction
 * subresource: pods of its namespace its selector matches. In policy/v1 an empty selector covers
 * every pod of the namespace and a missing one covers none; a selector that does not parse covers none.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { fromSelectorObject, matchesLabels } from '../store/label-selector.js';
import { type Obj, arr, rec, specOf } from './kube.js';

/** True when `pdb` covers `pod`. */
export function selectsPod(pdb: KubeObject, pod: KubeObject): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  const selector = rec(specOf(pdb)['selector']);
  if (!selector) return false;
  try {
    return matchesLabels(fromSelectorObject(selector), pod.metadata.labels ?? {});
  } catch {
    return false;
  }
}

/** Go's `%v` of a `*metav1.LabelSelector` (its generated String method), as events print it. */
export function goLabelSelector(selector: Obj | undefined): string {
  if (!selector) return '<nil>';
  const labels = (rec(selector['matchLabels']) ?? {}) as Record<string, string>;
  const matchLabels = Object.keys(labels).sort().map((k) => `${k}: ${labels[k]},`).join('');
  const expressions = arr(selector['matchExpressions']).map((e) => {
    const values = Array.isArray(e['values']) ? (e['values'] as unknown[]).map(String).join(' ') : '';
    return `LabelSelectorRequirement{Key:${String(e['key'])},Operator:${String(e['operator'])},Values:[${values}],},`;
  }).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${matchLabels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
