/**
 * managedFields for writes that are not applies (create, update, patch), as the apiserver's field
 * manager records them (`managedFieldsUpdater.Update`): the writer takes every field the write added or
 * changed, from whoever owned it; fields the write removed leave every manager; the writer's entry
 * (keyed by manager, API version and subresource) gets the write's time only when it took something.
 */
import { managedTime, managerIdentifier, isResetRequest, ownableFields, readManagers, setManagedFields, withoutManagedFields, writeManagers } from './managed-fields.js';
import type { Manager } from './managed-fields.js';
import { emptyObjectOf } from './empty-object.js';
import { isObject } from './json.js';
import type { JsonObject } from './json.js';
import { schemaForKind } from './schema.js';
import { compare } from './typed.js';

/** Options of a recorded write. */
export interface UpdateOptions {
  /** A write to a subresource (`status`); the main resource otherwise. */
  readonly subresource?: string;
  /** The clock for managedFields times; now by default. */
  readonly now?: Date;
}

/**
 * Returns a copy of `after` whose managedFields record the write of `manager`.
 * @example recordUpdate(undefined, created, 'kubectl-create', 'Update')
 */
export function recordUpdate(before: object | undefined, after: object, manager: string, operation: 'Update',
  options: UpdateOptions = {}): object {
  const next = after as JsonObject;
  const kind = typeof next.kind === 'string' ? next.kind : '';
  const schema = schemaForKind(kind);
  const managers = managersOf(before, next);
  const changes = compare(before === undefined ? emptyObjectOf(kind) : withoutManagedFields(before),
    withoutManagedFields(next), schema);
  const taken = ownableFields(changes.modified.union(changes.added), options.subresource);
  for (const m of managers.values()) m.set = m.set.difference(taken).difference(changes.removed);

  if (!taken.isEmpty()) {
    const writer: Manager = {
      manager, operation, apiVersion: typeof next.apiVersion === 'string' ? next.apiVersion : '',
      time: managedTime(options.now ?? new Date()), subresource: options.subresource, set: taken,
    };
    const id = managerIdentifier(writer);
    const previous = managers.get(id);
    if (previous !== undefined) writer.set = previous.set.union(taken);
    managers.set(id, writer);
  }
  const result = withoutManagedFields(next);
  setManagedFields(result, writeManagers(managers));
  return result;
}

/**
 * The managers before the write: those the request carries if it carries any (a client may set them,
 * and `[{}]` clears them), else those of the stored object.
 */
function managersOf(before: object | undefined, after: JsonObject): Map<string, Manager> {
  const requested = isObject(after.metadata) ? after.metadata.managedFields : undefined;
  if (isResetRequest(requested)) return new Map();
  const fromRequest = readManagers(requested);
  if (fromRequest !== undefined) return fromRequest;
  const stored = before === undefined ? undefined : (before as JsonObject).metadata;
  return readManagers(isObject(stored) ? stored.managedFields : undefined) ?? new Map();
}
