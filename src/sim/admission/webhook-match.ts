/**
 * Whether a webhook is called for a request, as the apiserver decides (admission/plugin/webhook:
 * predicates/rules, predicates/namespace, predicates/object, and matchPolicy in generic/webhook.go):
 * one of its rules matches the operation, group, version, resource/subresource and scope; its
 * namespaceSelector matches the labels of the request's namespace (cluster-scoped objects other than
 * namespaces always match); its objectSelector matches the new or the old object's labels. With
 * matchPolicy Equivalent a rule naming another version of the same objects matches too. The
 * webhook configurations themselves are never sent to webhooks.
 *
 * matchConditions (CEL) are not evaluated: a webhook that has them is treated as matching.
 */
import { type ResourceInfo, lookupResource, versionsOfStorage } from '../resources.js';
import { fromSelectorObject, type LabelSelectorObject, matchesLabels } from '../store/label-selector.js';
import { type AdmissionAttributes, type ClusterReader, type Obj, arr, rec, str } from './admission-plugin.js';

const NAMESPACES = lookupResource('namespaces')!;
const EXEMPT_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function exactOrWildcard(items: string[], requested: string): boolean {
  return items.some((item) => item === '*' || item === requested);
}

function isNamespaceObject(r: ResourceInfo): boolean {
  return r.group === '' && r.plural === 'namespaces';
}

function scopeMatches(scope: string, a: AdmissionAttributes): boolean {
  if (scope === '*') return true;
  const clusterScoped = isNamespaceObject(a.resource) || a.namespace === undefined;
  if (scope === 'Namespaced') return !clusterScoped;
  if (scope === 'Cluster') return clusterScoped;
  return false;
}

function resourceMatches(resources: string[], r: ResourceInfo, subresource: string | undefined): boolean {
  return resources.some((entry) => {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    return (res === '*' || res === r.plural) && (sub === '*' || sub === (subresource ?? ''));
  });
}

function ruleMatches(rule: Obj, a: AdmissionAttributes, r: ResourceInfo): boolean {
  return scopeMatches(str(rule['scope']) ?? '*', a)
    && exactOrWildcard(strings(rule['operations']), a.operation)
    && exactOrWildcard(strings(rule['apiGroups']), r.group)
    && exactOrWildcard(strings(rule['apiVersions']), r.version)
    && resourceMatches(strings(rule['resources']), r, a.subresource);
}

/** Whether one of the webhook's rules matches the request (or, with matchPolicy Equivalent, another version of it). */
export function rulesMatch(hook: Obj, a: AdmissionAttributes): boolean {
  const rules = arr(hook['rules']);
  if (rules.some((rule) => ruleMatches(rule, a, a.resource))) return true;
  if (hook['matchPolicy'] === 'Exact') return false;
  const equivalents = versionsOfStorage(a.resource.storage).filter((r) => r !== a.resource);
  return equivalents.some((r) => rules.some((rule) => ruleMatches(rule, a, r)));
}

function selectorMatches(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return true;
  return matchesLabels(fromSelectorObject(selector as LabelSelectorObject), labels ?? {});
}

function labelsOf(o: Obj | undefined): Record<string, string> | undefined {
  return rec(rec(o?.['metadata'])?.['labels']) as Record<string, string> | undefined;
}

/** Whether the namespaceSelector selects the request's namespace. */
export function namespaceMatches(hook: Obj, a: AdmissionAttributes, cluster: ClusterReader): boolean {
  const selector = rec(hook['namespaceSelector']);
  const namespaceObject = isNamespaceObject(a.resource);
  if (a.namespace === undefined && !namespaceObject) return true;
  if (!selector || Object.keys(selector).length === 0) return true;
  // A namespace being written is judged by its new labels.
  const labels = namespaceObject && a.subresource === undefined
    ? labelsOf(a.object)
    : a.namespace === undefined ? undefined : cluster.get(NAMESPACES, undefined, a.namespace)?.metadata.labels;
  return selectorMatches(selector, labels);
}

/** Whether the objectSelector selects the new or the old object. */
export function objectMatches(hook: Obj, a: AdmissionAttributes): boolean {
  const selector = rec(hook['objectSelector']);
  if (!selector || Object.keys(selector).length === 0) return true;
  return selectorMatches(selector, labelsOf(a.object) ?? {})
    || (a.oldObject !== undefined && selectorMatches(selector, a.oldObject.metadata.labels ?? {}));
}

/** Whether the request goes to this webhook at all. */
export function webhookApplies(hook: Obj, a: AdmissionAttributes, cluster: ClusterReader): boolean {
  if (EXEMPT_KINDS.has(a.resource.kind) && a.resource.group === 'admissionregistration.k8s.io') return false;
  return rulesMatch(hook, a) && namespaceMatches(hook, a, cluster) && objectMatches(hook, a);
}
