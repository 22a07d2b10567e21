/**
 * A pure re-implementation of the default kube-scheduler's filter checks, enough to say why a pod
 * fits no node in the scheduler's own words (pkg/scheduler/framework/plugins/*): NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit, VolumeBinding and InterPodAffinity, run in the
 * default profile's order, stopping at the first plugin that rejects a node (as the framework does).
 * NodePorts, PodTopologySpread, VolumeZone and volume limits are not modelled: when they are what
 * blocks a pod, the scheduler's own event says so and analyzers prefer it.
 *
 * The per-node sums (allocatable minus what bound pods request) are built once per graph; fit
 * results are cached per pod "signature", so twenty replicas of one template cost one evaluation.
 */
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import type { LabelSelector, Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../cluster/objects.js';
import type {
  Container, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, PodSpec, Taint, Toleration,
} from 'kubernetes-types/core/v1.js';
import { formatCpu, parseQuantity, readableBytes } from '../cluster/quantity.js';
import { selectorMatches } from '../cluster/selectors.js';

/** Resource amounts by name: cpu in millicores (sums stay exact), everything else in base units. */
export type Resources = Map<string, number>;

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
const PODS = 'pods';

/** The plugins modelled, in the default profile's filter order. */
export type FilterPlugin = 'VolumeBinding' | 'NodeUnschedulable' | 'TaintToleration' | 'NodeAffinity' | 'NodeResourcesFit' | 'InterPodAffinity';

/** Reasons exactly as the plugins word them. */
export const REASON = {
  unschedulable: 'node(s) were unschedulable',
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  tooManyPods: 'Too many pods',
  volumeNodeConflict: 'node(s) had volume node affinity conflict',
  pvNotExist: 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
  podAffinity: "node(s) didn't match pod affinity rules",
  podAntiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  unboundImmediate: 'pod has unbound immediate PersistentVolumeClaims',
  noNodes: 'no nodes available to schedule pods',
} as const;

/** TaintToleration's reason: `node(s) had untolerated taint {key: value}`. */
export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

/** NodeResourcesFit's reason for one resource: `Insufficient cpu`. */
export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`;
}

// ---------------------------------------------------------------------------------------------
// Requests

const quantityCache = new Map<string, number>();

/** A quantity in the units {@link Resources} use; unparseable text counts as 0. */
export function amountOf(resource: string, text: string | number | undefined): number {
  if (text === undefined) return 0;
  const key = `${resource}=${text}`;
  let value = quantityCache.get(key);
  if (value === undefined) {
    const parsed = parseQuantity(text) ?? 0;
    value = resource === CPU ? Math.round(parsed * 1000) : Math.round(parsed);
    if (quantityCache.size < 10_000) quantityCache.set(key, value);
  }
  return value;
}

/** A resource amount as a person writes it: `250m`, `1.5Gi`, `2`. */
export function formatAmount(resource: string, value: number): string {
  if (resource === CPU) return formatCpu(value / 1000);
  if (resource === MEMORY || resource === EPHEMERAL_STORAGE || resource.startsWith('hugepages-')) return readableBytes(value);
  return String(value);
}

function addInto(into: Resources, from: Resources): void {
  for (const [name, v] of from) into.set(name, (into.get(name) ?? 0) + v);
}

function maxInto(into: Resources, from: Resources): void {
  for (const [name, v] of from) into.set(name, Math.max(into.get(name) ?? 0, v));
}

/** A container's requests; a resource with only a limit requests the limit (API server defaulting). */
export function containerRequests(c: Container): Resources {
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

/** Adds a pod's requests to a node's sum; the common pod (no init containers, no overhead) without allocating. */
function addPodRequests(into: Resources, spec: PodSpec | undefined): void {
  if (!spec) return;
  if (spec.initContainers?.length || spec.overhead) {
    addInto(into, podRequests(spec));
    return;
  }
  for (const c of spec.containers ?? []) {
    const requests = c.resources?.requests;
    const limits = c.resources?.limits;
    for (const name in limits) {
      if (!requests || !(name in requests)) into.set(name, (into.get(name) ?? 0) + amountOf(name, limits[name]));
    }
    for (const name in requests) into.set(name, (into.get(name) ?? 0) + amountOf(name, requests[name]));
  }
}

/** `cpu=2, memory=3Gi`, in a stable order. */
export function formatResources(r: Resources): string {
  const order = (name: string): number => [CPU, MEMORY, EPHEMERAL_STORAGE].indexOf(name) >>> 0;
  return [...r.entries()].filter(([, v]) => v > 0).sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([name, v]) => `${name}=${formatAmount(name, v)}`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Matching rules

/** One toleration against one taint, as core/v1 Toleration.ToleratesTaint decides it. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '': case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    case 'Exists': return true;
    default: return false;
  }
}

/** Whether any of the tolerations tolerates the taint. */
export function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** Taints the scheduler filters on: NoSchedule and NoExecute (PreferNoSchedule only scores). */
export function firstUntoleratedTaint(node: Obj<Node>, tolerations: Toleration[] | undefined): Taint | undefined {
  return (node.spec?.taints ?? []).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerated(tolerations, t));
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0]!)) return false;
      return req.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default: return false;
  }
}

/** A node selector term: its expressions and fields ANDed; an empty term matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Obj<Node>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => requirementMatches(r, labels[r.key]))
    && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name));
}

/** Terms are ORed; no terms at all means no constraint. */
export function nodeSelectorTermsMatch(terms: NodeSelectorTerm[] | undefined, node: Obj<Node>): boolean {
  return terms === undefined || terms.some((t) => nodeSelectorTermMatches(t, node));
}

/** A pod's nodeSelector: every label equal on the node. */
export function nodeSelectorMatches(selector: Record<string, string> | undefined, node: Obj<Node>): boolean {
  const labels = node.metadata.labels ?? {};
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** The pod's requiredDuringSchedulingIgnoredDuringExecution node affinity, if it has one. */
export function requiredNodeAffinityMatches(spec: PodSpec | undefined, node: Obj<Node>): boolean {
  return nodeSelectorTermsMatch(spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, node);
}

/** A pod affinity term's selector: absent selects nothing, empty selects every pod. */
function termSelects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  if (!selector.matchLabels && !selector.matchExpressions?.length) return true;
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && !selector.matchExpressions?.length) return true;
  return selectorMatches(selector, labels);
}

// ---------------------------------------------------------------------------------------------
// The model

/** A node as the scheduler sees it: what it offers and what the pods bound to it request. */
export interface NodeState {
  node: Obj<Node>;
  name: string;
  /** Absent resources are unknown (incomplete input), not zero, except extended resources. */
  allocatable: Resources;
  requested: Resources;
  podCount: number;
}

/** Why one node turned the pod away: the first plugin that rejected it and its reasons. */
export interface NodeVerdict {
  node: NodeState;
  plugin: FilterPlugin;
  reasons: string[];
  /** For NodeResourcesFit: what the pod asks against what is free, per insufficient resource. */
  shortfall?: { resource: string; requested: number; free: number; allocatable: number }[];
  taint?: Taint;
}

/** The outcome of running the filters for a pod on every node. */
export interface FitResult {
  numNodes: number;
  /** A PreFilter rejection applies to every node: the scheduler then reports only it. */
  preFilter?: { reason: string; claim: string };
  blocked: NodeVerdict[];
  fitting: NodeState[];
  requests: Resources;
  /** The scheduler's FitError text (without the preemption part), e.g. `0/3 nodes are available: 3 Insufficient cpu.` */
  message: string;
}

/** What a proposed fix would change, to check that it would let the pod schedule. */
export interface PodOverrides {
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  /** Evaluate cordoned nodes as if they were schedulable. */
  ignoreCordon?: boolean;
}

/** Existing pods' required anti-affinity terms, grouped: replicas of one workload share one term. */
interface AntiAffinityGroup {
  /** A pod holding the term, for its namespace (the term's default scope). */
  pod: Obj<Pod>;
  term: PodAffinityTerm;
  nodeNames: Set<string>;
}

const models = new WeakMap<ClusterGraph, SchedulingModel>();

/**
 * The scheduler's view of the cluster, built once per graph.
 * @example SchedulingModel.of(graph).fit(pod).message // '0/3 nodes are available: 3 Insufficient cpu.'
 */
export class SchedulingModel {
  readonly nodes: NodeState[] = [];
  private readonly byName = new Map<string, NodeState>();
  private readonly antiAffinityGroups = new Map<string, AntiAffinityGroup>();
  private readonly cache = new Map<string, FitResult>();

  /** One model per graph, shared by every analyzer of one diagnosis. */
  static of(graph: ClusterGraph): SchedulingModel {
    let model = models.get(graph);
    if (!model) models.set(graph, (model = new SchedulingModel(graph)));
    return model;
  }

  private constructor(private readonly graph: ClusterGraph) {
    for (const node of graph.nodes()) {
      const status = node.status;
      const source = status?.allocatable ?? status?.capacity ?? {};
      const allocatable: Resources = new Map(Object.entries(source).map(([k, q]) => [k, amountOf(k, q)]));
      const state: NodeState = { node, name: node.metadata.name, allocatable, requested: new Map(), podCount: 0 };
      this.nodes.push(state);
      this.byName.set(state.name, state);
    }
    // Pods of nodes that are not in the input are still needed for pod (anti-)affinity: keep them.
    for (const pod of graph.pods()) {
      const nodeName = pod.spec?.nodeName;
      if (!nodeName || isTerminal(pod)) continue;
      const state = this.byName.get(nodeName);
      if (state) {
        state.podCount += 1;
        addPodRequests(state.requested, pod.spec);
      }
      for (const term of pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
        const key = `${pod.metadata.namespace ?? ''}|${JSON.stringify(term)}`;
        const group = this.antiAffinityGroups.get(key);
        if (group) group.nodeNames.add(nodeName);
        else this.antiAffinityGroups.set(key, { pod, term, nodeNames: new Set([nodeName]) });
      }
    }
  }

  node(name: string): NodeState | undefined {
    return this.byName.get(name);
  }

  /** Runs the filters for a pod on every node. */
  fit(pod: Obj<Pod>, overrides: PodOverrides = {}): FitResult {
    const key = `${signature(pod)}|${JSON.stringify(overrides)}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.evaluate(pod, overrides);
      if (this.cache.size < 5_000) this.cache.set(key, result);
    }
    return result;
  }

  /**
   * The named nodes on which the pod would fit, with overrides: cheaper than {@link fit} when only
   * a few nodes matter (the cordoned ones).
   */
  fitsOn(pod: Obj<Pod>, names: string[], overrides: PodOverrides = {}): NodeState[] {
    const states = names.map((n) => this.byName.get(n)).filter((s): s is NodeState => s !== undefined);
    const key = `${signature(pod)}|${JSON.stringify(overrides)}|${names.join(',')}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.evaluate(pod, overrides, states);
      if (this.cache.size < 5_000) this.cache.set(key, result);
    }
    return result.fitting;
  }

  private evaluate(pod: Obj<Pod>, overrides: PodOverrides, nodes: NodeState[] = this.nodes): FitResult {
    const spec: PodSpec = {
      ...(pod.spec ?? { containers: [] }),
      ...(overrides.tolerations ? { tolerations: overrides.tolerations } : {}),
      ...(overrides.nodeSelector ? { nodeSelector: overrides.nodeSelector } : {}),
    };
    const requests = podRequests(spec);
    const numNodes = this.nodes.length;
    const preFilter = this.volumePreFilter(pod);
    if (preFilter) {
      return { numNodes, preFilter, blocked: [], fitting: [], requests, message: fitErrorMessage(numNodes, preFilter.reason, []) };
    }
    const affinity = this.interPodContext(pod, spec);
    const volumes = this.volumeContext(pod);
    const blocked: NodeVerdict[] = [];
    const fitting: NodeState[] = [];
    for (const state of nodes) {
      const verdict = this.unschedulable(state, spec, overrides)
        ?? taintVerdict(state, spec, overrides)
        ?? affinityVerdict(state, spec)
        ?? resourceVerdict(state, requests)
        ?? volumes(state)
        ?? affinity(state);
      if (verdict) blocked.push(verdict);
      else fitting.push(state);
    }
    const counts = new Map<string, number>();
    for (const v of blocked) for (const r of v.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const histogram = [...counts].map(([reason, count]) => ({ reason, count }));
    return { numNodes, blocked, fitting, requests, message: fitErrorMessage(numNodes, undefined, histogram) };
  }

  private unschedulable(state: NodeState, spec: PodSpec, overrides: PodOverrides): NodeVerdict | undefined {
    if (overrides.ignoreCordon || state.node.spec?.unschedulable !== true) return undefined;
    if (tolerated(spec.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return undefined;
    return { node: state, plugin: 'NodeUnschedulable', reasons: [REASON.unschedulable] };
  }

  /** VolumeBinding's PreFilter: a missing claim, or an unbound claim whose class binds immediately. */
  private volumePreFilter(pod: Obj<Pod>): { reason: string; claim: string } | undefined {
    let unbound: string | undefined;
    const claimsInInput = this.graph.ofKind('PersistentVolumeClaim').length > 0;
    for (const { claimName, claim } of this.graph.claimsOf(pod)) {
      // An input without any claim did not collect them: a missing one says nothing then.
      if (!claim && !claimsInInput) continue;
      if (!claim) {
        const ephemeral = pod.spec?.volumes?.some((v) => v.ephemeral && `${pod.metadata.name}-${v.name}` === claimName);
        const reason = ephemeral
          ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${claimName}"`
          : `persistentvolumeclaim "${claimName}" not found`;
        return { reason, claim: claimName };
      }
      if (claim.metadata.deletionTimestamp) return { reason: `persistentvolumeclaim "${claimName}" is being deleted`, claim: claimName };
      if (!claim.spec?.volumeName && !isDelayBinding(this.graph, claim)) unbound ??= claimName;
    }
    return unbound ? { reason: REASON.unboundImmediate, claim: unbound } : undefined;
  }

  /** VolumeBinding's Filter for bound claims: the volume must exist and its node affinity admit the node. */
  private volumeContext(pod: Obj<Pod>): (state: NodeState) => NodeVerdict | undefined {
    let missing = false;
    const pinned: NodeSelectorTerm[][] = [];
    for (const { claim } of this.graph.claimsOf(pod)) {
      const volumeName = claim?.spec?.volumeName;
      if (!claim || !volumeName) continue;
      const pv = this.graph.get<PersistentVolume>('PersistentVolume', undefined, volumeName);
      // A missing volume counts only when the input holds volumes at all: otherwise it was not collected.
      if (!pv) missing ||= this.graph.ofKind('PersistentVolume').length > 0;
      else if (pv.spec?.nodeAffinity?.required?.nodeSelectorTerms) pinned.push(pv.spec.nodeAffinity.required.nodeSelectorTerms);
    }
    if (!missing && pinned.length === 0) return () => undefined;
    return (state) => {
      if (missing) return { node: state, plugin: 'VolumeBinding', reasons: [REASON.pvNotExist] };
      if (pinned.every((terms) => nodeSelectorTermsMatch(terms, state.node))) return undefined;
      return { node: state, plugin: 'VolumeBinding', reasons: [REASON.volumeNodeConflict] };
    };
  }

  /** InterPodAffinity: required affinity, required anti-affinity, and existing pods' anti-affinity. */
  private interPodContext(pod: Obj<Pod>, spec: PodSpec): (state: NodeState) => NodeVerdict | undefined {
    const affinityTerms = spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const antiTerms = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const affinityDomains = affinityTerms.map((term) => this.domainsOf(pod, term));
    // With no matching pod anywhere, a pod that matches its own affinity terms may start the group.
    const selfStart = affinityDomains.every((d) => d.size === 0)
      && affinityTerms.every((term) => termSelects(term.labelSelector, pod.metadata.labels) && this.termNamespaces(pod, term).has(pod.metadata.namespace ?? ''));
    const antiDomains = antiTerms.map((term) => this.domainsOf(pod, term));
    const forbidden = this.existingAntiAffinity(pod);
    if (affinityTerms.length === 0 && antiTerms.length === 0 && forbidden.length === 0) return () => undefined;
    return (state) => {
      const labels = state.node.metadata.labels ?? {};
      const affinityOk = affinityTerms.every((term, i) => {
        const value = labels[term.topologyKey];
        if (value === undefined) return false;
        return selfStart || affinityDomains[i]!.has(value);
      });
      if (!affinityOk) return { node: state, plugin: 'InterPodAffinity', reasons: [REASON.podAffinity] };
      const antiOk = antiTerms.every((term, i) => {
        const value = labels[term.topologyKey];
        return value === undefined || !antiDomains[i]!.has(value);
      });
      if (!antiOk) return { node: state, plugin: 'InterPodAffinity', reasons: [REASON.podAntiAffinity] };
      if (forbidden.some(([key, value]) => labels[key] === value)) {
        return { node: state, plugin: 'InterPodAffinity', reasons: [REASON.existingAntiAffinity] };
      }
      return undefined;
    };
  }

  /** The topology values (of `term.topologyKey`) of the nodes that run pods the term selects. */
  private domainsOf(pod: Obj<Pod>, term: PodAffinityTerm): Set<string> {
    const values = new Set<string>();
    for (const other of this.podsSelected(pod, term)) {
      const node = this.byName.get(other.spec?.nodeName ?? '');
      const value = node?.node.metadata.labels?.[term.topologyKey];
      if (value !== undefined) values.add(value);
    }
    return values;
  }

  private podsSelected(pod: Obj<Pod>, term: PodAffinityTerm): Obj<Pod>[] {
    const out: Obj<Pod>[] = [];
    const selector = term.labelSelector;
    if (!selector) return out;
    const emptySelector = Object.keys(selector.matchLabels ?? {}).length === 0 && !selector.matchExpressions?.length;
    for (const ns of this.termNamespaces(pod, term)) {
      const candidates = emptySelector ? this.graph.podsIn(ns) : this.graph.podsSelectedBy(selector, ns);
      for (const other of candidates) {
        if (other !== pod && other.spec?.nodeName && !isTerminal(other)) out.push(other);
      }
    }
    return out;
  }

  /** The namespaces a term covers: its list, its namespace selector, or the pod's own namespace. */
  private termNamespaces(pod: Obj<Pod>, term: PodAffinityTerm): Set<string> {
    const own = pod.metadata.namespace ?? '';
    if (!term.namespaces?.length && !term.namespaceSelector) return new Set([own]);
    const out = new Set(term.namespaces ?? []);
    if (term.namespaceSelector) {
      const namespaces = this.graph.ofKind('Namespace');
      if (namespaces.length === 0) out.add(own);
      for (const ns of namespaces) {
        if (termSelects(term.namespaceSelector, ns.metadata.labels)) out.add(ns.metadata.name);
      }
    }
    return out;
  }

  /** Topology pairs where an existing pod's required anti-affinity selects this pod. */
  private existingAntiAffinity(pod: Obj<Pod>): [string, string][] {
    const out: [string, string][] = [];
    for (const group of this.antiAffinityGroups.values()) {
      if (!termSelects(group.term.labelSelector, pod.metadata.labels)) continue;
      if (!this.termNamespaces(group.pod, group.term).has(pod.metadata.namespace ?? '')) continue;
      for (const nodeName of group.nodeNames) {
        const value = this.byName.get(nodeName)?.node.metadata.labels?.[group.term.topologyKey];
        if (value !== undefined) out.push([group.term.topologyKey, value]);
      }
    }
    return out;
  }
}

