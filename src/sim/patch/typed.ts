/**
 * The structured-merge-diff operations server-side apply is built from, on JSON objects guided by
 * {@link SchemaNode}: the field set an object sets (`ToFieldSet`), the comparison of two versions of an
 * object (`Compare`: added, modified, removed paths), the merge of an applied configuration into the
 * live object (`Merge`, associative lists merged by key) and the removal of paths.
 */
import { PatchError } from './errors.js';
import { FieldSet, pathString } from './fieldset.js';
import type { FieldPath, KeyValue, PathElement } from './fieldset.js';
import { clone, deepEqual, isObject } from './json.js';
import type { JsonObject, JsonValue } from './json.js';
import { fieldSchema } from './schema.js';
import type { ListSchema, SchemaNode } from './schema.js';

/** A list merged element by element in apply (associative or set), as opposed to an atomic one. */
function granularList(node: SchemaNode | undefined): ListSchema | undefined {
  const list = node?.list;
  return list === undefined || list.ssa === 'atomic' ? undefined : list;
}

/**
 * The path element naming a list element: its key fields (with their defaults) or, in a set, its value.
 * Undefined when the element lacks a key field, unless `strict`, where that is the apiserver's error.
 */
export function elementOf(list: ListSchema, item: JsonValue, path: FieldPath, strict: boolean, index = 0): PathElement | undefined {
  if (list.ssa === 'set' || list.ssa === 'atomic') return isObject(item) || Array.isArray(item) ? undefined : { value: item };
  if (!isObject(item)) return undefined;
  const key: Record<string, KeyValue> = {};
  for (const name of list.ssa.keys) {
    const value = item[name] ?? list.ssa.defaults?.[name];
    if (value === undefined || isObject(value) || Array.isArray(value)) {
      if (!strict) return undefined;
      throw new PatchError(500, '', `${pathString(path)}: element ${index}: associative list with keys has an element that omits key field `
        + `${JSON.stringify(name)} (and doesn't have default value)`);
    }
    key[name] = value;
  }
  return { key };
}

/** The elements of a granular list with their path elements, or undefined if one cannot be named. */
function indexList(list: ListSchema, items: JsonValue[], path: FieldPath, strict: boolean):
  { element: PathElement; item: JsonValue }[] | undefined {
  const out: { element: PathElement; item: JsonValue }[] = [];
  for (const [index, item] of items.entries()) {
    const element = elementOf(list, item, path, strict, index);
    if (element === undefined) return undefined;
    out.push({ element, item });
  }
  return out;
}

function sameElement(a: PathElement, b: PathElement): boolean {
  return deepEqual(a, b);
}

/**
 * The paths an object sets: leaves, atomic lists and maps, and each element of a granular list
 * (structured-merge-diff `ToFieldSet`). Objects themselves are not members, only what they hold.
 */
export function toFieldSet(value: JsonValue, schema: SchemaNode | undefined, strict = false): FieldSet {
  const set = new FieldSet();
  collectFields(value, schema, [], set, strict);
  return set;
}

function collectFields(value: JsonValue, node: SchemaNode | undefined, path: FieldPath, set: FieldSet, strict: boolean): void {
  if (Array.isArray(value)) {
    const list = granularList(node);
    const items = list === undefined ? undefined : indexList(list, value, path, strict);
    if (list === undefined || items === undefined) {
      set.insert(path);
      return;
    }
    for (const { element, item } of items) {
      set.insert([...path, element]);
      if (list.ssa !== 'set') collectFields(item, list.item, [...path, element], set, strict);
    }
    return;
  }
  if (isObject(value) && node?.atomic !== true) {
    for (const [key, child] of Object.entries(value)) {
      collectFields(child, fieldSchema(node, key), [...path, { field: key }], set, strict);
    }
    return;
  }
  set.insert(path);
}

/** What changed between two versions of an object. */
export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

type Shape = 'map' | 'list' | 'null' | 'leaf';

function shapeOf(value: JsonValue | undefined, node: SchemaNode | undefined): Shape {
  if (value === null) return 'null';
  if (isObject(value) && node?.atomic !== true) return 'map';
  if (Array.isArray(value) && granularList(node) !== undefined) return 'list';
  return 'leaf';
}

