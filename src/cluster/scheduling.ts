/**
 * A pure re-implementation of the default kube-scheduler's filter checks, enough to say why a pod
 * fits no node in the scheduler's own words (pkg/scheduler/framework/plugins/*): NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit, VolumeBinding and InterPodAffinity, run in the
 * default profile's order, stopping at the first plugin that rejects a node (as the framework does).
 * NodePorts, PodTopologySpread, VolumeZone and volume limits are not modelled: when they are what
 * blocks a pod, the scheduler's own event says so and analyzers prefer it. One implementation serves
 * both the Pending analyzer (diagnose/) and the simulator's scheduler (sim/scheduler/), so that what
 * the simulator does and what the analyzers recompute cannot drift apart.
 *
 * It has to scale to thousands of nodes and pods (see ./node-pool.ts): the per-node sums
 * (allocatable minus what bound pods request) are built once per graph as typed arrays; the filters
 * that do not look at resources run once per class of identical nodes; fit results are cached per
 * pod "signature", so replicas of one template (and templates asking the same) cost one evaluation;
 * pod (anti-)affinity and volume checks run only for pods that have them.
 */
import type { ClusterGraph, Obj } from './graph.js';
import type { LabelSelector, Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from './objects.js';
import type {
  NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, PodSpec, Taint, Toleration,
} from 'kubernetes-types/core/v1.js';
import { formatCpu, readableBytes } from './quantity.js';
import { selectorMatches } from './selectors.js';
import {
  CPU, EPHEMERAL_STORAGE, filtersOn, MEMORY, NodePool, podRequests, ResourceFit,
  type NodeState, type ResourceColumn, type Resources, type Shortfall,
} from './node-pool.js';

export { amountOf, containerRequests, CPU, EPHEMERAL_STORAGE, MEMORY, podRequests } from './node-pool.js';
export type { NodeState, Resources } from './node-pool.js';

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

/** A resource amount as a person writes it: `250m`, `1.5Gi`, `2`. */
export function formatAmount(resource: string, value: number): string {
  if (resource === CPU) return formatCpu(value / 1000);
  if (resource === MEMORY || resource === EPHEMERAL_STORAGE || resource.startsWith('hugepages-')) return readableBytes(value);
  return String(value);
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
  return (node.spec?.taints ?? []).find((t) => filtersOn(t) && !tolerated(tolerations, t));
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
  for (const key in selector) {
    if (labels[key] !== selector[key]) return false;
  }
  return true;
}

/** The pod's requiredDuringSchedulingIgnoredDuringExecution node affinity, if it has one. */
export function requiredNodeAffinityMatches(spec: PodSpec | undefined, node: Obj<Node>): boolean {
  return nodeSelectorTermsMatch(spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, node);
}

/** NodeAffinity's filter: the nodeSelector and the required node affinity. */
function nodeAffinityMatches(spec: PodSpec, node: Obj<Node>): boolean {
  return nodeSelectorMatches(spec.nodeSelector, node) && requiredNodeAffinityMatches(spec, node);
}

/**
 * Whether the pod's nodeSelector or required node affinity reads something that differs between
 * nodes of one class (a per-host label, or the node's name): then NodeAffinity runs node by node.
 */
function readsPerHost(spec: PodSpec, perHostKeys: ReadonlySet<string>): boolean {
  for (const key in spec.nodeSelector) if (perHostKeys.has(key)) return true;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.some((t) => (t.matchFields?.length ?? 0) > 0 || (t.matchExpressions ?? []).some((e) => perHostKeys.has(e.key)));
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

/** Why one node turned the pod away: the first plugin that rejected it and its reasons. */
export interface NodeVerdict {
  node: NodeState;
  plugin: FilterPlugin;
  /** Shared by every node that gave the same answer: read, never change. */
  reasons: readonly string[];
  /** For NodeResourcesFit: what the pod asks against what is free, per insufficient resource. */
  shortfall?: Shortfall[];
  taint?: Taint;
}

/** The outcome of running the filters for a pod on every node. */
export interface FitResult {
  numNodes: number;
  /** A PreFilter rejection applies to every node: the scheduler then reports only it. */
  preFilter?: { reason: string; claim: string };
  /** Every node that turned the pod away, in node order: built on first read (thousands of objects). */
  readonly blocked: NodeVerdict[];
  fitting: NodeState[];
  requests: Resources;
  /** The blocked nodes' reasons with how many nodes gave each, in the order first met. */
  histogram: ReasonCount[];
  /** What the blocked nodes have of one resource, without building {@link blocked}. */
  shortage(resource: string): Shortage;
  /** The scheduler's FitError text (without the preemption part), e.g. `0/3 nodes are available: 3 Insufficient cpu.` */
  message: string;
}

/** One resource over the nodes that turned a pod away. */
export interface Shortage {
  /** How many of them lack it. */
  short: number;
  /** Those that lack it with the most free, most first: two at most. */
  mostFree: { node: NodeState; free: number; allocatable: number }[];
  /** The largest allocatable amount of it on any of them (0 when none lists it). */
  largestAllocatable: number;
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
  /** The nodes running pods of the group, with how many each runs. */
  nodeNames: Map<string, number>;
}

/** A per-node check of a plugin that only some pods need: the reason it rejects the node, if it does. */
type NodeCheck = (state: NodeState) => string | undefined;

/** One answer a filter gives, shared by every node that gives it. */
interface VerdictKind {
  plugin: FilterPlugin;
  reasons: readonly string[];
  /** NodeResourcesFit: the resources the node lacks. */
  short?: readonly string[];
}

/** The node passed every filter. */
const FITS = -1;

/** The distinct answers of one evaluation, numbered so that each node's answer is one integer. */
class VerdictKinds {
  readonly list: VerdictKind[] = [];
  private readonly byKey = new Map<string | number, number>();

  /** The number of the answer known by `key`, if it was seen. */
  known(key: string | number): number | undefined {
    return this.byKey.get(key);
  }

  add(key: string | number, kind: VerdictKind): number {
    this.list.push(kind);
    this.byKey.set(key, this.list.length - 1);
    return this.list.length - 1;
  }

  /** A plugin's answer with a single fixed reason. */
  single(plugin: FilterPlugin, reason: string): number {
    const key = `${plugin}|${reason}`;
    return this.known(key) ?? this.add(key, { plugin, reasons: [reason] });
  }
}

/**
 * One pod's filters against the nodes. Each node's answer is a number: FITS, or the index of a
 * {@link VerdictKind} shared by every node that gives the same answer, so that a pass over thousands
 * of nodes allocates nothing per node; the verdicts of {@link FitResult.blocked} are built only when
 * read.
 */
class Evaluation {
  private readonly kinds = new VerdictKinds();
  private readonly resources: ResourceFit;
  /** NodeAffinity reads something per host: it runs node by node instead of per class. */
  private readonly perNodeAffinity: boolean;
  /** The answer of NodeUnschedulable, TaintToleration and NodeAffinity, per class of nodes. */
  private readonly byClass: number[];

  constructor(
    private readonly pool: NodePool, private readonly spec: PodSpec, private readonly tolerations: Toleration[] | undefined,
    overrides: PodOverrides, private readonly requests: Resources, private readonly checks: readonly [FilterPlugin, NodeCheck][],
  ) {
    this.resources = new ResourceFit(pool, requests);
    this.perNodeAffinity = readsPerHost(spec, pool.perHostKeys);
    this.byClass = pool.classes.map(({ representative }) => this.classVerdict(representative, overrides));
  }

  /** The filters on these nodes, in their order. */
  over(nodes: readonly NodeState[]): FitResult {
    const verdicts = new Int32Array(this.pool.size).fill(FITS);
    const fitting: NodeState[] = [];
    const nodesPerKind: number[] = [];
    const kindsInOrder: number[] = [];
    for (let n = 0; n < nodes.length; n++) {
      const state = nodes[n]!;
      const kind = this.verdictOn(state);
      verdicts[state.index] = kind;
      if (kind === FITS) fitting.push(state);
      else if ((nodesPerKind[kind] = (nodesPerKind[kind] ?? 0) + 1) === 1) kindsInOrder.push(kind);
    }
    const histogram = histogramOf(this.kinds, kindsInOrder, nodesPerKind);
    const kindOf = (state: NodeState): VerdictKind => this.kinds.list[verdicts[state.index]!]!;
    const blockedStates = (): NodeState[] => nodes.filter((state) => verdicts[state.index] !== FITS);
    const verdictsOfBlocked = (): NodeVerdict[] => blockedStates().map((state) => this.nodeVerdict(state, kindOf(state)));
    let blocked: NodeVerdict[] | undefined;
    return {
      numNodes: this.pool.size, fitting, requests: this.requests, histogram, message: fitErrorMessage(this.pool.size, undefined, histogram),
      get blocked() {
        return (blocked ??= verdictsOfBlocked());
      },
      shortage: (resource) => shortageOf(this.pool.column(resource), blockedStates(), (state) => kindOf(state).short?.includes(resource) === true),
    };
  }

  /** The first filter in the default profile's order that rejects the node, or FITS. */
  private verdictOn(state: NodeState): number {
    let kind = this.byClass[this.pool.classOf[state.index]!]!;
    if (kind === FITS && this.perNodeAffinity && !nodeAffinityMatches(this.spec, state.node)) kind = this.kinds.single('NodeAffinity', REASON.nodeAffinity);
    if (kind === FITS) {
      const key = this.resources.failureKey(state.index);
      if (key !== 0 && key !== '') kind = this.kinds.known(key) ?? this.kinds.add(key, resourceKind(this.resources, state.index));
    }
    for (let c = 0; kind === FITS && c < this.checks.length; c++) {
      const [plugin, check] = this.checks[c]!;
      const reason = check(state);
      if (reason !== undefined) kind = this.kinds.single(plugin, reason);
    }
    return kind;
  }

  /** NodeUnschedulable, TaintToleration and NodeAffinity on one node standing for its class. */
  private classVerdict(state: NodeState, overrides: PodOverrides): number {
    if (!overrides.ignoreCordon && state.node.spec?.unschedulable === true
      && !tolerated(this.spec.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
      return this.kinds.single('NodeUnschedulable', REASON.unschedulable);
    }
    const taint = firstUntoleratedTaint(state.node, this.tolerations);
    if (taint) return this.kinds.single('TaintToleration', untoleratedTaintReason(taint));
    if (!this.perNodeAffinity && !nodeAffinityMatches(this.spec, state.node)) return this.kinds.single('NodeAffinity', REASON.nodeAffinity);
    return FITS;
  }

  /** One node's verdict in full, with what it lacks or the taint it carries. */
  private nodeVerdict(state: NodeState, kind: VerdictKind): NodeVerdict {
    const verdict: NodeVerdict = { node: state, plugin: kind.plugin, reasons: kind.reasons };
    if (kind.plugin === 'NodeResourcesFit') verdict.shortfall = this.resources.shortfallAt(state.index).shortfall;
    if (kind.plugin === 'TaintToleration') {
      // The node's own taint object: its class shares key, value and effect, not (say) timeAdded.
      const taint = firstUntoleratedTaint(state.node, this.tolerations);
      if (taint) verdict.taint = taint;
    }
    return verdict;
  }
}

const models = new WeakMap<ClusterGraph, SchedulingModel>();

/**
 * The scheduler's view of the cluster, built once per graph.
 * @example SchedulingModel.of(graph).fit(pod).message // '0/3 nodes are available: 3 Insufficient cpu.'
 */
export class SchedulingModel {
  private readonly pool: NodePool;
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
    const bound: Obj<Pod>[] = [];
    // Pods of nodes that are not in the input are still needed for pod (anti-)affinity: keep them.
    const pods = graph.pods();
    for (let i = 0; i < pods.length; i++) {
      const pod = pods[i]!;
      const nodeName = pod.spec?.nodeName;
      if (!nodeName || isTerminal(pod)) continue;
      bound.push(pod);
      this.countAntiAffinity(pod, nodeName, 1);
    }
    this.pool = new NodePool(graph.nodes(), bound);
    for (const state of this.pool.states) this.byName.set(state.name, state);
  }

  /**
   * Counts `pod` as bound to `nodeName`: its requests, its pod slot and its required anti-affinity,
   * as the real scheduler's cache assumes a pod it binds. Afterwards the model answers exactly for
   * pods whose filters read no other pod (no pod (anti-)affinity terms of their own, no volumes):
   * those read the pods of the graph, which does not change; rebuild the model for them.
   */
  assume(pod: Obj<Pod>, nodeName: string): void {
    const state = this.byName.get(nodeName);
    if (state) this.pool.assume(state.index, pod.spec);
    this.countAntiAffinity(pod, nodeName, 1);
    this.cache.clear();
  }

  /** Undoes {@link assume}, or the counting of a pod bound in the graph: it was deleted or finished. */
  forget(pod: Obj<Pod>, nodeName: string): void {
    const state = this.byName.get(nodeName);
    if (state) this.pool.forget(state.index, pod.spec);
    this.countAntiAffinity(pod, nodeName, -1);
    this.cache.clear();
  }

  /** Adds (1) or removes (-1) a bound pod's required anti-affinity terms in their groups. */
  private countAntiAffinity(pod: Obj<Pod>, nodeName: string, delta: 1 | -1): void {
    for (const term of pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
      const key = `${pod.metadata.namespace ?? ''}|${JSON.stringify(term)}`;
      let group = this.antiAffinityGroups.get(key);
      if (!group) {
        if (delta < 0) continue;
        this.antiAffinityGroups.set(key, (group = { pod, term, nodeNames: new Map() }));
      }
      const count = (group.nodeNames.get(nodeName) ?? 0) + delta;
      if (count > 0) group.nodeNames.set(nodeName, count);
      else group.nodeNames.delete(nodeName);
      if (group.nodeNames.size === 0) this.antiAffinityGroups.delete(key);
    }
  }

  /** Every node of the input, in input order. */
  get nodes(): readonly NodeState[] {
    return this.pool.states;
  }

  node(name: string): NodeState | undefined {
    return this.byName.get(name);
  }

  /** Runs the filters for a pod on every node. */
  fit(pod: Obj<Pod>, overrides: PodOverrides = {}): FitResult {
    const key = `${this.signature(pod)}|${JSON.stringify(overrides)}`;
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
    const key = `${this.signature(pod)}|${JSON.stringify(overrides)}|${names.join(',')}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.evaluate(pod, overrides, states);
      if (this.cache.size < 5_000) this.cache.set(key, result);
    }
    return result.fitting;
  }

  /**
   * Each node's answer is the first filter that rejects it, in the default profile's order:
   * NodeUnschedulable, TaintToleration, NodeAffinity (once per class of identical nodes), then
   * NodeResourcesFit, VolumeBinding and InterPodAffinity (per node): see {@link Evaluation}.
   */
  private evaluate(pod: Obj<Pod>, overrides: PodOverrides, only?: readonly NodeState[]): FitResult {
    const spec: PodSpec = {
      ...(pod.spec ?? { containers: [] }),
      ...(overrides.tolerations ? { tolerations: overrides.tolerations } : {}),
      ...(overrides.nodeSelector ? { nodeSelector: overrides.nodeSelector } : {}),
    };
    const requests = podRequests(spec);
    const numNodes = this.pool.size;
    const preFilter = this.volumePreFilter(pod);
    if (preFilter) {
      return {
        numNodes, preFilter, blocked: [], fitting: [], requests, histogram: [], message: fitErrorMessage(numNodes, preFilter.reason, []),
        shortage: () => ({ short: 0, mostFree: [], largestAllocatable: 0 }),
      };
    }
    // Uncordoning removes the taint the node controller derives from spec.unschedulable as well.
    const tolerations = overrides.ignoreCordon
      ? [...(spec.tolerations ?? []), { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]
      : spec.tolerations;
    const checks: [FilterPlugin, NodeCheck][] = [];
    const volumes = this.volumeCheck(pod);
    if (volumes) checks.push(['VolumeBinding', volumes]);
    const interPod = this.interPodCheck(pod, spec);
    if (interPod) checks.push(['InterPodAffinity', interPod]);
    return new Evaluation(this.pool, spec, tolerations, overrides, requests, checks).over(only ?? this.pool.states);
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
  private volumeCheck(pod: Obj<Pod>): NodeCheck | undefined {
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
    if (missing) return () => REASON.pvNotExist;
    if (pinned.length === 0) return undefined;
    return (state) => (pinned.every((terms) => nodeSelectorTermsMatch(terms, state.node)) ? undefined : REASON.volumeNodeConflict);
  }

  /** InterPodAffinity: required affinity, required anti-affinity, and existing pods' anti-affinity. */
  private interPodCheck(pod: Obj<Pod>, spec: PodSpec): NodeCheck | undefined {
    const affinityTerms = spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const antiTerms = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const affinityDomains = affinityTerms.map((term) => this.domainsOf(pod, term));
    // With no matching pod anywhere, a pod that matches its own affinity terms may start the group.
    const selfStart = affinityDomains.every((d) => d.size === 0)
      && affinityTerms.every((term) => termSelects(term.labelSelector, pod.metadata.labels) && this.termNamespaces(pod, term).has(pod.metadata.namespace ?? ''));
    const antiDomains = antiTerms.map((term) => this.domainsOf(pod, term));
    const forbidden = this.existingAntiAffinity(pod);
    if (affinityTerms.length === 0 && antiTerms.length === 0 && forbidden.length === 0) return undefined;
    return (state) => {
      const labels = state.node.metadata.labels ?? {};
      const affinityOk = affinityTerms.every((term, i) => {
        const value = labels[term.topologyKey];
        if (value === undefined) return false;
        return selfStart || affinityDomains[i]!.has(value);
      });
      if (!affinityOk) return REASON.podAffinity;
      const antiOk = antiTerms.every((term, i) => {
        const value = labels[term.topologyKey];
        return value === undefined || !antiDomains[i]!.has(value);
      });
      if (!antiOk) return REASON.podAntiAffinity;
      if (forbidden.some(([key, value]) => labels[key] === value)) return REASON.existingAntiAffinity;
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
      for (const nodeName of group.nodeNames.keys()) {
        const value = this.byName.get(nodeName)?.node.metadata.labels?.[group.term.topologyKey];
        if (value !== undefined) out.push([group.term.topologyKey, value]);
      }
    }
    return out;
  }

  /**
   * What the evaluation reads of a pod. Its namespace and labels matter only to pod (anti-)affinity
   * (its own terms, or existing pods' anti-affinity when any pod has some) and to its claims (looked
   * up in its namespace): without those, pods of different workloads that ask the same share one
   * evaluation.
   */
  private signature(pod: Obj<Pod>): string {
    const spec = pod.spec;
    const claims = spec?.volumes?.filter((v) => v.persistentVolumeClaim || v.ephemeral) ?? [];
    const podAffinity = (spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0
      || (spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0
      || this.antiAffinityGroups.size > 0;
    const placed = podAffinity || claims.length > 0;
    return JSON.stringify([
      placed ? pod.metadata.namespace : null, placed ? pod.metadata.labels : null,
      spec?.containers?.map((c) => c.resources), spec?.initContainers?.map((c) => [c.resources, c.restartPolicy]), spec?.overhead,
      spec?.nodeSelector, spec?.affinity, spec?.tolerations,
      claims.map((v) => [v.name, v.persistentVolumeClaim?.claimName]),
      pod.metadata.name && claims.some((v) => v.ephemeral) ? pod.metadata.name : '',
    ]);
  }
}

/** The answer of a node short of resources, read from the first node that gives it. */
function resourceKind(resources: ResourceFit, i: number): VerdictKind {
  const { tooManyPods, shortfall } = resources.shortfallAt(i);
  const reasons = shortfall.map((s) => insufficientReason(s.resource));
  if (tooManyPods) reasons.unshift(REASON.tooManyPods);
  return { plugin: 'NodeResourcesFit', reasons, short: shortfall.map((s) => s.resource) };
}

/** One resource over the blocked nodes, from the pool's columns (what {@link NodeVerdict.shortfall} says, without a verdict per node). */
function shortageOf(column: ResourceColumn, blocked: readonly NodeState[], lacks: (state: NodeState) => boolean): Shortage {
  type Entry = Shortage['mostFree'][number];
  let best: Entry | undefined;
  let second: Entry | undefined;
  let short = 0;
  let largestAllocatable = 0;
  for (const state of blocked) {
    const listed = column.allocatable[state.index]!;
    const allocatable = Number.isNaN(listed) ? 0 : listed;
    largestAllocatable = Math.max(largestAllocatable, allocatable);
    if (!lacks(state)) continue;
    short += 1;
    const free = allocatable - column.requested[state.index]!;
    // Ties keep the node met first.
    if (!best || free > best.free) [second, best] = [best, { node: state, free, allocatable }];
    else if (!second || free > second.free) second = { node: state, free, allocatable };
  }
  const mostFree = [best, second].filter((e): e is Entry => e !== undefined);
  return { short, mostFree, largestAllocatable };
}

/**
 * Each reason with how many blocked nodes gave it, in the order the nodes first gave it: the kinds
 * in the order first met, and each kind's reasons in its own order.
 */
function histogramOf(kinds: VerdictKinds, kindsInOrder: readonly number[], nodesPerKind: readonly number[]): ReasonCount[] {
  const counts = new Map<string, number>();
  for (const kind of kindsInOrder) {
    for (const reason of kinds.list[kind]!.reasons) counts.set(reason, (counts.get(reason) ?? 0) + nodesPerKind[kind]!);
  }
  return [...counts].map(([reason, count]) => ({ reason, count }));
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
