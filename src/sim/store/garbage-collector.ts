/**
 * The garbage collector (pkg/controller/garbagecollector) over the store's own objects: it indexes
 * ownerReferences, deletes dependents whose owners are all gone (Background), strips the owner's
 * references from dependents before an Orphan delete completes, and holds a Foreground delete until
 * the dependents that block it are gone.
 */
import type { KubeObject, OwnerReference } from '../../cluster/objects.js';
import { StatusError } from './status-error.js';
import type { ObjectStore } from './object-store.js';
import type { Tasks } from './tasks.js';

/** `storage \0 key`: where an object lives. */
type Ref = string;

function ownersOf(obj: KubeObject | undefined): OwnerReference[] {
  return obj?.metadata.ownerReferences ?? [];
}

/** Tracks owners and dependents and runs the collection passes as background tasks. */
export class GarbageCollector {
  private readonly dependents = new Map<string, Set<Ref>>();
  private readonly byUid = new Map<string, Ref>();
  /** Jobs waiting for the next pass, by a key that makes repeats of the same job one job. */
  private readonly pending = new Map<string, () => void>();

  constructor(private readonly store: ObjectStore, private readonly tasks: Tasks) {}

  /** Queues a job for the next pass; one timer serves however many writes queued jobs. */
  private later(key: string, job: () => void): void {
    if (this.pending.size === 0) this.tasks.schedule(() => this.pass());
    this.pending.set(key, job);
  }

  private pass(): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job();
  }

  /** Called by the store after every stored change (`after` undefined: removed). */
  observe(storage: string, key: string, before: KubeObject | undefined, after: KubeObject | undefined): void {
    const ref = `${storage}\u0000${key}`;
    this.reindex(ref, before, after);
    if (before && !after) {
      const uid = before.metadata.uid;
      if (uid) this.later(`gone ${uid}`, () => this.ownerGone(uid));
      for (const owner of ownersOf(before)) this.later(`finish ${owner.uid}`, () => this.finishForeground(owner.uid));
      return;
    }
    if (!after) return;
    if (!before && ownersOf(after).length > 0) this.later(`check ${ref}`, () => this.checkDependent(ref));
    const uid = after.metadata.uid;
    if (uid && after.metadata.deletionTimestamp && !before?.metadata.deletionTimestamp) {
      const finalizers = after.metadata.finalizers ?? [];
      if (finalizers.includes('orphan')) this.later(`orphan ${uid}`, () => this.orphan(uid));
      if (finalizers.includes('foregroundDeletion')) this.later(`foreground ${uid}`, () => this.deleteForeground(uid));
    }
  }

  private reindex(ref: Ref, before: KubeObject | undefined, after: KubeObject | undefined): void {
    const kept = new Set(ownersOf(after).map((o) => o.uid));
    for (const o of ownersOf(before)) {
      if (kept.has(o.uid)) continue;
      const set = this.dependents.get(o.uid);
      set?.delete(ref);
      if (set?.size === 0) this.dependents.delete(o.uid);
    }
    for (const uid of kept) {
      let set = this.dependents.get(uid);
      if (!set) this.dependents.set(uid, (set = new Set()));
      set.add(ref);
    }
    if (before?.metadata.uid && !after) this.byUid.delete(before.metadata.uid);
    if (after?.metadata.uid) this.byUid.set(after.metadata.uid, ref);
  }

  private resolve(ref: Ref | undefined): { storage: string; obj: KubeObject } | undefined {
    if (ref === undefined) return undefined;
    const at = ref.indexOf('\u0000');
    const storage = ref.slice(0, at);
    const obj = this.store.lookup(storage, ref.slice(at + 1));
    return obj && { storage, obj };
  }

  private dependentsOf(uid: string): { storage: string; obj: KubeObject }[] {
    return [...(this.dependents.get(uid) ?? [])].map((r) => this.resolve(r)).filter((x) => x !== undefined);
  }

  /** An owner went: each dependent with no owner left is deleted; others lose the dangling reference. */
  private ownerGone(uid: string): void {
    for (const ref of [...(this.dependents.get(uid) ?? [])]) this.checkDependent(ref);
  }

  private checkDependent(ref: Ref): void {
    const found = this.resolve(ref);
    if (!found || found.obj.metadata.deletionTimestamp) return;
    const owners = ownersOf(found.obj);
    const alive = owners.filter((o) => this.byUid.has(o.uid));
    if (owners.length === 0 || alive.length === owners.length) return;
    if (alive.length === 0) {
      this.deleteObject(found.storage, found.obj, 'Background');
      return;
    }
    this.rewrite(found.storage, found.obj, (meta) => { meta['ownerReferences'] = alive; });
  }

  /** Orphan delete: dependents forget the owner, then the owner's `orphan` finalizer goes. */
  private orphan(uid: string): void {
    const owner = this.resolve(this.byUid.get(uid));
    if (!owner?.obj.metadata.finalizers?.includes('orphan')) return;
    for (const dep of this.dependentsOf(uid)) {
      this.rewrite(dep.storage, dep.obj, (meta) => {
        meta['ownerReferences'] = ownersOf(dep.obj).filter((o) => o.uid !== uid);
      });
    }
    this.dropFinalizer(owner.storage, owner.obj, 'orphan');
  }

  /** Foreground delete: dependents are deleted (in foreground when they own others themselves). */
  private deleteForeground(uid: string): void {
    for (const dep of this.dependentsOf(uid)) {
      if (dep.obj.metadata.deletionTimestamp) continue;
      const ownsOthers = (this.dependents.get(dep.obj.metadata.uid ?? '')?.size ?? 0) > 0;
      this.deleteObject(dep.storage, dep.obj, ownsOthers ? 'Foreground' : 'Background');
    }
    this.finishForeground(uid);
  }

  /** The owner goes once no dependent that blocks its deletion is left. */
  private finishForeground(uid: string): void {
    const owner = this.resolve(this.byUid.get(uid));
    if (!owner?.obj.metadata.deletionTimestamp || !owner.obj.metadata.finalizers?.includes('foregroundDeletion')) return;
    const blocking = this.dependentsOf(uid).filter((d) => ownersOf(d.obj).some((o) => o.uid === uid && o.blockOwnerDeletion === true));
    if (blocking.length === 0) this.dropFinalizer(owner.storage, owner.obj, 'foregroundDeletion');
  }

  private deleteObject(storage: string, obj: KubeObject, policy: 'Background' | 'Foreground'): void {
    ignoreNotFound(() => this.store.delete(this.store.storageResource(storage), obj.metadata.namespace, obj.metadata.name, { propagationPolicy: policy }));
  }

  private rewrite(storage: string, obj: KubeObject, change: (meta: Record<string, unknown>) => void): void {
    const draft = structuredClone(obj) as KubeObject;
    change(draft.metadata as unknown as Record<string, unknown>);
    ignoreNotFound(() => this.store.update(this.store.storageResource(storage), draft, { namespace: obj.metadata.namespace, name: obj.metadata.name }));
  }

  private dropFinalizer(storage: string, obj: KubeObject, finalizer: string): void {
    this.rewrite(storage, obj, (meta) => { meta['finalizers'] = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer); });
  }
}

function ignoreNotFound(action: () => void): void {
  try {
    action();
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}
