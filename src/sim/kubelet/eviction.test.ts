/**
 * Node memory pressure on a manual clock: a small node whose pods' memory grows crosses
 * memory.available<100Mi, reports MemoryPressure, is tainted, and evicts the pod the real ranking
 * picks with the kubelet's message; the condition and taint go once the pressure period is over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/index.js';
import { DEFAULT_CATALOG, type ImageCatalog } from './catalog.js';
import {
  EVICTION_MONITORING_MS, type EvictionCandidate, MEMORY_AVAILABLE_THRESHOLD_BYTES, PRESSURE_TRANSITION_MS, binaryQuantity,
  evictionMessage, rankForMemoryPressure,
} from './eviction.js';
import type { Kubelets } from './index.js';
import { startKubeletHarness, stopKubeletHarness } from './kubelet.test-support.js';
import { MEMORY_PRESSURE_TAINT } from './pressure-taint.js';

const PODS = lookupResource('pods')!;
const NODES = lookupResource('nodes')!;
const EVENTS = lookupResource('events')!;
const MiB = 1024 * 1024;

/** A cache that leaks 10 MiB a second from 100 MiB. */
const CATALOG: ImageCatalog = {
  ...DEFAULT_CATALOG,
  'acme/cache': { ...DEFAULT_CATALOG['redis']!, tags: ['2.1'], pullMs: 100, startMs: 100, memoryBytes: 100 * MiB, memoryGrowthBytesPerSecond: 10 * MiB },
};

let clock: ManualClock;
let store: ObjectStore;
let kubelets: Kubelets;

beforeEach(() => {
  ({ clock, store, kubelets } = startKubeletHarness({ metadata: { name: 'small-1' }, status: { capacity: { cpu: '2', memory: '1Gi', pods: '110' }, allocatable: { cpu: '2', memory: '1Gi', pods: '110' } } }, CATALOG));
});
afterEach(() => stopKubeletHarness({ kubelets, store }));

function createPod(name: string, container: Record<string, unknown>, priority?: number): void {
  store.create(PODS, {
    metadata: { name, namespace: 'shop' },
    spec: { nodeName: 'small-1', containers: [{ name: 'app', ...container }], ...(priority !== undefined ? { priority } : {}) },
  });
}

const pod = (name: string) => store.get(PODS, 'shop', name);
const node = () => store.get(NODES, undefined, 'small-1');
const memoryPressure = () => ((node().status as { conditions: Record<string, unknown>[] }).conditions).find((c) => c['type'] === 'MemoryPressure')!;
const taints = () => ((node().spec as { taints?: { key: string; effect: string }[] } | undefined)?.taints ?? []);
const events = (name: string, reason: string) => store.list(EVENTS, { namespace: name === 'small-1' ? 'default' : 'shop' }).items
  .filter((e) => (e['involvedObject'] as { name: string }).name === name && e['reason'] === reason)
  .map((e) => ({ type: e['type'], message: e['message'] as string }));

