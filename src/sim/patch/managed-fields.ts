/**
 * `metadata.managedFields` as the apiserver's field manager keeps it
 * (k8s.io/apimachinery/pkg/util/managedfields/internal): one entry per manager, where an Apply manager
 * is identified by name (and subresource) and an Update manager also by API version; entries are
 * sorted Apply first, then by time, manager, apiVersion and subresource; `fieldsV1` never holds the
 * type and object-identity fields, nor (for writes to the main resource) `status`.
 */
import { FieldSet } from './fieldset.js';
import type { FieldPath } from './fieldset.js';
import { isObject } from './json.js';
import type { JsonObject } from './json.js';

/** One field manager and what it owns. */
export interface Manager {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly time: string | undefined;
  readonly subresource: string | undefined;
  set: FieldSet;
}

/** The identity the apiserver keys managers by (`BuildManagerIdentifier`): Apply managers ignore the API version. */
export function managerIdentifier(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update') id.apiVersion = m.apiVersion;
  if (m.subresource !== undefined && m.subresource !== '') id.subresource = m.subresource;
  return JSON.stringify(id);
}

/** How a conflict names its manager (`printManager`): `"kubectl" using apps/v1` for an Update manager. */
export function describeManager(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource !== undefined && m.subresource !== '') text += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${text} using ${m.apiVersion}` : text;
}

/** Reads the managers of an object's managedFields; undefined when it has none or they cannot be read. */
export function readManagers(entries: unknown): Map<string, Manager> | undefined {
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  const managers = new Map<string, Manager>();
  for (const entry of entries) {
    const manager = readEntry(entry);
    if (manager === undefined) return undefined;
    managers.set(managerIdentifier(manager), manager);
  }
  return managers;
}

function readEntry(entry: unknown): Manager | undefined {
  if (!isObject(entry)) return undefined;
  const { manager, operation, apiVersion, time, subresource, fieldsV1 } = entry;
  if (operation !== 'Apply' && operation !== 'Update') return undefined;
  return {
    manager: typeof manager === 'string' ? manager : '',
    operation,
    apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
    time: typeof time === 'string' ? time : undefined,
    subresource: typeof subresource === 'string' && subresource !== '' ? subresource : undefined,
    set: FieldSet.fromFieldsV1(fieldsV1),
  };
}

/** True for `managedFields: [{}]`, the documented way to clear them. */
export function isResetRequest(entries: unknown): boolean {
  return Array.isArray(entries) && entries.length === 1 && isObject(entries[0]) && Object.keys(entries[0]).length === 0;
}

/** The managedFields entries of the managers that still own something, in the apiserver's order. */
export function writeManagers(managers: Map<string, Manager>): JsonObject[] {
  const live = [...managers.values()].filter((m) => !m.set.isEmpty());
  live.sort(compareManagers);
  return live.map((m) => {
    const entry: JsonObject = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time !== undefined) entry.time = m.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource !== undefined) entry.subresource = m.subresource;
    return entry;
  });
}

function compareManagers(p: Manager, q: Manager): number {
  const seconds = (m: Manager): number => (m.time === undefined ? 0 : Math.floor(Date.parse(m.time) / 1000));
  const keys: [string | number, string | number][] = [
    [p.operation, q.operation], [seconds(p), seconds(q)], [p.manager, q.manager],
    [p.apiVersion, q.apiVersion], [p.subresource ?? '', q.subresource ?? ''],
  ];
  for (const [a, b] of keys) if (a !== b) return a < b ? -1 : 1;
  return 0;
}

/** A managedFields time: RFC 3339 in UTC, to the second. */
export function managedTime(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/** Fields never tracked (`stripMetaManager`). */
const STRIPPED: readonly string[] = [
  '.apiVersion', '.kind', '.metadata', '.metadata.name', '.metadata.namespace', '.metadata.creationTimestamp',
  '.metadata.selfLink', '.metadata.uid', '.metadata.clusterName', '.metadata.generation',
  '.metadata.managedFields', '.metadata.resourceVersion',
];

function dotted(path: FieldPath): string | undefined {
  let out = '';
  for (const element of path) {
    if (!('field' in element)) return undefined;
    out += `.${element.field}`;
  }
  return out;
}

/**
 * The paths a write may own: the type and identity fields never, `status` only through the status
 * subresource and nothing else through it (the registries' reset fields).
 */
export function ownableFields(set: FieldSet, subresource: string | undefined): FieldSet {
  return set.filter((path) => {
    const text = dotted(path);
    if (text !== undefined && STRIPPED.includes(text)) return false;
    const inStatus = 'field' in (path[0] ?? {}) && (path[0] as { field: string }).field === 'status';
    return subresource === 'status' ? inStatus : !inStatus;
  });
}

/** A copy of an object without its managedFields, for comparing and merging. */
export function withoutManagedFields(object: unknown): JsonObject {
  const copy: JsonObject = isObject(object) ? structuredClone(object) : {};
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/** Sets the object's managedFields, removing the field when no manager is left. */
export function setManagedFields(object: JsonObject, entries: JsonObject[]): void {
  if (!isObject(object.metadata)) object.metadata = {};
  const metadata = object.metadata as JsonObject;
  if (entries.length === 0) delete metadata.managedFields;
  else metadata.managedFields = entries;
}
