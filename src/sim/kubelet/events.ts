/**
 * The kubelet's event recorder: core/v1 Events with source `kubelet` on the node, aggregated as
 * client-go's recorder does (the same object, reason, message and source bump `count` and
 * `lastTimestamp` of one Event instead of writing a new one).
 */
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { type ObjectStore, StatusError, formatTime } from '../store/index.js';
import type { SimClock } from '../clock.js';

/** What an event is about: a pod (optionally one of its containers) or a node. */
export interface EventSubject {
  kind: 'Pod' | 'Node';
  namespace?: string;
  name: string;
  uid?: string;
  /** `spec.containers{app}` for container events. */
  fieldPath?: string;
}

const EVENTS = lookupResource('events')!;

/** Writes a node's kubelet events into the store. */
export class EventRecorder {
  private readonly seen = new Map<string, string>();
  private sequence = 0;

  constructor(private readonly store: ObjectStore, private readonly clock: SimClock, private readonly node: string) {}

  /** Records one occurrence. Failures to write are dropped, as the real recorder does. */
  record(subject: EventSubject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const namespace = subject.namespace ?? 'default';
    const key = [subject.uid ?? subject.name, subject.fieldPath ?? '', type, reason, message].join('\u0000');
    const now = formatTime(this.clock.now());
    try {
      const existingName = this.seen.get(key);
      if (existingName !== undefined && this.bump(namespace, existingName, now)) return;
      // Named as the recorder names them: object name and a nanosecond timestamp in hex.
      const name = `${subject.name}.${(BigInt(this.clock.now().getTime()) * 1_000_000n + BigInt(this.sequence++)).toString(16)}`;
      this.store.create(EVENTS, this.event(subject, namespace, name, type, reason, message, now), { namespace });
      this.seen.set(key, name);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
    }
  }

  private bump(namespace: string, name: string, now: string): boolean {
    let current: KubeObject;
    try {
      current = this.store.get(EVENTS, namespace, name);
    } catch {
      return false;
    }
    const count = typeof current['count'] === 'number' ? current['count'] : 1;
    this.store.update(EVENTS, { ...current, count: count + 1, lastTimestamp: now }, { namespace, name });
    return true;
  }

  private event(subject: EventSubject, namespace: string, name: string, type: string, reason: string, message: string, now: string): object {
    const involvedObject: Record<string, string> = { kind: subject.kind, name: subject.name, apiVersion: 'v1' };
    if (subject.kind === 'Pod' && subject.namespace !== undefined) involvedObject['namespace'] = subject.namespace;
    if (subject.uid !== undefined) involvedObject['uid'] = subject.uid;
    if (subject.fieldPath !== undefined) involvedObject['fieldPath'] = subject.fieldPath;
    return {
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace }, involvedObject, reason, message, type,
      source: { component: 'kubelet', host: this.node }, firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: 'kubelet', reportingInstance: this.node,
    };
  }
}
