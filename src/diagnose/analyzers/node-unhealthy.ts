/**
 * NodeUnhealthy: nodes that are NotReady, under memory, disk or PID pressure, without a network, or
 * cordoned while pods wait for room.
 *
 * Conditions are read as the kubelet (pkg/kubelet/nodestatus/setters.go) and the node lifecycle
 * controller (pkg/controller/nodelifecycle) write them: `Ready=False, Reason: KubeletNotReady`,
 * `Ready=Unknown, Reason: NodeStatusUnknown, Message: Kubelet stopped posting node status.`,
 * `MemoryPressure=True, Reason: KubeletHasInsufficientMemory`. When a condition is absent (pasted
 * describe text cut short), the taints the controllers derive from it stand in, at lower confidence.
 *
 * A cordoned node (spec.unschedulable) is maintenance, a normal state: it gives no finding unless a
 * pending pod would fit on it were it schedulable, and then a warning. An info finding for every
 * cordoned node would open an incident in a healthy cluster.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { Node, Pod } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { secondsSince } from '../../cluster/time.js';
import { finding, type Analyzer } from '../analyzer.js';
import { eventEvidence, eventsWithReason, nodeEvidence } from '../evidence.js';
import type { Category, Evidence, Finding, Severity } from '../finding.js';
import { cordon, uncordon } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { distinctWorkloads, isPodReady, troubledPods } from '../pod-state.js';
import { isUnscheduled, SchedulingModel } from '../../cluster/scheduling.js';

type NodeCategory = Category<'NodeUnhealthy'>;
type Condition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

/** A node this young that is not Ready yet is still joining (CNI starting, first heartbeat). */
const JOINING_SECONDS = 120;
const NOT_READY_TAINTS = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'];

interface PressureRule {
  type: string;
  category: NodeCategory;
  taint: string;
  /** Node events that tell the same story, and for eviction events the resource they reclaim. */
  events: string[];
  reclaims?: RegExp;
  severity: Severity;
  meaning: string;
}

const PRESSURE: PressureRule[] = [
  {
    type: 'MemoryPressure', category: 'memory-pressure', taint: 'node.kubernetes.io/memory-pressure', severity: 'warning',
    events: ['EvictionThresholdMet', 'NodeHasInsufficientMemory', 'SystemOOM'], reclaims: /memory/,
    meaning: 'available memory fell below the kubelet\'s eviction threshold: it evicts pods (BestEffort first, then Burstable above their requests) and the node is tainted so that no new pod lands on it',
  },
  {
    type: 'DiskPressure', category: 'disk-pressure', taint: 'node.kubernetes.io/disk-pressure', severity: 'warning',
    events: ['EvictionThresholdMet', 'NodeHasDiskPressure', 'FreeDiskSpaceFailed', 'ImageGCFailed'], reclaims: /ephemeral-storage|nodefs|imagefs|disk/,
    meaning: 'the node or image filesystem fell below the kubelet\'s eviction threshold: it garbage-collects images and dead containers, then evicts pods by their ephemeral-storage use, and the node is tainted against new pods',
  },
  {
    type: 'PIDPressure', category: 'pid-pressure', taint: 'node.kubernetes.io/pid-pressure', severity: 'warning',
    events: ['EvictionThresholdMet', 'NodeHasInsufficientPID'], reclaims: /pid/,
    meaning: 'available process IDs fell below the kubelet\'s eviction threshold: a pod is forking without bound, and the kubelet evicts pods to recover',
  },
  {
    type: 'NetworkUnavailable', category: 'network-unavailable', taint: 'node.kubernetes.io/network-unavailable', severity: 'critical',
    events: [],
    meaning: 'the node\'s pod network is not configured (no route or CNI): pods on it cannot reach others, and the node is tainted against new pods',
  },
];

export const nodeUnhealthyAnalyzer: Analyzer = {
  mode: 'NodeUnhealthy',
  description: 'Nodes that are NotReady, under memory/disk/PID pressure, without a pod network, or cordoned while pods wait for room.',
  analyze(graph) {
    const findings: Finding[] = [];
    let cordonCheck: CordonCheck | undefined;
    for (const node of graph.nodes()) {
      if (isBeingRemoved(node)) continue;
      const notReady = notReadyFinding(graph, node);
      if (notReady) findings.push(notReady);
      for (const rule of PRESSURE) {
        const f = pressureFinding(graph, node, rule);
        if (f) findings.push(f);
      }
      if (node.spec?.unschedulable === true && !notReady) {
        cordonCheck ??= new CordonCheck(graph);
        const f = cordonFinding(graph, node, cordonCheck);
        if (f) findings.push(f);
      }
    }
    return findings;
  },
};

/** Taints an autoscaler sets on a node it is draining to delete: its going away is intended. */
const REMOVAL_TAINTS = ['ToBeDeletedByClusterAutoscaler', 'karpenter.sh/disrupted', 'karpenter.sh/disruption'];

