/**
 * The nodes as the scheduler's filters see them, laid out so that one pod can be checked against
 * thousands of nodes cheaply (see ./scheduling.ts):
 * - what each node offers and what its bound pods request, one typed array per resource, so that
 *   NodeResourcesFit for a pod is a numeric loop;
 * - classes of nodes that NodeUnschedulable, TaintToleration and NodeAffinity cannot tell apart (same
 *   cordon flag, same NoSchedule/NoExecute taints, same labels apart from per-host ones such as
 *   `kubernetes.io/hostname`), so that those filters run once per class instead of once per node.
 * Built once per graph; the simulator's scheduler then keeps it current pod by pod ({@link NodePool.assume}).
 */
import type { Obj } from './graph.js';
import type { Node, Pod } from './objects.js';
import type { PodSpec, Taint } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from './quantity.js';

/** Resource amounts by name: cpu in millicores (sums stay exact), everything else in base units. */
export type Resources = Map<string, number>;

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** A node as the scheduler sees it: what it offers and how many pods are bound to it. */
export interface NodeState {
  node: Obj<Node>;
  name: string;
  /** Its position in {@link NodePool.states}. */
  index: number;
  /** Absent resources are unknown (incomplete input), not zero, except extended resources. */
  allocatable: Resources;
  podCount: number;
}

/** One resource across all nodes: allocatable (NaN where the node does not list it) and requested. */
export interface ResourceColumn {
  allocatable: Float64Array;
  requested: Float64Array;
}

/** Nodes that the non-resource filters cannot tell apart. */
export interface NodeClass {
  /** The first node of the class: filters evaluated on it hold for every member (see {@link NodePool.perHostKeys}). */
  representative: NodeState;
  size: number;
}

/**
 * A label key with more distinct values than this (and than a tenth of the nodes) names hosts one by
 * one (`kubernetes.io/hostname`, instance ids): it is left out of the class key, or every node would
 * be a class of its own. The choice only affects speed: a pod whose selector or affinity names such a
 * key is checked node by node.
 */
const PER_HOST_MIN_VALUES = 8;

export class NodePool {
  readonly states: NodeState[] = [];
  /** The class of each node, by node index. */
  readonly classOf: Int32Array;
  readonly classes: NodeClass[] = [];
  /** Label keys left out of the class key (see {@link PER_HOST_MIN_VALUES}). */
  readonly perHostKeys: ReadonlySet<string>;
  private readonly columns = new Map<string, ResourceColumn>();

  /**
   * @param boundPods pods that hold resources on a node: bound (spec.nodeName) and not terminated
   */
  constructor(nodes: readonly Obj<Node>[], boundPods: readonly Obj<Pod>[]) {
    const byName = new Map<string, NodeState>();
    for (const node of nodes) {
      const status = node.status;
      const source = status?.allocatable ?? status?.capacity ?? {};
      const allocatable: Resources = new Map(Object.entries(source).map(([k, q]) => [k, amountOf(k, q)]));
      const state: NodeState = { node, name: node.metadata.name, index: this.states.length, allocatable, podCount: 0 };
      this.states.push(state);
      byName.set(state.name, state);
    }
    for (const state of this.states) {
      for (const [name, amount] of state.allocatable) this.column(name).allocatable[state.index] = amount;
    }
    // Indexed loops over pods here and in the callers: pods of many shapes keep such loops from
    // being optimized, and an unoptimized for-of allocates an iterator result per pod.
    for (let i = 0; i < boundPods.length; i++) {
      const pod = boundPods[i]!;
      const state = byName.get(pod.spec?.nodeName ?? '');
      if (!state) continue;
      state.podCount += 1;
      this.addPodRequests(state.index, pod.spec);
    }
    this.perHostKeys = perHostLabelKeys(nodes);
    this.classOf = new Int32Array(this.states.length);
    this.groupIntoClasses();
  }

  get size(): number {
    return this.states.length;
  }

  /** The column of one resource; a resource no node lists or uses is NaN (unlisted) and 0 (unused) everywhere. */
  column(resource: string): ResourceColumn {
    let column = this.columns.get(resource);
    if (!column) {
      column = { allocatable: new Float64Array(this.states.length).fill(NaN), requested: new Float64Array(this.states.length) };
      this.columns.set(resource, column);
    }
    return column;
  }