function taintVerdict(state: NodeState, spec: PodSpec, overrides: PodOverrides): NodeVerdict | undefined {
  // Uncordoning removes the taint the node controller derives from spec.unschedulable as well.
  const tolerations = overrides.ignoreCordon
    ? [...(spec.tolerations ?? []), { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]
    : spec.tolerations;
  const taint = firstUntoleratedTaint(state.node, tolerations);
  return taint ? { node: state, plugin: 'TaintToleration', reasons: [untoleratedTaintReason(taint)], taint } : undefined;
}

function affinityVerdict(state: NodeState, spec: PodSpec): NodeVerdict | undefined {
  if (nodeSelectorMatches(spec.nodeSelector, state.node) && requiredNodeAffinityMatches(spec, state.node)) return undefined;
  return { node: state, plugin: 'NodeAffinity', reasons: [REASON.nodeAffinity] };
}

/** NodeResourcesFit: the pod count first, then each requested resource against what is free. */
function resourceVerdict(state: NodeState, requests: Resources): NodeVerdict | undefined {
  const reasons: string[] = [];
  const shortfall: NonNullable<NodeVerdict['shortfall']> = [];
  const allowedPods = state.allocatable.get(PODS);
  if (allowedPods !== undefined && state.podCount + 1 > allowedPods) reasons.push(REASON.tooManyPods);
  for (const [resource, requested] of requests) {
    if (requested <= 0 || resource === PODS) continue;
    const allocatable = state.allocatable.get(resource);
    // cpu, memory and ephemeral storage absent from the input are unknown; an extended resource
    // absent from a node really is zero there.
    if (allocatable === undefined && [CPU, MEMORY, EPHEMERAL_STORAGE].includes(resource)) continue;
    const free = (allocatable ?? 0) - (state.requested.get(resource) ?? 0);
    if (requested > free) {
      reasons.push(insufficientReason(resource));
      shortfall.push({ resource, requested, free, allocatable: allocatable ?? 0 });
    }
  }
  return reasons.length ? { node: state, plugin: 'NodeResourcesFit', reasons, shortfall } : undefined;
}

/** WaitForFirstConsumer classes bind when a pod is scheduled; a missing class binds immediately. */
export function isDelayBinding(graph: ClusterGraph, claim: Obj<PersistentVolumeClaim>): boolean {
  const name = claim.spec?.storageClassName;
  if (name === '') return false;
  const cls = name ? graph.get<StorageClass>('StorageClass', undefined, name) : graph.defaultStorageClass();
  return cls?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** Succeeded or Failed: the scheduler no longer counts its requests on the node. */
export function isTerminal(pod: Obj<Pod>): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** A pod waiting for the scheduler: Pending, bound to no node, not being deleted. */
export function isUnscheduled(pod: Obj<Pod>): boolean {
  return pod.status?.phase === 'Pending' && !pod.spec?.nodeName && !pod.metadata.deletionTimestamp;
}

function signature(pod: Obj<Pod>): string {
  const spec = pod.spec;
  return JSON.stringify([
    pod.metadata.namespace, pod.metadata.labels,
    spec?.containers?.map((c) => c.resources), spec?.initContainers?.map((c) => [c.resources, c.restartPolicy]), spec?.overhead,
    spec?.nodeSelector, spec?.affinity, spec?.tolerations,
    spec?.volumes?.filter((v) => v.persistentVolumeClaim || v.ephemeral).map((v) => [v.name, v.persistentVolumeClaim?.claimName]),
    pod.metadata.name && spec?.volumes?.some((v) => v.ephemeral) ? pod.metadata.name : '',
  ]);
}

// ---------------------------------------------------------------------------------------------
// The scheduler's message

/** One entry of the FitError histogram: a reason and how many nodes gave it. */
export interface ReasonCount {
  reason: string;
  count: number;
}

/**
 * FitError.Error(): `0/N nodes are available: <PreFilter message>.` or the histogram of filter
 * reasons, each `<count> <reason>`, sorted as strings and joined by `, `, ending with a period.
 * @example fitErrorMessage(3, undefined, [{ reason: 'Insufficient cpu', count: 3 }]) // '0/3 nodes are available: 3 Insufficient cpu.'
 */
export function fitErrorMessage(numNodes: number, preFilter: string | undefined, reasons: ReasonCount[]): string {
  if (numNodes === 0 && !preFilter) return REASON.noNodes;
  let message = `0/${numNodes} nodes are available:`;
  if (preFilter) return `${message} ${preFilter}.`;
  const histogram = reasons.map((r) => `${r.count} ${r.reason}`).sort(byteOrder);
  if (histogram.length) message += ` ${histogram.join(', ')}.`;
  return message;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A FailedScheduling message read back into its parts. */
export interface ParsedFitError {
  numNodes: number;
  /** Filter reasons with their node counts; a PreFilter message counts for every node. */
  reasons: ReasonCount[];
  /** The message without its `preemption: ...` tail. */
  main: string;
}

/**
 * Reads a FailedScheduling message back into reasons. Handles the `preemption:` tail, older
 * wording (`node(s) had taint {k: v}, that the pod didn't tolerate`) and the message of a cluster
 * without nodes.
 * @example parseFitError('0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: ...')
 */
export function parseFitError(message: string): ParsedFitError | undefined {
  const text = message.trim();
  if (text.startsWith(REASON.noNodes)) return { numNodes: 0, reasons: [{ reason: REASON.noNodes, count: 0 }], main: REASON.noNodes };
  const m = /^0\/(\d+) nodes are available:\s*([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  const numNodes = Number(m[1]);
  if (numNodes === 0) return { numNodes, reasons: [{ reason: REASON.noNodes, count: 0 }], main: text.replace(/\s*preemption:[\s\S]*$/, '') };
  let body = m[2]!;
  const tail = body.search(/\s*(?:no new claims to deallocate,\s*)?preemption:/);
  if (tail >= 0) body = body.slice(0, tail);
  body = body.trim().replace(/\.+$/, '');
  const reasons: ReasonCount[] = [];
  for (const sentence of body.split(/\.\s+/)) {
    for (const item of sentence.split(/,\s+(?=\d+\s)/)) {
      const part = item.trim();
      if (!part) continue;
      const counted = /^(\d+)\s+(.+)$/.exec(part);
      if (counted) reasons.push({ reason: counted[2]!.trim(), count: Number(counted[1]) });
      else reasons.push({ reason: part, count: numNodes });
    }
  }
  return { numNodes, reasons, main: `0/${numNodes} nodes are available: ${body}.` };
}
