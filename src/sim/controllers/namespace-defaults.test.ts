import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ControllerHarness, startHarness } from './controllers.test-support.js';
import { R, type Obj } from './kube.js';
import { PLACEHOLDER_CA_PEM, ROOT_CA_CONFIGMAP } from './namespace-defaults.js';

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

describe('namespace defaults', () => {
  it('gives every namespace, old and new, a default ServiceAccount and the root CA ConfigMap', () => {
    h.store.create(R.namespaces, { metadata: { name: 'shop' } });
    h.settle();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop']) {
      expect(h.store.get(R.serviceaccounts, ns, 'default').metadata.namespace).toBe(ns);
      expect((h.store.get(R.configmaps, ns, ROOT_CA_CONFIGMAP)['data'] as Obj)['ca.crt']).toBe(PLACEHOLDER_CA_PEM);
    }
  });

  it('recreates a deleted default ServiceAccount', () => {
    const before = h.store.get(R.serviceaccounts, 'default', 'default').metadata.uid;
    h.store.delete(R.serviceaccounts, 'default', 'default');
    h.settle();
    expect(h.store.get(R.serviceaccounts, 'default', 'default').metadata.uid).not.toBe(before);
  });

  it('serves the kubernetes Service in default on 443 https', () => {
    const svc = h.store.get(R.services, 'default', 'kubernetes');
    expect((svc.spec as Obj)['type']).toBe('ClusterIP');
    expect((svc.spec as Obj)['ports']).toEqual([{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
    expect((svc.spec as Obj)['clusterIP']).toMatch(/^10\.96\.0\.\d+$/);
  });

  it('the placeholder CA cannot be mistaken for a certificate', () => {
    const body = PLACEHOLDER_CA_PEM.split('\n')[1]!;
    expect(Buffer.from(body, 'base64').toString('utf8')).toContain('NOT-A-REAL-CERTIFICATE');
  });
});
