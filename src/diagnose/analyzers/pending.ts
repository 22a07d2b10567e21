/**
 * Pending: pods the scheduler cannot place, and workloads whose pods a ResourceQuota forbids.
 *
 * For an unscheduled pod the analyzer reads what the scheduler said (the newest FailedScheduling
 * event, else the PodScheduled condition) and recomputes the same decision from the objects (see
 * ../scheduling.ts). Agreement gives high confidence; when only the scheduler's text is there
 * (describe text of a pod, no nodes in the input) its reasons are parsed and used; when the two
 * disagree the scheduler's word wins (it is what the scheduler saw) with lower confidence.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { CoreEvent, ObjectRef, PersistentVolumeClaim, Pod, ResourceQuota } from '../../cluster/objects.js';
import type { Toleration } from 'kubernetes-types/core/v1.js';
import { keyOf, refOf } from '../../cluster/objects.js';
import { secondsSince } from '../../cluster/time.js';
import { finding, type Analyzer } from '../analyzer.js';
import { controllerOf, failureIsCurrent, latestCreateFailures } from '../create-failures.js';
import { eventEvidence, eventsWithReason, nodeEvidence, specEvidence, statusEvidence } from '../evidence.js';
import type { Category, Evidence, Finding, Severity } from '../finding.js';
import { patchPodSpec, TEMPLATED_KINDS } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { hasRunningReadyPod, podCondition, troubledPods } from '../pod-state.js';
import {
  formatAmount, formatResources, isUnscheduled, nodeSelectorMatches, parseFitError, REASON, requiredNodeAffinityMatches, SchedulingModel,
  type FitResult, type NodeVerdict, type ParsedFitError, type ReasonCount,
} from '../../cluster/scheduling.js';

type PendingCategory = Category<'Pending'>;

/** A pod younger than this without a scheduler verdict is still being scheduled. */
const SETTLE_SECONDS = 60;
/** Without any word from the scheduler, a pod this old that would fit points at the scheduler itself. */
const SILENT_SCHEDULER_SECONDS = 300;
/** Taints that mark a node's role: expected to repel ordinary pods, never the reason to act on. */
const ROLE_TAINT = /^node-role\.kubernetes\.io\/(control-plane|master)$/;
/** Taints the node lifecycle controller and kubelet set: the node's health is the cause. */
const HEALTH_TAINT = /^node\.kubernetes\.io\//;

/** Lower is preferred on ties: what a user would fix first. */
const TIE_RANK: Record<PendingCategory, number> = {
  'insufficient-cpu': 0, 'insufficient-memory': 0, 'insufficient-ephemeral-storage': 0, 'insufficient-extended-resource': 0,
  'too-many-pods': 0, 'pvc-unbound': 1, 'node-selector-mismatch': 2, 'affinity-mismatch': 2, 'taint-not-tolerated': 3,
  'quota-exceeded': 4, 'no-nodes': 5, unknown: 6,
};

export const pendingAnalyzer: Analyzer = {
  mode: 'Pending',
  description: 'Pods the scheduler cannot place (resources, taints, selectors, affinity, unbound claims, pod limits) and workloads a ResourceQuota blocks, in the scheduler\'s own terms.',
  analyze(graph) {
    const context = new PendingContext(graph);
    const findings: Finding[] = [];
    for (const pod of troubledPods(graph)) {
      if (!isUnscheduled(pod)) continue;
      const f = analyzePod(context, pod);
      if (f) findings.push(f);
    }
    findings.push(...quotaFindings(graph));
    return findings;
  },
};

/**
 * Answers derived from a recomputation or from the whole graph are computed once and shared by
 * every replica that asks (twenty replicas of one template share one FitResult).
 */
const memos = new WeakMap<object, Map<string, unknown>>();

function memo<T>(owner: object, key: string, build: () => T): T {
  let map = memos.get(owner);
  if (!map) memos.set(owner, (map = new Map()));
  if (!map.has(key)) map.set(key, build());
  return map.get(key) as T;
}

// ---------------------------------------------------------------------------------------------
// Unscheduled pods

/** What the analysis of one pod shares with the others: the model and per-workload answers. */
class PendingContext {
  private modelCache: SchedulingModel | undefined;
  private readonly running = new Map<string, boolean>();
  private readonly fixes = new Map<string, ActionPlan[]>();
  private readonly placements = new Map<string, { selectorWorks: boolean; selectorIsTheBlock: boolean }>();

  constructor(readonly graph: ClusterGraph) {}

