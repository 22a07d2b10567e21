/**
 * Server-side apply as the apiserver's field manager runs it (structured-merge-diff `Updater.Apply`):
 * the applied configuration is merged into the live object; the applier owns exactly the fields it
 * names; fields it owned before and no longer names are removed unless another manager owns them;
 * fields another manager owns whose value the apply would change are conflicts, unless `force`,
 * which moves them to the applier.
 */
import { PatchError } from './errors.js';
import { FieldSet, pathString } from './fieldset.js';
import type { FieldPath } from './fieldset.js';
import { isObject } from './json.js';
import type { JsonObject } from './json.js';
import {
  describeManager, managedTime, managerIdentifier, ownableFields, readManagers, setManagedFields,
  withoutManagedFields, writeManagers,
} from './managed-fields.js';
import type { Manager } from './managed-fields.js';
import { schemaForKind } from './schema.js';
import type { SchemaNode } from './schema.js';
import { compare, mergeApplied, removePath, toFieldSet } from './typed.js';

/** One conflict as the apiserver reports it in the 409's `details.causes`. */
export interface ApplyConflictCause {
  readonly type: 'FieldManagerConflict';
  /** `conflict with "kubectl-client-side-apply" using apps/v1` */
  readonly message: string;
  /** `.spec.replicas` */
  readonly field: string;
}

/** The outcome of an apply. */
export interface ApplyResult {
  /** The new object (with managedFields), or a copy of the live object when there are conflicts. */
  readonly object: object;
  /** One line per conflict: `conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`. */
  readonly conflicts: string[];
  /** The same conflicts as Status causes. */
  readonly causes: ApplyConflictCause[];
  /** The 409 Status message (`Apply failed with 1 conflict: ...`), empty without conflicts. */
  readonly message: string;
}

/** Options of an apply: `force` is kubectl's `--force-conflicts`. */
export interface ApplyOptions {
  readonly force: boolean;
  /** Apply to a subresource (`status`); the main resource otherwise. */
  readonly subresource?: string;
  /** The clock for managedFields times; now by default. */
  readonly now?: Date;
}

interface Conflict {
  readonly owner: Manager;
  readonly path: FieldPath;
}

/**
 * Applies `applied` as `manager`.
 * @example serverSideApply(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: { replicas: 3 } }, 'kubectl', { force: false })
 */
export function serverSideApply(live: object | undefined, applied: object, manager: string, options: ApplyOptions): ApplyResult {
  const config = applied as JsonObject;
  const kind = typeof config.kind === 'string' ? config.kind : '';
  const schema = schemaForKind(kind);
  const subresource = options.subresource;
  const liveObject = withoutManagedFields(live);
  const managers = existingManagers(live, liveObject, schema, subresource);

  const appliedConfig = configToApply(config, kind, live === undefined, subresource);
  const self: Manager = {
    manager, operation: 'Apply', apiVersion: typeof config.apiVersion === 'string' ? config.apiVersion : '',
    time: managedTime(options.now ?? new Date()), subresource,
    set: ownableFields(appliedFields(appliedConfig, schema), subresource),
  };
  const selfId = managerIdentifier(self);
  const previous = managers.get(selfId)?.set;
  managers.set(selfId, self);

  const merged = (mergeApplied(liveObject, appliedConfig, schema) ?? {}) as JsonObject;
  if (previous !== undefined) prune(merged, previous, managers, schema);

  const changes = compare(liveObject, merged, schema);
  const changed = ownableFields(changes.modified.union(changes.added), subresource);
  const conflicts = findConflicts(managers, selfId, changed);
  if (conflicts.length > 0 && !options.force) return conflictResult(live, conflicts);

  const removed = changes.removed;
  for (const [id, other] of managers) {
    if (id === selfId) continue;
    other.set = other.set.difference(changed).difference(removed);
  }
  setManagedFields(merged, writeManagers(managers));
  return { object: merged, conflicts: [], causes: [], message: '' };
}

