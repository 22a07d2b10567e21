/**
 * OOMKilled: containers killed for memory. Three causes are told apart:
 * - the container reached its own limit (the kernel's cgroup OOM killer, reason `OOMKilled`): the limit
 *   is too low for the working set, or (when each instance lives long and dies at the same point, or
 *   its log shows the heap only growing) the process leaks;
 * - the node ran out of memory (kubelet `SystemOOM` events, a `MemoryPressure` condition, neighbours
 *   evicted for memory, or no limit at all to reach): the culprit is the Node;
 * - exit code 137 without `OOMKilled` is a SIGKILL from outside the container, not an OOM kill. When the
 *   kubelet's `Killing` events show a liveness or startup probe kill, the ProbeFailure analyzer owns it;
 *   otherwise it is reported as `unknown` with that explanation.
 * Stale history is not a finding: one OOM kill two days ago followed by a stable container is normal.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { CoreEvent, Node, ObjectRef } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { formatBytes, parseQuantity, readableBytes, roundUpMemory } from '../../cluster/quantity.js';
import { formatDuration, millisOf } from '../../cluster/time.js';
import { finding, firstContainerFinding, type Analyzer } from '../analyzer.js';
import { evictionCause, evictionTime } from '../eviction.js';
import { describeCondition, eventEvidence, logEvidence, nodeEvidence, specEvidence, statusEvidence } from '../evidence.js';
import { averageLifetime, eventNear, isKill, REPEATED_RESTARTS, reportedKill, terminationEvidence, type Kill } from '../exit-cause.js';
import type { Category, Evidence, Finding } from '../finding.js';
import { patchContainer, patchPodSpec, TEMPLATED_KINDS } from '../fixes.js';
import { heapGrowth } from '../log-patterns.js';
import type { ActionPlan } from '../plan.js';
import {
  describeWaiting, isPodFinished, isTerminating, podSeverity, someContainerStatus, troubledPods, type ContainerView, type PodObj, type Termination,
} from '../pod-state.js';

const MINUTE = 60_000;
const MI = 2 ** 20;

/** Node signs (SystemOOM, evictions) count when they happened this close to the kill. */
const NODE_SIGN_WINDOW = 10 * MINUTE;
const EVICTION_WINDOW = 30 * MINUTE;
/** An instance that lived this long before its kill grew into its limit rather than starting above it. */
const LEAK_MIN_UPTIME = 30 * MINUTE;
/** Metrics this close to the limit say the container itself was at its limit. */
const AT_LIMIT = 0.9;

export const oomKilledAnalyzer: Analyzer = {
  mode: 'OOMKilled',
  description: 'Containers killed for memory: at their own limit (too low, or a leak) or by a node out of memory; exit 137 without OOMKilled is told apart',
  analyze(graph) {
    return troubledPods(graph).filter(mayHaveKill).flatMap((pod) => firstContainerFinding(pod, (view) => analyzeContainer(graph, pod, view)) ?? []);
  },
};

function mayHaveKill(pod: PodObj): boolean {
  if (isTerminating(pod) || pod.status?.reason === 'Evicted') return false;
  return someContainerStatus(pod, (s) => isKill(s.state?.terminated) || isKill(s.lastState?.terminated));
}

function analyzeContainer(graph: ClusterGraph, pod: PodObj, view: ContainerView): Finding | undefined {
  // Which kills are news, and which SIGKILLs are probe kills left to the ProbeFailure analyzer, is
  // decided in ../exit-cause.ts, where the CrashLoopBackOff analyzer asks the same question.
  const kill = reportedKill(graph, pod, view);
  if (!kill) return undefined;
  if (kill.term.reason !== 'OOMKilled') return sigkillFinding(graph, pod, view, kill);
  const signs = nodeSigns(graph, pod, millisOf(kill.term.finishedAt));
  const limit = parseQuantity(view.spec.resources?.limits?.memory);
  const usage = metricUsage(graph, pod, view.spec.name);
  const nearLimit = limit !== undefined && usage !== undefined && usage.bytes >= AT_LIMIT * limit;
  const atOwnLimit = nearLimit || (limit !== undefined && signs.cgroupOom !== undefined);
  if (limit === undefined || (signs.evidence.length && !atOwnLimit)) return nodeFinding(graph, pod, view, kill, signs, limit);
  return ownLimitFinding(graph, pod, view, kill, limit, usage);
}