  /** The recomputation needs nodes; describe text of a lone pod has none. */
  model(): SchedulingModel | undefined {
    if (this.graph.nodes().length === 0) return undefined;
    return (this.modelCache ??= SchedulingModel.of(this.graph));
  }

  /** Whether any replica of the workload runs and is ready, asked once per workload. */
  anyReplicaRuns(workload: ObjectRef): boolean {
    const key = keyOf(workload);
    let runs = this.running.get(key);
    if (runs === undefined) this.running.set(key, (runs = hasRunningReadyPod(this.graph, workload)));
    return runs;
  }

  /**
   * Whether some node satisfies the pod's nodeSelector and required node affinity, and whether
   * the nodeSelector alone already matches no node: asked once per distinct placement spec.
   */
  placement(pod: Obj<Pod>): { selectorWorks: boolean; selectorIsTheBlock: boolean } {
    const key = JSON.stringify([pod.spec?.nodeSelector, pod.spec?.affinity?.nodeAffinity]);
    let answer = this.placements.get(key);
    if (!answer) {
      const nodes = this.graph.nodes();
      const selector = pod.spec?.nodeSelector ?? {};
      const hasSelector = Object.keys(selector).length > 0;
      answer = {
        selectorWorks: nodes.some((n) => nodeSelectorMatches(pod.spec?.nodeSelector, n) && requiredNodeAffinityMatches(pod.spec, n)),
        // NodeAffinity reports selector and required affinity alike: the selector is the block when no node carries all its labels.
        selectorIsTheBlock: hasSelector && (nodes.length === 0 || !nodes.some((n) => nodeSelectorMatches(selector, n))),
      };
      this.placements.set(key, answer);
    }
    return answer;
  }

  fixesFor(key: string, build: () => ActionPlan[]): ActionPlan[] {
    let plans = this.fixes.get(key);
    if (!plans) this.fixes.set(key, (plans = build()));
    return plans;
  }
}

/** What the scheduler said about the pod, newest first: its event, else its PodScheduled condition. */
interface SchedulerWord {
  text: string;
  evidence: Evidence;
  parsed?: ParsedFitError;
}

function schedulerWord(graph: ClusterGraph, pod: Obj<Pod>): SchedulerWord | undefined {
  const event = eventsWithReason(graph, refOf(pod), ['FailedScheduling']).at(-1);
  if (event?.message) return withParsed({ text: event.message, evidence: eventEvidence(event) });
  const cond = podCondition(pod, 'PodScheduled');
  if (cond?.status === 'False' && cond.message) {
    const quote = `PodScheduled=False, Reason: ${cond.reason ?? '<none>'}, Message: ${cond.message}`;
    return withParsed({ text: cond.message, evidence: statusEvidence(pod, 'status.conditions[PodScheduled]', quote) });
  }
  return undefined;
}

function withParsed(word: SchedulerWord): SchedulerWord {
  const parsed = parseFitError(word.text);
  return parsed ? { ...word, parsed } : word;
}

/** How the category was reached, which sets the confidence and the wording. */
type Basis = 'agree' | 'event-only' | 'disagree' | 'recomputed-only' | 'silent';

interface Decision {
  category: PendingCategory;
  reasons: ReasonCount[];
  basis: Basis;
  note: string;
}

function analyzePod(context: PendingContext, pod: Obj<Pod>): Finding | undefined {
  const { graph } = context;
  if (pod.spec?.schedulingGates?.length) return undefined;
  const word = schedulerWord(graph, pod);
  const age = secondsSince(pod.metadata.creationTimestamp, graph.now);
  if (!word && (age === undefined || age < SETTLE_SECONDS)) return undefined;
  const fit = context.model()?.fit(pod);
  const decision = decide(context, pod, word, fit, age);
  if (!decision) return undefined;
  return buildFinding(context, pod, word, fit, decision);
}

