/**
 * The objects of one storage (one group-resource), in key order as etcd keeps them, with the
 * bounded history of their changes that watches resume from, and the watchers to notify.
 */
import type { KubeObject } from '../../cluster/objects.js';

/** A change to one object, at the resourceVersion it was written with. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resourceVersion: number;
  object: KubeObject;
  /** The version before a MODIFIED change (to tell a watcher whose selector stopped matching). */
  previous?: KubeObject;
}

/** The key of an object: `namespace/name`, or the name alone when cluster scoped. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** A ring of the last `capacity` events; older ones are forgotten (etcd compaction, watch cache). */
export class EventHistory {
  private readonly ring: StoreEvent[] = [];
  private head = 0;
  /** The newest resourceVersion among forgotten events (0 while nothing was forgotten). */
  forgottenUpTo = 0;

  constructor(private readonly capacity: number) {}

  push(event: StoreEvent): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(event);
      return;
    }
    this.forgottenUpTo = this.ring[this.head]!.resourceVersion;
    this.ring[this.head] = event;
    this.head = (this.head + 1) % this.capacity;
  }

  /** Events after `resourceVersion`, oldest first, or undefined when some of them were forgotten. */
  since(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.forgottenUpTo) return undefined;
    const ordered = [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    let first = ordered.length;
    while (first > 0 && ordered[first - 1]!.resourceVersion > resourceVersion) first--;
    return ordered.slice(first);
  }
}

/** One storage: objects by key, kept sortable, with history and watchers. */
export class Bucket<W> {
  readonly objects = new Map<string, KubeObject>();
  readonly watchers = new Set<W>();
  readonly history: EventHistory;
  private sorted: string[] | undefined;

  constructor(readonly storage: string, historySize: number) {
    this.history = new EventHistory(historySize);
  }

  set(key: string, obj: KubeObject): void {
    if (!this.objects.has(key)) this.sorted = undefined;
    this.objects.set(key, obj);
  }

  remove(key: string): void {
    if (this.objects.delete(key)) this.sorted = undefined;
  }

  /** Keys in byte order (etcd's), computed again only after an insert or removal. */
  sortedKeys(): readonly string[] {
    this.sorted ??= [...this.objects.keys()].sort(compareKeys);
    return this.sorted;
  }

  /**
   * The index of the first key ≥ `from` and the end of the range of keys starting with `prefix`,
   * by binary search.
   */
  range(prefix: string, from: string): { start: number; end: number } {
    const keys = this.sortedKeys();
    const lower = compareKeys(from, prefix) > 0 ? from : prefix;
    const start = lowerBound(keys, lower);
    const end = prefix === '' ? keys.length : lowerBound(keys, prefixEnd(prefix));
    return { start, end: Math.max(start, end) };
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(keys: readonly string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < value) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** The smallest string greater than every string starting with `prefix` (etcd's range end). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
