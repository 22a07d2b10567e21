/**
 * The object store of the simulated cluster: every object keyed by (storage, namespace, name), one
 * global resourceVersion, the registry's create/update/delete rules, list with selectors and pages,
 * and watches with a bounded history. Controllers and the HTTP API both write through it, so both
 * see the same semantics.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../cluster/objects.js';
import { type ResourceInfo, RESOURCES, apiVersionOf, versionsOfStorage } from '../resources.js';
import type { AdmissionAttributes, AdmissionHook } from './admission-hook.js';
import { Bucket, type StoreEvent, objectKey } from './bucket.js';
import { claimResizeRefusal } from './claim-resize.js';
import { applyDefaults } from './defaults.js';
import { INCONSISTENT_CONTINUE, decodeContinue, encodeContinue } from './continue-token.js';
import { fromStorage, toStorage } from './conversion.js';
import { jsonEqual } from './equal.js';
import { parseFieldSelector } from './field-selector.js';
import { deepFreeze } from './frozen.js';
import { GarbageCollector } from './garbage-collector.js';
import { gracefulPodDelete } from './graceful-delete.js';
import { type LabelSelector, parseLabelSelector } from './label-selector.js';
import { NamespaceController } from './namespace-controller.js';
import { ServiceAddresses } from './service-addresses.js';
import {
  StatusError, alreadyExists, badRequest, conflict, expired, forbidden, invalid, methodNotSupported, notFound,
} from './status-error.js';
import { type StrategyContext, prepareForCreate, prepareForUpdate, releaseOnRemove } from './strategy.js';
import { Tasks } from './tasks.js';
import { recordUpdate } from '../patch/index.js';
import { validateCreate, validateUpdate } from './validation.js';
import { type ViewFn, type Watcher, bookmarkObject, deliver, fanOut, selects, sendInitialState } from './watch-delivery.js';

type Obj = Record<string, unknown>;

/** How deletion treats the objects an object owns. */
export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

/** Tuning of the store; the defaults suit a simulated cluster driven by kubectl. */
export interface StoreOptions {
  /** The clock (creation and deletion timestamps). */
  now?: () => Date;
  /** Events kept per resource for watches to resume from. */
  historySize?: number;
  /** How often watches that allow bookmarks receive one. */
  bookmarkIntervalMs?: number;
  /** Delay before, and between, the passes that empty a terminating namespace. */
  namespaceSyncMs?: number;
  /** Called with failures of background work (they are otherwise dropped). */
  onBackgroundError?: (err: unknown) => void;
}

/** Which objects a list or watch selects. */
export interface SelectOptions {
  /** Only this namespace; omit for every namespace (and for cluster-scoped resources). */
  namespace?: string | undefined;
  labelSelector?: string | LabelSelector;
  fieldSelector?: string;
}

/** A list request. */
export interface ListOptions extends SelectOptions {
  limit?: number;
  continue?: string;
}

/** A page of a list. */
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Options every write takes. */
export interface WriteOptions {
  /** Validate and answer as if written, without storing (`dryRun=All`). */
  dryRun?: boolean;
  /** Record the write in managedFields under this manager (operation Update), as the apiserver does. */
  fieldManager?: string;
}

/** The subresource a write goes through: `status`, `finalize` (namespaces) or `scale` (replicas only). */
export type WriteSubresource = 'status' | 'finalize' | 'scale';

/** A delete request's options (`DeleteOptions`). */
export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Seconds before the object should be deleted (pods, with graceful deletion on); 0 deletes at once. */
  gracePeriodSeconds?: number;
}

/** The outcome of a delete: the object as last seen, and whether it is gone or waits on finalizers. */
export interface DeleteResult {
  object: KubeObject;
  gone: boolean;
}

/** A watch request. */
export interface WatchOptions extends SelectOptions {
  /** Resume after this version; unset or `0`: start with an ADDED event per existing object. */
  resourceVersion?: string;
  allowBookmarks?: boolean;
  /** Start with the current state even from a resourceVersion, ended by an annotated bookmark. */
  sendInitialEvents?: boolean;
}

