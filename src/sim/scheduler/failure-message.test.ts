import { describe, expect, it } from 'vitest';
import { ClusterGraph, type Obj } from '../../cluster/graph.js';
import type { KubeObject, Pod } from '../../cluster/objects.js';
import { SchedulingModel } from '../../cluster/scheduling.js';
import { failedSchedulingMessage } from './failure-message.js';

function node(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' } }, ...extra,
  } as KubeObject;
}

function pendingPod(spec: Record<string, unknown>): Obj<Pod> {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-0', namespace: 'shop' },
    spec: { containers: [{ name: 'app', image: 'api:1', resources: { requests: { memory: '1Gi' } } }], ...spec }, status: { phase: 'Pending' },
  } as Obj<Pod>;
}

function messageFor(pod: Obj<Pod>, objects: KubeObject[]): string {
  const graph = new ClusterGraph({ objects: [...objects, pod], logs: [], origins: ['test'], capturedAt: '2026-03-01T10:00:00Z' });
  return failedSchedulingMessage(pod, SchedulingModel.of(graph).fit(pod));
}

describe('failedSchedulingMessage', () => {
  it('counts cordoned and mismatched nodes as nodes where preemption is not helpful', () => {
    const pod = pendingPod({ nodeSelector: { disk: 'ssd' } });
    const nodes = [node('a', { spec: { unschedulable: true } }), node('b'), node('c')];
    expect(messageFor(pod, nodes)).toBe(
      "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. "
      + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..',
    );
  });

  it('says a pod that may not preempt is not eligible', () => {
    const pod = pendingPod({ preemptionPolicy: 'Never', containers: [{ name: 'app', image: 'api:1', resources: { requests: { cpu: '3' } } }] });
    expect(messageFor(pod, [node('a'), node('b')])).toBe(
      '0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..',
    );
  });

  it('reports a claim bound to nothing as a PreFilter rejection, for every node', () => {
    const pod = pendingPod({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: { storageClassName: 'standard' } } as KubeObject;
    const cls = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, volumeBindingMode: 'Immediate' } as KubeObject;
    expect(messageFor(pod, [node('a'), node('b'), claim, cls])).toBe(
      '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. '
      + 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..',
    );
  });
});