/**
 * Compares two versions (structured-merge-diff `Compare`). A container that appears is added with all
 * it holds; a `null` on one side counts as an empty container, as a Go zero value does.
 */
export function compare(lhs: JsonValue | undefined, rhs: JsonValue | undefined, schema: SchemaNode | undefined): Comparison {
  const result = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(lhs, rhs, schema, [], result);
  return result;
}

function compareAt(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode | undefined,
  path: FieldPath, out: Comparison): void {
  if (lhs === undefined && rhs === undefined) return;
  const shape = containerShape(lhs, rhs, node);
  if (shape === 'leaf') {
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
    else if (!deepEqual(lhs, rhs)) out.modified.insert(path);
    return;
  }
  if (lhs === undefined) out.added.insert(path);
  if (rhs === undefined) out.removed.insert(path);
  if (shape === 'map') compareMaps(lhs, rhs, node, path, out);
  else compareLists(lhs, rhs, node, path, out);
}

/** The container shape both sides share, `leaf` when they differ or are scalars. */
function containerShape(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode | undefined): Shape {
  const left = lhs === undefined ? undefined : shapeOf(lhs, node);
  const right = rhs === undefined ? undefined : shapeOf(rhs, node);
  const container = [left, right].find((s) => s === 'map' || s === 'list');
  if (container === undefined) return 'leaf';
  const compatible = (s: Shape | undefined): boolean => s === undefined || s === 'null' || s === container;
  if (!compatible(left) || !compatible(right)) return 'leaf';
  if (container === 'list' && !listsIndexable(lhs, rhs, node, [])) return 'leaf';
  return container;
}

function listsIndexable(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode | undefined, path: FieldPath): boolean {
  const list = granularList(node) as ListSchema;
  return [lhs, rhs].every((side) => !Array.isArray(side) || indexList(list, side, path, false) !== undefined);
}

function compareMaps(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode | undefined,
  path: FieldPath, out: Comparison): void {
  const left = isObject(lhs) ? lhs : {};
  const right = isObject(rhs) ? rhs : {};
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    compareAt(left[key], right[key], fieldSchema(node, key), [...path, { field: key }], out);
  }
}

function compareLists(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode | undefined,
  path: FieldPath, out: Comparison): void {
  const list = granularList(node) as ListSchema;
  const left = Array.isArray(lhs) ? indexList(list, lhs, path, false) ?? [] : [];
  const right = Array.isArray(rhs) ? indexList(list, rhs, path, false) ?? [] : [];
  const itemSchema = list.ssa === 'set' ? undefined : list.item;
  for (const { element, item } of left) {
    const match = right.find((r) => sameElement(r.element, element));
    compareAt(item, match?.item, itemSchema, [...path, element], out);
  }
  for (const { element, item } of right) {
    if (!left.some((l) => sameElement(l.element, element))) compareAt(undefined, item, itemSchema, [...path, element], out);
  }
}

/**
 * Merges an applied configuration into the live object (structured-merge-diff `Merge`): the
 * configuration's values win, maps merge field by field, granular lists element by element with the
 * live-only elements kept in place and the shared ones in the configuration's order. A `null` in the
 * configuration clears the field.
 */