  /**
   * Counts one more pod on node `index`, with its requests: what the scheduler assumes of a pod it
   * just bound, so that the next pod sees the room it took without the pool being built again.
   */
  assume(index: number, spec: PodSpec | undefined): void {
    const state = this.states[index];
    if (!state) return;
    state.podCount += 1;
    this.addPodRequests(index, spec, 1);
  }

  /** Undoes {@link assume} (or the counting of a bound pod at construction): the pod left the node or finished. */
  forget(index: number, spec: PodSpec | undefined): void {
    const state = this.states[index];
    if (!state) return;
    state.podCount -= 1;
    this.addPodRequests(index, spec, -1);
  }

  /** Adds (sign 1) or removes (sign -1) a pod's requests in a node's column entries; the common pod (no init containers, no overhead) without allocating. */
  private addPodRequests(index: number, spec: PodSpec | undefined, sign = 1): void {
    if (!spec) return;
    if (spec.initContainers?.length || spec.overhead) {
      for (const [name, amount] of podRequests(spec)) this.addRequest(index, name, sign * amount);
      return;
    }
    for (const c of spec.containers ?? []) {
      const requests = c.resources?.requests;
      const limits = c.resources?.limits;
      for (const name in limits) {
        if (!requests || !(name in requests)) this.addRequest(index, name, sign * amountOf(name, limits[name]));
      }
      for (const name in requests) this.addRequest(index, name, sign * amountOf(name, requests[name]));
    }
  }

  private addRequest(index: number, resource: string, amount: number): void {
    const requested = this.column(resource).requested;
    requested[index] = requested[index]! + amount;
  }

  private groupIntoClasses(): void {
    const byKey = new Map<string, number>();
    for (const state of this.states) {
      const key = this.classKey(state.node);
      let index = byKey.get(key);
      if (index === undefined) {
        index = this.classes.length;
        byKey.set(key, index);
        this.classes.push({ representative: state, size: 0 });
      }
      this.classes[index]!.size += 1;
      this.classOf[state.index] = index;
    }
  }

  /** Everything the non-resource filters read of a node, per-host labels left out. */
  private classKey(node: Obj<Node>): string {
    const taints = (node.spec?.taints ?? []).filter(filtersOn).map((t) => [t.key, t.value ?? '', t.effect]);
    const labels = Object.entries(node.metadata.labels ?? {}).filter(([k]) => !this.perHostKeys.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([node.spec?.unschedulable === true, taints, labels]);
  }
}

/** Taints the scheduler filters on: NoSchedule and NoExecute (PreferNoSchedule only scores). */
export function filtersOn(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

function perHostLabelKeys(nodes: readonly Obj<Node>[]): Set<string> {
  const values = new Map<string, Set<string>>();
  for (const node of nodes) {
    for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
      let set = values.get(k);
      if (!set) values.set(k, (set = new Set()));
      set.add(v);
    }
  }
  const threshold = Math.max(PER_HOST_MIN_VALUES, nodes.length / 10);
  return new Set([...values].filter(([, set]) => set.size > threshold).map(([k]) => k));
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Parsed quantities by resource, then by text: replicas repeat the same few quantities. */
const quantityCache = new Map<string, Map<string | number, number>>();
const QUANTITY_CACHE_LIMIT = 10_000;
let quantityCacheSize = 0;

/** A quantity in the units {@link Resources} use; unparseable text counts as 0. */
export function amountOf(resource: string, text: string | number | undefined): number {
  if (text === undefined) return 0;
  let byText = quantityCache.get(resource);
  if (!byText) quantityCache.set(resource, (byText = new Map()));
  let value = byText.get(text);
  if (value === undefined) {
    const parsed = parseQuantity(text) ?? 0;
    value = resource === CPU ? Math.round(parsed * 1000) : Math.round(parsed);
    if (quantityCacheSize < QUANTITY_CACHE_LIMIT) {
      byText.set(text, value);
      quantityCacheSize += 1;
    }
  }
  return value;
}

function addInto(into: Resources, from: Resources): void {
  for (const [name, v] of from) into.set(name, (into.get(name) ?? 0) + v);
}

function maxInto(into: Resources, from: Resources): void {
  for (const [name, v] of from) into.set(name, Math.max(into.get(name) ?? 0, v));
}

/** A container's requests; a resource with only a limit requests the limit (API server defaulting). */
export function containerRequests(c: NonNullable<PodSpec['containers']>[number]): Resources {
  const out: Resources = new Map();
  for (const [name, q] of Object.entries(c.resources?.limits ?? {})) out.set(name, amountOf(name, q));
  for (const [name, q] of Object.entries(c.resources?.requests ?? {})) out.set(name, amountOf(name, q));
  return out;
}

/**
 * What a pod requests of a node, as the scheduler computes it: the sum of its app containers and
 * restartable (sidecar) init containers, or the largest init-container step if that is larger,
 * plus the pod overhead.
 */
export function podRequests(spec: PodSpec | undefined): Resources {
  const total: Resources = new Map();
  if (!spec) return total;
  for (const c of spec.containers ?? []) addInto(total, containerRequests(c));
  const sidecars: Resources = new Map();
  const initPeak: Resources = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const step = new Map(own);
      addInto(step, sidecars);
      maxInto(initPeak, step);
    }
  }
  maxInto(total, initPeak);
  for (const [name, q] of Object.entries(spec.overhead ?? {})) total.set(name, (total.get(name) ?? 0) + amountOf(name, q));
  return total;
}

