/**
 * Builders of small, realistic Kubernetes objects for unit tests. Each call returns a fresh object;
 * `over` is deep-merged (arrays replaced), so a test states only what matters to it.
 */
import { ClusterGraph } from '../src/cluster/graph.js';
import type { KubeObject } from '../src/cluster/objects.js';
import type { ContainerLog } from '../src/cluster/snapshot.js';

export const NOW = '2026-11-20T10:00:00Z';

/** Minutes before {@link NOW}, as an RFC 3339 time. */
export function ago(minutes: number): string {
  return new Date(Date.parse(NOW) - minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

type Over = Record<string, unknown>;

/** Deep merge of `over` into a copy of `base`; arrays and scalars in `over` replace. */
export function merge(base: object, over: Over | undefined): KubeObject {
  return mergeValue(base, over) as KubeObject;
}

function mergeValue(base: object, over: Over | undefined): object {
  if (!over) return base;
  const out: Over = { ...(base as Over) };
  for (const [k, v] of Object.entries(over)) {
    const current = out[k];
    out[k] = isPlain(v) && isPlain(current) ? mergeValue(current, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Over {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

let serial = 0;
function uid(): string {
  serial += 1;
  return `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`;
}

export function graphOf(objects: KubeObject[], logs: ContainerLog[] = [], capturedAt = NOW): ClusterGraph {
  return new ClusterGraph({ objects, logs, capturedAt, origins: ['test'] });
}

export function node(name: string, over?: Over): KubeObject {
  return merge({
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, uid: uid(), labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' }, creationTimestamp: ago(10_000) },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '3920m', memory: '15Gi', pods: '110', 'ephemeral-storage': '95Gi' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
    },
  }, over);
}

/** A Deployment with its current ReplicaSet; pods made with {@link pod} and `owner` join it. */
export function deployment(namespace: string, name: string, over?: Over): KubeObject {
  return merge({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace, uid: uid(), generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' }, creationTimestamp: ago(600) },
    spec: {
      replicas: 2, selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `registry.example.com/${name}:1.0.0` }] } },
      progressDeadlineSeconds: 600,
    },
    status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
  }, over);
}

export function replicaSet(owner: KubeObject, hash: string, over?: Over): KubeObject {
  const name = owner.metadata.name;
  return merge({
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${name}-${hash}`, namespace: owner.metadata.namespace, uid: uid(), labels: { app: name, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name, uid: owner.metadata.uid, controller: true }],
    },
    spec: { replicas: 2, selector: { matchLabels: { app: name, 'pod-template-hash': hash } } },
    status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
  }, over);
}

/** A running, ready pod of one container `app`; `owner` (a ReplicaSet, Job ...) sets its owner and labels. */
export function pod(namespace: string, name: string, over?: Over, owner?: KubeObject): KubeObject {
  const labels = owner ? { ...(owner.metadata.labels ?? {}) } : { app: name };
  return merge({
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace, uid: uid(), labels, creationTimestamp: ago(60),
      ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true }] } : {}),
    },
    spec: {
      nodeName: 'node-1', restartPolicy: 'Always',
      containers: [{ name: 'app', image: 'registry.example.com/app:1.0.0', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }],
    },
    status: {
      phase: 'Running', qosClass: 'Burstable', startTime: ago(60),
      conditions: [
        { type: 'PodScheduled', status: 'True' }, { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: 'True' }, { type: 'Ready', status: 'True' },
      ],
      containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: 'registry.example.com/app:1.0.0', imageID: '', state: { running: { startedAt: ago(59) } } }],
    },
  }, over);
}

/** A core/v1 Event about an object, `count` times, the last one `minutesAgo` before {@link NOW}. */
export function event(about: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, over?: Over & { count?: number; minutesAgo?: number }): KubeObject {
  const { count = 1, minutesAgo = 1, ...rest } = over ?? {};
  serial += 1;
  return merge({
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${about.metadata.name}.${serial.toString(16)}`, namespace: about.metadata.namespace ?? 'default', uid: uid() },
    involvedObject: {
      apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, uid: about.metadata.uid,
      ...(about.metadata.namespace ? { namespace: about.metadata.namespace } : {}),
    },
    type, reason, message, count,
    firstTimestamp: ago(minutesAgo + count), lastTimestamp: ago(minutesAgo),
    source: { component: componentFor(reason) },
  }, rest);
}

function componentFor(reason: string): string {
  if (reason === 'FailedScheduling' || reason === 'Scheduled') return 'default-scheduler';
  if (['ScalingReplicaSet', 'DeploymentRollback'].includes(reason)) return 'deployment-controller';
  return 'kubelet';
}

export function log(namespace: string, podName: string, text: string, options: { container?: string; previous?: boolean } = {}): ContainerLog {
  return { namespace, pod: podName, text, previous: options.previous ?? false, origin: 'test', ...(options.container ? { container: options.container } : {}) };
}
