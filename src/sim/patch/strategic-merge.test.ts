import { describe, expect, it } from 'vitest';
import { errorOf } from './patch.test-support.js';
import { applyPatch } from './index.js';

function deployment(containers: object[], extra: object = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout', namespace: 'shop', finalizers: ['example.com/a', 'example.com/b'] },
    spec: { replicas: 2, template: { metadata: { labels: { app: 'checkout' } }, spec: { containers, ...extra } } },
  };
}

const api = {
  name: 'api',
  image: 'api:1',
  env: [{ name: 'MODE', value: 'prod' }, { name: 'DEBUG', value: 'false' }],
  ports: [{ containerPort: 8080, protocol: 'TCP' }],
  resources: { limits: { memory: '128Mi' } },
};
const sidecar = { name: 'proxy', image: 'proxy:1' };

function podSpecOf(obj: object): Record<string, unknown> {
  return (obj as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
}

function smp(live: object, patch: unknown, kind = 'Deployment'): object {
  return applyPatch(live, patch, 'strategic', kind);
}

function patchTemplate(spec: object): object {
  return { spec: { template: { spec } } };
}


describe('strategic merge patch: containers, env, ports', () => {
  it('merges containers by name, keeps the live order and appends new ones', () => {
    const live = deployment([api, sidecar]);
    const out = smp(live, patchTemplate({ containers: [{ name: 'proxy', image: 'proxy:2' }, { name: 'init-db', image: 'db:1' }] }));
    const containers = podSpecOf(out).containers as { name: string; image: string }[];
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['api=api:1', 'proxy=proxy:2', 'init-db=db:1']);
    expect(containers[0]).toEqual(api);
  });

  it('merges env by name inside a container and deletes an entry with $patch: delete', () => {
    const out = smp(deployment([api]), patchTemplate({
      containers: [{ name: 'api', env: [{ name: 'DEBUG', $patch: 'delete' }, { name: 'REGION', value: 'eu' }] }],
    }));
    const [container] = podSpecOf(out).containers as { env: object[] }[];
    // No patch element is in the live list, so nothing anchors REGION after MODE: the apiserver puts it first.
    expect(container?.env).toEqual([{ name: 'REGION', value: 'eu' }, { name: 'MODE', value: 'prod' }]);
  });

  it('merges ports by containerPort and deletes a container field with null', () => {
    const out = smp(deployment([api]), patchTemplate({
      containers: [{ name: 'api', resources: null, ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090 }] }],
    }));
    const [container] = podSpecOf(out).containers as Record<string, unknown>[];
    expect(container?.ports).toEqual([{ containerPort: 8080, protocol: 'TCP', name: 'http' }, { containerPort: 9090 }]);
    expect(container).not.toHaveProperty('resources');
  });

  it('replaces the whole list when an element carries $patch: replace', () => {
    const out = smp(deployment([api, sidecar]), patchTemplate({ containers: [{ $patch: 'replace' }, { name: 'solo', image: 's:1' }] }));
    expect(podSpecOf(out).containers).toEqual([{ name: 'solo', image: 's:1' }]);
  });

  it('orders the merged list as $setElementOrder says', () => {
    const reordered = smp(deployment([api, sidecar]), patchTemplate({
      '$setElementOrder/containers': [{ name: 'proxy' }, { name: 'api' }],
      containers: [{ name: 'proxy', image: 'proxy:3' }],
    }));
    expect((podSpecOf(reordered).containers as { name: string }[]).map((c) => c.name)).toEqual(['proxy', 'api']);
  });

  it('fails like the apiserver when an element lacks the merge key', () => {
    const error = errorOf(() => smp(deployment([api]), patchTemplate({ containers: [{ image: 'httpd' }] })));
    expect(error.code).toBe(500);
    expect(error.message).toBe('map: map[image:httpd] does not contain declared merge key: name');
    // A plain Go error becomes a 500 Status without a reason; kubectl prints "Error from server: <message>".
    expect(error.status()).not.toHaveProperty('reason');
  });
});

describe('strategic merge patch: lists without a merge key, volumes, metadata', () => {
  it('replaces tolerations whole, since PodSpec.tolerations has no patch strategy', () => {
    const live = deployment([api], { tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
    const out = smp(live, patchTemplate({ tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }] }));
    expect(podSpecOf(out).tolerations).toEqual([{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it('clears the volume source the $retainKeys list leaves out', () => {
    const live = deployment([api], { volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }] });
    const out = smp(live, patchTemplate({
      volumes: [{ name: 'data', $retainKeys: ['name', 'persistentVolumeClaim'], persistentVolumeClaim: { claimName: 'pvc-1' } }],
    }));
    expect(podSpecOf(out).volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'pvc-1' } },
      { name: 'cfg', configMap: { name: 'c' } },
    ]);
  });

  it('refuses a patch that sets a field its $retainKeys list omits (400)', () => {
    const live = deployment([api], { volumes: [{ name: 'data', emptyDir: {} }] });
    const error = errorOf(() => smp(live, patchTemplate({
      volumes: [{ name: 'data', $retainKeys: ['name'], hostPath: { path: '/x' } }],
    })));
    expect([error.code, error.reason, error.message]).toEqual([400, 'BadRequest', 'invalid patch format of retainKeys']);
  });

  it('merges finalizers as a set and removes values with $deleteFromPrimitiveList', () => {
    const out = smp(deployment([api]), {
      metadata: { finalizers: ['example.com/b', 'example.com/c'], '$deleteFromPrimitiveList/finalizers': ['example.com/a'] },
    }) as { metadata: { finalizers: string[] } };
    expect(out.metadata.finalizers).toEqual(['example.com/b', 'example.com/c']);
  });

  it('merges pod conditions by type', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' },
      status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
    };
    const out = smp(pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'Pod') as typeof pod;
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
  });

  it('merges Service ports by port', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = smp(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, 'Service') as typeof svc;
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });

  it('never mutates the live object', () => {
    const live = deployment([api, sidecar]);
    const before = structuredClone(live);
    smp(live, { metadata: { finalizers: null }, spec: { replicas: 5, template: { spec: { containers: [{ name: 'api', image: 'x' }] } } } });
    expect(live).toEqual(before);
  });

  it('answers 415 for a kind it has no merge rules for, as the apiserver does for custom resources', () => {
    const error = errorOf(() => smp({ kind: 'CronTab', metadata: { name: 'x' } }, { spec: {} }, 'CronTab'));
    expect(error.code).toBe(415);
    expect(error.message).toBe('the body of the request was in an unknown format - accepted media types include: '
      + 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  });
});