// ---------------------------------------------------------------------------------------------
// NodeResourcesFit

/** One resource a node lacks for a pod. */
export interface Shortfall {
  resource: string;
  requested: number;
  free: number;
  allocatable: number;
}

/** Bits of a failure mask: bit 0 for the pod count, one bit per checked resource after it. */
const MASK_BITS = 30;

/**
 * NodeResourcesFit for one pod's requests against every node of a pool: the pod count first, then
 * each requested resource against what is free. cpu, memory and ephemeral storage a node does not
 * list are unknown (not checked); an extended resource a node does not list really is zero there.
 */
export class ResourceFit {
  private readonly checks: { resource: string; requested: number; column: ResourceColumn; unknownWhenUnlisted: boolean }[] = [];
  private readonly allowedPods: Float64Array;

  constructor(private readonly pool: NodePool, requests: Resources) {
    for (const [resource, requested] of requests) {
      if (requested <= 0 || resource === PODS) continue;
      const unknownWhenUnlisted = resource === CPU || resource === MEMORY || resource === EPHEMERAL_STORAGE;
      this.checks.push({ resource, requested, column: pool.column(resource), unknownWhenUnlisted });
    }
    this.allowedPods = pool.column(PODS).allocatable;
  }

  /**
   * 0 (or '') when node `i` has room for the pod; otherwise a key that is equal for nodes short of
   * the same things. This runs for every node and every distinct pod, so it reads typed arrays and
   * allocates nothing (a pod checking more resources than a mask holds takes the slow path).
   */
  failureKey(i: number): number | string {
    if (this.checks.length > MASK_BITS) {
      const { tooManyPods, shortfall } = this.shortfallAt(i);
      return shortfall.length || tooManyPods ? `${tooManyPods}|${shortfall.map((s) => s.resource).join('|')}` : '';
    }
    // A node that does not list `pods` is NaN here, and the comparison is false: no limit known.
    let mask = this.pool.states[i]!.podCount + 1 > this.allowedPods[i]! ? 1 : 0;
    for (let r = 0; r < this.checks.length; r++) {
      const check = this.checks[r]!;
      let allocatable = check.column.allocatable[i]!;
      if (Number.isNaN(allocatable)) {
        if (check.unknownWhenUnlisted) continue;
        allocatable = 0;
      }
      if (check.requested > allocatable - check.column.requested[i]!) mask |= 2 << r;
    }
    return mask;
  }

  /** What node `i` lacks for the pod, resource by resource in the order of the pod's requests. */
  shortfallAt(i: number): { tooManyPods: boolean; shortfall: Shortfall[] } {
    const tooManyPods = this.pool.states[i]!.podCount + 1 > this.allowedPods[i]!;
    const shortfall: Shortfall[] = [];
    for (const { resource, requested, column, unknownWhenUnlisted } of this.checks) {
      const listed = column.allocatable[i]!;
      if (Number.isNaN(listed) && unknownWhenUnlisted) continue;
      const allocatable = Number.isNaN(listed) ? 0 : listed;
      const free = allocatable - column.requested[i]!;
      if (requested > free) shortfall.push({ resource, requested, free, allocatable });
    }
    return { tooManyPods, shortfall };
  }
}