function uptimeOf(term: Termination): number | undefined {
  const started = millisOf(term.startedAt);
  const finished = millisOf(term.finishedAt);
  return started !== undefined && finished !== undefined ? finished - started : undefined;
}

// --- the evidence every finding starts with ------------------------------------------------------------

function killEvidence(pod: PodObj, view: ContainerView, kill: Kill): Evidence[] {
  const s = view.status!;
  const out = [terminationEvidence(pod, view, kill.term)];
  const waiting = s.state?.waiting;
  if (waiting?.reason) out.push(statusEvidence(pod, `${view.statusPath}.state.waiting`, `State: ${describeWaiting(waiting)}`));
  out.push(statusEvidence(pod, `${view.statusPath}.restartCount`, `Restart Count: ${s.restartCount ?? 0}`));
  return out;
}

function limitEvidence(pod: PodObj, view: ContainerView): Evidence[] {
  const limits = view.spec.resources?.limits;
  const requests = view.spec.resources?.requests;
  const quote = `resources.limits.memory: ${limits?.memory ?? '<none>'}${requests?.memory !== undefined ? `, resources.requests.memory: ${requests.memory}` : ''}`;
  return [specEvidence(pod, `${view.specPath}.resources`, quote)];
}

// --- exit 137 without OOMKilled -------------------------------------------------------------------------

function sigkillFinding(graph: ClusterGraph, pod: PodObj, view: ContainerView, kill: Kill): Finding {
  const workload = graph.workloadOf(pod);
  const name = view.spec.name;
  return finding({
    mode: 'OOMKilled', category: 'unknown', subject: refOf(pod), culprit: workload,
    explanation: `Container ${name} exited with code 137 (128 + 9: SIGKILL) but the runtime did not record an OOM kill (reason ${kill.term.reason ?? '<none>'}), `
      + 'so this is not an out-of-memory kill: something outside the container killed it. No probe kill is recorded in the events; '
      + 'other causes are a termination grace period exceeded after SIGTERM (preStop hook or slow shutdown), or a kill by the runtime or a node agent. '
      + `Check \`kubectl get events -n ${pod.metadata.namespace ?? 'default'} --field-selector involvedObject.name=${pod.metadata.name}\` and the kubelet log of node ${pod.spec?.nodeName ?? '<unknown>'}.`,
    evidence: killEvidence(pod, view, kill), confidence: 0.4, severity: podSeverity(graph, pod),
  });
}

// --- a node out of memory ---------------------------------------------------------------------------------

interface NodeSigns {
  evidence: Evidence[];
  /** Words for the explanation, e.g. `2 SystemOOM events`. */
  summary: string[];
  /** A kernel `Memory cgroup out of memory` report near the kill: the container's own limit. */
  cgroupOom?: Evidence;
  strong: boolean;
}

/** What the node says about memory around the time of the kill (or now, when the time is unknown). */
function nodeSigns(graph: ClusterGraph, pod: PodObj, killedAt: number | undefined): NodeSigns {
  const out: NodeSigns = { evidence: [], summary: [], strong: false };
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) return out;
  const at = killedAt ?? graph.now.getTime();
  const node = graph.get<Node>('Node', undefined, nodeName);
  const pressure = node?.status?.conditions?.find((c) => c.type === 'MemoryPressure' && c.status === 'True');
  if (node && pressure) {
    out.evidence.push(nodeEvidence(node, 'status.conditions[MemoryPressure]', describeCondition(pressure), pressure.lastTransitionTime));
    out.summary.push(`node ${nodeName} reports MemoryPressure`);
  }
  const near = (ev: Obj<CoreEvent>): boolean => eventNear(graph, ev, at, NODE_SIGN_WINDOW);
  const nodeEvents = graph.eventsFor({ kind: 'Node', name: nodeName });
  const systemOom = nodeEvents.filter((e) => e.reason === 'SystemOOM' && near(e));
  // node-problem-detector's kernel monitor tells a global OOM from a cgroup one in the kernel's words.
  const kernelOom = nodeEvents.filter((e) => e.reason === 'OOMKilling' && near(e));
  const globalOom = kernelOom.filter((e) => /^Out of memory: Kill(?:ed)? process/.test(e.message ?? ''));
  const cgroupOom = kernelOom.find((e) => /^Memory cgroup out of memory/.test(e.message ?? ''));
  for (const ev of [...systemOom, ...globalOom].slice(-2)) out.evidence.push(eventEvidence(ev));
  if (systemOom.length || globalOom.length) {
    out.strong = true;
    out.summary.push(`the kubelet recorded a system-wide OOM on ${nodeName} at the time of the kill`);
  }
  if (cgroupOom) out.cgroupOom = eventEvidence(cgroupOom);
  const evicted = memoryEvictionsNear(graph, nodeName, at);
  if (evicted.length) {
    const first = evicted[0]!;
    out.evidence.push(statusEvidence(first, 'status.message', `Status: Failed, Reason: Evicted, Message: ${first.status?.message ?? ''}`));
    out.summary.push(`${evicted.length} pod(s) on ${nodeName} were evicted for memory around the same time`);
  }
  return out;
}

