/**
 * Small readers of the objects the controllers handle: resource table entries, owner references,
 * pod readiness, conditions. The controllers treat objects as plain JSON (the store's own shape).
 */
import type { KubeObject } from '../../cluster/objects.js';
import { type ResourceInfo, lookupResource } from '../resources.js';
import { StatusError } from '../store/status-error.js';

/** A JSON object. */
export type Obj = Record<string, unknown>;

function resource(name: string): ResourceInfo {
  const r = lookupResource(name);
  if (!r) throw new Error(`resource ${name} is not in the resource table`);
  return r;
}

/** The resource table entries the controllers read and write. */
export const R = {
  pods: resource('pods'),
  replicasets: resource('replicasets.apps'),
  deployments: resource('deployments.apps'),
  services: resource('services'),
  endpoints: resource('endpoints'),
  endpointslices: resource('endpointslices.discovery.k8s.io'),
  namespaces: resource('namespaces'),
  serviceaccounts: resource('serviceaccounts'),
  configmaps: resource('configmaps'),
  events: resource('events'),
  jobs: resource('jobs.batch'),
  statefulsets: resource('statefulsets.apps'),
  persistentvolumeclaims: resource('persistentvolumeclaims'),
} as const;

/** The value under `key` when it is an object. */
export function rec(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The array under `key` (objects only). */
export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? (v.filter((x) => rec(x) !== undefined) as Obj[]) : [];
}

/** A number field, or a fallback. */
export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}

/** A mutable deep copy of a stored (frozen) object. */
export function mutable(o: KubeObject): Obj {
  return structuredClone(o) as unknown as Obj;
}

/** The spec of an object as a plain record. */
export function specOf(o: KubeObject | Obj): Obj {
  return rec((o as Obj)['spec']) ?? {};
}

/** The status of an object as a plain record. */
export function statusOf(o: KubeObject | Obj): Obj {
  return rec((o as Obj)['status']) ?? {};
}

/** The ownerReference that is the controller, if any. */
export function controllerRef(o: KubeObject): { kind: string; name: string; uid: string } | undefined {
  const ref = o.metadata.ownerReferences?.find((r) => r.controller === true);
  return ref ? { kind: ref.kind, name: ref.name, uid: ref.uid } : undefined;
}

/** The ownerReference a controller puts on what it creates (controller and blockOwnerDeletion true). */
export function ownerRefTo(owner: KubeObject): Obj {
  return {
    apiVersion: owner.apiVersion ?? '', kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '',
    controller: true, blockOwnerDeletion: true,
  };
}

/** True for a 404 from the store. */
export function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.code === 404;
}

/** True for a 409 AlreadyExists from the store. */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof StatusError && err.code === 409 && err.status.reason === 'AlreadyExists';
}

/** The object, or undefined when it is gone. */
export function tryGet(r: ResourceInfo, namespace: string | undefined, name: string, get: (r: ResourceInfo, ns: string | undefined, n: string) => KubeObject): KubeObject | undefined {
  try {
    return get(r, namespace, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** A condition of a status by type. */
export function conditionOf(status: Obj, type: string): Obj | undefined {
  return arr(status['conditions']).find((c) => c['type'] === type);
}

/** Pod phase Succeeded or Failed. */
export function isTerminal(pod: KubeObject): boolean {
  const phase = statusOf(pod)['phase'];
  return phase === 'Succeeded' || phase === 'Failed';
}

/** What the ReplicaSet controller counts: not terminal and not being deleted (controller.FilterActivePods). */
export function isActive(pod: KubeObject): boolean {
  return !isTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/** The pod's Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: KubeObject): boolean {
  return conditionOf(statusOf(pod), 'Ready')?.['status'] === 'True';
}

/**
 * Ready for at least minReadySeconds at `now` (podutil.IsPodAvailable). Returns the milliseconds
 * still to wait when ready but not yet available, 0 when available, undefined when not ready.
 */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: Date): number | undefined {
  const ready = conditionOf(statusOf(pod), 'Ready');
  if (ready?.['status'] !== 'True') return undefined;
  if (minReadySeconds <= 0) return 0;
  const since = typeof ready['lastTransitionTime'] === 'string' ? Date.parse(ready['lastTransitionTime']) : NaN;
  if (Number.isNaN(since)) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - now.getTime());
}

/** Canonical JSON (keys sorted) so equal objects compare and hash equal whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = rec(v);
  if (o) {
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
