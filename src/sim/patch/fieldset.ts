/**
 * Sets of field paths as server-side apply records them (sigs.k8s.io/structured-merge-diff
 * `fieldpath`): elements are a field name (`f:`), the key fields of an associative-list element
 * (`k:{...}`), a set element's value (`v:`) or an index (`i:`); a set serialises to the `FieldsV1`
 * JSON of `metadata.managedFields`, where `".": {}` marks a node that is itself a member.
 */
import { isObject } from './json.js';
import type { JsonObject, JsonValue } from './json.js';

/** Scalars that can identify a list element. */
export type KeyValue = string | number | boolean | null;

/** One step of a field path. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: Readonly<Record<string, KeyValue>> }
  | { readonly value: KeyValue }
  | { readonly index: number };

/** A field path from the object's root. */
export type FieldPath = readonly PathElement[];

interface SetNode {
  member: boolean;
  readonly children: Map<string, { readonly element: PathElement; readonly node: SetNode }>;
}

function newNode(): SetNode {
  return { member: false, children: new Map() };
}

/** JSON as jsoniter writes it for the apiserver: `<`, `>` and `&` escaped as in Go's encoding/json. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function sortedKey(key: Readonly<Record<string, KeyValue>>): Record<string, KeyValue> {
  const out: Record<string, KeyValue> = {};
  for (const name of Object.keys(key).sort()) out[name] = key[name] as KeyValue;
  return out;
}

/** The `FieldsV1` spelling of a path element. @example serializeElement({ field: 'spec' }) // 'f:spec' */
export function serializeElement(element: PathElement): string {
  if ('field' in element) return `f:${element.field}`;
  if ('key' in element) return `k:${goJson(sortedKey(element.key))}`;
  if ('value' in element) return `v:${goJson(element.value)}`;
  return `i:${element.index}`;
}

function parseElement(text: string): PathElement | undefined {
  const body = text.slice(2);
  switch (text.slice(0, 2)) {
    case 'f:': return { field: body };
    case 'k:': return { key: JSON.parse(body) as Record<string, KeyValue> };
    case 'v:': return { value: JSON.parse(body) as KeyValue };
    case 'i:': return { index: Number(body) };
    default: return undefined;
  }
}

const TYPE_RANK = { field: 0, key: 1, value: 2, index: 3 } as const;

function rank(element: PathElement): number {
  if ('field' in element) return TYPE_RANK.field;
  if ('key' in element) return TYPE_RANK.key;
  return 'value' in element ? TYPE_RANK.value : TYPE_RANK.index;
}

function compareScalars(a: KeyValue, b: KeyValue): number {
  const order = (v: KeyValue): number => (v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : 3);
  if (order(a) !== order(b)) return order(a) - order(b);
  if (a === b) return 0;
  return (a as string | number) < (b as string | number) ? -1 : 1;
}