function decide(context: PendingContext, pod: Obj<Pod>, word: SchedulerWord | undefined, fit: FitResult | undefined, age: number | undefined): Decision | undefined {
  const computed = fit ? reasonsOf(fit) : undefined;
  if (!word) {
    if (!fit || !computed) return undefined;
    if (fit.fitting.length > 0) {
      if (age === undefined || age < SILENT_SCHEDULER_SECONDS) return undefined;
      const scheduler = pod.spec?.schedulerName ?? 'default-scheduler';
      return {
        category: 'unknown', reasons: [], basis: 'silent',
        note: `No scheduler has acted on it in ${Math.round(age / 60)} minutes, yet ${fit.fitting.length} node(s) could take it by the objects' numbers: check that the scheduler "${scheduler}" (spec.schedulerName) is running.`,
      };
    }
    return { category: dominant(context, pod, computed), reasons: computed, basis: 'recomputed-only', note: `Recomputed from the objects (the scheduler has not reported yet): ${fit.message}` };
  }
  const said = word.parsed?.reasons ?? reasonsFromText(word.text);
  if (!said.length) {
    if (computed?.length && !fit?.fitting.length) return { category: dominant(context, pod, computed), reasons: computed, basis: 'recomputed-only', note: `The scheduler's message does not list node reasons; recomputed from the objects: ${fit!.message}` };
    return { category: 'unknown', reasons: [], basis: 'event-only', note: 'The scheduler\'s message names no reason this analysis knows.' };
  }
  const category = dominant(context, pod, said);
  if (!fit || !computed || !word.parsed || word.parsed.numNodes !== fit.numNodes) {
    const partial = fit && word.parsed && word.parsed.numNodes !== fit.numNodes
      ? ` The input holds ${fit.numNodes} of the ${word.parsed.numNodes} nodes the scheduler saw, so the scheduler's count is used.` : '';
    return { category, reasons: said, basis: 'event-only', note: `Read from the scheduler's message.${partial}` };
  }
  if (fit.fitting.length > 0) {
    return {
      category, reasons: said, basis: 'disagree',
      note: `By the objects' numbers ${fit.fitting.map((n) => n.name).slice(0, 3).join(', ')} could take it now (the cluster may have changed since, or the scheduler counts pods the input lacks); the scheduler's reasons are used.`,
    };
  }
  const recomputedCategory = dominant(context, pod, computed);
  if (recomputedCategory === category) {
    const same = fit.message === word.parsed.main;
    return { category, reasons: computed, basis: 'agree', note: same ? 'Recomputing from the objects gives the same message.' : `Recomputing from the objects agrees on the cause: ${fit.message}` };
  }
  return { category, reasons: said, basis: 'disagree', note: `Recomputing from the objects gives "${fit.message}", which points elsewhere; the scheduler's reasons are used.` };
}

/** A scheduler message that is not a FitError (PreBind errors, volume waits) still names its area. */
function reasonsFromText(text: string): ReasonCount[] {
  if (/PersistentVolumeClaim|persistentvolumeclaim|VolumeBinding|binding volumes/.test(text)) return [{ reason: text, count: 1 }];
  return [];
}

/** The reason histogram of a recomputation. */
function reasonsOf(fit: FitResult): ReasonCount[] {
  return fit.preFilter ? memo(fit, 'reasons', () => [{ reason: fit.preFilter!.reason, count: fit.numNodes }]) : fit.histogram;
}

/**
 * The category that blocks the most nodes (summed over its reasons). What blocks nodes by design
 * decides only when nothing else blocks: role taints on control-plane nodes, and a node selector
 * or affinity that some node does satisfy (the pod is aimed at a pool; why that pool refuses it is
 * the cause). On ties, the category a user would fix first wins (resources before taints).
 */
function dominant(context: PendingContext, pod: Obj<Pod>, reasons: ReasonCount[]): PendingCategory {
  const weights = new Map<PendingCategory, number>();
  const placement = reasons.some((r) => r.reason === REASON.nodeAffinity) ? context.placement(pod) : undefined;
  // A selector that some node satisfies works as meant: the nodes it excludes are not the problem.
  const byDesign = (r: ReasonCount): boolean => ROLE_TAINT.test(taintKeyOf(r.reason) ?? '') || (placement?.selectorWorks === true && r.reason === REASON.nodeAffinity);
  const onlyByDesign = reasons.every(byDesign);
  for (const r of reasons) {
    const category = categoryOf(context, pod, r.reason);
    const weight = byDesign(r) && !onlyByDesign ? 0 : Math.max(r.count, 1);
    weights.set(category, (weights.get(category) ?? 0) + weight);
  }
  let best: PendingCategory = 'unknown';
  let bestWeight = -1;
  for (const [category, weight] of weights) {
    if (weight > bestWeight || (weight === bestWeight && TIE_RANK[category] < TIE_RANK[best])) {
      best = category;
      bestWeight = weight;
    }
  }
  return best;
}