function memoryEvictionsNear(graph: ClusterGraph, nodeName: string, at: number): PodObj[] {
  return evictedOn(graph, nodeName).filter((p) => {
    const cause = evictionCause(p.status?.message ?? '');
    if (cause?.kind !== 'node' || cause.category !== 'node-memory-pressure') return false;
    const when = evictionTime(graph, p);
    return when === undefined || Math.abs(when - at) <= EVICTION_WINDOW;
  });
}

const evictedByNode = new WeakMap<ClusterGraph, Map<string, PodObj[]>>();

/** Pods evicted from a node, in input order: looked up among the troubled pods, once per graph. */
function evictedOn(graph: ClusterGraph, nodeName: string): PodObj[] {
  let byNode = evictedByNode.get(graph);
  if (!byNode) {
    byNode = new Map();
    for (const pod of troubledPods(graph)) {
      const node = pod.spec?.nodeName;
      if (!node || pod.status?.reason !== 'Evicted') continue;
      const list = byNode.get(node);
      if (list) list.push(pod);
      else byNode.set(node, [pod]);
    }
    evictedByNode.set(graph, byNode);
  }
  return byNode.get(nodeName) ?? [];
}

function nodeFinding(graph: ClusterGraph, pod: PodObj, view: ContainerView, kill: Kill, signs: NodeSigns, limit: number | undefined): Finding {
  const nodeName = pod.spec?.nodeName ?? '<unknown>';
  const node = graph.get<Node>('Node', undefined, nodeName);
  const culprit: ObjectRef = node ? refOf(node) : { kind: 'Node', name: nodeName };
  const name = view.spec.name;
  const limitText = limit === undefined
    ? `Container ${name} has no memory limit, so it cannot have reached one of its own: only the node running out of memory can have OOM-killed it.`
    : `Container ${name} has a ${view.spec.resources?.limits?.memory} limit, but ${signs.summary.join('; ')}: the kernel killed it because the node ran out of memory.`;
  const because = limit === undefined && signs.summary.length ? ` Besides, ${signs.summary.join('; ')}.` : '';
  const overcommit = memoryOvercommit(graph, node);
  const unbounded = unboundedNeighbours(graph, nodeName, pod);
  const neighbours = unbounded.length
    ? ` Pods on the node without a memory limit, free to take what the others need: ${unbounded.slice(0, 3).join(', ')}${unbounded.length > 3 ? ` and ${unbounded.length - 3} more` : ''}.`
    : '';
  const bound = limit === undefined ? `a memory limit on ${name}` : 'memory limits on the pods that have none';
  const confidence = signs.strong ? 0.85 : signs.evidence.length ? (limit === undefined ? 0.8 : 0.6) : 0.65;
  return finding({
    mode: 'OOMKilled', category: 'node-memory-pressure', subject: refOf(pod), culprit,
    explanation: `${limitText}${because}${overcommit ? ` ${overcommit.text}` : ''}${neighbours} The fix is on the node side: requests that match real usage (so the scheduler does not overcommit the node), `
      + `${bound}, or more node memory; the node finding carries cordon and drain advice.`,
    evidence: [...killEvidence(pod, view, kill), ...limitEvidence(pod, view), ...signs.evidence, ...(overcommit ? [overcommit.evidence] : [])],
    confidence, severity: podSeverity(graph, pod),
  });
}

