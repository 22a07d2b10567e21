/**
 * The shape every simulated admission plugin has: an optional mutating and an optional validating
 * step over the write's attributes, reading the cluster through a {@link ClusterReader} (the real
 * plugins read their informers' listers). A step refuses by throwing the StatusError the apiserver
 * would answer with.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { ResourceInfo } from '../resources.js';
import type { AdmissionAttributes } from '../store/admission-hook.js';

export type { AdmissionAttributes } from '../store/admission-hook.js';

/** Plain JSON object. */
export type Obj = Record<string, unknown>;

/** Reads of stored objects, as the plugins' listers give them. */
export interface ClusterReader {
  get(resource: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: ResourceInfo, namespace?: string): readonly KubeObject[];
}

/** One admission plugin of the chain (`admission.MutationInterface` and/or `admission.ValidationInterface`). */
export interface AdmissionPlugin {
  /** The plugin's name as `--enable-admission-plugins` names it. */
  readonly name: string;
  admit?(attributes: AdmissionAttributes, cluster: ClusterReader): void;
  validate?(attributes: AdmissionAttributes, cluster: ClusterReader): void;
}

/** A plain object field, or undefined. */
export function rec(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A list of plain objects (other entries dropped); empty for anything else. */
export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => rec(x) !== undefined) : [];
}

/** A string field, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The attributes name a pod create (of the pod itself, not a subresource). */
export function isPodCreate(a: AdmissionAttributes): boolean {
  return a.operation === 'CREATE' && a.resource.group === '' && a.resource.plural === 'pods' && a.subresource === undefined;
}
