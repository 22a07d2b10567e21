/**
 * Evidence quoted from its source. Every quote passes through {@link quoteUntrusted}: log lines,
 * event messages and describe text are untrusted data, redacted and bounded before any output.
 */
import { AGE_ANNOTATION, SOURCE_ANNOTATION } from '../cluster/annotations.js';
import { eventTimestamp, type ClusterGraph } from '../cluster/graph.js';
import type { CoreEvent, KubeObject, ObjectRef } from '../cluster/objects.js';
import { refOf } from '../cluster/objects.js';
import { quoteUntrusted } from '../cluster/redact.js';
import type { Evidence } from './finding.js';

function fromDescribe(obj: KubeObject): boolean {
  return obj.metadata.annotations?.[SOURCE_ANNOTATION] === 'describe';
}

/** A field of an object's status, e.g. a container's last termination. */
export function statusEvidence(obj: KubeObject, field: string, quote: string, at?: string): Evidence {
  return withAt({ source: fromDescribe(obj) ? 'describe' : 'status', ref: refOf(obj), field, quote: quoteUntrusted(quote) }, at);
}

/** A field of an object's spec, e.g. a probe's port or a memory limit. */
export function specEvidence(obj: KubeObject, field: string, quote: string): Evidence {
  return { source: fromDescribe(obj) ? 'describe' : 'spec', ref: refOf(obj), field, quote: quoteUntrusted(quote) };
}

/** A node's condition or capacity. */
export function nodeEvidence(node: KubeObject, field: string, quote: string, at?: string): Evidence {
  return withAt({ source: fromDescribe(node) ? 'describe' : 'node', ref: refOf(node), field, quote: quoteUntrusted(quote) }, at);
}

/**
 * An event as `kubectl get events` shows it: `Warning  BackOff  Back-off restarting failed container …`,
 * with its count when it repeated.
 */
export function eventEvidence(ev: KubeObject & CoreEvent): Evidence {
  const io = ev.involvedObject;
  const ref: ObjectRef = { kind: io.kind ?? 'Unknown', name: io.name ?? '' };
  const namespace = io.namespace ?? ev.metadata.namespace;
  if (namespace) ref.namespace = namespace;
  if (io.uid) ref.uid = io.uid;
  const count = Math.max(ev.count ?? 1, ev.series?.count ?? 1);
  const times = count > 1 ? ` (x${count})` : '';
  const quote = quoteUntrusted(`${ev.type ?? 'Normal'} ${ev.reason ?? ''}: ${ev.message ?? ''}${times}`);
  return withAt({ source: fromDescribe(ev) ? 'describe' : 'event', ref, quote }, quotedTime(ev));
}

/** One log line of a container, previous instance or current. */
export function logEvidence(pod: KubeObject, container: string, line: string, previous: boolean): Evidence {
  return {
    source: 'log', ref: refOf(pod), field: `logs[${container}]${previous ? ' (previous)' : ''}`, quote: quoteUntrusted(line.trim()),
  };
}

/**
 * A condition in one line, reason and message named:
 * `MemoryPressure True, Reason: KubeletHasInsufficientMemory, Message: kubelet has insufficient memory available`.
 */
export function describeCondition(c: { type: string; status: string; reason?: string | undefined; message?: string | undefined }): string {
  return `${c.type} ${c.status}, Reason: ${c.reason ?? ''}, Message: ${c.message ?? ''}`;
}

/** The events about an object whose reason is one of `reasons`, newest last. */
export function eventsWithReason(graph: ClusterGraph, ref: ObjectRef, reasons: readonly string[]): (KubeObject & CoreEvent)[] {
  return graph.eventsFor(ref).filter((e) => e.reason !== undefined && reasons.includes(e.reason));
}

/** When an event last happened, in its source's own terms: the timestamp it carries, or describe's age. */
function quotedTime(ev: CoreEvent): string | undefined {
  const t = eventTimestamp(ev);
  if (t) return t;
  const age = ev.metadata?.annotations?.[AGE_ANNOTATION];
  return age !== undefined ? `${age}s ago` : undefined;
}

function withAt(e: Evidence, at: string | undefined): Evidence {
  if (at) e.at = at;
  return e;
}
