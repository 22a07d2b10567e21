import { describe, expect, it } from 'vitest';
import { deployment, graphOf, node, pod, replicaSet } from '../../test/k8s.js';
import { refOf } from '../cluster/objects.js';
import { finding } from './analyzer.js';
import { groupIncidents } from './incidents.js';

const quote = (text: string) => [{ source: 'status' as const, ref: { kind: 'Pod', name: 'x' }, quote: text }];

describe('groupIncidents', () => {
  const deploy = deployment('shop', 'web');
  const rs = replicaSet(deploy, 'abc12');
  const pods = [0, 1, 2].map((i) => pod('shop', `web-abc12-${i}`, {}, rs));
  const n1 = node('node-1');
  const graph = graphOf([deploy, rs, ...pods, n1]);
  const configMap = { kind: 'ConfigMap', namespace: 'shop', name: 'settings' };

  it('makes one incident of replicas blocked by the same missing ConfigMap, across workloads', () => {
    const other = deployment('shop', 'worker');
    const otherPod = pod('shop', 'worker-1', {}, other);
    const g = graphOf([deploy, rs, ...pods, other, otherPod]);
    const findings = [...pods, otherPod].map((p) => finding({
      mode: 'CreateContainerConfigError', category: 'missing-configmap', subject: refOf(p), explanation: 'x',
      evidence: quote('configmap "settings" not found'), confidence: 0.95, severity: 'critical', culprit: configMap,
    }));
    const incidents = groupIncidents(findings, g);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.symptoms).toHaveLength(3);
    expect(incidents[0]!.affected).toContainEqual(configMap);
  });

  it('puts the pods\' failure before the rollout it stalls', () => {
    const crash = finding({ mode: 'CrashLoopBackOff', category: 'missing-config', subject: refOf(pods[0]!), explanation: 'x', evidence: quote('q'), confidence: 0.8, severity: 'critical', culprit: refOf(deploy) });
    const stuck = finding({ mode: 'RolloutStuck', category: 'new-replicas-failing', subject: refOf(deploy), explanation: 'x', evidence: quote('q'), confidence: 0.95, severity: 'critical' });
    const [incident, ...rest] = groupIncidents([stuck, crash], graph);
    expect(rest).toEqual([]);
    expect(incident!.cause.mode).toBe('CrashLoopBackOff');
    expect(incident!.symptoms.map((s) => s.mode)).toEqual(['RolloutStuck']);
  });

  it('groups evictions with the node under pressure, not with the evicted pods\' workload', () => {
    const pressure = finding({ mode: 'NodeUnhealthy', category: 'memory-pressure', subject: refOf(n1), explanation: 'x', evidence: quote('q'), confidence: 0.95, severity: 'warning' });
    const evictions = pods.map((p) => finding({ mode: 'Evicted', category: 'node-memory-pressure', subject: refOf(p), explanation: 'x', evidence: quote('q'), confidence: 0.9, severity: 'warning', culprit: refOf(n1) }));
    const unrelated = finding({ mode: 'ProbeFailure', category: 'wrong-path', subject: refOf(pods[0]!), explanation: 'x', evidence: quote('q'), confidence: 0.9, severity: 'critical', culprit: refOf(deploy) });
    const incidents = groupIncidents([...evictions, unrelated, pressure], graph);
    expect(incidents.map((i) => [i.cause.mode, i.symptoms.length])).toEqual([['ProbeFailure', 0], ['NodeUnhealthy', 3]]);
  });

  it('prefers a known category over unknown as the cause', () => {
    const unknown = finding({ mode: 'NodeUnhealthy', category: 'unknown', subject: refOf(n1), explanation: 'x', evidence: quote('q'), confidence: 0.5, severity: 'warning' });
    const known = finding({ mode: 'Evicted', category: 'node-memory-pressure', subject: refOf(pods[0]!), explanation: 'x', evidence: quote('q'), confidence: 0.9, severity: 'warning', culprit: refOf(n1) });
    expect(groupIncidents([unknown, known], graph)[0]!.cause.mode).toBe('Evicted');
  });
});
