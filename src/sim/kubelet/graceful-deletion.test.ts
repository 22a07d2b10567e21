/**
 * The kubelet's side of a graceful pod deletion on a manual clock: SIGTERM to the containers,
 * SIGKILL after the grace period for a process that ignores it, then the delete with grace period
 * 0 that removes the pod; a stopped kubelet service leaves the pod Terminating.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerStatus, KubeObject } from '../../cluster/objects.js';
import type { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/index.js';
import type { Kubelets } from './index.js';
import { startKubeletHarness, stopKubeletHarness } from './kubelet.test-support.js';

const PODS = lookupResource('pods')!;

let clock: ManualClock;
let store: ObjectStore;
let kubelets: Kubelets;

beforeEach(() => {
  ({ clock, store, kubelets } = startKubeletHarness({ metadata: { name: 'worker-1' } }));
});
afterEach(() => stopKubeletHarness({ kubelets, store }));

function createPod(name: string, container: Record<string, unknown>, grace?: number): void {
  store.create(PODS, {
    metadata: { name, namespace: 'shop' },
    spec: { nodeName: 'worker-1', containers: [{ name: 'app', ...container }], ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}) },
  });
}

function find(name: string): KubeObject | undefined {
  return store.list(PODS, { namespace: 'shop' }).items.find((p) => p.metadata.name === name);
}

function app(name: string): ContainerStatus {
  return ((find(name)?.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [])[0]!;
}

describe('graceful deletion through the kubelet', () => {
  it('stops a container that exits on SIGTERM and then removes the pod', () => {
    createPod('web-1', { image: 'nginx:1.27' });
    clock.advance(5_000);
    expect(app('web-1').state?.running).toBeDefined();
    store.delete(PODS, 'shop', 'web-1');
    expect(find('web-1')?.metadata.deletionGracePeriodSeconds).toBe(30);
    clock.advance(0);
    expect(find('web-1')).toBeDefined();
    clock.advance(1_000);
    expect(find('web-1')).toBeUndefined();
  });

  it('SIGKILLs a process that ignores SIGTERM when the grace period ends, then removes the pod', () => {
    createPod('batch-1', { image: 'busybox:1.36', command: ['sleep', '3600'] }, 20);
    clock.advance(5_000);
    store.delete(PODS, 'shop', 'batch-1');
    clock.advance(19_000);
    expect(find('batch-1')?.metadata.deletionTimestamp).toBeDefined();
    expect(app('batch-1').state?.running).toBeDefined();
    clock.advance(2_000);
    expect(find('batch-1')).toBeUndefined();
  });

  it('SIGKILLs sooner when a second delete shortens the grace period', () => {
    createPod('batch-2', { image: 'busybox:1.36', command: ['sleep', '3600'] }, 60);
    clock.advance(5_000);
    store.delete(PODS, 'shop', 'batch-2');
    clock.advance(5_000);
    store.delete(PODS, 'shop', 'batch-2', { gracePeriodSeconds: 10 });
    clock.advance(9_000);
    expect(app('batch-2').state?.running).toBeDefined();
    clock.advance(2_000);
    expect(find('batch-2')).toBeUndefined();
  });

  it('removes a deleted pod whose container never ran at once', () => {
    createPod('broken-1', { image: 'nginx:0.0.0-missing' });
    clock.advance(5_000);
    expect(app('broken-1').state?.waiting).toBeDefined();
    store.delete(PODS, 'shop', 'broken-1');
    clock.advance(0);
    expect(find('broken-1')).toBeUndefined();
  });

  it('leaves the pod Terminating while the kubelet service is stopped, and finishes once it starts', () => {
    createPod('web-2', { image: 'nginx:1.27' });
    clock.advance(5_000);
    kubelets.stopKubelet('worker-1');
    store.delete(PODS, 'shop', 'web-2');
    clock.advance(120_000);
    expect(find('web-2')?.metadata.deletionTimestamp).toBeDefined();
    expect(app('web-2').state?.running).toBeDefined();
    kubelets.startKubelet('worker-1');
    clock.advance(1_000);
    expect(find('web-2')).toBeUndefined();
  });

  it('lets a forced delete (grace period 0) remove a pod its stopped kubelet holds', () => {
    createPod('web-3', { image: 'nginx:1.27' });
    clock.advance(5_000);
    kubelets.stopKubelet('worker-1');
    store.delete(PODS, 'shop', 'web-3');
    clock.advance(60_000);
    expect(find('web-3')).toBeDefined();
    expect(store.delete(PODS, 'shop', 'web-3', { gracePeriodSeconds: 0 }).gone).toBe(true);
    expect(find('web-3')).toBeUndefined();
  });
});
