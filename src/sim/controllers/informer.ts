/**
 * Watches one resource through the store's watch API and hands every change to a handler, as a
 * shared informer's event handlers do. A watch that expires is restarted from the current state.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { ResourceInfo } from '../resources.js';
import type { ObjectStore, Watch } from '../store/object-store.js';

/** What a handler receives: the change and, for updates, nothing more (the store is the cache). */
export type ChangeHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => void;

/** Starts watching every object of `r` (initial ADDED events included); returns what stops it. */
export function watchAll(store: ObjectStore, r: ResourceInfo, handler: ChangeHandler): () => void {
  let current: Watch | undefined;
  let stopped = false;
  const start = (): void => {
    current = store.watch(r, {}, {
      event: (type, object) => handler(type, object),
      bookmark: () => undefined,
      error: () => { if (!stopped) start(); },
    });
  };
  start();
  return () => {
    stopped = true;
    current?.stop();
  };
}