function categoryOf(context: PendingContext, pod: Obj<Pod>, reason: string): PendingCategory {
  if (reason === 'Insufficient cpu') return 'insufficient-cpu';
  if (reason === 'Insufficient memory') return 'insufficient-memory';
  if (reason === 'Insufficient ephemeral-storage') return 'insufficient-ephemeral-storage';
  if (reason.startsWith('Insufficient ')) return 'insufficient-extended-resource';
  if (reason === REASON.tooManyPods) return 'too-many-pods';
  if (/taint/.test(reason)) return 'taint-not-tolerated';
  if (reason === REASON.nodeAffinity || /node selector/.test(reason)) return context.placement(pod).selectorIsTheBlock ? 'node-selector-mismatch' : 'affinity-mismatch';
  if (/affinity|topology spread/.test(reason)) return 'affinity-mismatch';
  if (/persistentvolumeclaim|persistent volume|pvc|binding volumes|volumebinding/i.test(reason)) return 'pvc-unbound';
  if (reason === REASON.unschedulable || reason === REASON.noNodes) return 'no-nodes';
  return 'unknown';
}

function taintKeyOf(reason: string): string | undefined {
  return /taint \{([^:}]*):/.exec(reason)?.[1];
}

// ---------------------------------------------------------------------------------------------
// The finding

const CONFIDENCE: Record<Basis, number> = { agree: 0.95, 'event-only': 0.85, 'recomputed-only': 0.7, disagree: 0.65, silent: 0.4 };

function buildFinding(context: PendingContext, pod: Obj<Pod>, word: SchedulerWord | undefined, fit: FitResult | undefined, decision: Decision): Finding {
  const { graph } = context;
  const workload = graph.workloadOf(pod);
  const { category } = decision;
  const evidence: Evidence[] = [];
  if (word) evidence.push(word.evidence);
  const detail = categoryDetail(graph, pod, category, fit, decision.reasons);
  evidence.push(...detail.evidence);
  const scaleUp = eventsWithReason(graph, refOf(pod), ['NotTriggerScaleUp']).at(-1);
  if (scaleUp) evidence.push(eventEvidence(scaleUp));
  if (evidence.length === 0) evidence.push(statusEvidence(pod, 'status.phase', 'Pending'));

  const nominated = pod.status?.nominatedNodeName;
  let severity: Severity = context.anyReplicaRuns(workload) ? 'warning' : 'critical';
  let confidence = CONFIDENCE[decision.basis];
  let prefix = '';
  if (nominated) {
    // Preemption is under way: the scheduler has chosen a node and is waiting for victims to leave.
    severity = 'info';
    confidence *= 0.7;
    prefix = `Preemption is under way (nominated node ${nominated}). `;
  }
  const said = word ? `The scheduler says "${word.parsed?.main ?? word.text}" ` : '';
  const explanation = `${prefix}Pod ${pod.metadata.name} cannot be scheduled. ${said}${detail.text} ${decision.note}`.trim();
  const fixes = category === 'unknown' || nominated ? [] : proposeFixes(context, pod, workload, category, fit);
  return finding({
    mode: 'Pending', category, subject: refOf(pod), explanation, evidence: evidence.slice(0, 8), confidence, severity, fixes,
    culprit: detail.culprit ?? workload, ...(detail.related.length ? { related: detail.related } : {}),
  });
}

interface Detail {
  text: string;
  evidence: Evidence[];
  culprit?: ObjectRef;
  related: ObjectRef[];
}

function categoryDetail(graph: ClusterGraph, pod: Obj<Pod>, category: PendingCategory, fit: FitResult | undefined, reasons: ReasonCount[]): Detail {
  switch (category) {
    case 'insufficient-cpu': return resourceDetail(pod, fit, 'cpu');
    case 'insufficient-memory': return resourceDetail(pod, fit, 'memory');
    case 'insufficient-ephemeral-storage': return resourceDetail(pod, fit, 'ephemeral-storage');
    case 'insufficient-extended-resource': {
      const name = reasons.map((r) => r.reason).find((r) => r.startsWith('Insufficient ') && !/^Insufficient (cpu|memory|ephemeral-storage)$/.test(r));
      return resourceDetail(pod, fit, name?.slice('Insufficient '.length) ?? '');
    }
    case 'too-many-pods': return tooManyPodsDetail(fit);
    case 'taint-not-tolerated': return taintDetail(graph, pod, fit, reasons);
    case 'node-selector-mismatch': return selectorDetail(graph, pod);
    case 'affinity-mismatch': return affinityDetail(pod, fit, reasons);
    case 'pvc-unbound': return claimDetail(graph, pod, fit);
    case 'no-nodes': return noNodesDetail(graph, fit);
    default: return { text: '', evidence: [], related: [] };
  }
}

