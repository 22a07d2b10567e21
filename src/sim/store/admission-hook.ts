/**
 * Where the store hands a write to admission control, as the apiserver's create and update handlers
 * do: the mutating phase sees the decoded, defaulted object before its name is generated; the
 * validating phase sees the object as it will be stored (after the registry's own validation), just
 * before the write. The plugins themselves live in src/sim/admission/.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { ResourceInfo } from '../resources.js';

/** A write as admission plugins see it (`admission.Attributes`). */
export interface AdmissionAttributes {
  readonly operation: 'CREATE' | 'UPDATE';
  /** The resource at the version the client used. */
  readonly resource: ResourceInfo;
  /** `status`, `scale`, `finalize` for subresource writes; undefined for the object itself. */
  readonly subresource: string | undefined;
  /** The object's namespace; for a Namespace, its own name; undefined for other cluster-scoped objects. */
  readonly namespace: string | undefined;
  /**
   * The name refusals print: the object's name, or, in the mutating phase of a create with
   * `generateName`, the prefix (the name is generated later), or `Unknown`.
   */
  readonly name: string;
  /** The object being written, in its storage version. Mutating plugins change it in place. */
  readonly object: Record<string, unknown>;
  /** The stored object an update replaces. */
  readonly oldObject: KubeObject | undefined;
  readonly dryRun: boolean;
}

/** The admission chain the store runs on every create and update; each phase throws a StatusError to refuse. */
export interface AdmissionHook {
  admit(attributes: AdmissionAttributes): void;
  validate(attributes: AdmissionAttributes): void;
}
