import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ObjectStore } from '../store/object-store.js';
import { EventRecorder } from './event-recorder.js';
import { R, type Obj } from './kube.js';

describe('EventRecorder', () => {
  it('writes a core/v1 Event and counts a repeat on the same Event', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new ObjectStore({ now: () => clock.now(), bookmarkIntervalMs: 0 });
    const rs = store.create(R.replicasets, {
      metadata: { name: 'api-6b7c', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
    }, { namespace: 'default' });
    const recorder = new EventRecorder(store, clock, 'replicaset-controller');
    recorder.event(rs, 'Warning', 'FailedCreate', 'Error creating: quota exceeded');
    clock.advance(30_000);
    recorder.event(rs, 'Warning', 'FailedCreate', 'Error creating: quota exceeded');
    const events = store.list(R.events, { namespace: 'default' }).items;
    expect(events).toHaveLength(1);
    const e = events[0] as unknown as Obj;
    expect(e['metadata']).toMatchObject({ name: expect.stringMatching(/^api-6b7c\.[0-9a-f]+$/) });
    expect(e).toMatchObject({
      reason: 'FailedCreate', type: 'Warning', count: 2, source: { component: 'replicaset-controller' },
      reportingComponent: 'replicaset-controller', firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:30Z',
      involvedObject: { kind: 'ReplicaSet', name: 'api-6b7c', namespace: 'default', uid: rs.metadata.uid, apiVersion: 'apps/v1' },
    });
    store.close();
  });
});