/** A node being deleted or scaled down: NotReady or pressure there is the removal, not a fault. */
function isBeingRemoved(node: Obj<Node>): boolean {
  return node.metadata.deletionTimestamp !== undefined || hasTaint(node, REMOVAL_TAINTS);
}

function condition(node: Obj<Node>, type: string): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

function conditionEvidence(node: Obj<Node>, c: Condition): Evidence {
  const quote = `${c.type}=${c.status}, Reason: ${c.reason ?? '<none>'}, Message: ${c.message ?? ''}${c.lastTransitionTime ? `, LastTransitionTime: ${c.lastTransitionTime}` : ''}`;
  return nodeEvidence(node, `status.conditions[${c.type}]`, quote, c.lastTransitionTime);
}

function taintEvidence(node: Obj<Node>, keys: string[]): Evidence[] {
  const taints = (node.spec?.taints ?? []).filter((t) => keys.includes(t.key));
  if (taints.length === 0) return [];
  return [nodeEvidence(node, 'spec.taints', taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', '))];
}

/** The node's three newest events with these reasons, newest first; eviction events only when they reclaim the rule's resource. */
function nodeEvents(graph: ClusterGraph, node: Obj<Node>, reasons: string[], reclaims?: RegExp): Evidence[] {
  const events = eventsWithReason(graph, refOf(node), reasons)
    .filter((e) => e.reason !== 'EvictionThresholdMet' || !reclaims || reclaims.test(e.message ?? ''));
  return events.slice(-3).reverse().map(eventEvidence);
}

function hasTaint(node: Obj<Node>, keys: string[]): boolean {
  return (node.spec?.taints ?? []).some((t) => keys.includes(t.key));
}

/** How the node's pods fare: the count that shows how much a node problem hurts. */
function podsSummary(graph: ClusterGraph, node: Obj<Node>): { evidence?: Evidence; text: string } {
  const pods = graph.podsOnNode(node.metadata.name);
  if (pods.length === 0) return { text: '' };
  let active = 0; let notReady = 0; let terminating = 0; let evicted = 0; let markedForDeletion = 0;
  for (const p of pods) {
    if (p.status?.phase === 'Failed' && p.status.reason === 'Evicted') { evicted += 1; continue; }
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    active += 1;
    if (p.metadata.deletionTimestamp) terminating += 1;
    // A pod known only from a node's describe table has no conditions: its readiness is unknown.
    else if (p.status?.conditions?.length && !isPodReady(p)) notReady += 1;
    if (eventsWithReason(graph, refOf(p), ['TaintManagerEviction']).some((e) => e.message?.startsWith('Marking for deletion'))) markedForDeletion += 1;
  }
  const parts = [`${active} non-terminated`];
  if (notReady) parts.push(`${notReady} not ready`);
  if (terminating) parts.push(`${terminating} terminating`);
  if (markedForDeletion) parts.push(`${markedForDeletion} marked for deletion by the taint eviction controller`);
  if (evicted) parts.push(`${evicted} evicted`);
  const line = `pods on node: ${parts.join(', ')}`;
  return { evidence: nodeEvidence(node, 'pods', line), text: ` Pods on it: ${parts.join(', ')}.` };
}

function cordonFix(node: Obj<Node>, why: string): ActionPlan[] {
  if (node.spec?.unschedulable === true) return [];
  return [cordon(refOf(node), `${why}; cordoning keeps new pods off it and does not move running pods (draining is left to a person)`)];
}

// ---------------------------------------------------------------------------------------------

function notReadyFinding(graph: ClusterGraph, node: Obj<Node>): Finding | undefined {
  const ready = condition(node, 'Ready');
  const age = secondsSince(node.metadata.creationTimestamp, graph.now);
  if (age !== undefined && age < JOINING_SECONDS) return undefined;
  let evidence: Evidence[];
  let explanation: string;
  let confidence = 0.95;
  if (ready && (ready.status === 'False' || ready.status === 'Unknown')) {
    evidence = [conditionEvidence(node, ready)];
    explanation = ready.status === 'Unknown'
      ? `Node ${node.metadata.name} stopped reporting: its kubelet has not posted status${ready.lastHeartbeatTime ? ` since ${ready.lastHeartbeatTime}` : ''} (${ready.reason ?? 'NodeStatusUnknown'}). The machine is down, cut off from the API server, or its kubelet died. The node lifecycle controller taints it unreachable; its pods are marked not ready and evicted once their toleration (300 s by default) runs out, while pods with local state stay stuck until the node returns or is removed.`
      : `The kubelet on node ${node.metadata.name} reports NotReady: ${ready.message ?? ready.reason ?? ''}.${notReadyHint(ready.message ?? '')}`;
  } else if (!ready && hasTaint(node, NOT_READY_TAINTS)) {
    evidence = [];
    confidence = 0.75;
    explanation = `Node ${node.metadata.name} carries the node lifecycle controller's not-ready/unreachable taint (its Ready condition is not in the input).`;
  } else {
    return undefined;
  }
  evidence.push(...taintEvidence(node, NOT_READY_TAINTS), ...nodeEvents(graph, node, ['NodeNotReady', 'Rebooted', 'ContainerGCFailed', 'SystemOOM']));
  const pods = podsSummary(graph, node);
  if (pods.evidence) evidence.push(pods.evidence);
  return finding({
    mode: 'NodeUnhealthy', category: 'not-ready', subject: refOf(node), explanation: explanation + pods.text, evidence,
    confidence, severity: 'critical', fixes: cordonFix(node, `node ${node.metadata.name} is NotReady`),
  });
}

