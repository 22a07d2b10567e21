import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { admittingStore, create, pod, refusal } from './admission.test-support.js';
import { DENY_MESSAGE_ANNOTATION } from './webhook-admission.js';

const UNAVAILABLE = 'Internal error occurred: failed calling webhook "pods.guard.policy.io": failed to call webhook: '
  + 'Post "https://guard.policy.svc:443/validate?timeout=10s": no endpoints available for service "guard"';

function webhookConfiguration(kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration', extra: { failurePolicy?: string; annotations?: Record<string, string>; operations?: string[] } = {}): Record<string, unknown> {
  const hook: Record<string, unknown> = {
    name: 'pods.guard.policy.io', sideEffects: 'None', admissionReviewVersions: ['v1'],
    clientConfig: { service: { namespace: 'policy', name: 'guard', path: '/validate' } },
    rules: [{ operations: extra.operations ?? ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    namespaceSelector: { matchLabels: { policy: 'enforced' } },
  };
  if (extra.failurePolicy) hook['failurePolicy'] = extra.failurePolicy;
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name: 'guard', ...(extra.annotations ? { annotations: extra.annotations } : {}) }, webhooks: [hook] };
}

/** The policy namespace with the guard Service; its Endpoints list `ready` addresses. */
function cluster(readyAddresses: number): ObjectStore {
  const store = admittingStore();
  create(store, { kind: 'Namespace', metadata: { name: 'policy' } });
  create(store, { kind: 'Namespace', metadata: { name: 'payments', labels: { policy: 'enforced' } } });
  create(store, { kind: 'Namespace', metadata: { name: 'tools' } });
  create(store, { kind: 'Service', metadata: { name: 'guard', namespace: 'policy' }, spec: { selector: { app: 'guard' }, ports: [{ name: 'https', port: 443, targetPort: 8443 }] } });
  const addresses = Array.from({ length: readyAddresses }, (_, i) => ({ ip: `10.244.0.${i + 10}` }));
  const subset = readyAddresses > 0 ? { addresses, ports: [{ name: 'https', port: 8443 }] } : { notReadyAddresses: [{ ip: '10.244.0.9' }], ports: [{ name: 'https', port: 8443 }] };
  create(store, { kind: 'Endpoints', metadata: { name: 'guard', namespace: 'policy' }, subsets: [subset] });
  return store;
}

describe('admission webhooks', () => {
  it('stores a configuration with the v1 defaults', () => {
    const store = cluster(0);
    const stored = create(store, webhookConfiguration('ValidatingWebhookConfiguration'));
    const hook = (stored['webhooks'] as Record<string, unknown>[])[0]!;
    expect(hook).toMatchObject({ failurePolicy: 'Fail', matchPolicy: 'Equivalent', objectSelector: {}, timeoutSeconds: 10 });
    expect(hook['clientConfig']).toEqual({ service: { namespace: 'policy', name: 'guard', path: '/validate', port: 443 } });
    expect((hook['rules'] as object[])[0]).toMatchObject({ scope: '*' });
    expect(stored.metadata.generation).toBe(1);
  });

  it('refuses a pod with 500 when a failurePolicy Fail webhook\'s service has no ready endpoint', () => {
    const store = cluster(0);
    create(store, webhookConfiguration('ValidatingWebhookConfiguration'));
    const status = refusal(() => create(store, pod('payments', 'checkout')));
    expect(status.code).toBe(500);
    expect(status.reason).toBe('InternalError');
    expect(status.message).toBe(UNAVAILABLE);
    expect(status.details?.causes).toEqual([{ message: UNAVAILABLE.replace('Internal error occurred: ', '') }]);
  });

  it('refuses from a mutating webhook just the same', () => {
    const store = cluster(0);
    create(store, webhookConfiguration('MutatingWebhookConfiguration'));
    expect(refusal(() => create(store, pod('payments', 'checkout'))).message).toBe(UNAVAILABLE);
  });

  it('lets the pod through with failurePolicy Ignore, outside the selected namespaces, or once the service is ready', () => {
    const ignoring = cluster(0);
    create(ignoring, webhookConfiguration('ValidatingWebhookConfiguration', { failurePolicy: 'Ignore' }));
    expect(create(ignoring, pod('payments', 'checkout')).metadata.name).toBe('checkout');

    const elsewhere = cluster(0);
    create(elsewhere, webhookConfiguration('ValidatingWebhookConfiguration'));
    expect(create(elsewhere, pod('tools', 'debug')).metadata.name).toBe('debug');

    const ready = cluster(1);
    create(ready, webhookConfiguration('ValidatingWebhookConfiguration'));
    expect(create(ready, pod('payments', 'checkout')).metadata.name).toBe('checkout');
  });

  it('denies with 400 and the webhook\'s message when the configuration says it denies', () => {
    const store = cluster(2);
    create(store, webhookConfiguration('ValidatingWebhookConfiguration', { annotations: { [DENY_MESSAGE_ANNOTATION]: 'image registry docker.io is not allowed' } }));
    const status = refusal(() => create(store, pod('payments', 'checkout')));
    expect(status.code).toBe(400);
    expect(status.reason).toBeUndefined();
    expect(status.message).toBe('admission webhook "pods.guard.policy.io" denied the request: image registry docker.io is not allowed');
  });

  it('refuses updates the webhook\'s rules name, and leaves the pod status the kubelet writes alone', () => {
    const store = cluster(0);
    const created = create(store, pod('payments', 'checkout'));
    create(store, webhookConfiguration('ValidatingWebhookConfiguration', { operations: ['CREATE', 'UPDATE'] }));
    const pods = lookupResource('pods')!;
    const relabelled = { ...created, metadata: { ...created.metadata, labels: { tier: 'web' } } } as KubeObject;
    expect(refusal(() => store.update(pods, relabelled, { namespace: 'payments', name: 'checkout' })).message).toBe(UNAVAILABLE);
    const withStatus = { ...created, status: { ...(created.status as object), phase: 'Running' } };
    expect(() => store.update(pods, withStatus, { namespace: 'payments', name: 'checkout', subresource: 'status' })).not.toThrow();
  });
});
