import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, node, pod, replicaSet } from '../../../test/k8s.js';
import { groupIncidents } from '../incidents.js';
import { pendingAnalyzer } from './pending.js';

const CP_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function workload(name: string, requests: Record<string, string>, specOver: Record<string, unknown> = {}): { deploy: KubeObject; rs: KubeObject } {
  const template = { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `registry.example.com/${name}:1.0.0`, resources: { requests } }], ...specOver } };
  const deploy = deployment('shop', name, { spec: { replicas: 3, template }, status: { replicas: 3, readyReplicas: 0, availableReplicas: 0 } });
  return { deploy, rs: replicaSet(deploy, '7d9f8b6c4d') };
}

function pendingPod(owner: KubeObject, name: string, requests: Record<string, string>, specOver: Record<string, unknown> = {}, minutes = 20): KubeObject {
  return pod('shop', name, {
    metadata: { creationTimestamp: ago(minutes) },
    spec: { nodeName: undefined, containers: [{ name: 'app', image: 'registry.example.com/app:1.0.0', resources: { requests } }], ...specOver },
    status: { phase: 'Pending', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '' }], containerStatuses: undefined, startTime: undefined },
  }, owner);
}

function busyPod(nodeName: string, cpu: string, memory: string): KubeObject {
  return pod('ops', `load-${nodeName}`, { spec: { nodeName, containers: [{ name: 'app', image: 'x', resources: { requests: { cpu, memory } } }] } });
}

const scheduling = (about: KubeObject, message: string): KubeObject => event(about, 'Warning', 'FailedScheduling', message, { count: 6, minutesAgo: 2 });

describe('pendingAnalyzer: resources', () => {
  const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));
  const load = nodes.map((n) => busyPod(n.metadata.name, '3500m', '2Gi'));
  const { deploy, rs } = workload('checkout', { cpu: '1', memory: '512Mi' });
  const pods = [0, 1, 2].map((i) => pendingPod(rs, `checkout-7d9f8b6c4d-p${i}`, { cpu: '1', memory: '512Mi' }));
  const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  const events = pods.map((p) => scheduling(p, message));
  const graph = graphOf([...nodes, ...load, deploy, rs, ...pods, ...events]);
  const findings = pendingAnalyzer.analyze(graph);

  it('names insufficient cpu with high confidence when the event and the recomputation agree', () => {
    expect(findings).toHaveLength(3);
    const f = findings[0]!;
    expect(f.rootCause.category).toBe('insufficient-cpu');
    expect(f.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f.rootCause.explanation).toContain('420m');
    expect(f.evidence.map((e) => e.quote).join('\n')).toContain('3 Insufficient cpu');
    expect(f.evidence.some((e) => e.source === 'node' && e.quote.includes('free: 420m'))).toBe(true);
  });

  it('blames the workload and is critical when no replica runs, so the replicas are one incident', () => {
    expect(findings.every((f) => f.culprit.kind === 'Deployment' && f.culprit.name === 'checkout')).toBe(true);
    expect(findings[0]!.severity).toBe('critical');
    expect(groupIncidents(findings, graph)).toHaveLength(1);
  });

  it('proposes no automatic fix for missing capacity', () => {
    expect(findings[0]!.fixes).toEqual([]);
  });
});

