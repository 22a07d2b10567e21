/**
 * Strategic merge patch as the apiserver applies it to built-in kinds
 * (k8s.io/apimachinery/pkg/util/strategicpatch, `StrategicMergeMapPatch` with `MergeParallelList` and
 * `IgnoreUnmatchedNulls`): maps merge, `null` deletes, lists with a `patchMergeKey` merge element by
 * element, primitive lists with `patchStrategy: merge` merge as sets, other lists are replaced, and the
 * directives `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`
 * are honoured. Error messages and codes follow the apiserver's (`mergepatch` errors, and
 * `interpretStrategicMergePatchError` for which of them are 400 or 422).
 */
import { badRequest, PatchError, serverError } from './errors.js';
import { goTypeName, goValue } from './go-format.js';
import { clone, isObject, jsonKind } from './json.js';
import type { JsonObject, JsonValue } from './json.js';
import { fieldSchema } from './schema.js';
import type { ListSchema, SchemaNode } from './schema.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/**
 * Applies a strategic merge patch to a copy of `original`.
 * @example strategicMerge(pod, { spec: { containers: [{ name: 'app', image: 'v2' }] } }, schemaForKind('Pod'))
 */
export function strategicMerge(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): JsonObject {
  return mergeMap(clone(original), clone(patch), schema);
}

function mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: SchemaNode | undefined): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) return directiveInMap(patch[DIRECTIVE], patch);
  const target = original ?? {};
  applyRetainKeys(target, patch);
  mergeOrderedLists(target, patch, schema);
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    const { key, isDeleteList } = deletionListKey(rawKey);
    if (patchValue === null) {
      delete target[key];
      continue;
    }
    const current = target[key];
    if (current === undefined || jsonKind(current) !== jsonKind(patchValue)) {
      if (!isDeleteList) setOrDelete(target, key, withoutDirectives(withoutNulls(patchValue)));
      continue;
    }
    target[key] = mergeValue(current, patchValue, schema, key, isDeleteList);
  }
  return target;
}

/** Merges two values of the same JSON kind found under `key`. */
function mergeValue(current: JsonValue, patchValue: JsonValue, schema: SchemaNode | undefined, key: string,
  isDeleteList: boolean): JsonValue {
  if (isObject(current)) return mergeMap(current, patchValue as JsonObject, fieldSchema(schema, key));
  if (Array.isArray(current)) {
    return mergeListField(current, patchValue as JsonValue[], fieldSchema(schema, key)?.list, isDeleteList, key);
  }
  return withoutDirectives(patchValue) ?? null;
}

function setOrDelete(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** `$patch: replace` keeps the patch as the new map, `$patch: delete` empties it. */
function directiveInMap(directive: JsonValue | undefined, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return (withoutDirectives(withoutNulls(patch)) ?? {}) as JsonObject;
  }
  if (directive === 'delete') return {};
  throw badPatchType(directive, patch);
}

function badPatchType(directive: JsonValue | undefined, map: JsonObject): PatchError {
  return serverError(`unknown patch type: ${goValue(directive)} in map: ${goValue(map)}`);
}

function noMergeKey(map: JsonValue, mergeKey: string): PatchError {
  return serverError(`map: ${goValue(map)} does not contain declared merge key: ${mergeKey}`);
}

function badArgType(expected: string, actual: unknown): PatchError {
  return serverError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

/** `$deleteFromPrimitiveList/finalizers` names the list `finalizers` and marks the value as values to delete. */
function deletionListKey(key: string): { key: string; isDeleteList: boolean } {
  if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) return { key, isDeleteList: false };
  return { key: directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST), isDeleteList: true };
}

function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(prefix === SET_ELEMENT_ORDER
      ? 'invalid patch format of setElementOrder list'
      : 'invalid patch format of primitive list');
  }
  return key.slice(slash + 1);
}

/** `$retainKeys`: every field the patch sets must be listed; fields of the original not listed are cleared. */
function applyRetainKeys(target: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badRequest('invalid patch format of retainKeys');
  const kept = new Set<JsonValue>(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!kept.has(key)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(target)) {
    if (!kept.has(key)) delete target[key];
  }
}