function requestsEvidence(pod: Obj<Pod>, fit: FitResult | undefined, resource?: string): Evidence[] {
  const out: Evidence[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const requests = c.resources?.requests ?? {};
    if (resource && requests[resource] === undefined && c.resources?.limits?.[resource] === undefined) continue;
    if (Object.keys(requests).length === 0) continue;
    const quote = `requests: ${Object.entries(requests).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    out.push(specEvidence(pod, `spec.containers[${c.name}].resources.requests`, quote));
  }
  if (out.length === 0 && fit) {
    const total = formatResources(fit.requests);
    if (total) out.push(specEvidence(pod, 'spec.containers[*].resources', `requests: ${total}`));
  }
  return out.slice(0, 3);
}

function resourceDetail(pod: Obj<Pod>, fit: FitResult | undefined, resource: string): Detail {
  const evidence = requestsEvidence(pod, fit, resource);
  const shared = fit ? capacityView(fit, resource) : undefined;
  if (!shared) {
    return { text: `The pod requests more ${resource} than the nodes have free. Add capacity (a bigger or another node) or lower the request once the pod's real usage is known.`, evidence, related: [] };
  }
  return { text: shared.text, evidence: [...evidence, ...shared.evidence], related: [] };
}

/** What the nodes have free of one resource against the request. */
function capacityView(fit: FitResult, resource: string): { text: string; evidence: Evidence[] } | undefined {
  return memo(fit, `capacity|${resource}`, () => buildCapacityView(fit, resource));
}

function buildCapacityView(fit: FitResult, resource: string): { text: string; evidence: Evidence[] } | undefined {
  const requested = fit.requests.get(resource);
  const { short, mostFree, largestAllocatable } = fit.shortage(resource);
  const best = mostFree[0];
  if (requested === undefined || !best) return undefined;
  const evidence = mostFree.map((e) => nodeEvidence(e.node.node, `status.allocatable.${resource}`,
    `allocatable ${resource}: ${formatAmount(resource, e.allocatable)}, requested by ${e.node.podCount} pods: ${formatAmount(resource, e.allocatable - e.free)}, free: ${formatAmount(resource, Math.max(0, e.free))}`));
  const never = requested > largestAllocatable
    ? ` No node has that much allocatable ${resource} at all (largest: ${formatAmount(resource, largestAllocatable)}): it cannot fit until bigger nodes join or the request shrinks.`
    : ' Free capacity (scale the node pool, or move or shrink other workloads) or lower the request once the pod\'s real usage is known.';
  const text = `It requests ${formatAmount(resource, requested)} ${resource}; ${short} node(s) lack it, the most free being ${formatAmount(resource, Math.max(0, best.free))} on ${best.node.name}.${never}`;
  return { text, evidence };
}

function tooManyPodsDetail(fit: FitResult | undefined): Detail {
  const full = (fit?.blocked ?? []).filter((v) => v.reasons.includes(REASON.tooManyPods));
  const evidence = full.slice(0, 2).map((v) => nodeEvidence(v.node.node, 'status.allocatable.pods', `allocatable pods: ${v.node.allocatable.get('pods')}, running: ${v.node.podCount}`));
  return { text: 'The nodes hold as many pods as their kubelet allows (allocatable pods); more nodes or a higher max-pods are needed.', evidence, related: [] };
}

function taintDetail(graph: ClusterGraph, pod: Obj<Pod>, fit: FitResult | undefined, reasons: ReasonCount[]): Detail {
  const fromNodes = fit ? taintedNodes(fit) : { evidence: [], keys: [] };
  const keys = new Set(fromNodes.keys);
  for (const r of reasons) {
    const key = taintKeyOf(r.reason);
    if (key !== undefined && !ROLE_TAINT.test(key)) keys.add(key);
  }
  const healthKeys = [...keys].filter((k) => HEALTH_TAINT.test(k)).sort();
  const related = healthKeys.length ? memo(graph, `health|${healthKeys.join(',')}`, () => graph.nodes()
    .filter((node) => node.spec?.taints?.some((t) => healthKeys.includes(t.key))).slice(0, 20).map(refOf)) : [];
  // The two NoExecute tolerations admission adds to every pod say nothing about this pod.
  const tolerations = (pod.spec?.tolerations ?? []).filter((t) => !isAdmissionDefault(t));
  const evidence = [...fromNodes.evidence,
    specEvidence(pod, 'spec.tolerations', tolerations.length ? tolerations.map(tolerationText).join('; ') : '<none> (besides the not-ready/unreachable defaults)')];
  const what = keys.size ? [...keys].map((k) => `"${k}"`).join(', ') : 'their';
  const text = healthKeys.length
    ? `The nodes that could take it carry ${what} taint(s), set because the node is unhealthy: the node's condition is the cause, not the pod.`
    : `The nodes carry ${what} taint(s) the pod does not tolerate: add a matching toleration if the pod belongs there, or schedule it on untainted nodes.`;
  return { text, evidence, related };
}

