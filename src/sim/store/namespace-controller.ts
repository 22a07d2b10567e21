/**
 * The namespace controller (pkg/controller/namespace): once a namespace is Terminating it deletes
 * everything in it, reports what remains in the namespace's conditions, and when nothing is left
 * removes the `kubernetes` finalizer so the namespace itself goes.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { groupResource } from '../resources.js';
import { formatTime, type ObjectStore } from './object-store.js';
import { StatusError } from './status-error.js';
import type { Tasks } from './tasks.js';

type Condition = { type: string; status: 'True' | 'False'; reason: string; message: string; lastTransitionTime?: string };

/** Empties terminating namespaces in the background. */
export class NamespaceController {
  constructor(
    private readonly store: ObjectStore, private readonly tasks: Tasks, private readonly delayMs: number,
    private readonly now: () => Date,
  ) {}

  /** Starts the cleanup of a namespace that was just marked Terminating. */
  terminate(name: string): void {
    this.tasks.schedule(() => this.sync(name), this.delayMs);
  }

  private sync(name: string): void {
    const ns = this.store.lookup('namespaces', name);
    if (!ns?.metadata.deletionTimestamp) return;
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    for (const storage of this.store.namespacedStorages()) {
      const r = this.store.storageResource(storage);
      for (const key of this.store.keysIn(storage, name)) {
        const obj = this.store.lookup(storage, key);
        if (obj && !obj.metadata.deletionTimestamp) {
          try {
            this.store.delete(r, name, obj.metadata.name, { propagationPolicy: 'Background' });
          } catch (err) {
            if (!(err instanceof StatusError && err.code === 404)) throw err;
          }
        }
        const left = this.store.lookup(storage, key);
        if (!left) continue;
        remaining.set(groupResource(r), (remaining.get(groupResource(r)) ?? 0) + 1);
        for (const f of left.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      }
    }
    if (remaining.size > 0) {
      this.report(ns, remaining, finalizers);
      this.tasks.schedule(() => this.sync(name), Math.max(this.delayMs, 50) * 5);
      return;
    }
    this.finalize(ns);
  }

  private finalize(ns: KubeObject): void {
    const nsInfo = this.store.storageResource('namespaces');
    const name = ns.metadata.name;
    const current = this.report(ns, new Map(), new Map());
    const spec = (current['spec'] as { finalizers?: string[] } | undefined) ?? {};
    const draft = { ...structuredClone(current), spec: { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== 'kubernetes') } };
    this.store.update(nsInfo, draft, { name, subresource: 'finalize' });
    this.store.delete(nsInfo, undefined, name);
  }

  /** Writes the deletion conditions the real controller keeps, when they change. */
  private report(ns: KubeObject, remaining: Map<string, number>, finalizers: Map<string, number>): KubeObject {
    const status = (ns['status'] as { conditions?: Condition[] } | undefined) ?? {};
    const previous = status.conditions ?? [];
    const now = formatTime(this.now());
    const next: Condition[] = [
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      remaining.size > 0
        ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${[...remaining].map(([gr, n]) => `${gr} has ${n} resource instances`).join(', ')}` }
        : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
      finalizers.size > 0
        ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}` }
        : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ].map((c) => {
      const before = previous.find((p) => p.type === c.type);
      const same = before && before.status === c.status && before.reason === c.reason && before.message === c.message;
      return { ...c, lastTransitionTime: same && before.lastTransitionTime ? before.lastTransitionTime : now } as Condition;
    });
    const nsInfo = this.store.storageResource('namespaces');
    const draft = { ...structuredClone(ns), status: { ...status, conditions: next } };
    return this.store.update(nsInfo, draft, { name: ns.metadata.name, subresource: 'status' });
  }
}