/** The fields the configuration sets; a keyed list element without its key fails as in the apiserver. */
function appliedFields(config: JsonObject, schema: SchemaNode | undefined): FieldSet {
  try {
    return toFieldSet(config, schema, true);
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    throw new PatchError(error.code, error.reason, `failed to create typed patch object (${groupVersionKind(config)}): ${error.message}`);
  }
}

/** Go's `GroupVersionKind.String()`: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
function groupVersionKind(config: JsonObject): string {
  const apiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  const groupVersion = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return `${groupVersion}, Kind=${typeof config.kind === 'string' ? config.kind : ''}`;
}

/**
 * The managers of the live object. An object that exists but has never had managedFields is owned,
 * field by field, by the apiserver's placeholder `before-first-apply`.
 */
function existingManagers(live: object | undefined, liveObject: JsonObject, schema: SchemaNode | undefined,
  subresource: string | undefined): Map<string, Manager> {
  if (live === undefined) return new Map();
  const metadata = (live as JsonObject).metadata;
  const managers = readManagers(isObject(metadata) ? metadata.managedFields : undefined);
  if (managers !== undefined) return managers;
  const placeholder: Manager = {
    manager: 'before-first-apply', operation: 'Update',
    apiVersion: typeof liveObject.apiVersion === 'string' ? liveObject.apiVersion : '',
    time: undefined, subresource: undefined,
    set: ownableFields(toFieldSet(liveObject, schema), subresource),
  };
  return new Map([[managerIdentifier(placeholder), placeholder]]);
}

/** What an apply can set: never managedFields, and `status` only through the status subresource (Node creates aside). */
function configToApply(config: JsonObject, kind: string, creating: boolean, subresource: string | undefined): JsonObject {
  const copy = withoutManagedFields(config);
  if (subresource === 'status') return copy;
  if (!(kind === 'Node' && creating)) delete copy.status;
  return copy;
}

/** Removes the fields the applier set last time and dropped now, when no manager owns them or anything below them. */
function prune(merged: JsonObject, previous: FieldSet, managers: Map<string, Manager>, schema: SchemaNode | undefined): void {
  let owned = new FieldSet();
  for (const m of managers.values()) owned = owned.union(m.set);
  for (const path of previous.paths()) {
    if (owned.has(path) || owned.hasDescendants(path)) continue;
    removePath(merged, path, schema);
  }
}

function findConflicts(managers: Map<string, Manager>, selfId: string, changed: FieldSet): Conflict[] {
  const conflicts: Conflict[] = [];
  const ids = [...managers.keys()].filter((id) => id !== selfId).sort();
  for (const id of ids) {
    const owner = managers.get(id) as Manager;
    for (const path of owner.set.intersection(changed).paths()) conflicts.push({ owner, path });
  }
  return conflicts;
}

function conflictResult(live: object | undefined, conflicts: Conflict[]): ApplyResult {
  const causes = conflicts.map(({ owner, path }): ApplyConflictCause => ({
    type: 'FieldManagerConflict', message: `conflict with ${describeManager(owner)}`, field: pathString(path),
  }));
  return {
    object: structuredClone(live ?? {}),
    conflicts: causes.map((cause) => `${cause.message}: ${cause.field}`),
    causes,
    message: conflictMessage(conflicts),
  };
}

/** The 409 message (`getConflictMessage`): one line for one conflict, else grouped by manager. */
function conflictMessage(conflicts: Conflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) {
    return `Apply failed with 1 conflict: conflict with ${describeManager(only.owner)}: ${pathString(only.path)}`;
  }
  const lines: string[] = [];
  let current: Manager | undefined;
  for (const { owner, path } of conflicts) {
    if (owner !== current) lines.push(`conflicts with ${describeManager(owner)}:`);
    current = owner;
    lines.push(`- ${pathString(path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}
