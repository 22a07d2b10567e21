import { describe, expect, it } from 'vitest';
import { AGE_ANNOTATION } from '../../cluster/annotations.js';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, node, pod, replicaSet } from '../../../test/k8s.js';
import { evictedAnalyzer } from './evicted.js';

const deploy = deployment('shop', 'catalog');
const rs = replicaSet(deploy, '5f6d8c7b9');

const MEMORY = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container app was using 1254412Ki, request is 128Mi, has larger consumption of memory. ';
const DISK = 'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8675436Ki. Container app was using 31Gi, request is 0, has larger consumption of ephemeral-storage. ';

function evictedPod(name: string, message: string, over: { nodeName?: string; minutesAgo?: number; limits?: Record<string, string> } = {}): KubeObject {
  const { nodeName = 'node-2', minutesAgo = 20 } = over;
  return pod('shop', name, {
    spec: { nodeName, containers: [{ name: 'app', image: 'registry.example.com/catalog:3.1.0', resources: { requests: { memory: '128Mi' }, limits: over.limits ?? { memory: '2Gi' } } }] },
    status: {
      phase: 'Failed', reason: 'Evicted', message,
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastTransitionTime: ago(minutesAgo) }, { type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { reason: 'Error', exitCode: 137, finishedAt: ago(minutesAgo) } } }],
    },
  }, rs);
}

function pressured(type: 'MemoryPressure' | 'DiskPressure'): KubeObject {
  const reason = type === 'MemoryPressure' ? 'KubeletHasInsufficientMemory' : 'KubeletHasDiskPressure';
  const message = type === 'MemoryPressure' ? 'kubelet has insufficient memory available' : 'kubelet has disk pressure';
  return node('node-2', { status: { conditions: [{ type, status: 'True', reason, message, lastTransitionTime: ago(25) }, { type: 'Ready', status: 'True' }] } });
}

describe('evictedAnalyzer', () => {
  it('blames the node for memory-pressure evictions, all of them with the same culprit', () => {
    const n = pressured('MemoryPressure');
    const a = evictedPod('catalog-5f6d8c7b9-aaaaa', MEMORY);
    const b = evictedPod('catalog-5f6d8c7b9-bbbbb', MEMORY);
    const ev = event(a, 'Warning', 'Evicted', MEMORY, { minutesAgo: 20 });
    const findings = evictedAnalyzer.analyze(graphOf([n, deploy, rs, a, b, ev, pod('shop', 'catalog-5f6d8c7b9-ccccc', { spec: { nodeName: 'node-3' } }, rs)]));
    expect(findings).toHaveLength(2);
    for (const f of findings) {
      expect(f.rootCause.category).toBe('node-memory-pressure');
      expect(f.culprit).toEqual({ kind: 'Node', name: 'node-2' });
      expect(f.severity).toBe('warning');
      expect(f.fixes).toEqual([]);
      expect(f.related).toBeUndefined();
    }
    const quotes = findings[0]!.evidence.map((e) => e.quote).join('\n');
    expect(quotes).toContain('Reason: Evicted, Message: The node was low on resource: memory. Threshold quantity: 100Mi');
    expect(quotes).toContain('Warning Evicted: The node was low on resource: memory.');
    expect(quotes).toContain('MemoryPressure True, Reason: KubeletHasInsufficientMemory');
    expect(findings[0]!.rootCause.explanation).toContain('one of 2 pods evicted from node-2');
    expect(findings[0]!.rootCause.explanation).toContain('used 1254412Ki against a request of 128Mi');
  });

  it('reports disk pressure, critical when no replica runs', () => {
    const [f] = evictedAnalyzer.analyze(graphOf([pressured('DiskPressure'), deploy, rs, evictedPod('catalog-5f6d8c7b9-aaaaa', DISK)]));
    expect(f!.rootCause.category).toBe('node-disk-pressure');
    expect(f!.severity).toBe('critical');
  });

  it('blames the workload for its own ephemeral-storage limit and proposes raising it', () => {
    const p = evictedPod('catalog-5f6d8c7b9-aaaaa', 'Container app exceeded its local ephemeral storage limit "1Gi". ', { limits: { memory: '2Gi', 'ephemeral-storage': '1Gi' } });
    const [f] = evictedAnalyzer.analyze(graphOf([node('node-2'), deploy, rs, p]));
    expect(f!.rootCause.category).toBe('ephemeral-storage-limit');
    expect(f!.culprit).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'catalog' });
    const plan = f!.fixes[0]!;
    // max(1Gi × 1.5, 1Gi + 512Mi) = 1.5Gi: written exactly, in Mi.
    expect(JSON.stringify(plan.change)).toContain('"ephemeral-storage":"1536Mi"');
    expect(JSON.stringify(plan.inverse?.change)).toContain('"ephemeral-storage":"1Gi"');
  });

  it('raises an emptyDir sizeLimit: max(750Mi, 1012Mi) rounds up to 1Gi', () => {
    const p = evictedPod('catalog-5f6d8c7b9-aaaaa', 'Usage of EmptyDir volume "scratch" exceeds the limit "500Mi". ');
    const [f] = evictedAnalyzer.analyze(graphOf([deploy, rs, p]));
    expect(f!.fixes[0]!.change).toEqual({ type: 'strategic', patch: { spec: { template: { spec: { volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }] } } } } });
  });

  it('ignores evictions older than a day and pods that failed for other reasons', () => {
    const old = evictedPod('catalog-5f6d8c7b9-aaaaa', MEMORY, { minutesAgo: 3 * 24 * 60 });
    const failed = pod('shop', 'catalog-5f6d8c7b9-bbbbb', { status: { phase: 'Failed', reason: 'DeadlineExceeded' } }, rs);
    expect(evictedAnalyzer.analyze(graphOf([deploy, rs, old, failed]))).toEqual([]);
  });

  it('is critical for a bare pod, which nothing recreates', () => {
    const bare = evictedPod('scratch-runner', MEMORY);
    bare.metadata.ownerReferences = [];
    const [f] = evictedAnalyzer.analyze(graphOf([pressured('MemoryPressure'), bare]));
    expect(f!.severity).toBe('critical');
    expect(f!.rootCause.explanation).toContain('nothing recreates it');
  });

  it('dates an eviction read from describe text by its event age (Go zero times are unknown)', () => {
    const fromDescribe = (ageSeconds: number): KubeObject[] => {
      const p = evictedPod('catalog-5f6d8c7b9-aaaaa', MEMORY);
      const status = p.status as { conditions: { type: string; lastTransitionTime?: string }[]; containerStatuses: { state: { terminated: Record<string, unknown> } }[] };
      delete status.conditions[0]!.lastTransitionTime;
      status.containerStatuses[0]!.state.terminated = { reason: 'ContainerStatusUnknown', exitCode: 137, startedAt: '0001-01-01T00:00:00Z', finishedAt: '0001-01-01T00:00:00Z' };
      const ev = event(p, 'Warning', 'Evicted', MEMORY, { lastTimestamp: undefined, firstTimestamp: undefined, metadata: { annotations: { [AGE_ANNOTATION]: String(ageSeconds) } } });
      return [p, ev];
    };
    expect(evictedAnalyzer.analyze(graphOf(fromDescribe(16 * 60)))).toHaveLength(1);
    expect(evictedAnalyzer.analyze(graphOf(fromDescribe(3 * 24 * 3600)))).toEqual([]);
  });
});
