/**
 * Field selectors (`fieldSelector=metadata.name=x,status.phase!=Running`): `=`, `==` and `!=` on the
 * fields each resource exposes (its `fieldSelectors` in the resource table, plus metadata.name and
 * metadata.namespace). An unknown field is a 400, as on the real apiserver.
 */
import type { ResourceInfo } from '../resources.js';
import { badRequest } from './status-error.js';

/** One term: the field, whether it must equal or differ, and the value. */
export interface FieldTerm {
  field: string;
  equal: boolean;
  value: string;
}

/** All terms must hold; an empty selector matches everything. */
export type FieldSelector = readonly FieldTerm[];

/**
 * Parses the `fieldSelector` parameter for one resource. Backslash escapes `,`, `=` and `\`.
 * @example parseFieldSelector('spec.nodeName=node-1,status.phase!=Running', pods)
 */
export function parseFieldSelector(text: string, resource: ResourceInfo): FieldSelector {
  const terms: FieldTerm[] = [];
  for (const raw of splitUnescaped(text, ',')) {
    if (raw.trim() === '') continue;
    const term = parseTerm(raw);
    if (term.field !== 'metadata.name' && term.field !== 'metadata.namespace' && !resource.fieldSelectors.includes(term.field)) {
      throw badRequest(`field label not supported: ${term.field}`);
    }
    terms.push(term);
  }
  return terms;
}

function parseTerm(raw: string): FieldTerm {
  for (const [op, equal] of [['!=', false], ['==', true], ['=', true]] as const) {
    const at = indexUnescaped(raw, op);
    if (at >= 0) return { field: raw.slice(0, at).trim(), equal, value: unescape(raw.slice(at + op.length)) };
  }
  throw badRequest(`invalid selector: '${raw}'; can't understand '${raw}'`);
}

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] === sep) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts;
}

function indexUnescaped(text: string, op: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text.startsWith(op, i)) return i;
  }
  return -1;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** True when the object's fields satisfy every term. */
export function matchesFields(selector: FieldSelector, obj: object): boolean {
  for (const term of selector) {
    if ((fieldValue(obj, term.field) === term.value) !== term.equal) return false;
  }
  return true;
}

/**
 * The value a field label stands for, as the apiserver's `ToSelectableFields` writes it: booleans as
 * `true`/`false`, counts as decimals (missing → 0), a missing string as empty.
 */
export function fieldValue(obj: object, field: string): string {
  switch (field) {
    case 'source': return str(at(obj, ['source', 'component']));
    case 'deprecatedSource': return str(at(obj, ['deprecatedSource', 'component']));
    case 'status.successful': return String(num(at(obj, ['status', 'succeeded'])));
    case 'status.replicas': return String(num(at(obj, ['status', 'replicas'])));
    case 'spec.unschedulable': case 'spec.hostNetwork': return String(at(obj, field.split('.')) === true);
    default: return str(at(obj, field.split('.')));
  }
}

function at(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