function mergeListField(original: JsonValue[], patch: JsonValue[], list: ListSchema | undefined,
  isDeleteList: boolean, field: string): JsonValue[] {
  if (list?.smp === undefined && !isDeleteList) return withoutDirectives(patch) as JsonValue[];
  return mergeSlice(original, patch, list, isDeleteList, field);
}

type ElementKind = 'object' | 'string' | 'int' | 'float' | 'bool' | 'null';

function elementKindOf(value: JsonValue): ElementKind | 'array' {
  const kind = jsonKind(value);
  if (kind !== 'number') return kind;
  return Number.isInteger(value) ? 'int' : 'float';
}

/** The common type of the elements of the lists; errors as `sliceElementType` does. */
function elementKind(...lists: JsonValue[][]): ElementKind {
  let found: ElementKind | undefined;
  for (const value of lists.flat()) {
    const kind = elementKindOf(value);
    if (kind === 'array') throw new PatchError(422, 'Invalid', 'lists of lists are not supported');
    if (found !== undefined && kind !== found) {
      throw serverError(`list element types are not identical: ${goValue(lists)}`);
    }
    found = kind;
  }
  if (found === undefined) throw serverError('no elements in any of the given slices');
  return found;
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], list: ListSchema | undefined,
  isDeleteList: boolean, field: string): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  if (kind !== 'object') {
    if (isDeleteList) return original.filter((value) => !patch.includes(value));
    const merged = [...new Set([...original, ...patch])];
    return normalizeElementOrder(merged, patch, original, undefined);
  }
  const mergeKey = list?.smp?.mergeKey;
  if (mergeKey === undefined) throw serverError(`cannot merge lists without merge key for ${field}`);
  const [base, plain] = applySpecialElements(original as JsonObject[], patch as JsonObject[], mergeKey);
  const merged = mergeByKey([...base], plain, mergeKey, list?.item);
  return normalizeElementOrder(merged, plain, base, mergeKey);
}

/** Elements carrying `$patch`: `delete` removes the keyed element, `replace` makes the rest of the patch the list. */
function applySpecialElements(original: JsonObject[], patch: JsonObject[], mergeKey: string): [JsonObject[], JsonObject[]] {
  const plain: JsonObject[] = [];
  let base = original;
  let replace = false;
  for (const element of patch) {
    if (!Object.hasOwn(element, DIRECTIVE)) {
      plain.push(element);
      continue;
    }
    const directive = element[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
      base = base.filter((item) => item[mergeKey] !== element[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw serverError('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, element);
    }
  }
  return replace ? [plain.map((e) => withoutDirectives(e) as JsonObject), []] : [base, plain];
}

function mergeByKey(merged: JsonObject[], patch: JsonObject[], mergeKey: string, item: SchemaNode | undefined): JsonObject[] {
  for (const element of patch) {
    if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
    const index = merged.findIndex((candidate) => candidate[mergeKey] === element[mergeKey]);
    if (index >= 0) merged[index] = mergeMap(merged[index], element, item);
    else merged.push(withoutDirectives(element) as JsonObject);
  }
  return merged;
}

/**
 * Orders a merged list: the elements named in `patchOrder` keep the patch's order, the others keep the
 * original's, and the two are interleaved by their positions in the original (`normalizeElementOrder`).
 */
function normalizeElementOrder(merged: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[],
  mergeKey: string | undefined): JsonValue[] {
  const identity = (value: JsonValue): JsonValue | undefined =>
    (mergeKey === undefined ? value : (value as JsonObject)[mergeKey]);
  if (mergeKey !== undefined) {
    for (const value of [...merged, ...patchOrder, ...serverOrder]) {
      if (!isObject(value) || !Object.hasOwn(value, mergeKey)) throw noMergeKey(value, mergeKey);
    }
  }
  const indexIn = (list: JsonValue[], value: JsonValue): number =>
    list.findIndex((candidate) => identity(candidate) === identity(value));
  const inPatch = merged.filter((value) => indexIn(patchOrder, value) >= 0);
  const serverOnly = merged.filter((value) => indexIn(patchOrder, value) < 0);
  const byOrder = (order: JsonValue[]) => (a: JsonValue, b: JsonValue): number => {
    const ia = indexIn(order, a);
    const ib = indexIn(order, b);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  };
  inPatch.sort(byOrder(patchOrder));
  serverOnly.sort(byOrder(serverOrder));
  return interleave(serverOnly, inPatch, (value) => indexIn(serverOrder, value));
}

/** Inserts each server-only element before the first patch element that comes after it in the original. */
function interleave(serverOnly: JsonValue[], inPatch: JsonValue[], originalIndex: (v: JsonValue) => number): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < inPatch.length) {
    if (i >= serverOnly.length) out.push(inPatch[j++] as JsonValue);
    else if (j >= inPatch.length) out.push(serverOnly[i++] as JsonValue);
    else {
      const left = originalIndex(serverOnly[i] as JsonValue);
      const right = originalIndex(inPatch[j] as JsonValue);
      if (left >= 0 && right >= 0 && left < right) out.push(serverOnly[i++] as JsonValue);
      else out.push(inPatch[j++] as JsonValue);
    }
  }
  return out;
}

/** `$setElementOrder/<field>`: merge the field's list, then order it as the directive says. */
function mergeOrderedLists(target: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): void {
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const field = directiveTarget(key, SET_ELEMENT_ORDER);
    const originalList = target[field];
    const patchList = patch[field];
    if (originalList !== undefined && !Array.isArray(originalList)) throw badArgType('[]interface {}', originalList);
    if (patchList !== undefined && !Array.isArray(patchList)) throw badArgType('[]interface {}', patchList);
    if (originalList === undefined && patchList === undefined) continue;
    const list = fieldSchema(schema, field)?.list;
    const mergeKey = list?.smp?.mergeKey;
    checkOrderCoversPatch(patchList ?? [], order, mergeKey);
    const merged = mergedForOrdering(originalList, patchList, list, field);
    elementKind(originalList ?? [], patchList ?? []);
    target[field] = normalizeElementOrder(merged, order, originalList ?? [], mergeKey);
    delete patch[field];
  }
}

