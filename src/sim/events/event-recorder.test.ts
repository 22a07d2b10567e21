import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/object-store.js';
import { EventRecorder, objectReference } from './event-recorder.js';

const EVENTS = lookupResource('events')!;
const REPLICASETS = lookupResource('replicasets.apps')!;

let clock: ManualClock;
let store: ObjectStore;

beforeEach(() => {
  clock = new ManualClock('2026-01-01T00:00:00Z');
  store = new ObjectStore({ now: () => clock.now(), bookmarkIntervalMs: 0 });
});
afterEach(() => store.close());

function events(namespace = 'default'): KubeObject[] {
  return store.list(EVENTS, { namespace }).items;
}

describe('EventRecorder for a controller', () => {
  it('writes a core/v1 Event about the object and counts a repeat on the same Event', () => {
    const rs = store.create(REPLICASETS, {
      metadata: { name: 'api-6b7c', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
    }, { namespace: 'default' });
    const recorder = new EventRecorder(store, clock, { component: 'replicaset-controller' });
    recorder.record(objectReference(rs), 'Warning', 'FailedCreate', 'Error creating: quota exceeded');
    clock.advance(30_000);
    recorder.record(objectReference(rs), 'Warning', 'FailedCreate', 'Error creating: quota exceeded');

    const written = events();
    expect(written).toHaveLength(1);
    expect(written[0]!.metadata.name).toMatch(/^api-6b7c\.[0-9a-f]+$/);
    expect(written[0]).toMatchObject({
      reason: 'FailedCreate', type: 'Warning', message: 'Error creating: quota exceeded', count: 2,
      source: { component: 'replicaset-controller' }, reportingComponent: 'replicaset-controller', reportingInstance: '',
      firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:30Z', eventTime: null,
      involvedObject: {
        kind: 'ReplicaSet', namespace: 'default', name: 'api-6b7c', uid: rs.metadata.uid, apiVersion: 'apps/v1',
        resourceVersion: rs.metadata.resourceVersion,
      },
    });
    expect(written[0]!['source']).not.toHaveProperty('host');
  });
});

describe('EventRecorder for the kubelet', () => {
  const recorder = () => new EventRecorder(store, clock, { component: 'kubelet', host: 'node-1' });
  const pod = { kind: 'Pod', namespace: 'default', name: 'api', uid: 'u-1' };

  it('writes container events with the fieldPath and the kubelet on its host as source', () => {
    recorder().record({ ...pod, fieldPath: 'spec.containers{app}' }, 'Normal', 'Pulling', 'Pulling image "nginx"');
    expect(events()).toEqual([expect.objectContaining({
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'api', uid: 'u-1', apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
      source: { component: 'kubelet', host: 'node-1' }, reportingComponent: 'kubelet', reportingInstance: 'node-1', count: 1,
    })]);
  });

  it('files Node events in the default namespace with no namespace on the reference', () => {
    recorder().record({ kind: 'Node', name: 'node-1', uid: 'node-1' }, 'Normal', 'Starting', 'Starting kubelet.');
    expect(events()[0]).toMatchObject({
      metadata: { namespace: 'default' }, involvedObject: { kind: 'Node', name: 'node-1', uid: 'node-1', apiVersion: 'v1' },
    });
    expect(events()[0]!['involvedObject']).not.toHaveProperty('namespace');
  });

  it('keeps events apart when the container, reason or message differ', () => {
    const r = recorder();
    r.record({ ...pod, fieldPath: 'spec.containers{app}' }, 'Warning', 'Failed', 'Error: ErrImagePull');
    r.record({ ...pod, fieldPath: 'spec.containers{sidecar}' }, 'Warning', 'Failed', 'Error: ErrImagePull');
    r.record({ ...pod, fieldPath: 'spec.containers{app}' }, 'Warning', 'Failed', 'Error: ImagePullBackOff');
    r.record({ ...pod, fieldPath: 'spec.containers{app}' }, 'Warning', 'Failed', 'Error: ErrImagePull');
    const counts = events().map((e) => `${(e['involvedObject'] as { fieldPath: string }).fieldPath} ${String(e['message'])} ${String(e['count'])}`);
    expect(counts.sort()).toEqual([
      'spec.containers{app} Error: ErrImagePull 2', 'spec.containers{app} Error: ImagePullBackOff 1', 'spec.containers{sidecar} Error: ErrImagePull 1',
    ]);
    expect(new Set(events().map((e) => e.metadata.name)).size).toBe(3);
  });

  it('starts a new Event when the counted one was deleted', () => {
    const r = recorder();
    r.record(pod, 'Warning', 'FailedMount', 'MountVolume.SetUp failed');
    store.delete(EVENTS, 'default', events()[0]!.metadata.name);
    clock.advance(5_000);
    r.record(pod, 'Warning', 'FailedMount', 'MountVolume.SetUp failed');
    expect(events()).toEqual([expect.objectContaining({ count: 1, firstTimestamp: '2026-01-01T00:00:05Z' })]);
  });

  it('drops an event it cannot write', () => {
    const r = recorder();
    expect(() => r.record({ ...pod, namespace: 'missing' }, 'Normal', 'Scheduled', 'x')).not.toThrow();
    expect(events('missing')).toHaveLength(0);
  });
});
