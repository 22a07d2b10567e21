/**
 * The simulated scheduler on a manual clock: binding, the scheduler's FailedScheduling messages,
 * back-off, and retry when the cluster changes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/index.js';
import { startScheduler } from './index.js';

const PODS = lookupResource('pods')!;
const NODES = lookupResource('nodes')!;
const EVENTS = lookupResource('events')!;
const NAMESPACES = lookupResource('namespaces')!;

let clock: ManualClock;
let store: ObjectStore;
let scheduler: { stop(): void };

function addNode(name: string, memory: string, taints?: unknown[]): void {
  store.create(NODES, { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: taints ? { taints } : {} });
  const node = store.get(NODES, undefined, name);
  store.update(NODES, { ...node, status: { allocatable: { cpu: '4', memory, pods: '110' }, capacity: { cpu: '4', memory, pods: '110' } } }, { name, subresource: 'status' });
}

function createPod(name: string, requests: Record<string, string>, spec: Record<string, unknown> = {}): void {
  store.create(PODS, { metadata: { name, namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests } }], ...spec } });
}

type PodView = KubeObject & { spec?: { nodeName?: string }; status?: { conditions?: Record<string, unknown>[] } };

function pod(name: string): PodView {
  return store.get(PODS, 'shop', name) as PodView;
}

function scheduled(name: string): Record<string, unknown> | undefined {
  return pod(name).status?.conditions?.find((c) => c['type'] === 'PodScheduled');
}

function events(name: string): { reason: string; message: string; type: string; count: number; source: unknown }[] {
  return store.list(EVENTS, { namespace: 'shop' }).items
    .filter((e) => (e['involvedObject'] as { name: string }).name === name)
    .map((e) => ({ reason: e['reason'] as string, message: e['message'] as string, type: e['type'] as string, count: e['count'] as number, source: e['source'] }));
}

beforeEach(() => {
  clock = new ManualClock('2026-03-01T10:00:00Z');
  store = new ObjectStore({ now: () => clock.now(), bookmarkIntervalMs: 0 });
  store.create(NAMESPACES, { metadata: { name: 'shop' } });
  for (const name of ['worker-1', 'worker-2', 'worker-3']) addNode(name, '8Gi');
  scheduler = startScheduler({ store, clock });
});
afterEach(() => {
  scheduler.stop();
  store.close();
});

describe('startScheduler', () => {
  it('binds a pod that fits to the node with the most room left, with a Scheduled event', () => {
    const load = { 'worker-1': '2', 'worker-2': '1', 'worker-3': '3' };
    for (const [node, cpu] of Object.entries(load)) createPod(`busy-${node}`, { cpu }, { nodeName: node });
    createPod('web', { cpu: '500m', memory: '256Mi' });
    clock.advance(0);
    expect(pod('web').spec?.nodeName).toBe('worker-2');
    expect(scheduled('web')).toMatchObject({ status: 'True', lastTransitionTime: '2026-03-01T10:00:00Z' });
    expect(events('web')).toEqual([{
      reason: 'Scheduled', type: 'Normal', count: 1, source: { component: 'default-scheduler' },
      message: 'Successfully assigned shop/web to worker-2',
    }]);
  });

  it('spreads pods without requests over equal nodes, ties going by name', () => {
    for (const name of ['a', 'b', 'c']) createPod(name, {});
    clock.advance(0);
    expect(['a', 'b', 'c'].map((n) => pod(n).spec?.nodeName)).toEqual(['worker-1', 'worker-2', 'worker-3']);
  });

  it('leaves a pod asking more memory than any node has Pending, with the message, and retries after a back-off', () => {
    createPod('cache', { memory: '64Gi' });
    clock.advance(0);
    const message = '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..';
    expect(pod('cache').spec?.nodeName).toBeUndefined();
    expect(scheduled('cache')).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    expect(events('cache')).toEqual([{ reason: 'FailedScheduling', type: 'Warning', count: 1, source: { component: 'default-scheduler' }, message }]);
    clock.advance(999);
    expect(events('cache')[0]!.count).toBe(1);
    clock.advance(1);
    expect(events('cache')[0]!.count).toBe(2);
    clock.advance(2_000 + 4_000 + 8_000);
    expect(events('cache')[0]!.count).toBe(5);
    // The back-off stops doubling at 10 s.
    clock.advance(10_000);
    expect(events('cache')[0]!.count).toBe(6);
  });

  it('names an untolerated taint, and binds to the tainted node once the pod tolerates it', () => {
    addNode('worker-gpu', '32Gi', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    createPod('trainer', { memory: '16Gi' });
    clock.advance(0);
    expect(scheduled('trainer')?.['message']).toBe(
      '0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient memory. '
      + 'preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod..',
    );
    createPod('trainer-2', { memory: '16Gi' }, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    clock.advance(0);
    expect(pod('trainer-2').spec?.nodeName).toBe('worker-gpu');
    expect(pod('trainer').spec?.nodeName).toBeUndefined();
  });

  it('schedules a waiting pod as soon as a node it fits on is added', () => {
    createPod('cache', { memory: '64Gi' });
    clock.advance(0);
    expect(pod('cache').spec?.nodeName).toBeUndefined();
    addNode('worker-big', '128Gi');
    clock.advance(0);
    expect(pod('cache').spec?.nodeName).toBe('worker-big');
    expect(scheduled('cache')).toMatchObject({ status: 'True' });
    expect(events('cache').map((e) => e.reason)).toEqual(['FailedScheduling', 'Scheduled']);
  });

  it('says so when no node has registered, and schedules once one does', () => {
    for (const name of ['worker-1', 'worker-2', 'worker-3']) store.delete(NODES, undefined, name);
    createPod('web', {});
    clock.advance(0);
    expect(scheduled('web')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: 'no nodes available to schedule pods' });
    // A node counts once its kubelet has posted its allocatable resources.
    store.create(NODES, { metadata: { name: 'worker-4' } });
    clock.advance(0);
    expect(pod('web').spec?.nodeName).toBeUndefined();
    const node = store.get(NODES, undefined, 'worker-4');
    store.update(NODES, { ...node, status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' } } }, { name: 'worker-4', subresource: 'status' });
    clock.advance(0);
    expect(pod('web').spec?.nodeName).toBe('worker-4');
  });

  it('counts each bind before placing the next pod of the same round', () => {
    for (let i = 0; i < 7; i++) createPod(`cache-${i}`, { memory: '3Gi' });
    clock.advance(0);
    const placed = Array.from({ length: 7 }, (_, i) => pod(`cache-${i}`).spec?.nodeName);
    expect(placed.slice(0, 6).sort()).toEqual(['worker-1', 'worker-1', 'worker-2', 'worker-2', 'worker-3', 'worker-3']);
    expect(placed[6]).toBeUndefined();
    expect(scheduled('cache-6')?.['message']).toBe(
      '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..',
    );
  });

  it('places a waiting pod in the room a bound pod leaves when it is deleted or finishes', () => {
    for (const node of ['worker-1', 'worker-2', 'worker-3']) createPod(`big-${node}`, { memory: '6Gi' }, { nodeName: node });
    createPod('cache', { memory: '5Gi' });
    createPod('queue', { memory: '5Gi' });
    clock.advance(0);
    expect(pod('cache').spec?.nodeName).toBeUndefined();
    store.delete(PODS, 'shop', 'big-worker-2');
    clock.advance(0);
    expect(pod('cache').spec?.nodeName).toBe('worker-2');
    expect(pod('queue').spec?.nodeName).toBeUndefined();
    const finished = pod('big-worker-3');
    store.update(PODS, { ...finished, status: { phase: 'Succeeded' } }, { namespace: 'shop', name: 'big-worker-3', subresource: 'status' });
    clock.advance(0);
    expect(pod('queue').spec?.nodeName).toBe('worker-3');
  });

  it("keeps the anti-affinity of pods it just bound: one replica per node, the rest Pending", () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } };
    for (let i = 0; i < 4; i++) {
      store.create(PODS, { metadata: { name: `web-${i}`, namespace: 'shop', labels: { app: 'web' } }, spec: { affinity: anti, containers: [{ name: 'app', image: 'nginx:1.27' }] } });
    }
    clock.advance(0);
    const nodes = [0, 1, 2].map((i) => pod(`web-${i}`).spec?.nodeName);
    expect(new Set(nodes)).toEqual(new Set(['worker-1', 'worker-2', 'worker-3']));
    expect(pod('web-3').spec?.nodeName).toBeUndefined();
    expect(scheduled('web-3')?.['message']).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
    );
  });

  it('leaves pods of another scheduler alone', () => {
    createPod('batch', {}, { schedulerName: 'volcano' });
    clock.advance(5_000);
    expect(pod('batch').spec?.nodeName).toBeUndefined();
    expect(events('batch')).toEqual([]);
  });
});
