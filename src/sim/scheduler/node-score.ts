/**
 * Choosing among the nodes a pod fits: NodeResourcesFit's default LeastAllocated score over cpu and
 * memory, counting pods without requests at the scheduler's non-zero defaults (100m cpu, 200Mi
 * memory) so that such pods still spread. Ties go to the first node by name: the simulator is
 * deterministic where the real scheduler picks at random among equal scores.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { Pod } from '../../cluster/objects.js';
import { CPU, MEMORY, isTerminal, podRequests, type NodeState } from '../../cluster/scheduling.js';

const DEFAULT_CPU_MILLIS = 100;
const DEFAULT_MEMORY_BYTES = 200 * 1024 * 1024;

/** A pod's cpu and memory as scoring counts them. */
function nonZeroRequests(pod: Obj<Pod>): { cpu: number; memory: number } {
  const requests = podRequests(pod.spec);
  return { cpu: requests.get(CPU) || DEFAULT_CPU_MILLIS, memory: requests.get(MEMORY) || DEFAULT_MEMORY_BYTES };
}

/** 0..100: the share of the resource left free once the pod is placed. */
function leastAllocated(requested: number, allocatable: number): number {
  if (!(allocatable > 0) || requested > allocatable) return 0;
  return ((allocatable - requested) * 100) / allocatable;
}

function score(graph: ClusterGraph, state: NodeState, incoming: { cpu: number; memory: number }): number {
  let cpu = incoming.cpu;
  let memory = incoming.memory;
  for (const pod of graph.podsOnNode(state.name)) {
    if (isTerminal(pod)) continue;
    const r = nonZeroRequests(pod);
    cpu += r.cpu;
    memory += r.memory;
  }
  return (leastAllocated(cpu, state.allocatable.get(CPU) ?? 0) + leastAllocated(memory, state.allocatable.get(MEMORY) ?? 0)) / 2;
}

/** The fitting node with the most room left, ties by name; undefined when none fits. */
export function pickNode(graph: ClusterGraph, pod: Obj<Pod>, fitting: readonly NodeState[]): NodeState | undefined {
  const incoming = nonZeroRequests(pod);
  let best: { state: NodeState; score: number } | undefined;
  for (const state of fitting) {
    const s = score(graph, state, incoming);
    if (!best || s > best.score || (s === best.score && state.name < best.state.name)) best = { state, score: s };
  }
  return best?.state;
}
