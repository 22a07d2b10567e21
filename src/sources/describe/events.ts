/**
 * The `Events:` table of a describe block as core/v1 Event objects. Describe prints ages, not
 * times: the age of the last occurrence is kept in seconds in `kubetriage.io/age-seconds` (and the
 * first occurrence's in `kubetriage.io/first-age-seconds`) so that events can still be ordered.
 */
import { AGE_ANNOTATION, FIRST_AGE_ANNOTATION } from '../../cluster/annotations.js';
import type { KubeObject } from '../../cluster/objects.js';
import type { Field } from './fields.js';
import { SOURCE_ANNOTATION } from './meta.js';
import type { SourceLine } from './text.js';
import { AGE_TEXT, ageSeconds } from './values.js';

/** Age in seconds of an event's first occurrence, when describe printed it (`3m (x5 over 10m)`). */
export { FIRST_AGE_ANNOTATION };

export interface InvolvedObject {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

interface Row {
  type: string;
  reason: string;
  age: string;
  count: number;
  firstAge: string | undefined;
  from: string;
  message: string;
  line: number;
}

const AGE = `(${AGE_TEXT})(?: \\(x(\\d+) over (${AGE_TEXT})\\))?`;
/** A row as tabwriter pads it: cells apart by two or more spaces; From may hold one space (`kubelet, node-1` in old kubectl). */
const ROW = new RegExp(`^ {1,4}(\\S+) {2,}(\\S+) {2,}${AGE} {2,}(\\S+(?: \\S+)*?) {2,}(.*)$`);
/** A row whose padding a paste collapsed to single spaces. */
const COLLAPSED_ROW = new RegExp(`^\\s*(Normal|Warning) (\\S+) ${AGE} (\\S+) (.*)$`);
const HEADER = /^\s*Type\s+Reason\s+Age\s+From\s+Message\s*$/;
const DASHES = /^\s*-+(\s+-+)*\s*$/;
/** kubectl 1.35+ prefixes the message with the involved field path: `spec.containers{app}: …`. */
const FIELD_PATH = /^(spec\.(?:initContainers|containers|ephemeralContainers)\{[^}]+\}): ([\s\S]*)$/;

function rowOf(line: SourceLine): Row | undefined {
  const m = ROW.exec(line.text) ?? COLLAPSED_ROW.exec(line.text);
  if (!m) return undefined;
  return {
    type: m[1]!, reason: m[2]!, age: m[3]!, count: m[4] ? Number(m[4]) : 1, firstAge: m[5], from: m[6]!,
    message: m[7]!.trim(), line: line.no,
  };
}

/** The rows of an `Events:` section; lines that are no row continue the message above them. */
function rowsOf(tail: SourceLine[]): Row[] {
  const rows: Row[] = [];
  for (const line of tail) {
    if (line.text.trim() === '' || HEADER.test(line.text) || DASHES.test(line.text)) continue;
    const row = rowOf(line);
    if (row) rows.push(row);
    else if (rows.length > 0) {
      const last = rows[rows.length - 1]!;
      last.message = `${last.message} ${line.text.trim()}`.trim();
    }
  }
  return rows;
}

/** FNV-1a of a text, as 8 hex digits: stable names for events read twice from the same text. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The Events of a block about the object it describes. */
export function eventsOf(section: Field | undefined, involved: InvolvedObject): KubeObject[] {
  if (!section?.tail) return [];
  return rowsOf(section.tail).map((row) => eventOf(row, involved));
}

function eventOf(row: Row, involved: InvolvedObject): KubeObject {
  const annotations: Record<string, string> = { [SOURCE_ANNOTATION]: 'describe' };
  const age = ageSeconds(row.age);
  if (age !== undefined) annotations[AGE_ANNOTATION] = String(age);
  const firstAge = row.firstAge === undefined ? age : ageSeconds(row.firstAge);
  if (firstAge !== undefined) annotations[FIRST_AGE_ANNOTATION] = String(firstAge);
  const involvedObject: Record<string, string> = { ...involved };
  let message = row.message;
  const fp = FIELD_PATH.exec(message);
  if (fp) {
    involvedObject['fieldPath'] = fp[1]!;
    message = fp[2]!;
  }
  const id = hash([involved.kind, involved.namespace ?? '', involved.name, row.type, row.reason, row.from, row.age, message].join('\u0000'));
  const metadata: Record<string, unknown> = { name: `${involved.name}.${id}`, annotations };
  // Events about cluster-scoped objects (nodes) are stored in `default`; the graph keys them by the
  // involved object, so the namespace is left out rather than guessed.
  if (involved.namespace !== undefined) metadata['namespace'] = involved.namespace;
  return {
    apiVersion: 'v1', kind: 'Event', metadata: metadata as unknown as KubeObject['metadata'],
    involvedObject, type: row.type, reason: row.reason, message, count: row.count,
    source: { component: row.from },
  };
}
