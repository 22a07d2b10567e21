/**
 * Delivery of store events to watchers: namespace and selector filtering (an object that starts or
 * stops matching a watcher's selector is ADDED or DELETED for it, as the apiserver's watch cache
 * reports), the initial state of a fresh watch, and bookmarks.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { type ResourceInfo, apiVersionOf } from '../resources.js';
import type { Bucket, StoreEvent } from './bucket.js';
import { type FieldSelector, matchesFields } from './field-selector.js';
import { type LabelSelector, matchesLabels } from './label-selector.js';
import type { WatchSink } from './object-store.js';

/** One watch: what it selects and where it delivers. */
export interface Watcher {
  resource: ResourceInfo;
  namespace: string | undefined;
  labels: LabelSelector;
  fields: FieldSelector;
  bookmarks: boolean;
  sink: WatchSink;
}

/** An object as a given version serves it (conversion between versions sharing a storage). */
export type ViewFn = (stored: KubeObject, r: ResourceInfo) => KubeObject;

type Views = Map<ResourceInfo, { object: KubeObject; previous: KubeObject | undefined }>;

/** True when the object satisfies both selectors. */
export function selects(obj: KubeObject, labels: LabelSelector, fields: FieldSelector): boolean {
  return matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj);
}

/** Sends one event to every watcher of the bucket, converting each object once per served version. */
export function fanOut(bucket: Bucket<Watcher>, event: StoreEvent, view: ViewFn): void {
  if (bucket.watchers.size === 0) return;
  const views: Views = new Map();
  for (const watcher of [...bucket.watchers]) deliver(watcher, event, view, views);
}

/** Sends one event to one watcher, as that watcher's selectors see it. */
export function deliver(w: Watcher, event: StoreEvent, view: ViewFn, views: Views = new Map()): void {
  if (w.namespace !== undefined && event.object.metadata.namespace !== w.namespace) return;
  let seen = views.get(w.resource);
  if (!seen) {
    seen = { object: view(event.object, w.resource), previous: event.previous && view(event.previous, w.resource) };
    views.set(w.resource, seen);
  }
  const now = selects(seen.object, w.labels, w.fields);
  if (event.type !== 'MODIFIED') {
    if (now) w.sink.event(event.type, seen.object);
    return;
  }
  const before = seen.previous ? selects(seen.previous, w.labels, w.fields) : now;
  if (now) w.sink.event(before ? 'MODIFIED' : 'ADDED', seen.object);
  else if (before) w.sink.event('DELETED', seen.object);
}

/** An ADDED event per matching object, in key order; with `endBookmark`, the annotated bookmark after. */
export function sendInitialState(bucket: Bucket<Watcher>, w: Watcher, view: ViewFn, resourceVersion: string, endBookmark: boolean): void {
  const keys = bucket.sortedKeys();
  const { start, end } = bucket.range(w.namespace ? `${w.namespace}/` : '', '');
  for (let i = start; i < end; i++) {
    const obj = view(bucket.objects.get(keys[i]!)!, w.resource);
    if (selects(obj, w.labels, w.fields)) w.sink.event('ADDED', obj);
  }
  if (endBookmark && w.bookmarks) w.sink.bookmark(bookmarkObject(w.resource, resourceVersion, { 'k8s.io/initial-events-end': 'true' }));
}

/** The object of a BOOKMARK event: only kind, apiVersion and the resourceVersion reached. */
export function bookmarkObject(r: ResourceInfo, resourceVersion: string, annotations?: Record<string, string>): KubeObject {
  const metadata: Record<string, unknown> = { resourceVersion, creationTimestamp: null };
  if (annotations) metadata['annotations'] = annotations;
  return { kind: r.kind, apiVersion: apiVersionOf(r), metadata } as unknown as KubeObject;
}