/** Running pods on the node (other than `pod`) with a container that has no memory limit, as `namespace/name`. */
function unboundedNeighbours(graph: ClusterGraph, nodeName: string, pod: PodObj): string[] {
  return graph.podsOnNode(nodeName)
    .filter((p) => p !== pod && !isPodFinished(p) && (p.spec?.containers ?? []).some((c) => c.resources?.limits?.['memory'] === undefined))
    .map((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`);
}

/** The sum of memory limits on a node against its allocatable memory, when it is overcommitted. */
function memoryOvercommit(graph: ClusterGraph, node: Obj<Node> | undefined): { text: string; evidence: Evidence } | undefined {
  const allocatable = parseQuantity(node?.status?.allocatable?.['memory']);
  if (!node || !allocatable) return undefined;
  let limits = 0;
  for (const p of graph.podsOnNode(node.metadata.name)) {
    if (isPodFinished(p)) continue;
    for (const c of p.spec?.containers ?? []) limits += parseQuantity(c.resources?.limits?.['memory']) ?? 0;
  }
  const percent = Math.round((limits / allocatable) * 100);
  if (percent <= 100) return undefined;
  const quote = `Allocated resources: memory limits ${readableBytes(limits)} (${percent}%) of ${readableBytes(allocatable)} allocatable`;
  return { text: `Memory limits on the node add up to ${percent}% of its allocatable memory.`, evidence: nodeEvidence(node, 'status.allocatable.memory', quote) };
}

// --- the container's own limit ------------------------------------------------------------------------

interface Usage {
  bytes: number;
  evidence: Evidence;
}

/** Working-set memory from metrics.k8s.io (a PodMetrics object), when the snapshot has one. */
function metricUsage(graph: ClusterGraph, pod: PodObj, container: string): Usage | undefined {
  const metrics = graph.get<{ containers?: { name: string; usage?: Record<string, string> }[] }>('PodMetrics', pod.metadata.namespace, pod.metadata.name);
  const usage = metrics?.containers?.find((c) => c.name === container)?.usage?.['memory'];
  const bytes = parseQuantity(usage);
  if (!metrics || bytes === undefined) return undefined;
  return { bytes, evidence: { source: 'metric', ref: refOf(metrics), field: `containers[${container}].usage.memory`, quote: `${container} memory usage: ${usage}` } };
}

function ownLimitFinding(graph: ClusterGraph, pod: PodObj, view: ContainerView, kill: Kill, limit: number, usage: Usage | undefined): Finding {
  const name = view.spec.name;
  const limitText = view.spec.resources?.limits?.memory ?? formatBytes(limit);
  const leak = leakSigns(graph, pod, view, kill);
  const category: Category<'OOMKilled'> = leak ? 'memory-leak' : 'memory-limit-too-low';
  const uptime = uptimeOf(kill.term);
  const lived = uptime !== undefined ? ` after running ${formatDuration(uptime)}` : '';
  const fix = memoryFix(graph, pod, view, limit, leak !== undefined);
  const evidence = [...killEvidence(pod, view, kill), ...limitEvidence(pod, view), ...(usage ? [usage.evidence] : []), ...(leak?.evidence ?? [])];
  const base = `Container ${name} was OOM-killed at its own ${limitText} memory limit${lived} (reason OOMKilled, exit code 137, restarted ${view.status?.restartCount ?? 0} times).`;
  const explanation = leak
    ? `${base} ${leak.why} That points to a leak: memory grows until the limit whatever it is, so raising the limit only spaces the kills out. Profile the heap of ${name}. ${fix.text}`
    : `${base} ${uptime !== undefined && uptime < 5 * MINUTE ? 'It dies soon after starting: its working set does not fit in the limit.' : 'Its working set outgrows the limit.'} ${fix.text}`;
  return finding({
    mode: 'OOMKilled', category, subject: refOf(pod), culprit: graph.workloadOf(pod), explanation, evidence,
    confidence: leak ? leak.confidence : 0.9, severity: podSeverity(graph, pod), fixes: fix.plans,
  });
}

interface LeakSigns {
  why: string;
  evidence: Evidence[];
  confidence: number;
}

/**
 * Evidence of growth rather than a working set that never fit: several kills, each after a long and
 * similar lifetime (the last instance lived at least half the pod's mean time between kills), or a log
 * whose heap figures only grow. Either is an inference, and the confidence says so.
 */
function leakSigns(graph: ClusterGraph, pod: PodObj, view: ContainerView, kill: Kill): LeakSigns | undefined {
  const reasons: string[] = [];
  const evidence: Evidence[] = [];
  const restarts = view.status?.restartCount ?? 0;
  const uptime = uptimeOf(kill.term);
  const lifetime = averageLifetime(pod, kill.term, restarts);
  if (restarts >= REPEATED_RESTARTS && uptime !== undefined && lifetime !== undefined && uptime >= LEAK_MIN_UPTIME
    && uptime >= 0.5 * lifetime && uptime <= 1.5 * lifetime) {
    reasons.push(`It has been killed ${restarts} times, each instance living about ${formatDuration(lifetime)} (the last ${formatDuration(uptime)}) before reaching the limit.`);
  }
  const previous = graph.logOf(pod, view.spec.name, true);
  const log = previous ?? graph.logOf(pod, view.spec.name, false);
  const growth = log ? heapGrowth(log.text) : undefined;
  if (log && growth) {
    reasons.push(`Its log shows memory only growing, from ${readableBytes(growth.from)} to ${readableBytes(growth.to)}.`);
    evidence.push(logEvidence(pod, view.spec.name, growth.first, log.previous), logEvidence(pod, view.spec.name, growth.last, log.previous));
  }
  if (!reasons.length) return undefined;
  return { why: reasons.join(' '), evidence, confidence: reasons.length > 1 ? 0.75 : growth ? 0.65 : 0.6 };
}

/**
 * Headroom rule: new limit = max(current × 1.5, current + 128Mi), rounded up with roundUpMemory. The
 * request follows when it equals the limit (Guaranteed QoS stays Guaranteed). Only workloads whose pod
 * template can be patched get a plan; a Job's template is immutable and a bare pod has none.
 */
function memoryFix(graph: ClusterGraph, pod: PodObj, view: ContainerView, limit: number, leak: boolean): { plans: ActionPlan[]; text: string } {
  const workload = graph.workloadOf(pod);
  const raised = roundUpMemory(Math.max(limit * 1.5, limit + 128 * MI));
  const after = formatBytes(raised);
  const before = view.spec.resources?.limits?.memory ?? formatBytes(limit);
  const request = view.spec.resources?.requests?.memory;
  const requestFollows = request !== undefined && parseQuantity(request) === limit;
  const rule = 'new limit = max(current × 1.5, current + 128Mi), rounded up';
  if (!TEMPLATED_KINDS.has(workload.kind)) {
    const why = workload.kind === 'Pod' ? 'it is a bare pod with no controller to patch' : `the pod template of a ${workload.kind} cannot be changed in place`;
    return { plans: [], text: `Raise its memory limit (${rule}: ${after}) where the pod is defined; no patch is proposed because ${why}.` };
  }
  const resources = (memory: string): Record<string, unknown> => ({ resources: { limits: { memory }, ...(requestFollows ? { requests: { memory } } : {}) } });
  const summary = `set memory limit${requestFollows ? ' and request' : ''} of container ${view.spec.name} to ${after} (was ${before})`;
  const reason = `${view.spec.name} was OOM-killed at its ${before} limit; ${rule}${leak ? '; with a leak this only spaces the kills out' : ''}`;
  const plan = view.init
    ? patchPodSpec(workload, { initContainers: [{ name: view.spec.name, ...resources(after) }] }, { initContainers: [{ name: view.spec.name, ...resources(before) }] }, summary, reason)
    : patchContainer(workload, view.spec.name, resources(after), resources(before), summary, reason);
  return { plans: [plan], text: `Proposed: ${summary} (${rule}).` };
}
