/**
 * The kubelet service stopped and started again, and its node status loop, on a manual clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/index.js';
import type { Kubelets } from './index.js';
import { startKubeletHarness, stopKubeletHarness } from './kubelet.test-support.js';

const PODS = lookupResource('pods')!;
const NODES = lookupResource('nodes')!;
const EVENTS = lookupResource('events')!;
const LEASES = lookupResource('leases')!;

type Obj = Record<string, unknown>;

let clock: ManualClock;
let store: ObjectStore;
let kubelets: Kubelets;

beforeEach(() => {
  ({ clock, store, kubelets } = startKubeletHarness({ metadata: { name: 'worker-1' } }));
});
afterEach(() => stopKubeletHarness({ kubelets, store }));

const renewTime = (): unknown => (store.get(LEASES, 'kube-node-lease', 'worker-1').spec as Obj)['renewTime'];
const conditions = (): Obj[] => (store.get(NODES, undefined, 'worker-1').status as Obj)['conditions'] as Obj[];
const nodeReady = (): Obj => conditions().find((c) => c['type'] === 'Ready')!;
const podReady = (name: string): unknown => ((store.get(PODS, 'shop', name).status as Obj | undefined)?.['conditions'] as Obj[] | undefined)
  ?.find((c) => c['type'] === 'Ready')?.['status'];
const nodeEvents = (): string[] => store.list(EVENTS, { namespace: 'default' }).items
  .filter((e) => (e['involvedObject'] as Obj)['kind'] === 'Node').map((e) => `${String(e['reason'])} x${String(e['count'])}`);

function createPod(name: string): void {
  store.create(PODS, { metadata: { name, namespace: 'shop' }, spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'nginx:1.27' }] } });
}

/** What the node lifecycle controller writes about a silent node and its pods. */
function markUnknown(): void {
  const node = store.get(NODES, undefined, 'worker-1');
  const status = node.status as Obj;
  const next = conditions().map((c) => ({ ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }));
  store.update(NODES, { ...node, status: { ...status, conditions: next } }, { name: 'worker-1', subresource: 'status' });
}

function markPodNotReady(name: string): void {
  const pod: KubeObject = store.get(PODS, 'shop', name);
  const status = pod.status as Obj;
  const next = (status['conditions'] as Obj[]).map((c) => (c['type'] === 'Ready' ? { ...c, status: 'False' } : c));
  store.update(PODS, { ...pod, status: { ...status, conditions: next } }, { namespace: 'shop', name, subresource: 'status' });
}

describe('the kubelet service', () => {
  it('posts nothing while stopped, and once started again reports the node Ready, renews its Lease and rewrites its pods\' statuses', () => {
    createPod('web');
    clock.advance(10_000);
    expect(podReady('web')).toBe('True');
    const renewedBefore = renewTime();

    kubelets.stopKubelet('worker-1');
    const eventCount = store.list(EVENTS, {}).items.length;
    markUnknown();
    markPodNotReady('web');
    createPod('late');
    clock.advance(120_000);
    expect(renewTime()).toBe(renewedBefore);
    expect(nodeReady()['status']).toBe('Unknown');
    expect(podReady('web')).toBe('False');
    expect((store.get(PODS, 'shop', 'late').status as Obj)['containerStatuses']).toBeUndefined();
    expect(store.list(EVENTS, {}).items.length).toBe(eventCount);
    expect(kubelets.usage().nodes).toEqual([]);

    kubelets.startKubelet('worker-1');
    clock.advance(0);
    expect(nodeReady()).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: '2026-03-01T10:02:10Z' });
    expect(nodeEvents().slice(-6)).toEqual([
      'Starting x1', 'NodeHasSufficientMemory x1', 'NodeHasNoDiskPressure x1', 'NodeHasSufficientPID x1', 'NodeAllocatableEnforced x1', 'NodeReady x1',
    ]);
    expect(nodeEvents()).toHaveLength(12);
    expect(renewTime()).toBe('2026-03-01T10:02:10.000000Z');
    expect(podReady('web')).toBe('True');
    clock.advance(10_000);
    expect(podReady('late')).toBe('True');
    expect(kubelets.usage().nodes.map((n) => n.name)).toEqual(['worker-1']);
  });

  it('reposts a condition that someone else changed within its update period, and an unchanged status every five minutes', () => {
    markUnknown();
    clock.advance(10_000);
    expect(nodeReady()).toMatchObject({ status: 'True', lastHeartbeatTime: '2026-03-01T10:00:10Z' });
    expect(nodeEvents()).toContain('NodeReady x2');
    expect(nodeEvents()).toContain('NodeHasSufficientMemory x2');

    clock.advance(4 * 60_000);
    expect(nodeReady()['lastHeartbeatTime']).toBe('2026-03-01T10:00:10Z');
    clock.advance(60_000);
    expect(nodeReady()['lastHeartbeatTime']).toBe('2026-03-01T10:05:10Z');
    expect(nodeReady()['lastTransitionTime']).toBe('2026-03-01T10:00:10Z');
  });

  it('refuses a node that does not exist', () => {
    expect(() => kubelets.stopKubelet('worker-9')).toThrow('no node named "worker-9" runs a kubelet');
  });
});
