/**
 * The event table (`printEvent`): LAST SEEN from the series, the last timestamp or the first one (or
 * the event time), OBJECT as `kind/name` in lower case. events.k8s.io/v1 events are printed through
 * the same printer after the apiserver's conversion (`regarding` is the involved object, `note` the
 * message, the `deprecated*` fields the old timestamps and count).
 */
import type { Event as CoreEvent, EventSource, ObjectReference } from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1 } from 'kubernetes-types/events/v1.js';
import { FIELD_DOCS } from './descriptions.js';
import { since } from './human-duration.js';
import { column } from './types.js';
import type { Printer } from './types.js';

/** The fields the printer reads, common to both event APIs. */
interface EventView {
  name: string;
  type: string;
  reason: string;
  message: string;
  involved: ObjectReference;
  source: EventSource;
  reportingController: string;
  reportingInstance: string;
  firstTimestamp: string | undefined;
  lastTimestamp: string | undefined;
  eventTime: string | undefined;
  count: number;
  series: { count: number; lastObservedTime: string } | undefined;
}

function viewOf(object: object, group: string): EventView {
  if (group === 'events.k8s.io') {
    const e = object as EventsV1;
    return {
      name: e.metadata?.name ?? '', type: e.type ?? '', reason: e.reason ?? '', message: e.note ?? '',
      involved: e.regarding ?? {}, source: e.deprecatedSource ?? {}, reportingController: e.reportingController ?? '',
      reportingInstance: e.reportingInstance ?? '', firstTimestamp: e.deprecatedFirstTimestamp,
      lastTimestamp: e.deprecatedLastTimestamp, eventTime: e.eventTime, count: e.deprecatedCount ?? 0, series: e.series,
    };
  }
  const e = object as CoreEvent;
  return {
    name: e.metadata.name ?? '', type: e.type ?? '', reason: e.reason ?? '', message: e.message ?? '',
    involved: e.involvedObject, source: e.source ?? {}, reportingController: e.reportingComponent ?? '',
    reportingInstance: e.reportingInstance ?? '', firstTimestamp: e.firstTimestamp, lastTimestamp: e.lastTimestamp,
    eventTime: e.eventTime, count: e.count ?? 0,
    series: e.series === undefined ? undefined : { count: e.series.count ?? 0, lastObservedTime: e.series.lastObservedTime ?? '' },
  };
}

/** `component, host`, falling back to the reporting controller and instance (`formatEventSource`). */
function eventSource(view: EventView): string {
  const component = view.source.component || view.reportingController;
  const instance = view.source.host || view.reportingInstance;
  return instance === '' ? component : `${component}, ${instance}`;
}

/** The event printer for the core or the events.k8s.io group. */
export function eventPrinter(group: string): Printer {
  return {
    columns: [
      column('Last Seen', 'string', FIELD_DOCS.eventLastTimestamp),
      column('Type', 'string', FIELD_DOCS.eventType),
      column('Reason', 'string', FIELD_DOCS.eventReason),
      column('Object', 'string', FIELD_DOCS.eventInvolvedObject),
      column('Subobject', 'string', FIELD_DOCS.eventFieldPath, { priority: 1 }),
      column('Source', 'string', FIELD_DOCS.eventSource, { priority: 1 }),
      column('Message', 'string', FIELD_DOCS.eventMessage),
      column('First Seen', 'string', FIELD_DOCS.eventFirstTimestamp, { priority: 1 }),
      column('Count', 'string', FIELD_DOCS.eventCount, { priority: 1 }),
      column('Name', 'string', FIELD_DOCS.name, { format: 'name', priority: 1 }),
    ],
    row(object, now) {
      const view = viewOf(object, group);
      const first = view.firstTimestamp ? since(view.firstTimestamp, now) : since(view.eventTime, now);
      let last = view.lastTimestamp ? since(view.lastTimestamp, now) : first;
      let count = view.count;
      if (view.series !== undefined) {
        last = since(view.series.lastObservedTime, now);
        count = view.series.count;
      } else if (count === 0) {
        count = 1;
      }
      const kind = (view.involved.kind ?? '').toLowerCase();
      const target = view.involved.name ? `${kind}/${view.involved.name}` : kind;
      return {
        cells: [
          last, view.type, view.reason, target, view.involved.fieldPath ?? '', eventSource(view), view.message.trim(),
          first, count, view.name,
        ],
      };
    },
  };
}
