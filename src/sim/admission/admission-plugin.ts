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
// The plugins read objects as plain JSON with the same small readers the controllers use.
export { type Obj, arr, rec } from '../controllers/kube.js';

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

/** A string field, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The attributes name a pod create (of the pod itself, not a subresource). */
export function isPodCreate(a: AdmissionAttributes): boolean {
  return a.operation === 'CREATE' && a.resource.group === '' && a.resource.plural === 'pods' && a.subresource === undefined;
}
