import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { admittingStore, create, pod, refusal } from './admission.test-support.js';

function withLimits(limits: object[]) {
  const store = admittingStore();
  create(store, { kind: 'Namespace', metadata: { name: 'shop' } });
  const limitRange = create(store, { kind: 'LimitRange', metadata: { name: 'bounds', namespace: 'shop' }, spec: { limits } });
  return { store, limitRange };
}

function resourcesOf(p: KubeObject, container = 0): { requests?: Record<string, string>; limits?: Record<string, string> } {
  return (p.spec as { containers: { resources: object }[] }).containers[container]!.resources;
}

describe('LimitRanger admission', () => {
  it('stores a LimitRange with its defaults filled in: default limits from max, default requests from default limits', () => {
    const { limitRange } = withLimits([{ type: 'Container', max: { cpu: '2' }, default: { memory: '256Mi' }, min: { cpu: '50m' } }]);
    const item = (limitRange.spec as { limits: Record<string, unknown>[] }).limits[0]!;
    expect(item['default']).toEqual({ memory: '256Mi', cpu: '2' });
    expect(item['defaultRequest']).toEqual({ memory: '256Mi', cpu: '2' });
  });

  it('gives containers the requests and limits they lack, and says so in an annotation', () => {
    const { store } = withLimits([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }]);
    const created = create(store, pod('shop', 'api'));
    expect(resourcesOf(created)).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(created.metadata.annotations?.['kubernetes.io/limit-ranger'])
      .toBe('LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');
    expect((created.status as { qosClass?: string }).qosClass).toBe('Burstable');
  });

  it('keeps a request the apiserver defaulted from the container\'s own limit', () => {
    const { store } = withLimits([{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }]);
    const created = create(store, pod('shop', 'api', { resources: { limits: { cpu: '1' } } }));
    expect(resourcesOf(created)).toEqual({ requests: { cpu: '1' }, limits: { cpu: '1' } });
  });

  it('forbids a pod over the max of several resources, aggregating the violations', () => {
    const { store } = withLimits([{ type: 'Container', max: { cpu: '1', memory: '512Mi' } }]);
    const status = refusal(() => create(store, pod('shop', 'api', { resources: { limits: { cpu: '2', memory: '1Gi' } } })));
    expect(status.code).toBe(403);
    expect(status.reason).toBe('Forbidden');
    expect(status.message).toBe('pods "api" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 512Mi, but limit is 1Gi]');
  });

  it('prints a single violation bare, with the quantities in canonical form', () => {
    const { store } = withLimits([{ type: 'Container', min: { cpu: '0.2' } }]);
    const status = refusal(() => create(store, pod('shop', 'api', { resources: { requests: { cpu: '0.1' }, limits: { cpu: '1' } } })));
    expect(status.message).toBe('pods "api" is forbidden: minimum cpu usage per Container is 200m, but request is 100m');
  });

  it('forbids a limit too far above the request', () => {
    const { store } = withLimits([{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }]);
    const status = refusal(() => create(store, pod('shop', 'api', { resources: { requests: { cpu: '250m' }, limits: { cpu: '1' } } })));
    expect(status.message).toBe('pods "api" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000');
  });

  it('bounds the pod as a whole by the sum of its containers', () => {
    const { store } = withLimits([{ type: 'Pod', max: { memory: '1Gi' } }]);
    const manifest = pod('shop', 'api', { resources: { limits: { memory: '768Mi' } } });
    const spec = manifest['spec'] as { containers: object[] };
    spec.containers.push({ name: 'sidecar', image: 'shop/proxy:1.0', resources: { limits: { memory: '768Mi' } } });
    const status = refusal(() => create(store, manifest));
    expect(status.message).toBe('pods "api" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1536Mi');
  });

  it('names a controller\'s pod by its generated name: the validating phase runs after the name exists', () => {
    const { store } = withLimits([{ type: 'Container', max: { cpu: '1' } }]);
    const status = refusal(() => create(store, pod('shop', 'api-7d9f8b6c4d-', { generateName: true, resources: { limits: { cpu: '2' } } })));
    expect(status.message).toMatch(/^pods "api-7d9f8b6c4d-[a-z0-9]{5}" is forbidden: maximum cpu usage per Container is 1, but limit is 2$/);
  });

  it('bounds the storage a claim requests', () => {
    const { store } = withLimits([{ type: 'PersistentVolumeClaim', max: { storage: '10Gi' } }]);
    const claim = {
      kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
    };
    const status = refusal(() => create(store, claim));
    expect(status.message).toBe('persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi');
  });
});