/** What the kubelet's NotReady message usually means. */
function notReadyHint(message: string): string {
  if (/network plugin|NetworkReady=false|cni/i.test(message)) return ' The container network (CNI) is not ready on the node: check the CNI daemonset pod there.';
  if (/PLEG is not healthy/.test(message)) return ' The kubelet\'s pod lifecycle loop is stalled: the container runtime is overloaded or hung.';
  if (/container runtime is down|runtime.*not ready/i.test(message)) return ' The container runtime (containerd/CRI-O) is down on the node.';
  return '';
}

function pressureFinding(graph: ClusterGraph, node: Obj<Node>, rule: PressureRule): Finding | undefined {
  const c = condition(node, rule.type);
  const evidence: Evidence[] = [];
  let confidence = 0.95;
  if (c?.status === 'True') {
    evidence.push(conditionEvidence(node, c));
  } else if (!c && hasTaint(node, [rule.taint])) {
    confidence = 0.75;
  } else {
    return undefined;
  }
  evidence.push(...taintEvidence(node, [rule.taint]), ...nodeEvents(graph, node, rule.events, rule.reclaims));
  const pods = podsSummary(graph, node);
  if (pods.evidence) evidence.push(pods.evidence);
  const since = c?.lastTransitionTime ? ` since ${c.lastTransitionTime}` : '';
  const explanation = `Node ${node.metadata.name} reports ${rule.type}${since}${c?.reason ? ` (${c.reason})` : ''}: ${rule.meaning}.${pods.text}`;
  return finding({
    mode: 'NodeUnhealthy', category: rule.category, subject: refOf(node), explanation, evidence, confidence, severity: rule.severity,
    fixes: cordonFix(node, `node ${node.metadata.name} is under ${rule.type}`),
  });
}

// ---------------------------------------------------------------------------------------------
// Cordoned nodes that pending pods could use

/** Pending pods that fit nowhere but would fit on a cordoned node: found once, per cordoned node. */
class CordonCheck {
  private waiting: Map<string, Obj<Pod>[]> | undefined;

  constructor(private readonly graph: ClusterGraph) {}

  podsWaitingFor(nodeName: string): Obj<Pod>[] {
    if (!this.waiting) {
      this.waiting = new Map();
      const model = SchedulingModel.of(this.graph);
      const cordoned = this.graph.nodes().filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata.name);
      for (const pod of troubledPods(this.graph)) {
        if (!isUnscheduled(pod) || pod.status?.nominatedNodeName) continue;
        if (!pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False')
          && eventsWithReason(this.graph, refOf(pod), ['FailedScheduling']).length === 0) continue;
        if (model.fit(pod).fitting.length > 0) continue;
        for (const state of model.fitsOn(pod, cordoned, { ignoreCordon: true })) {
          const list = this.waiting.get(state.name);
          if (list) list.push(pod);
          else this.waiting.set(state.name, [pod]);
        }
      }
    }
    return this.waiting.get(nodeName) ?? [];
  }
}

function cordonFinding(graph: ClusterGraph, node: Obj<Node>, check: CordonCheck): Finding | undefined {
  const waiting = check.podsWaitingFor(node.metadata.name);
  if (waiting.length === 0) return undefined;
  const evidence: Evidence[] = [nodeEvidence(node, 'spec.unschedulable', 'Unschedulable: true'), ...taintEvidence(node, ['node.kubernetes.io/unschedulable']),
    ...nodeEvents(graph, node, ['NodeNotSchedulable'])];
  const said = eventsWithReason(graph, refOf(waiting[0]!), ['FailedScheduling']).at(-1);
  if (said) evidence.push(eventEvidence(said));
  const names = waiting.slice(0, 3).map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
  const healthy = condition(node, 'Ready')?.status === 'True' && !PRESSURE.some((r) => condition(node, r.type)?.status === 'True');
  const fixes: ActionPlan[] = healthy
    ? [uncordon(refOf(node), `${waiting.length} pending pod(s) fit nowhere else and would fit on ${node.metadata.name}; uncordon only if its maintenance is over`)]
    : [];
  // The waiting pods' workloads, so that their Pending findings join this one's incident.
  const related = distinctWorkloads(graph, waiting, 50);
  return finding({
    mode: 'NodeUnhealthy', category: 'unschedulable', subject: refOf(node),
    explanation: `Node ${node.metadata.name} is cordoned (spec.unschedulable), and ${waiting.length} pending pod(s) that fit on no other node would fit on it: ${names}${waiting.length > 3 ? ', ...' : ''}. If its maintenance is over, uncordon it.`,
    evidence, confidence: 0.9, severity: 'warning', fixes, related,
  });
}
