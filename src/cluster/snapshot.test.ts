import { describe, expect, it } from 'vitest';
import type { KubeObject } from './objects.js';
import { SnapshotBuilder } from './snapshot.js';

function podWithEverything(): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'api-1', namespace: 'shop', uid: 'u-1' },
    spec: {
      nodeName: 'node-1',
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data-api-1' } },
        { name: 'kube-api-access-x1', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
      ],
      initContainers: [{ name: 'migrate', image: 'api:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      containers: [{
        name: 'app', image: 'api:1', env: [{ name: 'MODE', value: 'prod' }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }], resources: { requests: { cpu: '100m' } },
      }],
    },
    status: {
      phase: 'Running', podIP: '10.0.0.7', podIPs: [{ ip: '10.0.0.7' }], hostIP: '10.1.0.1', hostIPs: [{ ip: '10.1.0.1' }],
      containerStatuses: [{
        name: 'app', image: 'api:1', imageID: 'api@sha256:ab', containerID: 'containerd://cd', ready: true, restartCount: 0,
        state: { running: { startedAt: '2024-05-14T08:00:00Z' } },
      }],
    },
  } as KubeObject;
}

const built = (obj: KubeObject, dropUnread: boolean): Record<string, unknown> => {
  const builder = new SnapshotBuilder({ dropUnread });
  builder.add(obj);
  return JSON.parse(JSON.stringify(builder.build().objects[0])) as Record<string, unknown>;
};

describe('SnapshotBuilder dropUnread', () => {
  it('clears only the listed fields of a pod and keeps what analyzers read', () => {
    const pod = built(podWithEverything(), true) as {
      spec: { volumes: Record<string, unknown>[]; containers: Record<string, unknown>[]; initContainers: Record<string, unknown>[] };
      status: Record<string, unknown> & { containerStatuses: Record<string, unknown>[] };
    };
    expect(pod.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data-api-1' } }, { name: 'kube-api-access-x1' }]);
    expect(pod.spec.containers[0]).not.toHaveProperty('volumeMounts');
    expect(pod.spec.initContainers[0]).not.toHaveProperty('volumeMounts');
    expect(pod.spec.containers[0]).toMatchObject({ env: [{ name: 'MODE', value: 'prod' }], resources: { requests: { cpu: '100m' } } });
    expect(pod.status).not.toHaveProperty('podIPs');
    expect(pod.status).not.toHaveProperty('hostIPs');
    expect(pod.status).toMatchObject({ podIP: '10.0.0.7', hostIP: '10.1.0.1', phase: 'Running' });
    expect(pod.status.containerStatuses[0]).not.toHaveProperty('imageID');
    expect(pod.status.containerStatuses[0]).not.toHaveProperty('containerID');
    expect(pod.status.containerStatuses[0]).toMatchObject({ image: 'api:1', ready: true, state: { running: {} } });
  });

  it('leaves objects whole by default (live sources, library callers)', () => {
    expect(built(podWithEverything(), false)).toEqual(JSON.parse(JSON.stringify(podWithEverything())));
  });

  it('drops the image list of a node but not of other kinds', () => {
    const images = [{ names: ['api@sha256:ab', 'api:1'], sizeBytes: 10 }];
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { images, capacity: { cpu: '8' } } } as KubeObject;
    expect(built(node, true)).toEqual({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { capacity: { cpu: '8' } } });
    const template = { spec: { containers: [{ name: 'app', image: 'api:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } };
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: { template } } as KubeObject;
    expect(built(deploy, true)).toEqual(JSON.parse(JSON.stringify(deploy)));
  });

  it('adds no property a pod did not have', () => {
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'a' }] }, status: { phase: 'Pending' } } as KubeObject;
    const builder = new SnapshotBuilder({ dropUnread: true });
    builder.add(bare);
    const [obj] = builder.build().objects as unknown as [{ spec: { containers: object[] }; status: object }];
    expect(Object.keys(obj.status)).toEqual(['phase']);
    expect(Object.keys(obj.spec.containers[0]!)).toEqual(['name', 'image']);
  });
});