/** Where a watch delivers. Calls are synchronous with the writes that cause them. */
export interface WatchSink {
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
  bookmark(object: KubeObject): void;
  /** The watch cannot go on (410 Expired); it is already stopped. */
  error(err: StatusError): void;
}

/** A running watch. */
export interface Watch {
  stop(): void;
}

const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const INITIAL_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME_SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The random suffix `generateName` gets (apiserver's SimpleNameGenerator: 5 characters). */
function nameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_SUFFIX_CHARS[Math.floor(Math.random() * NAME_SUFFIX_CHARS.length)];
  return s;
}

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function metaOf(o: Obj): Obj {
  return o['metadata'] as Obj;
}

/** A namespace's own finalizers (`spec.finalizers`, the namespace controller's), which also hold its deletion. */
function namespaceFinalizers(o: Obj): string[] {
  if (o['kind'] !== 'Namespace') return [];
  return ((o['spec'] as Obj | undefined)?.['finalizers'] as string[] | undefined) ?? [];
}

/** What admission sees of a write; the name is the one refusals print (admission's extractResourceName). */
function admissionAttributes(operation: AdmissionAttributes['operation'], r: ResourceInfo, object: Obj, oldObject: KubeObject | undefined,
  subresource: string | undefined, dryRun: boolean): AdmissionAttributes {
  const meta = metaOf(object);
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const name = text(meta['name']) || text(meta['generateName']) || 'Unknown';
  const namespace = r.namespaced ? text(meta['namespace']) || undefined : r.kind === 'Namespace' ? name : undefined;
  return { operation, resource: r, subresource, namespace, name, object, oldObject, dryRun };
}