/** The taints that turned nodes away (role taints only when nothing else did). */
function taintedNodes(fit: FitResult): { evidence: Evidence[]; keys: string[] } {
  return memo(fit, 'taints', () => {
    const tainted = fit.blocked.filter((v) => v.taint && !ROLE_TAINT.test(v.taint.key));
    const verdicts = tainted.length ? tainted : fit.blocked.filter((v) => v.taint);
    return {
      evidence: verdicts.slice(0, 3).map((v) => nodeEvidence(v.node.node, 'spec.taints', taintText(v.taint!))),
      keys: [...new Set(verdicts.map((v) => v.taint!.key))],
    };
  });
}

function taintText(t: { key: string; value?: string; effect: string }): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

function isAdmissionDefault(t: Toleration): boolean {
  return (t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable')
    && t.operator === 'Exists' && t.effect === 'NoExecute' && t.tolerationSeconds === 300;
}

function tolerationText(t: Toleration): string {
  const op = t.operator ?? 'Equal';
  return `${t.key ?? '<all keys>'}${op === 'Equal' ? `=${t.value ?? ''}` : ''}${t.effect ? `:${t.effect}` : ''} op=${op}`;
}

function selectorDetail(graph: ClusterGraph, pod: Obj<Pod>): Detail {
  const selector = pod.spec?.nodeSelector ?? {};
  const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  const evidence = [specEvidence(pod, 'spec.nodeSelector', text)];
  const nodesSay = memo(graph, `labels|${text}`, () => {
    const seen = new Map<string, Set<string>>();
    for (const node of graph.nodes()) {
      for (const key of Object.keys(selector)) {
        const value = node.metadata.labels?.[key];
        if (value === undefined) continue;
        let set = seen.get(key);
        if (!set) seen.set(key, (set = new Set()));
        if (set.size < 10) set.add(value);
      }
    }
    const found = [...seen].map(([k, values]) => `${k} in {${[...values].join(', ')}}`).join('; ');
    if (graph.nodes().length === 0) return '';
    return found ? ` Nodes carry ${found}.` : ' No node carries these label keys at all.';
  });
  return { text: `No node carries every label of its nodeSelector ${text}.${nodesSay}`, evidence, related: [] };
}

function affinityDetail(pod: Obj<Pod>, fit: FitResult | undefined, reasons: ReasonCount[]): Detail {
  const evidence: Evidence[] = [];
  const spec = pod.spec?.affinity;
  const anti = spec?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const nodeTerms = spec?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const has = (r: string): boolean => reasons.some((x) => x.reason === r);
  if (has(REASON.podAntiAffinity) && anti.length) {
    const term = anti[0]!;
    evidence.push(specEvidence(pod, 'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution',
      `topologyKey: ${term.topologyKey}, labelSelector: ${JSON.stringify(term.labelSelector ?? {})}`));
    const blocked = (fit?.blocked ?? []).filter((v) => v.reasons.includes(REASON.podAntiAffinity)).length;
    const hostname = term.topologyKey === 'kubernetes.io/hostname';
    const text = hostname
      ? `Its required pod anti-affinity allows one matching pod per node, and ${blocked || 'every eligible'} node(s) already run one: there are more replicas than eligible nodes. Add nodes, lower the replica count, or relax the rule to preferredDuringScheduling.`
      : `Its required pod anti-affinity on ${term.topologyKey} excludes every topology domain that already runs a matching pod.`;
    return { text, evidence, related: [] };
  }
  if (has(REASON.existingAntiAffinity)) {
    return { text: 'Pods already running carry a required anti-affinity that selects this pod, so it may not join them.', evidence, related: [] };
  }
  if (has(REASON.podAffinity)) {
    return { text: 'Its required pod affinity names pods that run on no eligible node.', evidence, related: [] };
  }
  if (has(REASON.volumeNodeConflict)) {
    return { text: 'A volume it mounts is pinned (PersistentVolume nodeAffinity) to nodes that cannot take it: typically a local volume whose node is gone or full.', evidence, related: [] };
  }
  if (nodeTerms.length) {
    evidence.push(specEvidence(pod, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution',
      nodeTerms.map((t) => (t.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} ${(e.values ?? []).join(',')}`.trim()).join(' && ')).join(' || ')));
  }
  return { text: 'No node satisfies its required node affinity.', evidence, related: [] };
}

function claimDetail(graph: ClusterGraph, pod: Obj<Pod>, fit: FitResult | undefined): Detail {
  const claims = graph.claimsOf(pod);
  const name = fit?.preFilter?.claim
    ?? claims.find((c) => !c.claim || (!c.claim.spec?.volumeName && c.claim.status?.phase !== 'Bound'))?.claimName
    ?? claims[0]?.claimName;
  if (!name) return { text: 'A volume claim it needs is not bound.', evidence: [], related: [] };
  const ns = pod.metadata.namespace;
  const culprit: ObjectRef = { kind: 'PersistentVolumeClaim', name, ...(ns ? { namespace: ns } : {}) };
  const claim = graph.get<PersistentVolumeClaim>('PersistentVolumeClaim', ns, name);
  const evidence: Evidence[] = [];
  if (claim) evidence.push(statusEvidence(claim, 'status.phase', `Status: ${claim.status?.phase ?? 'Pending'}`));
  const text = claim
    ? `It mounts PersistentVolumeClaim ${name}, which is ${claim.status?.phase ?? 'not bound'}: the claim must bind before the pod can be placed (see the claim's own finding).`
    : `It mounts PersistentVolumeClaim ${name}, which does not exist in the input.`;
  return { text, evidence, culprit, related: [] };
}

function noNodesDetail(graph: ClusterGraph, fit: FitResult | undefined): Detail {
  const cordoned = memo(graph, 'cordoned', () => graph.nodes().filter((n) => n.spec?.unschedulable === true));
  if (cordoned.length) {
    const evidence = cordoned.slice(0, 3).map((n) => nodeEvidence(n, 'spec.unschedulable', 'Unschedulable: true'));
    return { text: `Every node that could take it is cordoned (${cordoned.length} node(s) unschedulable).`, evidence, related: cordoned.slice(0, 20).map(refOf) };
  }
  return { text: fit && fit.numNodes > 0 ? 'No node is available to it.' : 'The scheduler sees no nodes at all: no node has joined the cluster, or every node is gone.', evidence: [], related: [] };
}

// ---------------------------------------------------------------------------------------------
// Fixes: only changes that the recomputation shows would let the pod schedule.

function proposeFixes(context: PendingContext, pod: Obj<Pod>, workload: ObjectRef, category: PendingCategory, fit: FitResult | undefined): ActionPlan[] {
  const model = context.model();
  if (!model || !fit || !TEMPLATED_KINDS.has(workload.kind)) return [];
  const obj = context.graph.resolve<{ spec?: { template?: { spec?: Pod['spec'] } } }>(workload);
  const template = obj?.spec?.template?.spec;
  if (!template) return [];
  if (category === 'taint-not-tolerated') return context.fixesFor(`${keyOf(workload)}|taint`, () => tolerationFix(model, pod, workload, template, fit));
  if (category === 'node-selector-mismatch') return context.fixesFor(`${keyOf(workload)}|selector`, () => selectorFix(context.graph, model, pod, workload, template));
  return [];
}

/**
 * A toleration, only for a taint an operator set on purpose (not a node-role or node-health taint),
 * and only when tolerating it lets the pod fit somewhere. Tolerations are replaced as a whole by a
 * strategic merge patch, so the plan carries the template's own list plus the new one.
 */
function tolerationFix(model: SchedulingModel, pod: Obj<Pod>, workload: ObjectRef, template: NonNullable<Pod['spec']>, fit: FitResult): ActionPlan[] {
  const taints = fit.blocked.map((v) => v.taint).filter((t): t is NonNullable<NodeVerdict['taint']> => t !== undefined
    && !ROLE_TAINT.test(t.key) && !HEALTH_TAINT.test(t.key));
  const taint = taints[0];
  if (!taint) return [];
  const toleration: Toleration = { key: taint.key, operator: 'Equal', value: taint.value ?? '', effect: taint.effect };
  const before = template.tolerations ?? [];
  const after = [...before, toleration];
  const podTolerations = [...(pod.spec?.tolerations ?? []), toleration];
  if (model.fit(pod, { tolerations: podTolerations }).fitting.length === 0) return [];
  const summary = `add toleration ${taintText(taint)} to ${workload.kind.toLowerCase()}/${workload.name}`;
  return [patchPodSpec(workload, { tolerations: after }, { tolerations: before }, summary,
    `its pods fit no node because of taint ${taintText(taint)}; with this toleration they fit (recomputed), which also lets them run on those dedicated nodes`)];
}

/** Fixes a nodeSelector only when exactly one label differs, by value, from a node that would then fit. */
function selectorFix(graph: ClusterGraph, model: SchedulingModel, pod: Obj<Pod>, workload: ObjectRef, template: NonNullable<Pod['spec']>): ActionPlan[] {
  const selector = template.nodeSelector ?? {};
  const candidates = new Map<string, [string, string]>();
  for (const node of graph.nodes()) {
    const labels = node.metadata.labels ?? {};
    const differing = Object.entries(selector).filter(([k, v]) => labels[k] !== v);
    if (differing.length !== 1) continue;
    const [key] = differing[0]!;
    const value = labels[key];
    if (value !== undefined) candidates.set(`${key}=${value}`, [key, value]);
  }
  if (candidates.size !== 1) return [];
  const [key, value] = [...candidates.values()][0]!;
  const podSelector = { ...(pod.spec?.nodeSelector ?? {}), [key]: value };
  if (model.fit(pod, { nodeSelector: podSelector }).fitting.length === 0) return [];
  const summary = `set nodeSelector ${key}=${value} on ${workload.kind.toLowerCase()}/${workload.name} (was ${key}=${selector[key]})`;
  return [patchPodSpec(workload, { nodeSelector: { [key]: value } }, { nodeSelector: { [key]: selector[key] } }, summary,
    `no node has ${key}=${selector[key]}; nodes label it ${value}, and with that value the pods fit (recomputed)`)];
}

// ---------------------------------------------------------------------------------------------
// ResourceQuota: the pod never exists; its controller reports FailedCreate.

const QUOTA_MESSAGE = /exceeded quota: ([^,\s]+), requested: (.+?), used: (.+?), limited: (.+)$/;

function quotaFindings(graph: ClusterGraph): Finding[] {
  const byWorkload = new Map<string, Finding>();
  for (const { ev } of latestCreateFailures(graph, (message) => message.includes('exceeded quota:') || undefined)) {
    const f = quotaFinding(graph, ev);
    if (f && !byWorkload.has(keyOf(f.subject))) byWorkload.set(keyOf(f.subject), f);
  }
  return [...byWorkload.values()];
}

function quotaFinding(graph: ClusterGraph, ev: Obj<CoreEvent>): Finding | undefined {
  const io = ev.involvedObject;
  const namespace = io.namespace ?? ev.metadata.namespace;
  const controller = controllerOf(graph, ev);
  if (controller && !failureIsCurrent(graph, controller, ev)) return undefined;
  const m = QUOTA_MESSAGE.exec(ev.message ?? '');
  if (!m) return undefined;
  const [, quotaName, requested, used, limited] = m;
  const subject = controller ? graph.workloadOf(controller) : { kind: io.kind!, name: io.name!, ...(namespace ? { namespace } : {}) };
  const evidence: Evidence[] = [eventEvidence(ev)];
  const quota = graph.get<ResourceQuota>('ResourceQuota', namespace, quotaName!);
  const names = requested!.split(',').map((p) => p.split('=')[0]!.trim());
  if (quota) {
    const pick = (list: Record<string, string> | undefined): string => names.map((n) => `${n}=${list?.[n] ?? '?'}`).join(', ');
    evidence.push(statusEvidence(quota, 'status', `hard: ${pick(quota.status?.hard)}, used: ${pick(quota.status?.used)}`));
  }
  const ready = hasRunningReadyPod(graph, subject);
  const explanation = `${subject.kind} ${subject.name} cannot create its pods: ResourceQuota ${quotaName} in namespace ${namespace ?? ''} allows ${limited}, ${used} is in use, and each new pod asks ${requested}. `
    + 'Raise the quota, lower the pods\' requests, or free quota by scaling down other workloads of the namespace; no change is proposed automatically because each of these trades against another team\'s budget.';
  const quotaRef: ObjectRef = { kind: 'ResourceQuota', name: quotaName!, ...(namespace ? { namespace } : {}) };
  return finding({
    mode: 'Pending', category: 'quota-exceeded', subject, explanation, evidence, confidence: 0.95,
    severity: ready ? 'warning' : 'critical', culprit: quotaRef,
  });
}
