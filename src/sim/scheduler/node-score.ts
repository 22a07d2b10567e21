/**
 * Choosing among the nodes a pod fits: NodeResourcesFit's default LeastAllocated score over cpu and
 * memory, counting pods without requests at the scheduler's non-zero defaults (100m cpu, 200Mi
 * memory) so that such pods still spread. Ties go to the first node by name: the simulator is
 * deterministic where the real scheduler picks at random among equal scores.
 */
import type { Obj } from '../../cluster/graph.js';
import type { Pod } from '../../cluster/objects.js';
import { CPU, MEMORY, podRequests, type NodeState } from '../../cluster/scheduling.js';

const DEFAULT_CPU_MILLIS = 100;
const DEFAULT_MEMORY_BYTES = 200 * 1024 * 1024;

/** A pod's cpu and memory as scoring counts them. */
function nonZeroRequests(pod: Obj<Pod>): { cpu: number; memory: number } {
  const requests = podRequests(pod.spec);
  return { cpu: requests.get(CPU) || DEFAULT_CPU_MILLIS, memory: requests.get(MEMORY) || DEFAULT_MEMORY_BYTES };
}

/**
 * What the pods holding room on each node request, as scoring counts it, by node index: kept as
 * pods come and go, so that scoring a node does not walk its pods.
 */
export class NodeLoad {
  private readonly cpu: Float64Array;
  private readonly memory: Float64Array;
  private readonly indexOf = new Map<string, number>();

  constructor(nodes: readonly NodeState[]) {
    this.cpu = new Float64Array(nodes.length);
    this.memory = new Float64Array(nodes.length);
    for (const state of nodes) this.indexOf.set(state.name, state.index);
  }

  /** Counts a pod holding room on `nodeName` (a node the load does not know is ignored). */
  add(pod: Obj<Pod>, nodeName: string): void {
    this.change(pod, nodeName, 1);
  }

  /** Stops counting a pod counted by {@link add}. */
  remove(pod: Obj<Pod>, nodeName: string): void {
    this.change(pod, nodeName, -1);
  }

  /** LeastAllocated's score of `state` with `incoming` placed on it. */
  score(state: NodeState, incoming: { cpu: number; memory: number }): number {
    const cpu = this.cpu[state.index]! + incoming.cpu;
    const memory = this.memory[state.index]! + incoming.memory;
    return (leastAllocated(cpu, state.allocatable.get(CPU) ?? 0) + leastAllocated(memory, state.allocatable.get(MEMORY) ?? 0)) / 2;
  }

  private change(pod: Obj<Pod>, nodeName: string, sign: 1 | -1): void {
    const index = this.indexOf.get(nodeName);
    if (index === undefined) return;
    const r = nonZeroRequests(pod);
    this.cpu[index] = this.cpu[index]! + sign * r.cpu;
    this.memory[index] = this.memory[index]! + sign * r.memory;
  }
}

/** 0..100: the share of the resource left free once the pod is placed. */
function leastAllocated(requested: number, allocatable: number): number {
  if (!(allocatable > 0) || requested > allocatable) return 0;
  return ((allocatable - requested) * 100) / allocatable;
}

/** The fitting node with the most room left, ties by name; undefined when none fits. */
export function pickNode(load: NodeLoad, pod: Obj<Pod>, fitting: readonly NodeState[]): NodeState | undefined {
  const incoming = nonZeroRequests(pod);
  let best: { state: NodeState; score: number } | undefined;
  for (const state of fitting) {
    const s = load.score(state, incoming);
    if (!best || s > best.score || (s === best.score && state.name < best.state.name)) best = { state, score: s };
  }
  return best?.state;
}
