/**
 * The cluster graph: one snapshot's objects with the relations analyzers need, indexed once so that
 * every look-up is cheap on clusters of 150,000 pods. Indexes that only some analyzers use are built
 * on first use.
 */
import type {
  CoreEvent, Endpoints, EndpointSlice, HorizontalPodAutoscaler, Ingress, KubeObject, LimitRange, Node,
  ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod, ResourceQuota, Service, StorageClass,
} from './objects.js';
import { AGE_ANNOTATION } from './annotations.js';

import { CLUSTER_SCOPED_KINDS, keyOf, refOf } from './objects.js';
import { normalize, selectorMatches } from './selectors.js';
import type { LabelSelector } from './objects.js';
import type { ClusterSnapshot, ContainerLog } from './snapshot.js';
import { millisOf } from './time.js';

export type Obj<T> = KubeObject & T;

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export class ClusterGraph {
  /** The moment the snapshot stands for: its capture time, else the newest timestamp in it. */
  readonly now: Date;
  readonly logs: readonly ContainerLog[];
  /** What the source could not read; see {@link ClusterSnapshot.gaps}. */
  readonly gaps: readonly string[];
  private readonly kinds = new Map<string, KubeObject[]>();
  /** Every object, in input order. */
  private readonly all: KubeObject[] = [];
  /**
   * Per kind, built on the first look-up of that kind: `namespace/name` → the last object of the
   * input with that key. Kinds nobody looks up by name (events, often services) are never indexed.
   */
  private readonly byKind = new Map<string, Map<string, KubeObject>>();
  /** Keys (`Kind/namespace/name`), of the kinds indexed so far, that more than one object carries: rare, handled the slow way. */
  private readonly repeatedKeys = new Set<string>();
  /** uid → the last object of the input with that uid; built only when a key does not find a uid's object. */
  private uidIndex: Map<string, KubeObject> | undefined;
  private childrenIndex: Map<KubeObject, KubeObject[]> | undefined;
  private childrenByKey: Map<string, KubeObject[]> | undefined;
  /** The owner {@link owner} found last, by uid. */
  private lastOwner: { uid: string; obj: KubeObject } | undefined;
  private eventIndex: Map<string, Obj<CoreEvent>[]> | undefined;
  private reasonIndex: Map<string, Obj<CoreEvent>[]> | undefined;
  private podsByNode: Map<string, Obj<Pod>[]> | undefined;
  /** Per namespace: label key → label value → pods. */
  private labelIndex = new Map<string, Map<string, Map<string, Obj<Pod>[]>>>();
  private readonly namespaceIndex = new Map<string, Map<string, KubeObject[]>>();
  private slicesByService: Map<string, Obj<EndpointSlice>[]> | undefined;

  constructor(snapshot: ClusterSnapshot) {
    // The newest timestamp is read in the same pass: each object is visited once.
    const newest = snapshot.capturedAt ? undefined : new NewestTime();
    // Indexed loops over the input: objects of many shapes keep this code from being optimized, and
    // an unoptimized for-of allocates an iterator result per object.
    const objects = snapshot.objects;
    for (let i = 0; i < objects.length; i++) {
      const raw = objects[i]!;
      const obj = raw.kind === 'Event' && raw.apiVersion?.startsWith('events.k8s.io') ? coreEventOf(raw) : raw;
      let list = this.kinds.get(obj.kind);
      if (!list) this.kinds.set(obj.kind, (list = []));
      list.push(obj);
      this.all.push(obj);
      newest?.see(raw);
    }
    this.logs = snapshot.logs;
    this.gaps = snapshot.gaps ?? [];
    this.now = newest ? newest.time() : new Date(snapshot.capturedAt!);
  }

  /** Every object of one kind (`Pod`, `Deployment` ...), in input order. */
  ofKind<T = unknown>(kind: string): Obj<T>[] {
    return (this.kinds.get(kind) ?? []) as Obj<T>[];
  }

  /** Every object of one kind in one namespace (`''` for objects without one), through an index built once per kind. */
  ofKindIn<T = unknown>(kind: string, namespace: string): Obj<T>[] {
    let index = this.namespaceIndex.get(kind);
    if (!index) {
      index = new Map();
      const list = this.ofKind(kind);
      for (let i = 0; i < list.length; i++) push(index, list[i]!.metadata.namespace ?? '', list[i]!);
      this.namespaceIndex.set(kind, index);
    }
    return (index.get(namespace) ?? []) as Obj<T>[];
  }

  kindsPresent(): string[] {
    return [...this.kinds.keys()];
  }

  get<T = unknown>(kind: string, namespace: string | undefined, name: string): Obj<T> | undefined {
    return this.keyIndex(kind)?.get(`${namespace ?? ''}/${name}`) as Obj<T> | undefined;
  }

  /**
   * The object a reference names: by its uid when it has one, else by kind, namespace and name. A
   * uid names one object of a cluster, so the object with the reference's key is the uid's object
   * when their uids agree; all uids are indexed only when they do not (the object named was
   * deleted and created again, say).
   */
  resolve<T = unknown>(ref: ObjectRef): Obj<T> | undefined {
    const keyed = this.get(ref.kind, ref.namespace, ref.name);
    if (!ref.uid || keyed?.metadata.uid === ref.uid) return keyed as Obj<T> | undefined;
    return (this.uids().get(ref.uid) ?? keyed) as Obj<T> | undefined;
  }

  private keyIndex(kind: string): Map<string, KubeObject> | undefined {
    let index = this.byKind.get(kind);
    if (index) return index;
    const list = this.kinds.get(kind);
    if (!list) return undefined;
    index = new Map();
    for (let i = 0; i < list.length; i++) {
      const obj = list[i]!;
      const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      const known = index.size;
      index.set(key, obj);
      if (index.size === known) this.repeatedKeys.add(`${kind}/${key}`);
    }
    this.byKind.set(kind, index);
    return index;
  }

  private uids(): Map<string, KubeObject> {
    if (!this.uidIndex) {
      this.uidIndex = new Map();
      for (const obj of this.all) if (obj.metadata.uid) this.uidIndex.set(obj.metadata.uid, obj);
    }
    return this.uidIndex;
  }

  pods(): Obj<Pod>[] { return this.ofKind<Pod>('Pod'); }
  nodes(): Obj<Node>[] { return this.ofKind<Node>('Node'); }
  services(): Obj<Service>[] { return this.ofKind<Service>('Service'); }

  /** The controller (or first) owner of an object, when it is in the snapshot. */
  owner(obj: KubeObject): KubeObject | undefined {
    const refs = obj.metadata.ownerReferences;
    if (!refs?.length) return undefined;
    const ref = refs.find((r) => r.controller) ?? refs[0]!;
    // This runs for every pod when an index of owners is built, and pods of one owner mostly come
    // one after another: comparing the uid with the last one found is cheaper than a look-up.
    if (ref.uid && ref.uid === this.lastOwner?.uid) return this.lastOwner.obj;
    const namespace = obj.metadata.namespace;
    const found = this.resolve({ kind: ref.kind, name: ref.name, ...(namespace ? { namespace } : {}), ...(ref.uid ? { uid: ref.uid } : {}) });
    if (found && ref.uid && found.metadata.uid === ref.uid) this.lastOwner = { uid: ref.uid, obj: found };
    return found;
  }

  /** Owners from the nearest up: Pod → [ReplicaSet, Deployment]; Job pod → [Job, CronJob]. */
  ownerChain(obj: KubeObject): KubeObject[] {
    const chain: KubeObject[] = [];
    let current = this.owner(obj);
    while (current && chain.length < 8 && !chain.includes(current)) {
      chain.push(current);
      current = this.owner(current);
    }
    return chain;
  }

  /**
   * The workload a person manages: the top of the owner chain, or the object itself. When the pod's
   * owner is not in the snapshot, its owner reference still names it.
   */
  workloadOf(obj: KubeObject): ObjectRef {
    const chain = this.ownerChain(obj);
    const top = chain[chain.length - 1];
    if (top) return refOf(top);
    const ref = obj.metadata.ownerReferences?.find((r) => r.controller) ?? obj.metadata.ownerReferences?.[0];
    if (!ref) return refOf(obj);
    const namespace = obj.metadata.namespace;
    // A ReplicaSet named `<deployment>-<pod-template-hash>` belongs to that Deployment.
    const hash = obj.metadata.labels?.['pod-template-hash'];
    if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) {
      return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1), ...(namespace ? { namespace } : {}) };
    }
    return { kind: ref.kind, name: ref.name, ...(namespace ? { namespace } : {}) };
  }

  /**
   * Objects whose owner references point at this object (or at another object of the input with its
   * kind, namespace and name).
   */
  ownedBy(owner: KubeObject): KubeObject[] {
    if (!this.childrenIndex) {
      // Keyed by the owner object itself: no key string per child. Pods of one ReplicaSet mostly
      // come one after another, so the owner's list is looked up once per run of them.
      this.childrenIndex = new Map();
      let lastParent: KubeObject | undefined;
      let siblings: KubeObject[] = [];
      for (const list of this.kinds.values()) {
        for (let i = 0; i < list.length; i++) {
          const obj = list[i]!;
          const parent = this.owner(obj);
          if (!parent) continue;
          if (parent !== lastParent) {
            lastParent = parent;
            let known = this.childrenIndex.get(parent);
            if (!known) this.childrenIndex.set(parent, (known = []));
            siblings = known;
          }
          siblings.push(obj);
        }
      }
    }
    // Looking the holder up indexes the owner's kind, which records its repeated keys.
    const holder = this.get(owner.kind, owner.metadata.namespace, owner.metadata.name);
    const key = keyOf(refOf(owner));
    if (!this.repeatedKeys.has(key)) return (holder && this.childrenIndex.get(holder)) ?? [];
    // Several objects carry this key: their children together, in input order.
    if (!this.childrenByKey) {
      this.childrenByKey = new Map();
      for (const list of this.kinds.values()) {
        for (const obj of list) {
          const parent = this.owner(obj);
          if (parent) push(this.childrenByKey, keyOf(refOf(parent)), obj);
        }
      }
    }
    return this.childrenByKey.get(key) ?? [];
  }

  /** Pods a workload runs, through its ReplicaSets or Jobs. */
  podsOf(workload: KubeObject): Obj<Pod>[] {
    const pods: Obj<Pod>[] = [];
    const visit = (obj: KubeObject, depth: number): void => {
      for (const child of this.ownedBy(obj)) {
        if (child.kind === 'Pod') pods.push(child as Obj<Pod>);
        else if (depth < 3) visit(child, depth + 1);
      }
    };
    visit(workload, 0);
    return pods;
  }

  /** Pods in a namespace matched by a selector, through an index of label pairs. */
  podsSelectedBy(selector: LabelSelector | Record<string, string> | undefined, namespace: string | undefined): Obj<Pod>[] {
    if (!selector) return [];
    const { matchLabels } = normalize(selector);
    const index = this.labelIndexFor(namespace ?? '');
    let candidates: Obj<Pod>[] | undefined;
    for (const k in matchLabels) {
      const hits = index.get(k)?.get(matchLabels[k]!) ?? [];
      if (!candidates || hits.length < candidates.length) candidates = hits;
    }
    candidates ??= this.podsIn(namespace ?? '');
    return candidates.filter(labelsMatcher(selector, matchLabels));
  }

  podsIn(namespace: string): Obj<Pod>[] {
    return this.ofKindIn<Pod>('Pod', namespace);
  }

  servicePods(svc: Obj<Service>): Obj<Pod>[] {
    return this.podsSelectedBy(svc.spec?.selector, svc.metadata.namespace);
  }

  /** Services of the pod's namespace whose selector matches the pod. */
  servicesSelecting(pod: Obj<Pod>): Obj<Service>[] {
    return this.ofKindIn<Service>('Service', pod.metadata.namespace ?? '')
      .filter((svc) => selectorMatches(svc.spec?.selector, pod.metadata.labels));
  }

  /** The Endpoints object and the EndpointSlices that back a Service (slices by their `kubernetes.io/service-name` label). */
  endpointsOf(svc: Obj<Service>): { endpoints?: Obj<Endpoints>; slices: Obj<EndpointSlice>[] } {
    if (!this.slicesByService) {
      this.slicesByService = new Map();
      for (const slice of this.ofKind<EndpointSlice>('EndpointSlice')) {
        const service = slice.metadata.labels?.['kubernetes.io/service-name'];
        if (service) push(this.slicesByService, `${slice.metadata.namespace ?? ''}/${service}`, slice);
      }
    }
    const slices = this.slicesByService.get(`${svc.metadata.namespace ?? ''}/${svc.metadata.name}`) ?? [];
    const endpoints = this.get<Endpoints>('Endpoints', svc.metadata.namespace, svc.metadata.name);
    return endpoints ? { endpoints, slices } : { slices };
  }

  nodeOf(pod: Obj<Pod>): Obj<Node> | undefined {
    const name = pod.spec?.nodeName;
    return name ? this.get<Node>('Node', undefined, name) : undefined;
  }

  /** Pods bound to a node (by spec.nodeName). */
  podsOnNode(nodeName: string): Obj<Pod>[] {
    if (!this.podsByNode) {
      this.podsByNode = new Map();
      const pods = this.pods();
      for (let i = 0; i < pods.length; i++) {
        const nodeName = pods[i]!.spec?.nodeName;
        if (nodeName) push(this.podsByNode, nodeName, pods[i]!);
      }
    }
    return this.podsByNode.get(nodeName) ?? [];
  }

  /** The claims a pod mounts, each with its PVC object when present. */
  claimsOf(pod: Obj<Pod>): { claimName: string; claim?: Obj<PersistentVolumeClaim> }[] {
    const out: { claimName: string; claim?: Obj<PersistentVolumeClaim> }[] = [];
    for (const vol of pod.spec?.volumes ?? []) {
      const claimName = vol.persistentVolumeClaim?.claimName
        ?? (vol.ephemeral ? `${pod.metadata.name}-${vol.name}` : undefined);
      if (!claimName) continue;
      const claim = this.get<PersistentVolumeClaim>('PersistentVolumeClaim', pod.metadata.namespace, claimName);
      out.push(claim ? { claimName, claim } : { claimName });
    }
    return out;
  }

  volumeOf(pvc: Obj<PersistentVolumeClaim>): Obj<PersistentVolume> | undefined {
    const name = pvc.spec?.volumeName;
    return name ? this.get<PersistentVolume>('PersistentVolume', undefined, name) : undefined;
  }

  /** The claim's class, or the cluster default when it names none. */
  storageClassOf(pvc: Obj<PersistentVolumeClaim>): Obj<StorageClass> | undefined {
    const name = pvc.spec?.storageClassName;
    if (name === '') return undefined;
    return name ? this.get<StorageClass>('StorageClass', undefined, name) : this.defaultStorageClass();
  }

  defaultStorageClass(): Obj<StorageClass> | undefined {
    return this.ofKind<StorageClass>('StorageClass').find((sc) =>
      DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata.annotations?.[a] === 'true'));
  }

  /** Every backend an Ingress routes to (default backend and rule paths), with its Service if present. */
  ingressBackends(ing: Obj<Ingress>): { serviceName: string; port: { name?: string; number?: number }; host?: string; path?: string; service?: Obj<Service> }[] {
    const out: ReturnType<ClusterGraph['ingressBackends']> = [];
    const add = (backend: NonNullable<NonNullable<Ingress['spec']>['defaultBackend']>, host?: string, path?: string): void => {
      const svc = backend.service;
      if (!svc) return;
      const service = this.get<Service>('Service', ing.metadata.namespace, svc.name);
      out.push({
        serviceName: svc.name, port: { ...svc.port },
        ...(host !== undefined ? { host } : {}), ...(path !== undefined ? { path } : {}),
        ...(service ? { service } : {}),
      });
    };
    if (ing.spec?.defaultBackend) add(ing.spec.defaultBackend);
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) add(p.backend, rule.host ?? '*', p.path ?? '/');
    }
    return out;
  }

  hpaTarget(hpa: Obj<HorizontalPodAutoscaler>): KubeObject | undefined {
    const ref = hpa.spec?.scaleTargetRef;
    return ref ? this.get(ref.kind, hpa.metadata.namespace, ref.name) : undefined;
  }

  /** Events about an object, oldest first. An event about an earlier object of the same name is left out. */
  eventsFor(ref: ObjectRef): Obj<CoreEvent>[] {
    if (!this.eventIndex) {
      this.eventIndex = new Map();
      for (const ev of this.ofKind<CoreEvent>('Event')) {
        const io = ev.involvedObject;
        if (!io?.kind || !io.name) continue;
        // Events about cluster-scoped objects (nodes) are recorded in the `default` namespace.
        const namespace = CLUSTER_SCOPED_KINDS.has(io.kind) ? undefined : io.namespace ?? ev.metadata.namespace;
        push(this.eventIndex, keyOf({ kind: io.kind, name: io.name, ...(namespace ? { namespace } : {}) }), ev);
      }
      // Sorted once on keys read once: an event with no time at all goes by its object's creation.
      const at = new Map<CoreEvent, number>();
      for (const ev of this.ofKind<CoreEvent>('Event')) at.set(ev, this.eventTime(ev) ?? millisOf(ev.metadata.creationTimestamp) ?? 0);
      for (const list of this.eventIndex.values()) list.sort((a, b) => at.get(a)! - at.get(b)!);
    }
    const namespace = CLUSTER_SCOPED_KINDS.has(ref.kind) ? undefined : ref.namespace;
    const events = this.eventIndex.get(keyOf({ kind: ref.kind, name: ref.name, ...(namespace ? { namespace } : {}) })) ?? [];
    return ref.uid ? events.filter((e) => !e.involvedObject.uid || e.involvedObject.uid === ref.uid) : events;
  }

  /**
   * Every event with one of these reasons, in input order: for analyzers that start from what the
   * events report rather than from the objects.
   */
  eventsByReason(reasons: readonly string[]): Obj<CoreEvent>[] {
    if (!this.reasonIndex) {
      this.reasonIndex = new Map();
      for (const ev of this.ofKind<CoreEvent>('Event')) if (ev.reason) push(this.reasonIndex, ev.reason, ev);
    }
    const index = this.reasonIndex;
    if (reasons.length === 1) return index.get(reasons[0]!) ?? [];
    const wanted = new Set(reasons.flatMap((r) => index.get(r) ?? []));
    return this.ofKind<CoreEvent>('Event').filter((ev) => wanted.has(ev));
  }

  /**
   * When an event last happened, in ms since the epoch: its newest timestamp or, for an event read
   * from describe text (which gives an age instead), the snapshot's time minus that age. Undefined
   * when it carries neither.
   */
  eventTime(ev: CoreEvent): number | undefined {
    const at = millisOf(eventTimestamp(ev));
    if (at !== undefined) return at;
    const age = ev.metadata?.annotations?.[AGE_ANNOTATION];
    const seconds = age === undefined ? NaN : Number(age);
    return Number.isFinite(seconds) ? this.now.getTime() - seconds * 1000 : undefined;
  }

  quotasIn(namespace: string): Obj<ResourceQuota>[] {
    return this.ofKindIn<ResourceQuota>('ResourceQuota', namespace);
  }

  limitRangesIn(namespace: string): Obj<LimitRange>[] {
    return this.ofKindIn<LimitRange>('LimitRange', namespace);
  }

  /**
   * A container's log. A log given without a container name stands for the pod's only (or first)
   * container.
   */
  logOf(pod: Obj<Pod>, container: string, previous: boolean): ContainerLog | undefined {
    const ns = pod.metadata.namespace;
    const candidates = this.logs.filter((l) => l.pod === pod.metadata.name && l.previous === previous
      && (l.namespace === undefined || l.namespace === ns));
    return candidates.find((l) => l.container === container)
      ?? (pod.spec?.containers[0]?.name === container ? candidates.find((l) => l.container === undefined) : undefined);
  }

  private labelIndexFor(namespace: string): Map<string, Map<string, Obj<Pod>[]>> {
    let index = this.labelIndex.get(namespace);
    if (!index) {
      index = new Map();
      const pods = this.podsIn(namespace);
      for (let i = 0; i < pods.length; i++) {
        const pod = pods[i]!;
        const labels = pod.metadata.labels;
        for (const k in labels) {
          let byValue = index.get(k);
          if (!byValue) index.set(k, (byValue = new Map()));
          push(byValue, labels[k]!, pod);
        }
      }
      this.labelIndex.set(namespace, index);
    }
    return index;
  }
}

