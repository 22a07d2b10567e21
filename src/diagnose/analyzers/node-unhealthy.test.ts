import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, event, graphOf, node, pod } from '../../../test/k8s.js';
import { groupIncidents } from '../incidents.js';
import { nodeUnhealthyAnalyzer } from './node-unhealthy.js';
import { pendingAnalyzer } from './pending.js';

const HEALTHY = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

function withConditions(name: string, changes: Record<string, Record<string, string>>, over: Record<string, unknown> = {}): KubeObject {
  const conditions = HEALTHY.map((c) => ({ ...c, lastHeartbeatTime: ago(1), lastTransitionTime: ago(600), ...(changes[c.type] ?? {}) }));
  return node(name, { ...over, status: { conditions } });
}

const UNKNOWN = { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ago(12), lastHeartbeatTime: ago(13) };

describe('nodeUnhealthyAnalyzer: NotReady', () => {
  const lost = withConditions('node-3', { Ready: UNKNOWN, MemoryPressure: UNKNOWN, DiskPressure: UNKNOWN, PIDPressure: UNKNOWN }, {
    spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: ago(12) }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: ago(12) }] },
  });
  const stuck = pod('shop', 'api-1', { metadata: { deletionTimestamp: ago(6) }, spec: { nodeName: 'node-3' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } });
  const stale = pod('shop', 'api-2', { spec: { nodeName: 'node-3' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } });
  const marked = event(stuck, 'Normal', 'TaintManagerEviction', 'Marking for deletion Pod shop/api-1', { minutesAgo: 6 });
  const nodeEv = event(lost, 'Normal', 'NodeNotReady', 'Node node-3 status is now: NodeNotReady', { minutesAgo: 12 });
  const findings = nodeUnhealthyAnalyzer.analyze(graphOf([lost, stuck, stale, marked, nodeEv]));

  it('reports one critical not-ready finding, not a pressure finding per Unknown condition', () => {
    expect(findings).toHaveLength(1);
    expect(findings[0]!.rootCause.category).toBe('not-ready');
    expect(findings[0]!.severity).toBe('critical');
    expect(findings[0]!.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('quotes the condition, the taints, the event and how its pods fare', () => {
    const quotes = findings[0]!.evidence.map((e) => e.quote).join('\n');
    expect(quotes).toContain('Ready=Unknown, Reason: NodeStatusUnknown, Message: Kubelet stopped posting node status.');
    expect(quotes).toContain('node.kubernetes.io/unreachable:NoExecute');
    expect(quotes).toContain('NodeNotReady');
    expect(quotes).toContain('2 non-terminated, 1 not ready, 1 terminating, 1 marked for deletion');
  });

  it('proposes a cordon with its uncordon inverse, never a drain', () => {
    const [plan] = findings[0]!.fixes;
    expect(plan?.verb).toBe('cordon');
    expect(plan?.inverse?.verb).toBe('uncordon');
    expect(findings[0]!.fixes).toHaveLength(1);
  });

  it('leaves alone a node the cluster autoscaler is removing', () => {
    const leaving = withConditions('node-7', { Ready: UNKNOWN }, { spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler', value: '1763632800', effect: 'NoSchedule' }] } });
    expect(nodeUnhealthyAnalyzer.analyze(graphOf([leaving]))).toEqual([]);
  });

  it('explains what the kubelet\'s NotReady message means, and skips a node still joining', () => {
    const cni = withConditions('node-4', { Ready: { status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized' } });
    const [f] = nodeUnhealthyAnalyzer.analyze(graphOf([cni]));
    expect(f?.rootCause.explanation).toContain('CNI');
    const joining = withConditions('node-5', { Ready: { status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready' } }, { metadata: { creationTimestamp: ago(0.5) } });
    expect(nodeUnhealthyAnalyzer.analyze(graphOf([joining]))).toEqual([]);
  });
});

describe('nodeUnhealthyAnalyzer: pressure', () => {
  it('reports disk pressure with the eviction event for that resource only', () => {
    const n = withConditions('node-2', { DiskPressure: { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', lastTransitionTime: ago(25) } },
      { spec: { taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule', timeAdded: ago(25) }] } });
    const evs = [
      event(n, 'Warning', 'EvictionThresholdMet', 'Attempting to reclaim ephemeral-storage', { minutesAgo: 20 }),
      event(n, 'Warning', 'EvictionThresholdMet', 'Attempting to reclaim memory', { minutesAgo: 300 }),
      event(n, 'Normal', 'NodeHasDiskPressure', 'Node node-2 status is now: NodeHasDiskPressure', { minutesAgo: 25 }),
    ];
    const [f, ...rest] = nodeUnhealthyAnalyzer.analyze(graphOf([n, ...evs]));
    expect(rest).toEqual([]);
    expect(f?.rootCause.category).toBe('disk-pressure');
    expect(f?.severity).toBe('warning');
    const quotes = f!.evidence.map((e) => e.quote).join('\n');
    expect(quotes).toContain('Attempting to reclaim ephemeral-storage');
    expect(quotes).not.toContain('reclaim memory');
    expect(f?.fixes.map((p) => p.verb)).toEqual(['cordon']);
  });

  it('does not propose cordoning a node already cordoned', () => {
    const n = withConditions('node-2', { MemoryPressure: { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' } }, { spec: { unschedulable: true } });
    const [f] = nodeUnhealthyAnalyzer.analyze(graphOf([n]));
    expect(f?.rootCause.category).toBe('memory-pressure');
    expect(f?.fixes).toEqual([]);
  });

  it('falls back to the taint when the condition is missing, at lower confidence', () => {
    const n = node('node-6', { spec: { taints: [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }] }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } });
    const [f] = nodeUnhealthyAnalyzer.analyze(graphOf([n]));
    expect(f?.rootCause.category).toBe('memory-pressure');
    expect(f?.confidence).toBeLessThan(0.9);
  });
});

describe('nodeUnhealthyAnalyzer: cordoned nodes', () => {
  const cordoned = (name: string): KubeObject => node(name, { spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } });

  it('says nothing of a cordoned node in a healthy cluster', () => {
    expect(nodeUnhealthyAnalyzer.analyze(graphOf([cordoned('node-1'), node('node-2'), pod('shop', 'api', { spec: { nodeName: 'node-2' } })]))).toEqual([]);
  });

  it('warns when pending pods would fit only on the cordoned node, and joins their incident', () => {
    const full = node('node-2');
    const load = pod('ops', 'load', { spec: { nodeName: 'node-2', containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '3800m' } } }] } });
    const waiting = pod('shop', 'worker', {
      metadata: { creationTimestamp: ago(15) },
      spec: { nodeName: undefined, containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '500m' } } }] },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }], containerStatuses: undefined },
    });
    const ev = event(waiting, 'Warning', 'FailedScheduling', '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
    const graph = graphOf([cordoned('node-1'), full, load, waiting, ev]);
    const [f] = nodeUnhealthyAnalyzer.analyze(graph);
    expect(f?.rootCause.category).toBe('unschedulable');
    expect(f?.severity).toBe('warning');
    expect(f?.fixes.map((p) => p.verb)).toEqual(['uncordon']);
    const incidents = groupIncidents([f!, ...pendingAnalyzer.analyze(graph)], graph);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.cause.mode).toBe('NodeUnhealthy');
  });
});
