import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../store/object-store.js';
import { admittingStore, create, pod, refusal } from './admission.test-support.js';

function namespace(labels: Record<string, string>): ObjectStore {
  const store = admittingStore();
  create(store, { kind: 'Namespace', metadata: { name: 'shop', labels } });
  return store;
}

function podWith(name: string, container: object, spec: object = {}): Record<string, unknown> {
  return { kind: 'Pod', metadata: { name, namespace: 'shop' }, spec: { containers: [{ name, image: 'shop/api:1.0', ...container }], ...spec } };
}

const RESTRICTED = { 'pod-security.kubernetes.io/enforce': 'restricted' };

describe('PodSecurity admission', () => {
  it('forbids a plain pod in a restricted namespace with every failed check, in the evaluator\'s order', () => {
    const status = refusal(() => create(namespace(RESTRICTED), pod('shop', 'api')));
    expect(status.code).toBe(403);
    expect(status.reason).toBe('Forbidden');
    expect(status.message).toBe('pods "api" is forbidden: violates PodSecurity "restricted:latest": '
      + 'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), '
      + 'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), '
      + 'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), '
      + 'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  });

  it('lists baseline failures before restricted ones and joins the two capability complaints', () => {
    const container = {
      securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] } },
      volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
    };
    const manifest = podWith('agent', container, { volumes: [{ name: 'host-root', hostPath: { path: '/' } }] });
    expect(refusal(() => create(namespace(RESTRICTED), manifest)).message).toBe('pods "agent" is forbidden: violates PodSecurity "restricted:latest": '
      + 'privileged (container "agent" must not set securityContext.privileged=true), '
      + 'allowPrivilegeEscalation != false (container "agent" must set securityContext.allowPrivilegeEscalation=false), '
      + 'unrestricted capabilities (container "agent" must set securityContext.capabilities.drop=["ALL"]; container "agent" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add), '
      + 'restricted volume types (volume "host-root" uses restricted volume type "hostPath"), '
      + 'runAsNonRoot != true (pod or container "agent" must set securityContext.runAsNonRoot=true), '
      + 'runAsUser=0 (container "agent" must not set runAsUser=0), '
      + 'seccompProfile (pod or container "agent" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  });

  it('admits a pod that meets the restricted level, from pod-level settings too', () => {
    const container = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } };
    const spec = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, volumes: [{ name: 'cache', emptyDir: {} }] };
    expect(create(namespace(RESTRICTED), podWith('api', container, spec)).metadata.name).toBe('api');
  });

  it('holds a baseline namespace to host access and privilege only, naming the label\'s version', () => {
    const store = namespace({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30' });
    const container = { ports: [{ containerPort: 8080, hostPort: 8080 }, { containerPort: 443, hostPort: 443 }], securityContext: { privileged: true, capabilities: { add: ['NET_RAW', 'CHOWN'] } } };
    const manifest = podWith('proxy', container, { hostNetwork: true, hostPID: true, volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] });
    expect(refusal(() => create(store, manifest)).message).toBe('pods "proxy" is forbidden: violates PodSecurity "baseline:v1.30": '
      + 'host namespaces (hostNetwork, hostPID), hostPort (container "proxy" uses hostPorts 443, 8080), '
      + 'privileged (container "proxy" must not set securityContext.privileged=true), '
      + 'non-default capabilities (container "proxy" must not include "NET_RAW" in securityContext.capabilities.add), '
      + 'hostPath volumes (volume "logs")');
    expect(create(store, pod('shop', 'plain')).metadata.name).toBe('plain');
  });

  it('names a controller\'s pod by its generated name and leaves unlabelled namespaces alone', () => {
    const status = refusal(() => create(namespace(RESTRICTED), pod('shop', 'web-5d8f7c9b7d-', { generateName: true })));
    expect(status.message).toMatch(/^pods "web-5d8f7c9b7d-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    expect(create(namespace({}), pod('shop', 'api')).metadata.name).toBe('api');
  });
});
