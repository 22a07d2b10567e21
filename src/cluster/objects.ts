/**
 * The typed object model: every object a source reads is kept as the API server's own JSON shape
 * (`kubernetes-types`), so that live, offline and simulated clusters look the same to analyzers.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

export type {
  Pod, Node, Service, Endpoints, Event as CoreEvent, ConfigMap, Secret, PersistentVolumeClaim,
  PersistentVolume, ResourceQuota, LimitRange, Namespace, Container, ContainerStatus, Probe,
} from 'kubernetes-types/core/v1.js';
export type { Deployment, ReplicaSet, StatefulSet, DaemonSet } from 'kubernetes-types/apps/v1.js';
export type { Job, CronJob } from 'kubernetes-types/batch/v1.js';
export type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
export type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
export type { StorageClass } from 'kubernetes-types/storage/v1.js';
export type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
export type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
export type { LabelSelector, ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';

/** Any Kubernetes object: what every source yields. Kind-specific shapes are `KubeObject & Pod` etc. (see graph's `Obj`). */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** A reference to one object, small enough to quote in a finding. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/**
 * Kinds whose objects live outside any namespace. Used to read references that omit a namespace.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Node', 'Namespace', 'PersistentVolume', 'StorageClass', 'IngressClass', 'ClusterRole',
  'ClusterRoleBinding', 'PriorityClass', 'CustomResourceDefinition',
]);

/** @example refOf(pod) // { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: '…' } */
export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace !== undefined) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.uid !== undefined) ref.uid = obj.metadata.uid;
  return ref;
}

/**
 * A stable string key for an object: `Kind/namespace/name`, or `Kind//name` when cluster scoped.
 * @example keyOf({ kind: 'Pod', namespace: 'shop', name: 'web-1' }) // 'Pod/shop/web-1'
 */
export function keyOf(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** `kind/name` with the namespace in front when there is one, as kubectl prints it. */
export function displayRef(ref: ObjectRef): string {
  const kindName = `${ref.kind.toLowerCase()}/${ref.name}`;
  return ref.namespace ? `${ref.namespace}/${kindName}` : kindName;
}


/** True for a value shaped like a Kubernetes object (a kind and a named metadata). */
export function looksLikeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; metadata?: { name?: unknown } };
  return typeof v.kind === 'string' && typeof v.metadata === 'object' && v.metadata !== null
    && typeof v.metadata.name === 'string';
}
