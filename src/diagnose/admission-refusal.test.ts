import { describe, expect, it } from 'vitest';
import { parseAdmissionRefusal, splitChecks } from './admission-refusal.js';

const CALL_FAILED = 'Error creating: Internal error occurred: failed calling webhook "validate.policy.example.com": failed to call webhook: '
  + 'Post "https://policy-webhook.policy-system.svc:443/validate?timeout=10s": dial tcp 10.96.142.17:443: connect: connection refused';

describe('parseAdmissionRefusal', () => {
  it('reads a webhook the API server could not call, keeping the transport error', () => {
    const r = parseAdmissionRefusal(CALL_FAILED);
    expect(r).toMatchObject({ category: 'webhook-unavailable', webhook: 'validate.policy.example.com' });
    expect(r?.category === 'webhook-unavailable' && r.error).toContain('connect: connection refused');
    expect(r?.object).toBeUndefined();
  });

  it('reads a webhook denial with its message, without one, and behind a forbidden prefix', () => {
    expect(parseAdmissionRefusal('Error creating: admission webhook "images.policy.example.com" denied the request: image tag "latest" is not allowed'))
      .toMatchObject({ category: 'webhook-denied', webhook: 'images.policy.example.com', message: 'image tag "latest" is not allowed' });
    expect(parseAdmissionRefusal('Error creating: admission webhook "images.policy.example.com" denied the request without explanation'))
      .toMatchObject({ category: 'webhook-denied', message: undefined });
    expect(parseAdmissionRefusal('Error creating: pods "web-5d8f7c9b7d-" is forbidden: admission webhook "x.example.com" denied the request: no'))
      .toMatchObject({ category: 'webhook-denied', object: { resource: 'pods', name: 'web-5d8f7c9b7d-' }, message: 'no' });
  });

  it('reads PodSecurity\'s level, version and each failed check, commas inside details kept', () => {
    const r = parseAdmissionRefusal('Error creating: pods "api-6d4cf56db6-x7k2p" is forbidden: violates PodSecurity "restricted:latest": '
      + 'allowPrivilegeEscalation != false (containers "app", "proxy" must set securityContext.allowPrivilegeEscalation=false), '
      + 'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"), hostPort');
    expect(r).toMatchObject({ category: 'pod-security-violation', level: 'restricted', version: 'latest', object: { name: 'api-6d4cf56db6-x7k2p' } });
    const checks = r?.category === 'pod-security-violation' ? r.checks : [];
    expect(checks.map((c) => c.check)).toEqual(['allowPrivilegeEscalation != false', 'seccompProfile', 'hostPort']);
    expect(checks[0]?.detail).toBe('containers "app", "proxy" must set securityContext.allowPrivilegeEscalation=false');
  });

  it('reads a StatefulSet\'s create message and a missing ServiceAccount', () => {
    expect(parseAdmissionRefusal('create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: violates PodSecurity "baseline:v1.30": privileged (container "postgres" must not set securityContext.privileged=true)'))
      .toMatchObject({ category: 'pod-security-violation', level: 'baseline', version: 'v1.30', object: { name: 'db-0' } });
    expect(parseAdmissionRefusal('Error creating: pods "api-6d4cf56db6-" is forbidden: error looking up service account shop/api-runner: serviceaccount "api-runner" not found'))
      .toMatchObject({ category: 'service-account-missing', namespace: 'shop', name: 'api-runner', error: 'serviceaccount "api-runner" not found' });
  });

  it('reads every LimitRange violation of an aggregate, old and new wording alike', () => {
    const r = parseAdmissionRefusal('Error creating: pods "api-6d4cf56db6-q9w8e" is forbidden: [maximum memory usage per Container is 1Gi, but limit is 2Gi, '
      + 'minimum cpu usage per Container is 100m, but request is 50m, cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000]');
    const violations = r?.category === 'limit-range-violation' ? r.violations : [];
    expect(violations).toEqual([
      expect.objectContaining({ bound: 'maximum', resource: 'memory', scope: 'Container', enforced: '1Gi', observed: 'limit', value: '2Gi' }),
      expect.objectContaining({ bound: 'minimum', resource: 'cpu', enforced: '100m', observed: 'request', value: '50m' }),
      expect.objectContaining({ bound: 'ratio', resource: 'cpu', enforced: '4', observed: 'ratio', value: '10.000000' }),
    ]);
    const old = parseAdmissionRefusal('Error creating: pods "api-1" is forbidden: Maximum memory usage per Pod is 2Gi.  No limit is specified.');
    expect(old?.category === 'limit-range-violation' && old.violations[0]).toMatchObject({ bound: 'maximum', scope: 'Pod', enforced: '2Gi', observed: 'missing' });
  });

  it('leaves quota refusals, other errors and plain text alone', () => {
    expect(parseAdmissionRefusal('Error creating: pods "billing-7b9c5d8f6-q7w4z" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=500m, used: requests.cpu=1800m, limited: requests.cpu=2')).toBeUndefined();
    expect(parseAdmissionRefusal('Error creating: pods "web-1" is forbidden: unable to create new content in namespace shop because it is being terminated')).toBeUndefined();
    expect(parseAdmissionRefusal('the maximum of effort')).toBeUndefined();
  });
});

describe('splitChecks', () => {
  it('keeps a check without detail and splits only at top-level commas', () => {
    expect(splitChecks('hostPath volumes (volumes "data", "logs"), hostNetwork')).toEqual([
      { check: 'hostPath volumes', detail: 'volumes "data", "logs"' }, { check: 'hostNetwork' },
    ]);
  });
});
