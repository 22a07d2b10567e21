/**
 * Writes core/v1 Events as client-go's event recorder does for a controller: named
 * `<object>.<hex nanoseconds>`, source and reportingComponent set to the controller's name, and a
 * repeat of the same (object, type, reason, message) counted on the existing Event (count and
 * lastTimestamp) instead of a new one, as the recorder's aggregation does.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { R, type Obj, isNotFound, mutable, timestamp } from './kube.js';

/** Records events for one component (`deployment-controller`, `replicaset-controller` …). */
export class EventRecorder {
  private readonly seen = new Map<string, string>();

  constructor(private readonly store: ObjectStore, private readonly clock: SimClock, private readonly component: string) {}

  /** Records a Normal (or Warning) event about `object`. Failures are dropped, as the recorder's are. */
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = [object.metadata.uid, type, reason, message].join('\u0000');
    const now = this.clock.now();
    const existing = this.seen.get(key);
    if (existing && this.bump(namespace, existing, now)) return;
    const name = `${object.metadata.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(this.seen.size)).toString(16)}`;
    const event: Obj = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid,
        apiVersion: object.apiVersion, resourceVersion: object.metadata.resourceVersion,
      },
      reason, message, source: { component: this.component },
      firstTimestamp: timestamp(now), lastTimestamp: timestamp(now), count: 1, type,
      eventTime: null, reportingComponent: this.component, reportingInstance: '',
    };
    try {
      this.store.create(R.events, event, { namespace });
      this.seen.set(key, name);
    } catch {
      // An event that cannot be written is lost, as with the real recorder.
    }
  }

  private bump(namespace: string, name: string, now: Date): boolean {
    try {
      const current = mutable(this.store.get(R.events, namespace, name));
      current['count'] = (typeof current['count'] === 'number' ? current['count'] : 1) + 1;
      current['lastTimestamp'] = timestamp(now);
      this.store.update(R.events, current, { namespace, name });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      return true;
    }
  }
}