/**
 * selectorMatches for one selector against many pods. A selector of labels only (every Service's) is
 * checked without allocating per pod: Services select from 150,000 pods.
 */
function labelsMatcher(selector: LabelSelector | Record<string, string>, matchLabels: Record<string, string>): (pod: Obj<Pod>) => boolean {
  const keys = Object.keys(matchLabels);
  const labelsOnly = keys.length > 0 && !(selector as LabelSelector).matchExpressions?.length;
  if (!labelsOnly) return (pod) => selectorMatches(selector, pod.metadata.labels);
  return (pod) => {
    const labels = pod.metadata.labels;
    for (const k of keys) if (labels?.[k] !== matchLabels[k]) return false;
    return true;
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The timestamp of an event's last occurrence, as its source wrote it: core/v1 `lastTimestamp`, else
 * an events.k8s.io series' `lastObservedTime`, else its `eventTime` or `firstTimestamp`.
 */
export function eventTimestamp(ev: CoreEvent): string | undefined {
  return ev.lastTimestamp ?? ev.series?.lastObservedTime ?? ev.eventTime ?? ev.firstTimestamp;
}

/** events.k8s.io/v1 Events read as core/v1 Events, so analyzers see one shape. */
function coreEventOf(obj: KubeObject): KubeObject {
  const e = obj as KubeObject & {
    regarding?: CoreEvent['involvedObject']; note?: string; deprecatedCount?: number; deprecatedSource?: CoreEvent['source'];
    reportingController?: string; deprecatedLastTimestamp?: string; deprecatedFirstTimestamp?: string;
  };
  const core: Record<string, unknown> = { ...e, apiVersion: 'v1', kind: 'Event' };
  if (e.regarding) core['involvedObject'] = e.regarding;
  if (e.note !== undefined) core['message'] = e.note;
  const series = (e as { series?: { count?: number } }).series;
  if (e.deprecatedCount !== undefined || series?.count !== undefined) core['count'] = Math.max(e.deprecatedCount ?? 0, series?.count ?? 0);
  if (e.deprecatedLastTimestamp) core['lastTimestamp'] = e.deprecatedLastTimestamp;
  if (e.deprecatedFirstTimestamp) core['firstTimestamp'] = e.deprecatedFirstTimestamp;
  core['source'] = e.deprecatedSource ?? (e.reportingController ? { component: e.reportingController } : undefined);
  return core as KubeObject;
}

/**
 * A UTC timestamp as the API server writes it (`2024-05-14T09:00:00Z`) with fields that Date.parse
 * takes as they are (a day past 28 or hour 24 may roll over into the next month or day).
 */
const PLAIN_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

/**
 * The newest timestamp of the input, object by object: creation times, event times, container
 * start and finish times. Plain UTC timestamps order as strings, so the newest of them is found by
 * comparing strings and parsed once (Date.parse of every timestamp of 150,000 pods costs a few
 * hundred ms); any other form is parsed.
 */
class NewestTime {
  private newest = 0;
  private newestPlain = '';

  see(obj: KubeObject): void {
    this.seeTime(obj.metadata.creationTimestamp);
    if (obj.kind === 'Event') {
      const ev = obj as unknown as CoreEvent;
      this.seeTime(ev.lastTimestamp);
      this.seeTime(ev.eventTime);
    } else if (obj.kind === 'Pod') {
      for (const cs of (obj as unknown as Pod).status?.containerStatuses ?? []) {
        this.seeTime(cs.state?.running?.startedAt);
        this.seeTime(cs.state?.terminated?.finishedAt);
        this.seeTime(cs.lastState?.terminated?.finishedAt);
      }
    }
  }

  time(): Date {
    const plain = this.newestPlain ? Date.parse(this.newestPlain) : 0;
    return new Date(Math.max(this.newest, plain) || 0);
  }

  private seeTime(t: unknown): void {
    if (typeof t !== 'string') return;
    if (PLAIN_UTC.test(t)) {
      if (t > this.newestPlain) this.newestPlain = t;
      return;
    }
    const ms = Date.parse(t);
    if (ms > this.newest) this.newest = ms;
  }
}