export function mergeApplied(live: JsonValue | undefined, config: JsonValue | undefined, node: SchemaNode | undefined,
  path: FieldPath = []): JsonValue | undefined {
  if (config === undefined) return live;
  if (config === null) return undefined;
  if (live === undefined || live === null) return clone(config);
  if (isObject(live) && isObject(config) && node?.atomic !== true) {
    const out: JsonObject = { ...live };
    for (const [key, value] of Object.entries(config)) {
      const merged = mergeApplied(live[key], value, fieldSchema(node, key), [...path, { field: key }]);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
    return out;
  }
  const list = granularList(node);
  if (list !== undefined && Array.isArray(live) && Array.isArray(config)) return mergeLists(live, config, list, path);
  return clone(config);
}

function mergeLists(live: JsonValue[], config: JsonValue[], list: ListSchema, path: FieldPath): JsonValue[] {
  const right = indexList(list, config, path, true) ?? [];
  const left = indexList(list, live, path, false);
  if (left === undefined) return clone(config);
  const inRight = (e: PathElement): boolean => right.some((r) => sameElement(r.element, e));
  const inLeft = (e: PathElement): boolean => left.some((l) => sameElement(l.element, e));
  const shared = right.filter((r) => inLeft(r.element)).map((r) => r.element);
  const itemSchema = list.ssa === 'set' ? undefined : list.item;
  const mergeItem = (element: PathElement, item: JsonValue): JsonValue => {
    const old = left.find((l) => sameElement(l.element, element))?.item;
    return mergeApplied(old, item, itemSchema, [...path, element]) ?? null;
  };
  const out: JsonValue[] = [];
  const taken: PathElement[] = [];
  const wasTaken = (e: PathElement): boolean => taken.some((t) => sameElement(t, e));
  const takeRight = (entry: { element: PathElement; item: JsonValue }): void => {
    out.push(mergeItem(entry.element, entry.item));
    taken.push(entry.element);
  };
  let l = 0;
  let r = 0;
  while (l < left.length || r < right.length) {
    const leftEntry = left[l];
    const rightEntry = right[r];
    if (leftEntry !== undefined && rightEntry !== undefined) {
      if (sameElement(leftEntry.element, rightEntry.element)) {
        takeRight(rightEntry);
        shared.shift();
        l++;
        r++;
        continue;
      }
      // A shared element whose turn, in the configuration's order, has not come yet.
      if (inRight(leftEntry.element) && shared[0] !== undefined && !sameElement(shared[0], leftEntry.element)) {
        l++;
        continue;
      }
    }
    if (leftEntry !== undefined && (!inRight(leftEntry.element) || wasTaken(leftEntry.element) || rightEntry === undefined)) {
      if (!inRight(leftEntry.element)) out.push(leftEntry.item);
      l++;
      continue;
    }
    if (rightEntry === undefined) break;
    takeRight(rightEntry);
    if (shared[0] !== undefined && sameElement(shared[0], rightEntry.element)) shared.shift();
    r++;
  }
  return out;
}

/**
 * Removes a path from an object in place, then the maps the removal left empty. Returns false when
 * the path was not there.
 */
export function removePath(root: JsonObject, path: FieldPath, schema: SchemaNode | undefined): boolean {
  type Step = { container: JsonObject | JsonValue[]; element: PathElement; node: SchemaNode | undefined };
  const trail: Step[] = [];
  let current: JsonValue = root;
  let node = schema;
  for (const element of path) {
    const step = descend(current, element, node);
    if (step === undefined) return false;
    trail.push({ container: current as JsonObject | JsonValue[], element, node });
    current = step.value;
    node = step.node;
  }
  for (let i = trail.length - 1; i >= 0; i--) {
    const { container, element, node: containerNode } = trail[i] as Step;
    deleteChild(container, element, containerNode);
    const emptyMap = isObject(container) && Object.keys(container).length === 0;
    if (!emptyMap || i === 0) break;
  }
  return true;
}

function descend(value: JsonValue, element: PathElement, node: SchemaNode | undefined):
  { value: JsonValue; node: SchemaNode | undefined } | undefined {
  if ('field' in element) {
    if (!isObject(value) || !Object.hasOwn(value, element.field)) return undefined;
    return { value: value[element.field] as JsonValue, node: fieldSchema(node, element.field) };
  }
  if (!Array.isArray(value)) return undefined;
  const index = findElement(value, element, node?.list);
  if (index < 0) return undefined;
  return { value: value[index] as JsonValue, node: node?.list?.item };
}

function findElement(list: JsonValue[], element: PathElement, schema: ListSchema | undefined): number {
  if ('index' in element) return element.index < list.length ? element.index : -1;
  if ('value' in element) return list.findIndex((item) => item === element.value);
  if (!('key' in element)) return -1;
  return list.findIndex((item) => schema !== undefined && deepEqual(elementOf(schema, item, [], false), element));
}

function deleteChild(container: JsonObject | JsonValue[], element: PathElement, node: SchemaNode | undefined): void {
  if (Array.isArray(container)) {
    const index = findElement(container, element, node?.list);
    if (index >= 0) container.splice(index, 1);
    return;
  }
  if ('field' in element) delete container[element.field];
}
