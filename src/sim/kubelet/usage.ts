/**
 * Resource usage as the kubelet's summary API reports it and metrics-server serves it: per
 * container CPU (millicores) and memory working set (bytes) at one instant, summed per node. The
 * model is deterministic: a process burns what its program declares (capped by the container's CPU
 * limit) and holds its memory plus what it leaked since it started.
 */
import type { Container } from '../../cluster/objects.js';
import { parseQuantity } from '../../cluster/quantity.js';
import type { Program } from './program.js';

/** One running container's usage. */
export interface ContainerUsage {
  name: string;
  cpuMillis: number;
  /** Working set: what the OOM killer and the eviction manager count. */
  memoryBytes: number;
}

/** The running containers of one pod. */
export interface PodUsage {
  namespace: string;
  name: string;
  uid: string;
  containers: ContainerUsage[];
}

/** One node: its pods and the node's own total (pods plus the system's share). */
export interface NodeUsage {
  name: string;
  cpuMillis: number;
  memoryBytes: number;
  pods: PodUsage[];
}

/** Every node's usage at one instant. */
export interface ClusterUsage {
  at: Date;
  nodes: NodeUsage[];
}

/** What the node's own processes use besides the pods (kubelet, container runtime, the OS). */
export const SYSTEM_CPU_MILLIS = 30;
export const SYSTEM_MEMORY_BYTES = 120 * 1024 * 1024;

/** A container's CPU limit in millicores, if it has one. */
function cpuLimitMillis(spec: Container): number | undefined {
  const cores = parseQuantity(spec.resources?.limits?.['cpu'] as string | number | undefined);
  return cores === undefined ? undefined : Math.ceil(cores * 1000);
}

/** A container's memory limit in bytes (a fraction of a byte counts as one), if it has one. */
export function memoryLimitBytes(spec: Container): number | undefined {
  const bytes = parseQuantity(spec.resources?.limits?.['memory'] as string | number | undefined);
  return bytes === undefined ? undefined : Math.ceil(bytes);
}

/** Memory of a program `elapsedMs` after it started, before any limit applies. */
export function memoryAfter(program: Program, elapsedMs: number): number {
  return Math.round(program.memoryBytes + program.memoryGrowthBytesPerSecond * Math.max(0, elapsedMs) / 1000);
}

/**
 * The usage of a container running `program` since `startedMs`, at `nowMs`: CPU throttled to the
 * limit (CFS quota), memory never above the limit (the OOM killer ends it there).
 */
export function containerUsage(spec: Container, program: Program, startedMs: number, nowMs: number): ContainerUsage {
  const cpuLimit = cpuLimitMillis(spec);
  const memoryLimit = memoryLimitBytes(spec);
  const memory = memoryAfter(program, nowMs - startedMs);
  return {
    name: spec.name,
    cpuMillis: cpuLimit === undefined ? program.cpuMillis : Math.min(program.cpuMillis, cpuLimit),
    memoryBytes: memoryLimit === undefined ? memory : Math.min(memory, memoryLimit),
  };
}

/** The node total over its pods, with the system's share added. */
export function nodeUsage(name: string, pods: PodUsage[]): NodeUsage {
  let cpuMillis = SYSTEM_CPU_MILLIS;
  let memoryBytes = SYSTEM_MEMORY_BYTES;
  for (const pod of pods) {
    for (const c of pod.containers) {
      cpuMillis += c.cpuMillis;
      memoryBytes += c.memoryBytes;
    }
  }
  return { name, cpuMillis, memoryBytes, pods };
}

/** The usage of one pod, wherever it runs. */
export function findPodUsage(usage: ClusterUsage, namespace: string, name: string): PodUsage | undefined {
  for (const node of usage.nodes) {
    const pod = node.pods.find((p) => p.namespace === namespace && p.name === name);
    if (pod) return pod;
  }
  return undefined;
}
