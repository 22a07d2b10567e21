import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import type { ClusterReader } from './admission-plugin.js';
import { callFailure, resolveFailure, webhookUrl } from './webhook-service.js';

function reader(objects: KubeObject[]): ClusterReader {
  return {
    get: (r, ns, name) => objects.find((o) => o.kind === r.kind && o.metadata.namespace === ns && o.metadata.name === name),
    list: () => [],
  };
}

const service = (spec: object): KubeObject => ({ kind: 'Service', metadata: { name: 'guard', namespace: 'policy' }, spec });
const endpoints = (subsets: object[]): KubeObject => ({ kind: 'Endpoints', metadata: { name: 'guard', namespace: 'policy' }, subsets });
const target = { namespace: 'policy', name: 'guard', port: 443, path: '/validate' };
const httpsPort = { name: 'https', port: 443, targetPort: 8443 };

describe('a webhook\'s service', () => {
  it('is posted to at the service\'s DNS name with the timeout the rest client adds', () => {
    expect(webhookUrl(target, 10)).toBe('https://guard.policy.svc:443/validate?timeout=10s');
    expect(webhookUrl({ ...target, path: '', port: 8443 }, 5)).toBe('https://guard.policy.svc:8443/?timeout=5s');
    expect(webhookUrl({ ...target, path: 'validate/pods/' }, 30)).toBe('https://guard.policy.svc:443/validate/pods?timeout=30s');
  });

  it('cannot be called without a Service, a matching port, Endpoints or a ready address', () => {
    expect(resolveFailure(target, reader([]))).toBe('service "guard" not found');
    expect(resolveFailure(target, reader([service({ ports: [{ port: 8080 }] })]))).toBe('no service port 443 found for service "guard"');
    expect(resolveFailure(target, reader([service({ type: 'ExternalName', ports: [httpsPort] })]))).toBe('unsupported service type "ExternalName"');
    expect(resolveFailure(target, reader([service({ ports: [httpsPort] })]))).toBe('endpoints "guard" not found');
    expect(resolveFailure(target, reader([service({ ports: [httpsPort] }), endpoints([])]))).toBe('no endpoints available for service "guard"');
    const unready = endpoints([{ notReadyAddresses: [{ ip: '10.0.0.5' }], ports: [{ name: 'https', port: 8443 }] }]);
    expect(resolveFailure(target, reader([service({ ports: [httpsPort] }), unready]))).toBe('no endpoints available for service "guard"');
  });

  it('can be called once an address is ready on the service port', () => {
    const ready = endpoints([{ addresses: [{ ip: '10.0.0.5' }], ports: [{ name: 'https', port: 8443 }] }]);
    expect(resolveFailure(target, reader([service({ ports: [httpsPort] }), ready]))).toBeUndefined();
    const unnamed = endpoints([{ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 8443 }] }]);
    expect(resolveFailure(target, reader([service({ ports: [{ port: 443 }] }), unnamed]))).toBeUndefined();
  });

  it('reports a failed call as the webhook client does', () => {
    const hook = { timeoutSeconds: 10, clientConfig: { service: { namespace: 'policy', name: 'guard', port: 443, path: '/validate' } } };
    expect(callFailure(hook, reader([service({ ports: [httpsPort] }), endpoints([])])))
      .toBe('failed to call webhook: Post "https://guard.policy.svc:443/validate?timeout=10s": no endpoints available for service "guard"');
    expect(callFailure({ clientConfig: { url: 'https://policy.example.com/validate' } }, reader([]))).toBeUndefined();
  });
});
