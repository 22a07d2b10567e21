/**
 * Evicted: pods the kubelet's eviction manager failed (phase Failed, reason Evicted). Its message
 * says why (see ../eviction.ts for the formats): a node low on memory or disk makes the node the
 * culprit, so every eviction on one node (and the node's own finding) is one incident; an
 * ephemeral-storage or emptyDir limit exceeded makes it the workload's own limit.
 * Evictions older than a day are history, not a finding: the pod objects linger until garbage
 * collection long after the pressure passed.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { Node, ObjectRef } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { formatBytes, parseQuantity, roundUpMemory } from '../../cluster/quantity.js';
import { formatDuration } from '../../cluster/time.js';
import { finding, type Analyzer } from '../analyzer.js';
import { evictionCause, evictionTime, type EvictionCause } from '../eviction.js';
import { describeCondition, eventEvidence, eventsWithReason, nodeEvidence, specEvidence, statusEvidence } from '../evidence.js';
import type { Evidence, Finding } from '../finding.js';
import { patchContainer, patchPodSpec, TEMPLATED_KINDS } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { podSeverity, troubledPods, type PodObj } from '../pod-state.js';

const DAY = 24 * 3_600_000;
const MI = 2 ** 20;

export const evictedAnalyzer: Analyzer = {
  mode: 'Evicted',
  description: 'Pods evicted by the kubelet: node memory or disk pressure (grouped per node), or an ephemeral-storage limit exceeded',
  analyze(graph) {
    const evicted = troubledPods(graph).filter((p) => p.status?.phase === 'Failed' && p.status.reason === 'Evicted' && isRecent(graph, p));
    const perNode = new Map<string, number>();
    for (const pod of evicted) {
      const node = pod.spec?.nodeName ?? '';
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    return evicted.map((pod) => evictionFinding(graph, pod, perNode.get(pod.spec?.nodeName ?? '') ?? 1));
  },
};

function isRecent(graph: ClusterGraph, pod: PodObj): boolean {
  const at = evictionTime(graph, pod);
  return at === undefined || graph.now.getTime() - at <= DAY;
}

function evictionFinding(graph: ClusterGraph, pod: PodObj, onNode: number): Finding {
  const message = pod.status?.message ?? '';
  const cause = evictionCause(message);
  const evidence: Evidence[] = [statusEvidence(pod, 'status.message', `Status: Failed, Reason: Evicted, Message: ${message}`)];
  const event = eventsWithReason(graph, refOf(pod), ['Evicted']).pop();
  if (event) evidence.push(eventEvidence(event));
  const severity = podSeverity(graph, pod);
  const at = evictionTime(graph, pod);
  const when = at !== undefined ? ` ${formatDuration(graph.now.getTime() - at)} ago` : '';
  if (!cause || cause.kind === 'node') return nodeFinding(graph, pod, cause, evidence, onNode, when, severity);
  return limitFinding(graph, pod, cause, evidence, when, severity);
}

const RESOURCE_WORDS: Record<string, string> = {
  memory: 'memory', 'ephemeral-storage': 'disk space (ephemeral storage)', inodes: 'inodes', nodefs: 'disk space', imagefs: 'image disk space',
  DiskPressure: 'disk (DiskPressure)', pids: 'process IDs', PIDPressure: 'process IDs (PIDPressure)',
};

function nodeFinding(graph: ClusterGraph, pod: PodObj, cause: Extract<EvictionCause, { kind: 'node' }> | undefined, evidence: Evidence[], onNode: number, when: string, severity: Finding['severity']): Finding {
  const nodeName = pod.spec?.nodeName ?? '<unknown>';
  const node = graph.get<Node>('Node', undefined, nodeName);
  const culprit: ObjectRef = node ? refOf(node) : { kind: 'Node', name: nodeName };
  const condition = conditionNow(node, cause);
  if (condition) evidence.push(condition.evidence);
  const usage = /Container (\S+) was using (\S+), request is (\S+), has larger consumption of/.exec(pod.status?.message ?? '');
  const resource = cause ? (RESOURCE_WORDS[cause.resource] ?? cause.resource) : 'an unrecognised reason';
  const others = onNode > 1 ? ` It is one of ${onNode} pods evicted from ${nodeName} in the last day.` : '';
  const ranking = usage
    ? ` Among the pods on the node, it was chosen first because container ${usage[1]} used ${usage[2]} against a request of ${usage[3]}: requests that match real usage make a pod a later candidate.`
    : '';
  const state = condition ? ` The node still reports ${condition.type}.` : node ? ' The node no longer reports the pressure.' : '';
  const replaced = graph.workloadOf(pod).kind === 'Pod'
    ? 'It is a bare pod: nothing recreates it, so it has to be created again once the node recovers.'
    : 'The pod object is only a record: its controller creates a replacement.';
  const explanation = cause
    ? `The kubelet on ${nodeName} evicted the pod${when} because the node ran low on ${resource}.${others}${ranking}${state} The cause is on the node (what fills its ${cause.resource === 'memory' ? 'memory' : 'disk'}); the node finding carries cordon and drain advice. ${replaced}`
    : `The kubelet on ${nodeName} evicted the pod${when}, but its message is not one the eviction manager is known to write.${others}`;
  return finding({
    mode: 'Evicted', category: cause?.category ?? 'unknown', subject: refOf(pod), culprit, explanation, evidence,
    confidence: cause && cause.category !== 'unknown' ? 0.95 : 0.5, severity,
  });
}

function conditionNow(node: Obj<Node> | undefined, cause: Extract<EvictionCause, { kind: 'node' }> | undefined): { type: string; evidence: Evidence } | undefined {
  if (!node || !cause) return undefined;
  const type = cause.category === 'node-memory-pressure' ? 'MemoryPressure' : cause.category === 'node-disk-pressure' ? 'DiskPressure' : 'PIDPressure';
  const c = node.status?.conditions?.find((x) => x.type === type && x.status === 'True');
  if (!c) return undefined;
  return { type, evidence: nodeEvidence(node, `status.conditions[${type}]`, describeCondition(c), c.lastTransitionTime) };
}

function limitFinding(graph: ClusterGraph, pod: PodObj, cause: Exclude<EvictionCause, { kind: 'node' }>, evidence: Evidence[], when: string, severity: Finding['severity']): Finding {
  const workload = graph.workloadOf(pod);
  const what = cause.kind === 'container-limit'
    ? `container ${cause.container} wrote more than its ${cause.limit} ephemeral-storage limit (its writable layer and logs)`
    : cause.kind === 'pod-limit'
      ? `its containers together used more local storage than their total ${cause.limit} ephemeral-storage limit`
      : `its emptyDir volume ${cause.volume} grew past its ${cause.limit} sizeLimit`;
  const fix = storageFix(pod, cause, workload, evidence);
  return finding({
    mode: 'Evicted', category: 'ephemeral-storage-limit', subject: refOf(pod), culprit: workload,
    explanation: `The kubelet evicted the pod${when} because ${what}. Either the application writes more local data than expected (logs to files, caches, temp files: `
      + `find what grows and bound it), or the limit is too small for the job. ${fix.text}`,
    evidence, confidence: 0.95, severity, fixes: fix.plans,
  });
}

/**
 * Headroom rule for storage: new limit = max(current × 1.5, current + 512Mi), rounded up with
 * roundUpMemory. Only workloads with a patchable pod template get a plan.
 */