/** The order structured-merge-diff sorts path elements in: fields, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if ('field' in a && 'field' in b) return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
  if ('index' in a && 'index' in b) return a.index - b.index;
  if ('value' in a && 'value' in b) return compareScalars(a.value, b.value);
  return compareKeys((a as { key: Record<string, KeyValue> }).key, (b as { key: Record<string, KeyValue> }).key);
}

function compareKeys(a: Readonly<Record<string, KeyValue>>, b: Readonly<Record<string, KeyValue>>): number {
  const left = Object.keys(a).sort();
  const right = Object.keys(b).sort();
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const ln = left[i] as string;
    const rn = right[i] as string;
    if (ln !== rn) return ln < rn ? -1 : 1;
    const byValue = compareScalars(a[ln] as KeyValue, b[rn] as KeyValue);
    if (byValue !== 0) return byValue;
  }
  return left.length - right.length;
}

/** Go's `%v`/`%q` rendering of a key value in a path string. */
function scalarText(value: KeyValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * A path as the apiserver prints it in conflicts.
 * @example pathString([{ field: 'spec' }, { field: 'containers' }, { key: { name: 'app' } }, { field: 'image' }])
 * // '.spec.containers[name="app"].image'
 */
export function pathString(path: FieldPath): string {
  return path.map((element) => {
    if ('field' in element) return `.${element.field}`;
    if ('key' in element) {
      const key = sortedKey(element.key);
      return `[${Object.keys(key).map((name) => `${name}=${scalarText(key[name] as KeyValue)}`).join(',')}]`;
    }
    if ('value' in element) return `[=${scalarText(element.value)}]`;
    return `[${element.index}]`;
  }).join('');
}

/** A set of field paths. Mutating methods change the set in place; set operations return new sets. */
export class FieldSet {
  private readonly root: SetNode = newNode();

  /** Adds a path (the empty path is never a member). */
  insert(path: FieldPath): this {
    if (path.length === 0) return this;
    let node = this.root;
    for (const element of path) {
      const id = serializeElement(element);
      let child = node.children.get(id);
      if (child === undefined) {
        child = { element, node: newNode() };
        node.children.set(id, child);
      }
      node = child.node;
    }
    node.member = true;
    return this;
  }

  /** True when the path itself is a member. */
  has(path: FieldPath): boolean {
    const node = this.find(path);
    return node !== undefined && node.member;
  }

  /** True when some member lies strictly below `path`. */
  hasDescendants(path: FieldPath): boolean {
    const node = this.find(path);
    return node !== undefined && someMember(node);
  }

  /** True when the set has no member. */
  isEmpty(): boolean {
    return !someMember(this.root);
  }

  /** Every member, parents before children, each level in structured-merge-diff's element order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: SetNode, prefix: FieldPath): void => {
      const entries = sortedChildren(node);
      for (const { element, node: child } of entries) if (child.member) out.push([...prefix, element]);
      for (const { element, node: child } of entries) walk(child, [...prefix, element]);
    };
    walk(this.root, []);
    return out;
  }

  /** Members of this set or `other`. */
  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const path of [...this.paths(), ...other.paths()]) out.insert(path);
    return out;
  }

  /** Members of both sets. */
  intersection(other: FieldSet): FieldSet {
    return this.filter((path) => other.has(path));
  }

  /** Members of this set not in `other`. */
  difference(other: FieldSet): FieldSet {
    return this.filter((path) => !other.has(path));
  }

  /** The members for which `keep` is true. */
  filter(keep: (path: FieldPath) => boolean): FieldSet {
    const out = new FieldSet();
    for (const path of this.paths()) if (keep(path)) out.insert(path);
    return out;
  }

  /** The `fieldsV1` object of a managedFields entry. */
  toFieldsV1(): JsonObject {
    return emit(this.root);
  }

  /**
   * Reads the `fieldsV1` object of a managedFields entry; unknown element types are skipped, as the
   * apiserver does.
   */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    const read = (value: unknown, prefix: PathElement[]): void => {
      if (!isObject(value)) return;
      const keys = Object.keys(value);
      if (keys.length === 0 || keys.includes('.')) set.insert(prefix);
      for (const key of keys) {
        if (key === '.') continue;
        const element = parseElement(key);
        if (element !== undefined) read(value[key], [...prefix, element]);
      }
    };
    if (isObject(fields)) {
      for (const key of Object.keys(fields)) {
        const element = parseElement(key);
        if (element !== undefined) read(fields[key], [element]);
      }
    }
    return set;
  }

  private find(path: FieldPath): SetNode | undefined {
    let node: SetNode | undefined = this.root;
    for (const element of path) node = node?.children.get(serializeElement(element))?.node;
    return node;
  }
}

function someMember(node: SetNode): boolean {
  for (const { node: child } of node.children.values()) if (child.member || someMember(child)) return true;
  return false;
}

function sortedChildren(node: SetNode): { element: PathElement; node: SetNode }[] {
  return [...node.children.values()].sort((a, b) => compareElements(a.element, b.element));
}

/** Members become `{}`, parents their children's object, and a parent that is also a member gets `"."` last. */
function emit(node: SetNode): JsonObject {
  const out: JsonObject = {};
  for (const { element, node: child } of sortedChildren(node)) {
    if (!child.member && !someMember(child)) continue;
    const body: JsonValue = someMember(child) ? emit(child) : {};
    if (child.member && someMember(child)) (body as JsonObject)['.'] = {};
    out[serializeElement(element)] = body;
  }
  return out;
}
