/**
 * Readers for the value formats kubectl describe prints: human ages (`3m12s`), RFC 1123 times,
 * label lists, label selectors, access modes, int-or-string, resource lists.
 */
import type { LabelSelector } from '../../cluster/objects.js';
import { valueLines, type Field } from './fields.js';

const UNIT_SECONDS: Record<string, number> = { y: 365 * 86400, d: 86400, h: 3600, m: 60, s: 1 };

/** An age as `duration.HumanDuration` prints it (`45s`, `3m12s`, `2d4h`, `3y12d`) in seconds; undefined for `<unknown>`. */
export function ageSeconds(text: string): number | undefined {
  if (!/^(\d+[ydhms])+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)([ydhms])/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** The age text kubectl prints: a HumanDuration, `<unknown>` or `<invalid>`. */
export const AGE_TEXT = String.raw`(?:<unknown>|<invalid>|(?:\d+[ydhms])+)`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIME = /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}|UTC|GMT|Z)$/;

/**
 * A time as describe prints it (`Mon, 02 Jan 2006 15:04:05 -0700`, Go's RFC1123Z) in the API's form
 * (`2006-01-02T22:04:05Z`). Go's zero time (year 1) and text that is no time give undefined.
 */
export function isoTime(text: string): string | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!);
  const year = Number(m[3]);
  if (month < 0 || year <= 1) return undefined;
  const zone = m[7]!;
  const offsetMinutes = /^[+-]/.test(zone) ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3))) : 0;
  const utc = Date.UTC(year, month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMinutes * 60_000;
  return new Date(utc).toISOString().replace('.000Z', 'Z');
}

/** `key=value` lines (labels, node selectors) as a map; `<none>` gives an empty map. */
export function keyValueMap(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    if (line === '<none>' || line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) out[line] = '';
    else out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** A multi-line label field (`Labels:`, `Node-Selectors:`) as a map. */
export function labelsOf(field: Field | undefined): Record<string, string> {
  return field ? keyValueMap(valueLines(field)) : {};
}

/**
 * `Annotations:` as a map. Short values print as `key: value`; a long or multi-line value prints as
 * `key:` with its lines indented two more spaces below (cut at 140 characters by kubectl).
 */
export function annotationsOf(field: Field | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!field || field.value === '<none>') return out;
  const entries = [{ text: field.value, indent: field.valueCol }, ...field.more, ...field.children.map((c) => ({ text: c.text, indent: c.indent }))];
  const keyIndent = field.valueCol;
  let open: string | undefined;
  for (const entry of entries) {
    if (open !== undefined && entry.indent > keyIndent) {
      out[open] = out[open] === '' ? entry.text : `${out[open]}\n${entry.text}`;
      continue;
    }
    const colon = entry.text.indexOf(': ');
    if (entry.text.endsWith(':') && (colon < 0 || colon === entry.text.length - 1)) {
      open = entry.text.slice(0, -1);
      out[open] = '';
    } else if (colon > 0) {
      open = undefined;
      out[entry.text.slice(0, colon)] = entry.text.slice(colon + 2);
    }
  }
  return out;
}

/** Splits on commas outside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * A label selector as kubectl prints it (`app=web,tier in (api,web),!legacy`); `<none>` and an empty
 * text select everything.
 */
export function labelSelector(text: string): LabelSelector {
  const selector: LabelSelector = {};
  if (text === '<none>' || text === '<unset>' || text === '') return selector;
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  for (const req of splitRequirements(text)) {
    const set = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(req);
    if (set) {
      const values = set[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
      matchExpressions.push({ key: set[1]!, operator: set[2] === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    const neq = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(req);
    if (neq) {
      matchExpressions.push({ key: neq[1]!, operator: 'NotIn', values: [neq[2]!] });
      continue;
    }
    const eq = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(req);
    if (eq) matchLabels[eq[1]!] = eq[2]!;
    else if (req.startsWith('!')) matchExpressions.push({ key: req.slice(1), operator: 'DoesNotExist' });
    else matchExpressions.push({ key: req, operator: 'Exists' });
  }
  if (Object.keys(matchLabels).length > 0) selector.matchLabels = matchLabels;
  if (matchExpressions.length > 0) selector.matchExpressions = matchExpressions;
  return selector;
}

/** `25%` stays a string, `1` becomes a number: the API's IntOrString. */
export function intOrString(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

const ACCESS_MODES: Record<string, string> = {
  RWO: 'ReadWriteOnce', ROX: 'ReadOnlyMany', RWX: 'ReadWriteMany', RWOP: 'ReadWriteOncePod',
};

/** `RWO,RWX` → [`ReadWriteOnce`, `ReadWriteMany`]. */
export function accessModes(text: string): string[] {
  return text.split(',').map((m) => m.trim()).filter((m) => m !== '').map((m) => ACCESS_MODES[m] ?? m);
}

/** Children like `cpu:  500m` as a resource list (quantities stay strings, as the API has them). */
export function resourceList(field: Field | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of field?.children ?? []) if (c.key !== undefined && c.value !== '') out[c.key] = c.value;
  return out;
}

/** `True`/`true` → true, `False`/`false` → false, anything else undefined. */
export function boolOf(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/** A value unless kubectl printed a placeholder for none. */
export function present(text: string | undefined): string | undefined {
  return text === undefined || text === '' || text === '<none>' || text === '<unset>' || text === '<nil>' ? undefined : text;
}
