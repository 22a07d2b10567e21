/**
 * The simulator's one event recorder, shared by the kubelet and the controllers: core/v1 Events
 * written as client-go's legacy recorder writes them. An Event is named `<object>.<hex
 * nanoseconds>`; a repeat of the same (source, object, type, reason, message) bumps `count` and
 * `lastTimestamp` of the Event already written instead of adding one; a failed write is dropped.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { type ObjectStore, StatusError, formatTime } from '../store/index.js';

/** What an event is about: the fields of the Event's `involvedObject` reference. */
export interface EventSubject {
  /** `v1` when absent (the kubelet's Pod and Node references). */
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  /** `spec.containers{app}` for an event about one container. */
  fieldPath?: string;
}

/** Who records: `kubelet` on a host, or a controller (`deployment-controller`) without one. */
export interface EventSource {
  component: string;
  host?: string;
}

const EVENTS = lookupResource('events')!;

/** The reference a controller's recorder makes to the object it reports on. */
export function objectReference(object: KubeObject): EventSubject {
  const { namespace, name, uid, resourceVersion } = object.metadata;
  return {
    kind: object.kind, name, ...(object.apiVersion !== undefined && { apiVersion: object.apiVersion }),
    ...(namespace !== undefined && { namespace }), ...(uid !== undefined && { uid }),
    ...(resourceVersion !== undefined && { resourceVersion }),
  };
}

/** Writes the events of one source into the store. */
export class EventRecorder {
  /** Aggregation key → name of the Event that counts it. */
  private readonly seen = new Map<string, string>();
  private sequence = 0;

  constructor(private readonly store: ObjectStore, private readonly clock: SimClock, private readonly source: EventSource) {}

  /** Records one occurrence. Failures to write are dropped, as the real recorder drops them. */
  record(subject: EventSubject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const namespace = subject.namespace ?? 'default';
    const key = aggregationKey(subject, type, reason, message);
    const now = this.clock.now();
    try {
      const existing = this.seen.get(key);
      if (existing !== undefined && this.bump(namespace, existing, formatTime(now))) return;
      const name = `${subject.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(this.sequence++)).toString(16)}`;
      this.store.create(EVENTS, this.event(subject, namespace, name, type, reason, message, formatTime(now)), { namespace });
      this.seen.set(key, name);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
    }
  }

  /** Counts a repeat on the Event already written; false when that Event is gone (expired or deleted). */
  private bump(namespace: string, name: string, now: string): boolean {
    let current: KubeObject;
    try {
      current = this.store.get(EVENTS, namespace, name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return false;
      throw err;
    }
    const count = typeof current['count'] === 'number' ? current['count'] : 1;
    this.store.update(EVENTS, { ...current, count: count + 1, lastTimestamp: now }, { namespace, name });
    return true;
  }

  private event(subject: EventSubject, namespace: string, name: string, type: string, reason: string, message: string, now: string): object {
    return {
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace }, involvedObject: involvedObject(subject),
      reason, message, source: { ...this.source }, firstTimestamp: now, lastTimestamp: now, count: 1, type,
      // The legacy recorder leaves eventTime zero, which the API serves as null.
      eventTime: null, reportingComponent: this.source.component, reportingInstance: this.source.host ?? '',
    };
  }
}

/** The fields of an ObjectReference, in the API's order, absent ones omitted. */
function involvedObject(subject: EventSubject): Record<string, string> {
  const reference: Record<string, string> = { kind: subject.kind };
  if (subject.namespace !== undefined) reference['namespace'] = subject.namespace;
  reference['name'] = subject.name;
  if (subject.uid !== undefined) reference['uid'] = subject.uid;
  reference['apiVersion'] = subject.apiVersion ?? 'v1';
  if (subject.resourceVersion !== undefined) reference['resourceVersion'] = subject.resourceVersion;
  if (subject.fieldPath !== undefined) reference['fieldPath'] = subject.fieldPath;
  return reference;
}

/** What makes two occurrences the same event; the resourceVersion is not part of it, as in client-go. */
function aggregationKey(subject: EventSubject, type: string, reason: string, message: string): string {
  const { kind, namespace = '', name, uid = '', apiVersion = 'v1', fieldPath = '' } = subject;
  return [kind, namespace, name, uid, apiVersion, fieldPath, type, reason, message].join('\u0000');
}