/** The object store. Create one per simulated cluster. */
export class ObjectStore {
  private readonly buckets = new Map<string, Bucket<Watcher>>();
  private rv = 0;
  /** The store's clock (the simulation's, when started with one). */
  readonly now: () => Date;
  private readonly historySize: number;
  private readonly addresses = new ServiceAddresses();
  private readonly tasks: Tasks;
  private readonly gc: GarbageCollector;
  private readonly namespaces: NamespaceController;
  private readonly bookmarkTimer: NodeJS.Timeout | undefined;
  private readonly strategy: StrategyContext;
  private admission: AdmissionHook | undefined;
  private gracefulPods = false;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.historySize = options.historySize ?? 10_000;
    const onError = options.onBackgroundError ?? (() => undefined);
    this.tasks = new Tasks(onError);
    this.gc = new GarbageCollector(this, this.tasks);
    this.namespaces = new NamespaceController(this, this.tasks, options.namespaceSyncMs ?? 100, this.now);
    this.strategy = { addresses: this.addresses, defaultStorageClass: () => this.defaultStorageClass() };
    for (const r of RESOURCES) if (!this.buckets.has(r.storage)) this.buckets.set(r.storage, new Bucket(r.storage, this.historySize));
    const interval = options.bookmarkIntervalMs ?? 60_000;
    if (interval > 0) {
      this.bookmarkTimer = setInterval(() => this.sendBookmarks(), interval);
      this.bookmarkTimer.unref();
    }
    const namespaces = RESOURCES.find((r) => r.kind === 'Namespace')!;
    for (const name of INITIAL_NAMESPACES) this.create(namespaces, { metadata: { name } });
  }

  /**
   * Runs every later create and update through an admission chain (the cluster's plugins), or
   * through none again with undefined. A bare store admits everything.
   */
  useAdmission(admission: AdmissionHook | undefined): void {
    this.admission = admission;
  }

  /**
   * Turns graceful pod deletion on (a cluster whose kubelets finish deletions) or off (a store with
   * no kubelet, whose deleted pods go at once). Off by default: nothing would ever remove a pod.
   */
  useGracefulPodDeletion(enabled: boolean): void {
    this.gracefulPods = enabled;
  }

  /** The newest resourceVersion written. */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** Stops background work and bookmarks. Watches are left to their owners. */
  close(): void {
    this.tasks.close();
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
  }

  /** Resolves when garbage collection and namespace cleanup have nothing left to do. */
  settled(): Promise<void> {
    return this.tasks.idle();
  }

  // ---- reads ----

  /** One object, as the given version serves it. Throws NotFound. */
  get(r: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const stored = this.bucket(r).objects.get(objectKey(r.namespaced ? namespace : undefined, name));
    if (!stored) throw notFound(r, name);
    return this.view(stored, r);
  }

  /**
   * A page of the objects that match, in key order. Later pages carry the first page's
   * resourceVersion (so a watch from it misses nothing) but show the objects as they are now, not as
   * a snapshot; a token older than the kept history is refused with 410, as after etcd compaction.
   */
  list(r: ResourceInfo, options: ListOptions = {}): ListResult {
    const bucket = this.bucket(r);
    const labels = this.labelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector ?? '', r);
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : undefined;
    let from = '';
    let listRv = this.rv;
    if (options.continue) {
      const point = decodeContinue(options.continue);
      if (point.resourceVersion < bucket.history.forgottenUpTo) throw this.expiredContinue(point.start);
      from = point.start;
      listRv = point.resourceVersion;
    }
    const prefix = r.namespaced && options.namespace ? `${options.namespace}/` : '';
    const keys = bucket.sortedKeys();
    const { start, end } = bucket.range(prefix, from);
    const items: KubeObject[] = [];
    let i = start;
    for (; i < end; i++) {
      const obj = this.view(bucket.objects.get(keys[i]!)!, r);
      if (!selects(obj, labels, fields)) continue;
      if (limit !== undefined && items.length === limit) break;
      items.push(obj);
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    if (i < end) {
      result.continue = encodeContinue({ resourceVersion: listRv, start: `${keys[i - 1] ?? ''}\u0000` });
      if (labels.length === 0 && fields.length === 0) result.remainingItemCount = end - i;
    }
    return result;
  }

  // ---- writes ----

  /** Creates an object from what a client sent at version `r`. Returns it as stored. */
  create(r: ResourceInfo, input: unknown, options: WriteOptions & { namespace?: string | undefined } = {}): KubeObject {
    this.requireVerb(r, 'create');
    const draft = this.decode(r, input, options.namespace);
    const meta = metaOf(draft);
    for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink']) delete meta[key];
    if (r.namespaced) this.admitNamespace(r, meta['namespace'] as string | undefined, (meta['name'] as string | undefined) ?? '');
    const dryRun = options.dryRun ?? false;
    if (this.admission) {
      // The apiserver defaults while decoding, so the mutating plugins see a defaulted object.
      applyDefaults(draft);
      this.admission.admit(admissionAttributes('CREATE', r, draft, undefined, undefined, dryRun));
    }
    const bucket = this.bucket(r);
    if (!meta['name'] && typeof meta['generateName'] === 'string' && meta['generateName'] !== '') {
      const base = meta['generateName'].slice(0, 58);
      do meta['name'] = base + nameSuffix(); while (bucket.objects.has(objectKey(meta['namespace'] as string | undefined, meta['name'] as string)));
    }
    meta['uid'] = randomUUID();
    meta['creationTimestamp'] = formatTime(this.now());
    const storageInfo = this.storageInfo(r);
    const errors = [...prepareForCreate(storageInfo, draft, this.strategy), ...validateCreate(draft, storageInfo)];
    const name = (meta['name'] as string | undefined) ?? '';
    if (errors.length > 0) {
      releaseOnRemove(draft, this.strategy);
      throw invalid(r, name, errors);
    }
    this.validateAdmission(admissionAttributes('CREATE', r, draft, undefined, undefined, dryRun), draft);
    const key = objectKey(meta['namespace'] as string | undefined, name);
    if (bucket.objects.has(key)) {
      releaseOnRemove(draft, this.strategy);
      throw alreadyExists(r, name);
    }
    const written = options.fieldManager ? this.recorded(undefined, draft, options.fieldManager, undefined) : draft;
    if (options.dryRun) {
      releaseOnRemove(draft, this.strategy);
      return deepFreeze(fromStorage(written, r) as KubeObject);
    }
    metaOf(written)['resourceVersion'] = String(++this.rv);
    const stored = deepFreeze(written as KubeObject);
    bucket.set(key, stored);
    this.emit(bucket, { type: 'ADDED', resourceVersion: this.rv, object: stored });
    this.gc.observe(bucket.storage, key, undefined, stored);
    return this.view(stored, r);
  }

  /**
   * Replaces an object (PUT), or its status or namespace finalizers with `subresource`. A
   * resourceVersion in the body must be the current one (else Conflict); none means unconditional.
   */
  update(r: ResourceInfo, input: unknown, options: WriteOptions & { namespace?: string | undefined; name?: string; subresource?: WriteSubresource | undefined } = {}): KubeObject {
    this.requireVerb(r, 'update');
    const draft = this.decode(r, input, options.namespace);
    const meta = metaOf(draft);
    const name = options.name ?? (meta['name'] as string | undefined) ?? '';
    if (meta['name'] === undefined || meta['name'] === '') meta['name'] = name;
    if (meta['name'] !== name) throw badRequest(`the name of the object (${String(meta['name'])}) does not match the name on the URL (${name})`);
    const bucket = this.bucket(r);
    const key = objectKey(meta['namespace'] as string | undefined, name);
    const existing = bucket.objects.get(key);
    if (!existing) {
      if (r.createOnUpdate && options.subresource === undefined) return this.create(r, input, options);
      throw notFound(r, name);
    }
    const sentRv = meta['resourceVersion'];
    if (sentRv !== undefined && sentRv !== '' && sentRv !== existing.metadata.resourceVersion) throw conflict(r, name);
    this.admission?.admit(admissionAttributes('UPDATE', r, draft, existing, options.subresource, options.dryRun ?? false));
    const storageInfo = this.storageInfo(r);
    const strategySubresource = options.subresource === 'scale' ? undefined : options.subresource;
    let next = prepareForUpdate(storageInfo, existing, draft, strategySubresource);
    const errors = validateUpdate(next, existing, storageInfo);
    if (errors.length > 0) throw invalid(r, name, errors);
    const resizeRefusal = r.kind === 'PersistentVolumeClaim' && strategySubresource === undefined
      ? claimResizeRefusal(next, existing as Obj, (n) => this.lookup('storageclasses.storage.k8s.io', objectKey(undefined, n)) as Obj | undefined) : undefined;
    if (resizeRefusal) throw forbidden(r, name, resizeRefusal);
    this.admission?.validate(admissionAttributes('UPDATE', r, next, existing, options.subresource, options.dryRun ?? false));
    if (options.fieldManager) next = this.recorded(existing, next, options.fieldManager, options.subresource);
    return this.commitUpdate(r, bucket, key, existing, next, options.dryRun ?? false);
  }

  /**
   * Deletes an object. With finalizers (or Foreground/Orphan propagation, which add theirs) it is
   * only marked with a deletionTimestamp and goes once they are removed.
   */
  delete(r: ResourceInfo, namespace: string | undefined, name: string, options: DeleteOptions = {}): DeleteResult {
    this.requireVerb(r, 'delete');
    const bucket = this.bucket(r);
    const key = objectKey(r.namespaced ? namespace : undefined, name);
    const existing = bucket.objects.get(key);
    if (!existing) throw notFound(r, name);
    this.checkPreconditions(r, existing, options.preconditions);
    if (r.kind === 'Namespace') {
      const early = this.deleteNamespace(r, existing, options);
      if (early) return early;
    }
    const graceful = this.gracefulPods && r.kind === 'Pod'
      ? gracefulPodDelete(existing, options.gracePeriodSeconds, this.now()) : { kind: 'immediate' as const };
    // Finalizers cannot be changed through DeleteOptions while a graceful deletion is pending.
    if (graceful.kind === 'pending') return { object: this.view(existing, r), gone: false };
    const finalizers = [...(existing.metadata.finalizers ?? [])];
    const policy = options.propagationPolicy;
    const wanted = policy === 'Orphan' ? 'orphan' : policy === 'Foreground' ? 'foregroundDeletion' : undefined;
    if (wanted && !finalizers.includes(wanted)) finalizers.push(wanted);
    if (graceful.kind === 'mark') {
      const next = structuredClone(existing) as Obj;
      const meta = metaOf(next);
      meta['finalizers'] = finalizers;
      meta['deletionTimestamp'] = formatTime(graceful.deletionTimestamp);
      meta['deletionGracePeriodSeconds'] = graceful.gracePeriodSeconds;
      if (graceful.first && typeof meta['generation'] === 'number') meta['generation'] += 1;
      const object = this.commitUpdate(r, bucket, key, existing, next, options.dryRun ?? false);
      return { object, gone: graceful.gracePeriodSeconds === 0 && finalizers.length === 0 };
    }
    if (finalizers.length > 0) {
      const next = structuredClone(existing) as Obj;
      const meta = metaOf(next);
      meta['finalizers'] = finalizers;
      if (!existing.metadata.deletionTimestamp) {
        meta['deletionTimestamp'] = formatTime(this.now());
        meta['deletionGracePeriodSeconds'] = 0;
        if (typeof meta['generation'] === 'number') meta['generation'] += 1;
      }
      return { object: this.commitUpdate(r, bucket, key, existing, next, options.dryRun ?? false), gone: false };
    }
    if (options.dryRun) return { object: this.view(existing, r), gone: true };
    return { object: this.view(this.removeNow(bucket, key, existing), r), gone: true };
  }

  /** Deletes every object a list would select; returns them as deleted (or marked). */
  deleteCollection(r: ResourceInfo, options: SelectOptions & DeleteOptions = {}): KubeObject[] {
    this.requireVerb(r, 'deletecollection');
    const { items } = this.list(r, { ...options, limit: 0 });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      try {
        deleted.push(this.delete(r, item.metadata.namespace, item.metadata.name, options).object);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return deleted;
  }

  // ---- watch ----

  /**
   * Watches the objects that match. Events before the call are replayed from `resourceVersion`
   * when the history still holds them; otherwise the sink receives a 410 Expired error.
   */
  watch(r: ResourceInfo, options: WatchOptions, sink: WatchSink): Watch {
    this.requireVerb(r, 'watch');
    const bucket = this.bucket(r);
    const watcher: Watcher = {
      resource: r, namespace: r.namespaced ? options.namespace : undefined,
      labels: this.labelSelector(options.labelSelector), fields: parseFieldSelector(options.fieldSelector ?? '', r),
      bookmarks: options.allowBookmarks ?? false, sink,
    };
    const stop = { stop: () => { bucket.watchers.delete(watcher); } };
    const rvText = options.resourceVersion ?? '';
    if (rvText !== '' && !/^\d+$/.test(rvText)) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvText)}: must be a non-negative integer`);
    const from = rvText === '' ? 0 : Number(rvText);
    if (from === 0 || options.sendInitialEvents) {
      sendInitialState(bucket, watcher, this.viewFn, String(this.rv), options.sendInitialEvents === true);
    } else {
      const events = bucket.history.since(from);
      if (!events) {
        sink.error(expired(`too old resource version: ${from} (${bucket.history.forgottenUpTo})`));
        return stop;
      }
      for (const event of events) deliver(watcher, event, this.viewFn);
    }
    bucket.watchers.add(watcher);
    return stop;
  }

  // ---- used by the store's own controllers (garbage collector, namespace controller) ----

  /** The resource entry of the storage version of a storage. */
  storageResource(storage: string): ResourceInfo {
    return versionsOfStorage(storage)[0]!;
  }

  /** The stored object under a key, if any. */
  lookup(storage: string, key: string): KubeObject | undefined {
    return this.buckets.get(storage)?.objects.get(key);
  }

  /** Storages of namespaced resources. */
  namespacedStorages(): string[] {
    return [...this.buckets.keys()].filter((s) => this.storageResource(s).namespaced);
  }

  /** Keys of the objects in a namespace, in key order. */
  keysIn(storage: string, namespace: string): string[] {
    const bucket = this.buckets.get(storage);
    if (!bucket) return [];
    const { start, end } = bucket.range(`${namespace}/`, '');
    return bucket.sortedKeys().slice(start, end);
  }

  // ---- internals ----

  private bucket(r: ResourceInfo): Bucket<Watcher> {
    return this.buckets.get(r.storage)!;
  }

  private storageInfo(r: ResourceInfo): ResourceInfo {
    return this.storageResource(r.storage);
  }

  private readonly viewFn: ViewFn = (stored, r) => this.view(stored, r);

  private view(stored: KubeObject, r: ResourceInfo): KubeObject {
    const converted = fromStorage(stored as Obj, r);
    return converted === stored ? stored : deepFreeze(converted as KubeObject);
  }

  private requireVerb(r: ResourceInfo, verb: ResourceInfo['verbs'][number]): void {
    if (!r.verbs.includes(verb)) throw methodNotSupported(r, verb);
  }

  private labelSelector(selector: string | LabelSelector | undefined): LabelSelector {
    if (selector === undefined) return [];
    return typeof selector === 'string' ? parseLabelSelector(selector) : selector;
  }

  /** Checks the body against the URL's resource and namespace; returns a storage-version draft. */
  private decode(r: ResourceInfo, input: unknown, namespace: string | undefined): Obj {
    if (!isRecord(input)) throw badRequest('the object provided is unrecognized (must be of type ' + r.kind + '): expected a JSON object');
    const draft = structuredClone(input);
    const apiVersion = apiVersionOf(r);
    if (draft['apiVersion'] === undefined || draft['apiVersion'] === '') draft['apiVersion'] = apiVersion;
    else if (draft['apiVersion'] !== apiVersion) {
      throw badRequest(`the API version in the data (${String(draft['apiVersion'])}) does not match the expected API version (${apiVersion})`);
    }
    if (draft['kind'] === undefined || draft['kind'] === '') draft['kind'] = r.kind;
    else if (draft['kind'] !== r.kind) {
      throw badRequest(`${String(draft['kind'])} in version ${JSON.stringify(r.version)} cannot be handled as a ${r.kind}: the kind in the data does not match the resource of the request`);
    }
    if (draft['metadata'] === undefined || draft['metadata'] === null) draft['metadata'] = {};
    if (!isRecord(draft['metadata'])) throw badRequest(`${r.kind} in version ${JSON.stringify(r.version)} cannot be handled as a ${r.kind}: metadata must be an object`);
    const meta = metaOf(draft);
    if (r.namespaced) {
      if (namespace !== undefined) {
        if (meta['namespace'] !== undefined && meta['namespace'] !== '' && meta['namespace'] !== namespace) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        meta['namespace'] = namespace;
      }
    } else delete meta['namespace'];
    return toStorage(draft, r, apiVersionOf(this.storageInfo(r)));
  }

  /** The validating phase of a create; a refusal releases what the strategy allocated (a cluster IP). */
  private validateAdmission(attributes: AdmissionAttributes, draft: Obj): void {
    if (!this.admission) return;
    try {
      this.admission.validate(attributes);
    } catch (err) {
      releaseOnRemove(draft, this.strategy);
      throw err;
    }
  }

  /** NamespaceLifecycle admission: no new content in a missing or terminating namespace. */
  private admitNamespace(r: ResourceInfo, namespace: string | undefined, name: string): void {
    if (!namespace) return;
    const nsInfo = this.storageResource('namespaces');
    const ns = this.bucket(nsInfo).objects.get(namespace);
    if (!ns) throw notFound(nsInfo, namespace);
    if ((ns['status'] as Obj | undefined)?.['phase'] === 'Terminating') {
      throw forbidden(r, name, `unable to create new content in namespace ${namespace} because it is being terminated`,
        [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }]);
    }
  }

  private checkPreconditions(r: ResourceInfo, existing: KubeObject, pre: DeleteOptions['preconditions']): void {
    const name = existing.metadata.name;
    if (pre?.uid !== undefined && pre.uid !== existing.metadata.uid) {
      throw conflict(r, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(r, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ''}`);
    }
  }

  /** The first delete of a namespace starts its termination; later ones wait for the cleanup. */
  private deleteNamespace(r: ResourceInfo, existing: KubeObject, options: DeleteOptions): DeleteResult | undefined {
    const name = existing.metadata.name;
    if (IMMORTAL_NAMESPACES.has(name)) throw forbidden(r, name, 'this namespace may not be deleted');
    const specFinalizers = namespaceFinalizers(existing);
    if (!existing.metadata.deletionTimestamp) {
      const next = structuredClone(existing) as Obj;
      metaOf(next)['deletionTimestamp'] = formatTime(this.now());
      next['status'] = { ...((next['status'] as Obj | undefined) ?? {}), phase: 'Terminating' };
      const bucket = this.bucket(r);
      const object = this.commitUpdate(r, bucket, name, existing, next, options.dryRun ?? false);
      if (!options.dryRun) this.namespaces.terminate(name);
      return { object, gone: false };
    }
    if (specFinalizers.length > 0) {
      throw conflict(r, name, 'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.');
    }
    return undefined;
  }

  /** Stores `next` in place of `existing` (or removes it, when its last finalizer went). */
  private commitUpdate(r: ResourceInfo, bucket: Bucket<Watcher>, key: string, existing: KubeObject, next: Obj, dryRun: boolean): KubeObject {
    const meta = metaOf(next);
    meta['resourceVersion'] = existing.metadata.resourceVersion;
    if (jsonEqual(next, existing)) return this.view(existing, r);
    const finalizers = (meta['finalizers'] as string[] | undefined) ?? [];
    if (finalizers.length === 0) delete meta['finalizers'];
    // A pod whose graceful period runs waits for its kubelet's delete, finalizers or not.
    const graceLeft = typeof meta['deletionGracePeriodSeconds'] === 'number' && meta['deletionGracePeriodSeconds'] > 0;
    if (meta['deletionTimestamp'] !== undefined && !graceLeft && finalizers.length === 0 && namespaceFinalizers(next).length === 0) {
      if (dryRun) return this.view(deepFreeze(next as KubeObject), r);
      return this.view(this.removeNow(bucket, key, existing, next), r);
    }
    if (dryRun) return this.view(deepFreeze(next as KubeObject), r);
    meta['resourceVersion'] = String(++this.rv);
    const stored = deepFreeze(next as KubeObject);
    bucket.set(key, stored);
    this.emit(bucket, { type: 'MODIFIED', resourceVersion: this.rv, object: stored, previous: existing });
    this.gc.observe(bucket.storage, key, existing, stored);
    return stored === existing ? stored : this.view(stored, r);
  }

  /** Removes an object now; the DELETED event carries its last state at a new resourceVersion. */
  private removeNow(bucket: Bucket<Watcher>, key: string, existing: KubeObject, last: Obj = structuredClone(existing) as Obj): KubeObject {
    metaOf(last)['resourceVersion'] = String(++this.rv);
    const final = deepFreeze(last as KubeObject);
    bucket.remove(key);
    releaseOnRemove(existing as Obj, this.strategy);
    this.emit(bucket, { type: 'DELETED', resourceVersion: this.rv, object: final });
    this.gc.observe(bucket.storage, key, existing, undefined);
    return final;
  }

  /** The object with the write recorded in its managedFields. */
  private recorded(before: KubeObject | undefined, after: Obj, manager: string, subresource: WriteSubresource | undefined): Obj {
    const options = subresource === undefined || subresource === 'finalize' ? { now: this.now() } : { now: this.now(), subresource };
    return recordUpdate(before, after, manager, 'Update', options) as Obj;
  }

  private defaultStorageClass(): string | undefined {
    const classes = this.buckets.get('storageclasses.storage.k8s.io');
    for (const sc of classes?.objects.values() ?? []) {
      if (sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') return sc.metadata.name;
    }
    return undefined;
  }

  private expiredContinue(start: string): StatusError {
    const err = expired(INCONSISTENT_CONTINUE);
    err.status.metadata.continue = encodeContinue({ resourceVersion: this.rv, start });
    return err;
  }

  private emit(bucket: Bucket<Watcher>, event: StoreEvent): void {
    bucket.history.push(event);
    fanOut(bucket, event, this.viewFn);
  }

  private sendBookmarks(): void {
    for (const bucket of this.buckets.values()) {
      for (const w of bucket.watchers) if (w.bookmarks) w.sink.bookmark(bookmarkObject(w.resource, String(this.rv)));
    }
  }
}