describe('pendingAnalyzer: what is not a finding', () => {
  it('ignores a pod pending for seconds with no word from the scheduler', () => {
    const p = pod('shop', 'fresh', { metadata: { creationTimestamp: ago(5 / 60) }, spec: { nodeName: undefined }, status: { phase: 'Pending', conditions: [] } });
    expect(pendingAnalyzer.analyze(graphOf([node('node-1'), p]))).toEqual([]);
  });

  it('ignores pods that are scheduled, gated or being deleted', () => {
    const gated = pod('shop', 'gated', { metadata: { creationTimestamp: ago(30) }, spec: { nodeName: undefined, schedulingGates: [{ name: 'example.com/quota' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
    const creating = pod('shop', 'creating', { status: { phase: 'Pending' } });
    expect(pendingAnalyzer.analyze(graphOf([node('node-1'), gated, creating]))).toEqual([]);
  });

  it('lowers a pod waiting on preemption to info', () => {
    const p = pod('shop', 'urgent', { metadata: { creationTimestamp: ago(3) }, spec: { nodeName: undefined }, status: { phase: 'Pending', nominatedNodeName: 'node-1', conditions: [] } });
    const ev = scheduling(p, '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    const [f] = pendingAnalyzer.analyze(graphOf([node('node-1'), p, ev]));
    expect(f?.severity).toBe('info');
    expect(f?.fixes).toEqual([]);
  });
});

describe('pendingAnalyzer: choosing the reason', () => {
  it('prefers resources over the control-plane taint and rebuilds the scheduler\'s exact message', () => {
    const nodes = [node('cp-1', { spec: { taints: [CP_TAINT] } }), node('node-1'), node('node-2')];
    const load = ['node-1', 'node-2'].map((n) => busyPod(n, '500m', '14Gi'));
    const p = pendingPod(pod('shop', 'x'), 'cache', { cpu: '250m', memory: '2Gi' });
    delete p.metadata.ownerReferences;
    const message = '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    const [f] = pendingAnalyzer.analyze(graphOf([...nodes, ...load, p, scheduling(p, message)]));
    expect(f?.rootCause.category).toBe('insufficient-memory');
    expect(f?.rootCause.explanation).toContain('same message');
    expect(f?.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('uses the event alone when the input has no nodes (describe text of one pod)', () => {
    const p = pendingPod(pod('shop', 'x'), 'report', { cpu: '100m', memory: '6Gi' });
    const ev = scheduling(p, '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient memory. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.');
    const [f] = pendingAnalyzer.analyze(graphOf([p, ev]));
    expect(f?.rootCause.category).toBe('insufficient-memory');
    expect(f?.confidence).toBeGreaterThan(0.8);
    expect(f?.confidence).toBeLessThan(0.9);
  });

  it('prefers the event and lowers confidence when the recomputation disagrees', () => {
    const p = pendingPod(pod('shop', 'x'), 'batch', { cpu: '100m', memory: '1Gi' });
    const ev = scheduling(p, '0/1 nodes are available: 1 Insufficient memory.');
    const [f] = pendingAnalyzer.analyze(graphOf([node('node-1'), p, ev]));
    expect(f?.rootCause.category).toBe('insufficient-memory');
    expect(f?.confidence).toBeLessThan(0.7);
    expect(f?.rootCause.explanation).toContain('node-1 could take it');
  });

  it('names a cluster without nodes', () => {
    const p = pendingPod(pod('shop', 'x'), 'api', { cpu: '100m' });
    for (const message of ['no nodes available to schedule pods', '0/0 nodes are available: .']) {
      const [f] = pendingAnalyzer.analyze(graphOf([p, scheduling(p, message)]));
      expect(f?.rootCause.category).toBe('no-nodes');
    }
  });

  it('suspects the scheduler itself when nothing reported on a pod that would fit for minutes', () => {
    const p = pod('shop', 'quiet', { metadata: { creationTimestamp: ago(12) }, spec: { nodeName: undefined, schedulerName: 'batch-scheduler' }, status: { phase: 'Pending', conditions: [] } });
    const [f] = pendingAnalyzer.analyze(graphOf([node('node-1'), p]));
    expect(f?.rootCause.category).toBe('unknown');
    expect(f?.rootCause.explanation).toContain('batch-scheduler');
    expect(f?.confidence).toBeLessThan(0.5);
  });

  it('recomputes a pod with no event yet, at lower confidence', () => {
    const p = pendingPod(pod('shop', 'x'), 'batch', { cpu: '8' }, {}, 3);
    const [f] = pendingAnalyzer.analyze(graphOf([node('node-1'), p]));
    expect(f?.rootCause.category).toBe('insufficient-cpu');
    expect(f?.confidence).toBeLessThanOrEqual(0.7);
    expect(f?.rootCause.explanation).toContain('No node has that much allocatable cpu');
  });
});

describe('pendingAnalyzer: taints, selectors, affinity', () => {
  it('proposes a toleration for a dedicated taint, keeping the template\'s tolerations', () => {
    const own = [{ key: 'example.com/spot', operator: 'Exists', effect: 'NoSchedule' }];
    const taint = { key: 'dedicated', value: 'analytics', effect: 'NoSchedule' };
    const nodes = [node('node-1', { spec: { taints: [taint] } }), node('node-2', { spec: { taints: [taint] } })];
    const { deploy, rs } = workload('reports', { cpu: '100m' }, { tolerations: own });
    const p = pendingPod(rs, 'reports-7d9f8b6c4d-a', { cpu: '100m' }, { tolerations: own });
    const ev = scheduling(p, '0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: analytics}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    const [f] = pendingAnalyzer.analyze(graphOf([...nodes, deploy, rs, p, ev]));
    expect(f?.rootCause.category).toBe('taint-not-tolerated');
    const plan = f?.fixes[0];
    expect(plan?.verb).toBe('patch');
    const patch = (plan?.change as { patch: { spec: { template: { spec: { tolerations: unknown[] } } } } }).patch;
    expect(patch.spec.template.spec.tolerations).toEqual([...own, { key: 'dedicated', operator: 'Equal', value: 'analytics', effect: 'NoSchedule' }]);
    expect((plan?.inverse?.change as { patch: { spec: { template: { spec: { tolerations: unknown[] } } } } }).patch.spec.template.spec.tolerations).toEqual(own);
  });

  it('links pods blocked by node-health taints to those nodes and proposes no toleration', () => {
    const nodes = [node('node-1', { spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] } })];
    const { deploy, rs } = workload('api', { cpu: '100m' });
    const p = pendingPod(rs, 'api-7d9f8b6c4d-a', { cpu: '100m' });
    const ev = scheduling(p, '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.');
    const [f] = pendingAnalyzer.analyze(graphOf([...nodes, deploy, rs, p, ev]));
    expect(f?.rootCause.category).toBe('taint-not-tolerated');
    expect(f?.related).toEqual([{ kind: 'Node', name: 'node-1' }]);
    expect(f?.fixes).toEqual([]);
  });

  it('fixes a nodeSelector whose one label differs by value from a node', () => {
    const nodes = [node('node-1', { metadata: { labels: { disktype: 'ssd', 'kubernetes.io/hostname': 'node-1' } } }), node('node-2', { metadata: { labels: { disktype: 'hdd' } } })];
    const { deploy, rs } = workload('search', { cpu: '100m' }, { nodeSelector: { disktype: 'nvme' } });
    const p = pendingPod(rs, 'search-7d9f8b6c4d-a', { cpu: '100m' }, { nodeSelector: { disktype: 'nvme' } });
    const ev = scheduling(p, "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
    const [f] = pendingAnalyzer.analyze(graphOf([...nodes, deploy, rs, p, ev]));
    expect(f?.rootCause.category).toBe('node-selector-mismatch');
    // Two nodes offer two different values: no unique correction.
    expect(f?.fixes).toEqual([]);
    const single = graphOf([nodes[0]!, deploy, rs, p, scheduling(p, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.")]);
    const [g] = pendingAnalyzer.analyze(single);
    expect(g?.fixes[0]?.summary).toContain('disktype=ssd');
  });

  it('tells required node affinity apart from a nodeSelector', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1c'] }] }] } } };
    const p = pendingPod(pod('shop', 'x'), 'ledger', { cpu: '100m' }, { affinity });
    const ev = scheduling(p, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.");
    const [f] = pendingAnalyzer.analyze(graphOf([node('node-1'), p, ev]));
    expect(f?.rootCause.category).toBe('affinity-mismatch');
    expect(f?.evidence.map((e) => e.quote).join('\n')).toContain('topology.kubernetes.io/zone In eu-west-1c');
  });

  it('explains anti-affinity with more replicas than nodes', () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } };
    const { deploy, rs } = workload('web', { cpu: '100m' }, { affinity: anti });
    const running = ['node-1', 'node-2'].map((n, i) => pod('shop', `web-7d9f8b6c4d-r${i}`, { spec: { nodeName: n, affinity: anti } }, rs));
    const p = pendingPod(rs, 'web-7d9f8b6c4d-p', { cpu: '100m' }, { affinity: anti });
    const ev = scheduling(p, "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.");
    const [f] = pendingAnalyzer.analyze(graphOf([node('node-1'), node('node-2'), deploy, rs, ...running, p, ev]));
    expect(f?.rootCause.category).toBe('affinity-mismatch');
    expect(f?.rootCause.explanation).toContain('more replicas than eligible nodes');
    expect(f?.severity).toBe('warning');
  });
});

describe('pendingAnalyzer: claims and quotas', () => {
  it('blames the unbound claim for a pod that waits on it', () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-0', namespace: 'shop', creationTimestamp: ago(30) }, spec: { storageClassName: '', resources: { requests: { storage: '10Gi' } } }, status: { phase: 'Pending' } };
    const p = pendingPod(pod('shop', 'x'), 'db-0', { cpu: '100m' }, { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }] });
    const ev = scheduling(p, '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    const [f] = pendingAnalyzer.analyze(graphOf([node('node-1'), claim as KubeObject, p, ev]));
    expect(f?.rootCause.category).toBe('pvc-unbound');
    expect(f?.culprit).toEqual({ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' });
    expect(f?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reports a quota that forbids a ReplicaSet\'s pods on its Deployment, with the quota\'s numbers', () => {
    const { deploy, rs } = workload('billing', { cpu: '500m' });
    rs.spec = { replicas: 3 };
    rs.status = { replicas: 2, readyReplicas: 2 };
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute-resources', namespace: 'shop' }, spec: { hard: { 'requests.cpu': '2' } }, status: { hard: { 'requests.cpu': '2' }, used: { 'requests.cpu': '1500m' } } };
    const ev = event(rs, 'Warning', 'FailedCreate', 'Error creating: pods "billing-7d9f8b6c4d-x8k2f" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=2', { count: 14 });
    const running = [0, 1].map((i) => pod('shop', `billing-7d9f8b6c4d-r${i}`, {}, rs));
    const [f] = pendingAnalyzer.analyze(graphOf([deploy, rs, quota as KubeObject, ev, ...running]));
    expect(f?.rootCause.category).toBe('quota-exceeded');
    expect(f?.subject).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'billing' });
    expect(f?.culprit.kind).toBe('ResourceQuota');
    expect(f?.severity).toBe('warning');
    expect(f?.fixes).toEqual([]);
    expect(f?.evidence.map((e) => e.quote).join('\n')).toContain('hard: requests.cpu=2, used: requests.cpu=1500m');
  });

  it('ignores a quota error the ReplicaSet has since overcome', () => {
    const { deploy, rs } = workload('billing', { cpu: '500m' });
    rs.spec = { replicas: 2 };
    rs.status = { replicas: 2 };
    const ev = event(rs, 'Warning', 'FailedCreate', 'Error creating: pods "billing-7d9f8b6c4d-x8k2f" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=2', { minutesAgo: 50 });
    expect(pendingAnalyzer.analyze(graphOf([deploy, rs, ev]))).toEqual([]);
  });
});