function mergedForOrdering(originalList: JsonValue[] | undefined, patchList: JsonValue[] | undefined,
  list: ListSchema | undefined, field: string): JsonValue[] {
  if (patchList === undefined) return originalList ?? [];
  if (originalList === undefined) return withoutDirectives(patchList) as JsonValue[];
  return mergeListField(originalList, patchList, list, false, field);
}

/** The patch's elements must appear in the `$setElementOrder` list, in the same relative order. */
function checkOrderCoversPatch(patchList: JsonValue[], order: JsonValue[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const elements = mergeKey === undefined
    ? patchList
    : patchList.filter((item) => !(isObject(item) && item[DIRECTIVE] === 'delete'));
  let p = 0;
  for (let o = 0; p < elements.length && o < order.length; o++) {
    const element = elements[p] as JsonValue;
    if (isObject(element) && Object.hasOwn(element, DIRECTIVE)) {
      p++;
      o--;
      continue;
    }
    if (sameMergeKey(element, order[o] as JsonValue, mergeKey)) p++;
  }
  if (p < elements.length) {
    throw serverError(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}\n`);
  }
}

function sameMergeKey(left: JsonValue, right: JsonValue, mergeKey: string | undefined): boolean {
  if (mergeKey === undefined) return left === right;
  if (!isObject(left)) throw badArgType('map[string]interface {}', left);
  if (!isObject(right)) throw badArgType('map[string]interface {}', right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/**
 * A value with the patch directives taken out, as the typed decode after the merge would leave it:
 * maps carrying `$patch` are dropped, other directive keys are removed. Undefined when the value itself goes.
 */
function withoutDirectives(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) {
    return value.map(withoutDirectives).filter((item): item is JsonValue => item !== undefined);
  }
  if (!isObject(value)) return value;
  if (Object.hasOwn(value, DIRECTIVE)) return undefined;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (isDirectiveKey(key)) continue;
    const kept = withoutDirectives(child);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function isDirectiveKey(key: string): boolean {
  return key === RETAIN_KEYS || key.startsWith(`${SET_ELEMENT_ORDER}/`) || key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`);
}

/** A patch value added where the original had nothing: its `null` fields mean nothing and are dropped. */
function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null) out[key] = withoutNulls(child);
  }
  return out;
}
