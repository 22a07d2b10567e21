/**
 * The object a create is compared against. The apiserver compares with a zero Go struct, whose
 * non-pointer structs and non-omitempty fields exist (empty or null): fields the create fills inside
 * them are "modified", not "added", so their parents get no `"."` in managedFields. We reproduce that
 * for the parts of the built-in kinds that show in practice: spec, status and pod templates.
 */
import type { JsonObject } from './json.js';

const WITHOUT_SPEC = new Set([
  'ConfigMap', 'Secret', 'Endpoints', 'EndpointSlice', 'Event', 'ServiceAccount', 'Role', 'ClusterRole',
  'RoleBinding', 'ClusterRoleBinding', 'StorageClass',
]);
const WITHOUT_STATUS = new Set([...WITHOUT_SPEC, 'LimitRange', 'IngressClass', 'Lease', 'NetworkPolicy', 'CronJob']);
const WITH_POD_TEMPLATE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

function podTemplate(): JsonObject {
  return { metadata: { creationTimestamp: null }, spec: { containers: null } };
}

/** The zero value of a kind, as JSON. @example emptyObjectOf('Pod') // { metadata: {...}, spec: { containers: null }, status: {} } */
export function emptyObjectOf(kind: string): JsonObject {
  const object: JsonObject = { metadata: { creationTimestamp: null } };
  if (!WITHOUT_SPEC.has(kind)) object.spec = specOf(kind);
  if (!WITHOUT_STATUS.has(kind)) object.status = {};
  return object;
}

function specOf(kind: string): JsonObject {
  if (kind === 'Pod') return { containers: null };
  if (WITH_POD_TEMPLATE.has(kind)) return { template: podTemplate() };
  if (kind === 'CronJob') return { jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: podTemplate() } } };
  return {};
}
