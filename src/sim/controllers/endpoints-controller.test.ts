import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { type ControllerHarness, runPod, startHarness } from './controllers.test-support.js';
import { R, type Obj } from './kube.js';

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function createPod(name: string, labels: Record<string, string>): KubeObject {
  return h.store.create(R.pods, {
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] },
  }, { namespace: 'default' });
}

function createService(targetPort: number | string): void {
  h.store.create(R.services, {
    metadata: { name: 'checkout', namespace: 'default', labels: { team: 'shop' } },
    spec: { selector: { app: 'checkout' }, ports: [{ name: 'web', port: 80, targetPort }] },
  }, { namespace: 'default' });
}

function slices(): KubeObject[] {
  return h.store.list(R.endpointslices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=checkout' }).items;
}

describe('Endpoints and EndpointSlice controllers', () => {
  it('lists ready and not-ready pods with the named target port resolved through the container port', () => {
    createService('http');
    const a = runPod(h.store, createPod('checkout-a', { app: 'checkout' }), true, 'node-1');
    const b = runPod(h.store, createPod('checkout-b', { app: 'checkout' }), false, 'node-2');
    runPod(h.store, createPod('other', { app: 'other' }), true);
    h.settle();
    const ep = h.store.get(R.endpoints, 'default', 'checkout');
    const ip = (p: KubeObject): string => String((p.status as Obj)['podIP']);
    expect(ep.metadata.labels).toEqual({ team: 'shop', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
    expect(ep.metadata.annotations).toEqual({ 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' });
    expect(ep['subsets']).toEqual([{
      addresses: [{ ip: ip(a), nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'checkout-a', uid: a.metadata.uid } }],
      notReadyAddresses: [{ ip: ip(b), nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'default', name: 'checkout-b', uid: b.metadata.uid } }],
      ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
    }]);
    const [slice] = slices();
    expect(slices()).toHaveLength(1);
    expect(slice!.metadata.name).toMatch(/^checkout-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice!.metadata.labels).toEqual({
      team: 'shop', 'kubernetes.io/service-name': 'checkout', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'checkout', controller: true, blockOwnerDeletion: true });
    expect(slice!['addressType']).toBe('IPv4');
    expect(slice!['ports']).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    expect(slice!['endpoints']).toEqual([
      { addresses: [ip(a)], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'checkout-a', uid: a.metadata.uid }, nodeName: 'node-1' },
      { addresses: [ip(b)], conditions: { ready: false, serving: false, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'checkout-b', uid: b.metadata.uid }, nodeName: 'node-2' },
    ]);
  });

  it('follows readiness changes and pod deletion', () => {
    createService(8080);
    const a = runPod(h.store, createPod('checkout-a', { app: 'checkout' }), false);
    h.settle();
    expect(h.store.get(R.endpoints, 'default', 'checkout')['subsets']).toEqual([
      expect.objectContaining({ notReadyAddresses: [expect.objectContaining({ ip: (a.status as Obj)['podIP'] })] }),
    ]);
    runPod(h.store, a, true);
    h.settle();
    expect((h.store.get(R.endpoints, 'default', 'checkout')['subsets'] as Obj[])[0]?.['addresses']).toHaveLength(1);
    h.store.delete(R.pods, 'default', 'checkout-a');
    h.settle();
    expect(h.store.get(R.endpoints, 'default', 'checkout')['subsets']).toBeUndefined();
    expect(slices()[0]!['endpoints']).toEqual([]);
  });

  it('leaves a pod out when its container has no port of the target name', () => {
    createService('grpc');
    runPod(h.store, createPod('checkout-a', { app: 'checkout' }), true);
    h.settle();
    expect(h.store.get(R.endpoints, 'default', 'checkout')['subsets']).toEqual([
      expect.not.objectContaining({ ports: expect.anything() }),
    ]);
  });

  it('removes the Endpoints and slices of a deleted Service', () => {
    createService(8080);
    h.settle();
    expect(slices()).toHaveLength(1);
    h.store.delete(R.services, 'default', 'checkout');
    h.settle();
    expect(() => h.store.get(R.endpoints, 'default', 'checkout')).toThrow();
    expect(slices()).toHaveLength(0);
  });
});
