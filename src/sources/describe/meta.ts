/**
 * Object metadata from the fields every describer prints first (`Name:`, `Namespace:`, `Labels:`,
 * `Annotations:`, `Controlled By:` …), and the annotations that mark what describe text built.
 */
import type { KubeObject, ObjectMeta, OwnerReference } from '../../cluster/objects.js';
import type { ReadContext } from './context.js';
import { child, valueOf, type Field } from './fields.js';
import { annotationsOf, isoTime, labelsOf, present } from './values.js';

export { PARTIAL_ANNOTATION, SOURCE_ANNOTATION } from '../../cluster/annotations.js';
import { SOURCE_ANNOTATION } from '../../cluster/annotations.js';

/** An owner reference as describe shows it: kind and name, never the uid. */
export type DescribedOwnerReference = Omit<OwnerReference, 'uid' | 'apiVersion'> & { apiVersion?: string };

/** Metadata under construction (kubernetes-types marks server-set fields read-only). */
export type DescribedMeta = { -readonly [K in keyof Omit<ObjectMeta, 'ownerReferences'>]: ObjectMeta[K] }
  & { name: string; ownerReferences?: DescribedOwnerReference[] };

const API_VERSION: Record<string, string> = {
  Pod: 'v1', Node: 'v1', Service: 'v1', Endpoints: 'v1', Event: 'v1', PersistentVolumeClaim: 'v1', PersistentVolume: 'v1',
  ReplicationController: 'v1', ConfigMap: 'v1', Secret: 'v1',
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1',
  Job: 'batch/v1', CronJob: 'batch/v1', Ingress: 'networking.k8s.io/v1',
};

/** The apiVersion objects of a kind are served at; undefined for kinds we do not know (custom resources). */
export function apiVersionOf(kind: string): string | undefined {
  return API_VERSION[kind];
}

/** Name, namespace, labels, annotations, creation time, owner and finalizers of a block. */
export function metadataOf(fields: Field[], ctx: ReadContext, namespaced: boolean, namespace?: string): DescribedMeta {
  const nameField = child(fields, 'Name')!;
  if (nameField.value === '') ctx.fail(nameField.line, 'expected the object\'s name after "Name:"');
  const meta: DescribedMeta = { name: nameField.value };
  const ns = present(valueOf(fields, 'Namespace')) ?? namespace;
  if (namespaced && ns !== undefined) meta.namespace = ns;
  const labels = labelsOf(child(fields, 'Labels'));
  if (Object.keys(labels).length > 0) meta.labels = labels;
  meta.annotations = { ...annotationsOf(child(fields, 'Annotations')), [SOURCE_ANNOTATION]: 'describe' };
  const created = isoTime(valueOf(fields, 'CreationTimestamp') ?? '');
  if (created) meta.creationTimestamp = created;
  const owner = ownerOf(child(fields, 'Controlled By'));
  if (owner) meta.ownerReferences = [owner];
  const finalizers = /^\[(.*)\]$/.exec(valueOf(fields, 'Finalizers') ?? '');
  if (finalizers && finalizers[1]!.trim() !== '') meta.finalizers = finalizers[1]!.trim().split(/\s+/);
  return meta;
}

/** `Controlled By:  ReplicaSet/web-7d9c` as a controller reference. */
export function ownerOf(field: Field | undefined): DescribedOwnerReference | undefined {
  const m = /^([^/\s]+)\/(\S+)$/.exec(field?.value ?? '');
  if (!m) return undefined;
  return controllerRef(m[1]!, m[2]!);
}

/** A controller reference to an object known by kind and name. */
export function controllerRef(kind: string, name: string): DescribedOwnerReference {
  const apiVersion = apiVersionOf(kind);
  return { ...(apiVersion ? { apiVersion } : {}), kind, name, controller: true };
}

/** An object of the model; its metadata lacks only what describe never shows (uids). */
export function objectOf(kind: string, metadata: DescribedMeta, body: Record<string, unknown>): KubeObject {
  const apiVersion = apiVersionOf(kind);
  return { ...(apiVersion ? { apiVersion } : {}), kind, metadata: metadata as KubeObject['metadata'], ...body };
}
