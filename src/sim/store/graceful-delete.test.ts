/**
 * The store's delete of a pod with graceful deletion on (a cluster with kubelets): which pods are
 * only marked Terminating, with what timestamp and period, and what a second delete may change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from './object-store.js';

const PODS = lookupResource('pods')!;
const START = Date.parse('2026-05-01T08:00:00Z');

let nowMs = START;
let store: ObjectStore;
beforeEach(() => {
  nowMs = START;
  store = new ObjectStore({ now: () => new Date(nowMs), bookmarkIntervalMs: 0 });
  store.useGracefulPodDeletion(true);
});
afterEach(() => store.close());

function createPod(name: string, spec: Record<string, unknown> = { nodeName: 'worker-1' }, finalizers?: string[]): KubeObject {
  return store.create(PODS, {
    metadata: { name, namespace: 'default', ...(finalizers ? { finalizers } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
  });
}

function setPhase(name: string, phase: string): void {
  const current = store.get(PODS, 'default', name);
  store.update(PODS, { ...current, status: { ...(current.status as object), phase } }, { namespace: 'default', name, subresource: 'status' });
}

function exists(name: string): boolean {
  return store.list(PODS, { namespace: 'default' }).items.some((p) => p.metadata.name === name);
}

const at = (offsetSeconds: number): string => new Date(START + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('graceful deletion of pods', () => {
  it('marks a bound running pod with now + its terminationGracePeriodSeconds and keeps it', () => {
    createPod('api-0', { nodeName: 'worker-1', terminationGracePeriodSeconds: 45 });
    const { object, gone } = store.delete(PODS, 'default', 'api-0');
    expect(gone).toBe(false);
    expect(object.metadata.deletionTimestamp).toBe(at(45));
    expect(object.metadata.deletionGracePeriodSeconds).toBe(45);
    expect(store.get(PODS, 'default', 'api-0').metadata.deletionTimestamp).toBe(at(45));
  });

  it('uses the default 30 s, or the period the request gives', () => {
    createPod('api-1');
    createPod('api-2');
    expect(store.delete(PODS, 'default', 'api-1').object.metadata.deletionGracePeriodSeconds).toBe(30);
    const asked = store.delete(PODS, 'default', 'api-2', { gracePeriodSeconds: 5 }).object;
    expect([asked.metadata.deletionTimestamp, asked.metadata.deletionGracePeriodSeconds]).toEqual([at(5), 5]);
  });

  it('removes an unbound pod, a terminal pod and a pod deleted with grace period 0 at once', () => {
    createPod('pending-0', {});
    createPod('done-0');
    setPhase('done-0', 'Succeeded');
    createPod('failed-0');
    setPhase('failed-0', 'Failed');
    createPod('forced-0');
    for (const [name, options] of [['pending-0', {}], ['done-0', {}], ['failed-0', {}], ['forced-0', { gracePeriodSeconds: 0 }]] as const) {
      expect(store.delete(PODS, 'default', name, options).gone).toBe(true);
      expect(exists(name)).toBe(false);
    }
  });

  it('lets a second delete only shorten the period, moving the deadline by the difference', () => {
    createPod('api-3');
    store.delete(PODS, 'default', 'api-3');
    nowMs += 10_000;
    const longer = store.delete(PODS, 'default', 'api-3', { gracePeriodSeconds: 60 });
    expect([longer.gone, longer.object.metadata.deletionTimestamp, longer.object.metadata.deletionGracePeriodSeconds]).toEqual([false, at(30), 30]);
    const same = store.delete(PODS, 'default', 'api-3');
    expect(same.object.metadata.deletionGracePeriodSeconds).toBe(30);
    const shorter = store.delete(PODS, 'default', 'api-3', { gracePeriodSeconds: 10 });
    expect([shorter.gone, shorter.object.metadata.deletionTimestamp, shorter.object.metadata.deletionGracePeriodSeconds]).toEqual([false, at(10), 10]);
    expect(store.delete(PODS, 'default', 'api-3', { gracePeriodSeconds: 0 }).gone).toBe(true);
    expect(exists('api-3')).toBe(false);
  });

  it('keeps a terminating pod through status writes, and through the loss of its last finalizer', () => {
    createPod('api-4', { nodeName: 'worker-1' }, ['example.com/hold']);
    store.delete(PODS, 'default', 'api-4');
    setPhase('api-4', 'Running');
    const held = store.get(PODS, 'default', 'api-4');
    store.update(PODS, { ...held, metadata: { ...held.metadata, finalizers: [] } }, { namespace: 'default', name: 'api-4' });
    expect(store.get(PODS, 'default', 'api-4').metadata.deletionGracePeriodSeconds).toBe(30);
    // The kubelet's confirmation removes it.
    expect(store.delete(PODS, 'default', 'api-4', { gracePeriodSeconds: 0 }).gone).toBe(true);
  });

  it('with finalizers, a grace period 0 delete leaves the pod to its finalizers', () => {
    createPod('api-5', { nodeName: 'worker-1' }, ['example.com/hold']);
    store.delete(PODS, 'default', 'api-5');
    const confirmed = store.delete(PODS, 'default', 'api-5', { gracePeriodSeconds: 0 });
    expect([confirmed.gone, confirmed.object.metadata.deletionGracePeriodSeconds]).toEqual([false, 0]);
    const held = store.get(PODS, 'default', 'api-5');
    store.update(PODS, { ...held, metadata: { ...held.metadata, finalizers: [] } }, { namespace: 'default', name: 'api-5' });
    expect(exists('api-5')).toBe(false);
  });

  it('removes bound pods at once while graceful deletion is off (a store with no kubelet)', () => {
    store.useGracefulPodDeletion(false);
    createPod('api-6');
    expect(store.delete(PODS, 'default', 'api-6').gone).toBe(true);
    expect(exists('api-6')).toBe(false);
  });
});