describe('memory pressure eviction', () => {
  it('evicts the lowest-priority pod above its request, taints the node, and recovers after the transition period', () => {
    createPod('web', { image: 'nginx:1.27', resources: { requests: { memory: '64Mi' } } });
    createPod('api', { image: 'polinux/stress:1.0.4', command: ['stress'], args: ['--vm', '1', '--vm-bytes', '600M'], resources: { requests: { memory: '100Mi' } } }, 1000);
    createPod('cache', { image: 'acme/cache:2.1', resources: { requests: { memory: '128Mi' } } });
    clock.advance(3_000);
    expect(memoryPressure()['status']).toBe('False');

    // Step until the eviction manager acts; remember what the cache used just before.
    let cacheBytes = 0;
    for (let i = 0; i < 120 && (pod('cache').status as { phase?: string }).phase !== 'Failed'; i++) {
      const usage = kubelets.usage().nodes[0]!.pods.find((p) => p.name === 'cache');
      cacheBytes = usage?.containers[0]?.memoryBytes ?? cacheBytes;
      clock.advance(1_000);
    }
    const status = pod('cache').status as { phase: string; reason: string; message: string; conditions: Record<string, unknown>[] };
    expect(status.phase).toBe('Failed');
    expect(status.reason).toBe('Evicted');
    const m = /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: (-?\d+)(Ki|Mi)\. Container app was using (\d+)(Ki|Mi), request is 128Mi, has larger consumption of memory\. $/.exec(status.message);
    expect(m, status.message).not.toBeNull();
    const bytes = (n: string, unit: string) => Number(n) * (unit === 'Mi' ? MiB : 1024);
    expect(bytes(m![1]!, m![2]!)).toBeLessThan(MEMORY_AVAILABLE_THRESHOLD_BYTES);
    expect(bytes(m![3]!, m![4]!)).toBeGreaterThanOrEqual(cacheBytes);
    expect(status.conditions[0]).toMatchObject({ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: status.message });
    // The higher-priority pod used more above its request, but priority ranks first.
    expect((pod('api').status as { phase: string }).phase).toBe('Running');
    expect((pod('web').status as { phase: string }).phase).toBe('Running');

    expect(memoryPressure()).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' });
    expect(taints()).toContainEqual(expect.objectContaining({ key: MEMORY_PRESSURE_TAINT, effect: 'NoSchedule' }));
    expect(events('cache', 'Evicted')).toEqual([{ type: 'Warning', message: status.message }]);
    expect(events('small-1', 'EvictionThresholdMet')).toEqual([{ type: 'Warning', message: 'Attempting to reclaim memory' }]);
    expect(events('small-1', 'NodeHasInsufficientMemory')).toHaveLength(1);

    // Relieved: the condition holds for the transition period, then turns False and the taint goes.
    clock.advance(PRESSURE_TRANSITION_MS - 2 * EVICTION_MONITORING_MS);
    expect(memoryPressure()['status']).toBe('True');
    clock.advance(3 * EVICTION_MONITORING_MS);
    expect(memoryPressure()).toMatchObject({ status: 'False', reason: 'KubeletHasSufficientMemory' });
    expect(taints().some((t) => t.key === MEMORY_PRESSURE_TAINT)).toBe(false);
    expect((pod('api').status as { phase: string }).phase).toBe('Running');
  });

  it('does not report pressure while the pods fit', () => {
    createPod('web', { image: 'nginx:1.27' });
    clock.advance(60_000);
    expect(memoryPressure()['status']).toBe('False');
    expect(taints()).toEqual([]);
    expect(events('small-1', 'EvictionThresholdMet')).toEqual([]);
  });
});

describe('eviction ranking and message', () => {
  const candidate = (name: string, usedMi: number, request: string | undefined, priority = 0): EvictionCandidate => ({
    pod: { metadata: { name, namespace: 'shop' }, spec: { priority, containers: [{ name: 'app', ...(request ? { resources: { requests: { memory: request } } } : {}) }] } } as KubeObject as never,
    usage: { namespace: 'shop', name, uid: name, containers: [{ name: 'app', cpuMillis: 1, memoryBytes: usedMi * MiB }] },
    evict: () => undefined,
  });

  it('ranks pods above their request first, then by priority, then by use above request', () => {
    const under = candidate('under', 50, '100Mi', -10);
    const overLow = candidate('over-small', 120, '100Mi');
    const overBig = candidate('over-big', 400, '100Mi');
    const overHigh = candidate('over-high', 900, '100Mi', 100);
    expect(rankForMemoryPressure([under, overHigh, overLow, overBig]).map((c) => c.pod.metadata?.name)).toEqual(['over-big', 'over-small', 'over-high', 'under']);
  });

  it('words the message as the kubelet does, naming only containers above their request', () => {
    const c = candidate('batch', 1843, '256Mi');
    expect(evictionMessage(c, 91244 * 1024)).toBe('The node was low on resource: memory. Threshold quantity: 100Mi, available: 91244Ki. Container app was using 1843Mi, request is 256Mi, has larger consumption of memory. ');
    expect(evictionMessage(candidate('idle', 10, '256Mi'), 50 * MiB)).toBe('The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. ');
    expect(evictionMessage(candidate('free', 10, undefined), 1000)).toContain('request is 0,');
    expect(binaryQuantity(-3 * MiB)).toBe('-3Mi');
  });
});
