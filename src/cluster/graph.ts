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

export { AGE_ANNOTATION };
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
  private readonly kinds = new Map<string, KubeObject[]>();
  private readonly byKey = new Map<string, KubeObject>();
  private readonly byUid = new Map<string, KubeObject>();
  private childrenIndex: Map<string, KubeObject[]> | undefined;
  private eventIndex: Map<string, Obj<CoreEvent>[]> | undefined;
  private reasonIndex: Map<string, Obj<CoreEvent>[]> | undefined;
  private podsByNode: Map<string, Obj<Pod>[]> | undefined;
  private labelIndex = new Map<string, Map<string, Obj<Pod>[]>>();
  private readonly namespaceIndex = new Map<string, Map<string, KubeObject[]>>();
  private slicesByService: Map<string, Obj<EndpointSlice>[]> | undefined;

  constructor(snapshot: ClusterSnapshot) {
    for (const raw of snapshot.objects) {
      const obj = raw.kind === 'Event' && raw.apiVersion?.startsWith('events.k8s.io') ? coreEventOf(raw) : raw;
      let list = this.kinds.get(obj.kind);
      if (!list) this.kinds.set(obj.kind, (list = []));
      list.push(obj);
      this.byKey.set(keyOf(refOf(obj)), obj);
      if (obj.metadata.uid) this.byUid.set(obj.metadata.uid, obj);
    }
    this.logs = snapshot.logs;
    this.now = snapshot.capturedAt ? new Date(snapshot.capturedAt) : newestTime(snapshot.objects);
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
      for (const obj of this.ofKind(kind)) push(index, obj.metadata.namespace ?? '', obj);
      this.namespaceIndex.set(kind, index);
    }
    return (index.get(namespace) ?? []) as Obj<T>[];
  }

  kindsPresent(): string[] {
    return [...this.kinds.keys()];
  }

  get<T = unknown>(kind: string, namespace: string | undefined, name: string): Obj<T> | undefined {
    const ref = namespace ? { kind, namespace, name } : { kind, name };
    return this.byKey.get(keyOf(ref)) as Obj<T> | undefined;
  }

  resolve<T = unknown>(ref: ObjectRef): Obj<T> | undefined {
    if (ref.uid) {
      const hit = this.byUid.get(ref.uid);
      if (hit) return hit as Obj<T>;
    }
    return this.byKey.get(keyOf(ref)) as Obj<T> | undefined;
  }

  pods(): Obj<Pod>[] { return this.ofKind<Pod>('Pod'); }
  nodes(): Obj<Node>[] { return this.ofKind<Node>('Node'); }
  services(): Obj<Service>[] { return this.ofKind<Service>('Service'); }

  /** The controller (or first) owner of an object, when it is in the snapshot. */
  owner(obj: KubeObject): KubeObject | undefined {
    const refs = obj.metadata.ownerReferences;
    if (!refs?.length) return undefined;
    const ref = refs.find((r) => r.controller) ?? refs[0]!;
    const namespace = obj.metadata.namespace;
    return this.resolve({ kind: ref.kind, name: ref.name, uid: ref.uid, ...(namespace ? { namespace } : {}) });
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

  /** Objects whose owner references point at this object. */
  ownedBy(owner: KubeObject): KubeObject[] {
    if (!this.childrenIndex) {
      this.childrenIndex = new Map();
      for (const list of this.kinds.values()) {
        for (const obj of list) {
          const parent = this.owner(obj);
          if (!parent) continue;
          const key = keyOf(refOf(parent));
          const children = this.childrenIndex.get(key);
          if (children) children.push(obj);
          else this.childrenIndex.set(key, [obj]);
        }
      }
    }
    return this.childrenIndex.get(keyOf(refOf(owner))) ?? [];
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
    for (const [k, v] of Object.entries(matchLabels)) {
      const hits = index.get(`${k}=${v}`) ?? [];
      if (!candidates || hits.length < candidates.length) candidates = hits;
    }
    candidates ??= this.podsIn(namespace ?? '');
    return candidates.filter((pod) => selectorMatches(selector, pod.metadata.labels));
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
      for (const pod of this.pods()) {
        if (pod.spec?.nodeName) push(this.podsByNode, pod.spec.nodeName, pod);
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

  private labelIndexFor(namespace: string): Map<string, Obj<Pod>[]> {
    let index = this.labelIndex.get(namespace);
    if (!index) {
      index = new Map();
      for (const pod of this.podsIn(namespace)) {
        for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) push(index, `${k}=${v}`, pod);
      }
      this.labelIndex.set(namespace, index);
    }
    return index;
  }
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

function newestTime(objects: KubeObject[]): Date {
  let newest = 0;
  const see = (t: unknown): void => {
    if (typeof t !== 'string') return;
    const ms = Date.parse(t);
    if (ms > newest) newest = ms;
  };
  for (const obj of objects) {
    see(obj.metadata.creationTimestamp);
    if (obj.kind === 'Event') {
      const ev = obj as unknown as CoreEvent;
      see(ev.lastTimestamp); see(ev.eventTime);
    } else if (obj.kind === 'Pod') {
      for (const cs of (obj as unknown as Pod).status?.containerStatuses ?? []) {
        see(cs.state?.running?.startedAt); see(cs.state?.terminated?.finishedAt); see(cs.lastState?.terminated?.finishedAt);
      }
    }
  }
  return new Date(newest || 0);
}
