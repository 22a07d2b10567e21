/**
 * Reading a kubelet eviction: when it happened and why, from the message the eviction manager sets on
 * the pod (pkg/kubelet/eviction/helpers.go):
 * - `The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. …` (or
 *   `ephemeral-storage` / `inodes`), or at admission `The node had condition: [DiskPressure]. `: the node;
 * - `Container app exceeded its local ephemeral storage limit "1Gi". `,
 *   `Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ` or
 *   `Usage of EmptyDir volume "cache" exceeds the limit "1Gi". `: the workload's own limit.
 */
import type { ClusterGraph } from '../cluster/graph.js';
import { refOf } from '../cluster/objects.js';
import { millisOf } from '../cluster/time.js';
import { eventsWithReason } from './evidence.js';
import type { Category } from './finding.js';
import type { PodObj } from './pod-state.js';

/** Why the eviction manager evicted a pod. */
export type EvictionCause =
  | { kind: 'node'; resource: string; category: Category<'Evicted'> }
  | { kind: 'container-limit'; container: string; limit: string }
  | { kind: 'pod-limit'; limit: string }
  | { kind: 'empty-dir'; volume: string; limit: string };

/** When the kubelet evicted the pod: its DisruptionTarget condition, its Evicted event, or its containers' end. */
export function evictionTime(graph: ClusterGraph, pod: PodObj): number | undefined {
  const condition = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  const fromCondition = millisOf(condition?.lastTransitionTime);
  if (fromCondition !== undefined) return fromCondition;
  const event = eventsWithReason(graph, refOf(pod), ['Evicted']).pop();
  const fromEvent = event ? graph.eventTime(event) : undefined;
  if (fromEvent !== undefined) return fromEvent;
  const ends = (pod.status?.containerStatuses ?? []).map((s) => millisOf(s.state?.terminated?.finishedAt)).filter((t): t is number => t !== undefined);
  return ends.length ? Math.max(...ends) : undefined;
}

/** Reads the eviction manager's message (see the formats in the file comment); undefined for any other text. */
export function evictionCause(message: string): EvictionCause | undefined {
  const low = /The node was low on resource: ([\w.-]+)\./.exec(message);
  if (low) return nodeCause(low[1]!);
  const condition = /The node had condition: \[?(\w+)/.exec(message);
  if (condition) return nodeCause(condition[1]!);
  const container = /Container (\S+) exceeded its local ephemeral storage limit "([^"]+)"/.exec(message);
  if (container) return { kind: 'container-limit', container: container[1]!, limit: container[2]! };
  const pod = /Pod ephemeral local storage usage exceeds the total limit of containers (\S+?)\.?(?:\s|$)/.exec(message);
  if (pod) return { kind: 'pod-limit', limit: pod[1]! };
  const emptyDir = /Usage of EmptyDir volume "([^"]+)" exceeds the limit "([^"]+)"/.exec(message);
  if (emptyDir) return { kind: 'empty-dir', volume: emptyDir[1]!, limit: emptyDir[2]! };
  return undefined;
}

function nodeCause(resource: string): EvictionCause {
  if (resource === 'memory' || resource === 'MemoryPressure') return { kind: 'node', resource: 'memory', category: 'node-memory-pressure' };
  if (['ephemeral-storage', 'inodes', 'nodefs', 'imagefs', 'DiskPressure'].includes(resource)) return { kind: 'node', resource, category: 'node-disk-pressure' };
  if (resource === 'pids' || resource === 'PIDPressure') return { kind: 'node', resource, category: 'node-pid-pressure' };
  return { kind: 'node', resource, category: 'unknown' };
}