function storageFix(pod: PodObj, cause: Exclude<EvictionCause, { kind: 'node' }>, workload: ObjectRef, evidence: Evidence[]): { plans: ActionPlan[]; text: string } {
  const rule = 'new limit = max(current × 1.5, current + 512Mi), rounded up';
  const raise = (limit: string): string | undefined => {
    const bytes = parseQuantity(limit);
    return bytes === undefined ? undefined : formatBytes(roundUpMemory(Math.max(bytes * 1.5, bytes + 512 * MI)));
  };
  const reason = `the pod was evicted for exceeding its ephemeral storage limit; ${rule}`;
  const plans: ActionPlan[] = [];
  const patchable = TEMPLATED_KINDS.has(workload.kind);
  if (cause.kind === 'empty-dir') {
    const after = raise(cause.limit);
    evidence.push(specEvidence(pod, `spec.volumes[${cause.volume}].emptyDir.sizeLimit`, `volumes[${cause.volume}].emptyDir.sizeLimit: ${cause.limit}`));
    if (after && patchable) {
      const volume = (sizeLimit: string): Record<string, unknown> => ({ volumes: [{ name: cause.volume, emptyDir: { sizeLimit } }] });
      plans.push(patchPodSpec(workload, volume(after), volume(cause.limit), `set sizeLimit of emptyDir ${cause.volume} to ${after} (was ${cause.limit})`, reason));
    }
  } else {
    for (const c of pod.spec?.containers ?? []) {
      const limit = c.resources?.limits?.['ephemeral-storage'];
      if (!limit || (cause.kind === 'container-limit' && c.name !== cause.container)) continue;
      evidence.push(specEvidence(pod, `spec.containers[${c.name}].resources.limits`, `${c.name}: resources.limits.ephemeral-storage: ${limit}`));
      const after = raise(limit);
      if (!after || !patchable) continue;
      const resources = (value: string): Record<string, unknown> => ({ resources: { limits: { 'ephemeral-storage': value } } });
      plans.push(patchContainer(workload, c.name, resources(after), resources(limit), `set ephemeral-storage limit of container ${c.name} to ${after} (was ${limit})`, reason));
    }
  }
  if (plans.length) return { plans, text: `Proposed: ${plans.map((p) => p.summary).join('; ')} (${rule}).` };
  const why = patchable ? 'the limit could not be read' : workload.kind === 'Pod' ? 'it is a bare pod with no controller to patch' : `the pod template of a ${workload.kind} cannot be changed in place`;
  return { plans, text: `Raise the limit where the pod is defined (${rule}); no patch is proposed because ${why}.` };
}
