/**
 * Which kind a describe block is, from the fields it prints (or the `kubectl describe` command above
 * it), and the reader for each kind we read.
 */
import type { ReadContext } from '../context.js';
import type { Field } from '../fields.js';
import type { KindReader } from '../reader.js';
import type { Block } from '../text.js';
import { readDeployment } from './deployment.js';
import { readIngress } from './ingress.js';
import { readJob } from './job.js';
import { readNode } from './node.js';
import { readPod } from './pod.js';
import { readPersistentVolume } from './pv.js';
import { readPersistentVolumeClaim } from './pvc.js';
import { readReplicaSet } from './replicaset.js';
import { readService } from './service.js';
import { readStatefulSet } from './statefulset.js';

export const READERS: Record<string, KindReader> = {
  Pod: readPod,
  Deployment: readDeployment,
  ReplicaSet: readReplicaSet,
  StatefulSet: readStatefulSet,
  Job: readJob,
  Node: readNode,
  Service: readService,
  PersistentVolumeClaim: readPersistentVolumeClaim,
  PersistentVolume: readPersistentVolume,
  Ingress: readIngress,
};

/** Signatures in order: the first whose test passes names the kind. Kinds we recognise but do not read come first. */
const SIGNATURES: [kind: string, test: (has: (key: string) => boolean) => boolean][] = [
  ['CronJob', (has) => has('Schedule') && has('Concurrency Policy')],
  ['DaemonSet', (has) => has('Desired Number of Nodes Scheduled')],
  ['HorizontalPodAutoscaler', (has) => has('Min replicas') && has('Max replicas')],
  ['Pod', (has) => has('Containers') && !has('Pod Template') && (has('Node') || has('Status') || has('IP') || has('QoS Class'))],
  ['Deployment', (has) => has('Replicas') && has('StrategyType')],
  ['StatefulSet', (has) => has('Replicas') && (has('Update Strategy') || has('Volume Claims'))],
  ['Job', (has) => has('Completions') || has('Pods Statuses')],
  ['ReplicaSet', (has) => has('Replicas') && has('Pods Status') && has('Pod Template')],
  ['Node', (has) => has('Taints') || has('Roles') || has('Unschedulable') || has('System Info') || (has('Capacity') && has('Allocatable'))],
  ['PersistentVolume', (has) => has('Reclaim Policy') || (has('Claim') && has('Source'))],
  ['PersistentVolumeClaim', (has) => has('StorageClass') && (has('Access Modes') || has('Volume'))],
  ['Ingress', (has) => has('Rules') || has('Ingress Class') || has('Default backend')],
  ['Service', (has) => has('Selector') && has('Type') && (has('IP') || has('IPs') || has('IP Families') || has('Port') || has('Session Affinity'))],
];

const EXPECTED = 'the fields of a Pod (Containers:, Node:), Deployment (Replicas:, StrategyType:), ReplicaSet (Replicas:, Pods Status:), '
  + 'StatefulSet (Replicas:, Update Strategy:), Job (Completions:, Pods Statuses:), Node (Roles:, Taints:, Capacity:), '
  + 'Service (Selector:, Type:, IP:), PersistentVolumeClaim (StorageClass:, Access Modes:), PersistentVolume (Reclaim Policy:) '
  + 'or Ingress (Rules:, Ingress Class:), or a `kubectl describe <kind>` command line above the block';

/** The kind of a block, or an error naming its first line and what was expected. */
export function kindOf(fields: Field[], block: Block, ctx: ReadContext): string {
  const keys = new Set(fields.map((f) => f.key).filter((k): k is string => k !== undefined));
  const inferred = SIGNATURES.find(([, test]) => test((key) => keys.has(key)))?.[0];
  const prompted = block.prompt?.kinds.length === 1 ? block.prompt.kinds[0] : undefined;
  const kind = inferred ?? prompted;
  const first = block.lines[0]!;
  const quoted = first.text.trim().replace(/\s+/g, ' ');
  if (kind === undefined) {
    // The generic describer (custom resources) prints the kind; say so rather than list what we expected.
    const printed = fields.find((f) => f.key === 'Kind' && f.indent === 0)?.value;
    const what = printed ? `it describes a ${printed}, which is not read from describe text; expected ` : 'expected ';
    ctx.fail(first.no, `cannot tell the kind of the describe block "${quoted}": ${what}${EXPECTED}`);
  }
  if (!READERS[kind]) {
    ctx.fail(first.no, `the describe block "${quoted}" is a ${kind}, which is not read from describe text; `
      + `kinds read: ${Object.keys(READERS).join(', ')}`);
  }
  return kind;
}
