/**
 * Label selectors as the apiserver reads them (apimachinery `labels.Parse`): equality (`a=b`, `a==b`,
 * `a!=b`), sets (`a in (x,y)`, `a notin (x)`), existence (`a`, `!a`) and numeric `a>1`, `a<1`,
 * comma-separated and all required. Also the `metav1.LabelSelector` object form used in specs.
 */
import { badRequest } from './status-error.js';

/** One requirement on one label key. */
export type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '>' | '<'; value: number };

/** All requirements must hold; an empty selector matches everything. */
export type LabelSelector = readonly Requirement[];

type Labels = Readonly<Record<string, string>> | undefined;

/** True when the labels satisfy every requirement. */
export function matchesLabels(selector: LabelSelector, labels: Labels): boolean {
  for (const req of selector) if (!matchesRequirement(req, labels)) return false;
  return true;
}

function matchesRequirement(req: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.op) {
    case 'exists': return has;
    case 'notexists': return !has;
    case '=': return has && value === req.value;
    case '!=': return !has || value !== req.value;
    case 'in': return has && req.values.includes(value!);
    case 'notin': return !has || !req.values.includes(value!);
    case '>': case '<': {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      const n = Number(value);
      return req.op === '>' ? n > req.value : n < req.value;
    }
  }
}

type Token = { kind: 'id' | 'op' | 'open' | 'close' | 'comma' | 'not' | 'end'; text: string };

const OPERATORS = ['==', '!=', '=', '>', '<'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) { tokens.push({ kind: 'op', text: op }); i += op.length; continue; }
    if (c === '!') { tokens.push({ kind: 'not', text: c }); i++; continue; }
    if (c === '(') { tokens.push({ kind: 'open', text: c }); i++; continue; }
    if (c === ')') { tokens.push({ kind: 'close', text: c }); i++; continue; }
    if (c === ',') { tokens.push({ kind: 'comma', text: c }); i++; continue; }
    let j = i;
    while (j < text.length && !/[\s!=<>(),]/.test(text[j]!)) j++;
    tokens.push({ kind: 'id', text: text.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/**
 * Parses the `labelSelector` query parameter. Throws a 400 BadRequest Status on bad syntax.
 * @example parseLabelSelector('app=web,tier in (front,back),!legacy')
 */
export function parseLabelSelector(text: string): LabelSelector {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const fail = (expected: string): never => {
    throw badRequest(`unable to parse requirement: found '${peek().text}', expected: ${expected}`);
  };
  const requirements: Requirement[] = [];
  if (peek().kind === 'end') return requirements;
  for (;;) {
    requirements.push(parseRequirement());
    if (peek().kind === 'end') return requirements;
    if (next().kind !== 'comma') { pos--; fail("','"); }
  }

  function parseRequirement(): Requirement {
    if (peek().kind === 'not') {
      next();
      return { key: key(), op: 'notexists' };
    }
    const k = key();
    const t = peek();
    if (t.kind === 'comma' || t.kind === 'end') return { key: k, op: 'exists' };
    if (t.kind === 'op') {
      next();
      const value = peek().kind === 'id' ? next().text : '';
      if (t.text === '>' || t.text === '<') {
        if (!/^-?\d+$/.test(value)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        return { key: k, op: t.text, value: Number(value) };
      }
      checkValue(value);
      return { key: k, op: t.text === '!=' ? '!=' : '=', value };
    }
    if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) {
      next();
      return { key: k, op: t.text, values: valueSet() };
    }
    return fail("'=', '!=', '==', 'in', notin'");
  }

  function key(): string {
    if (peek().kind !== 'id') fail('identifier');
    const k = next().text;
    checkKey(k);
    return k;
  }

  function valueSet(): string[] {
    if (next().kind !== 'open') { pos--; fail("'('"); }
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const t = next();
      if (t.kind === 'close') { if (expectValue && values.length > 0) values.push(''); break; }
      if (t.kind === 'comma') { if (expectValue) values.push(''); expectValue = true; continue; }
      if (t.kind === 'id' && expectValue) { checkValue(t.text); values.push(t.text); expectValue = false; continue; }
      pos--;
      fail("',', ')' or identifier");
    }
    if (values.length === 0) throw badRequest("unable to parse requirement: for 'in', 'notin' operators, values set can't be empty");
    return values;
  }
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Label keys: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !PREFIX.test(prefix))) {
    return 'prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!NAME.test(name)) {
    return 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')';
  }
  return undefined;
}

/** Label values: empty, or at most 63 alphanumerics, `-`, `_`, `.` starting and ending alphanumeric. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (value !== '' && !NAME.test(value)) {
    return 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')';
  }
  return undefined;
}

function checkKey(key: string): void {
  const problem = labelKeyProblem(key);
  if (problem) throw badRequest(`unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: ${problem}`);
}

function checkValue(value: string): void {
  const problem = labelValueProblem(value);
  if (problem) throw badRequest(`unable to parse requirement: values[0][${value}]: Invalid value: ${JSON.stringify(value)}: ${problem}`);
}

/** The `metav1.LabelSelector` object of specs (matchLabels + matchExpressions). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * The requirements of a spec selector. An empty object selects everything; callers decide what a
 * missing selector means (for workloads it selects nothing).
 */
export function fromSelectorObject(selector: LabelSelectorObject): LabelSelector {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key, op: '=', value });
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, op: 'in', values }); break;
      case 'NotIn': reqs.push({ key: e.key, op: 'notin', values }); break;
      case 'Exists': reqs.push({ key: e.key, op: 'exists' }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, op: 'notexists' }); break;
      default: throw badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    }
  }
  return reqs;
}

/**
 * The canonical string form (`labels.Selector.String()`): requirements sorted by key, set values
 * sorted. Used for a Scale's `status.selector`.
 * @example selectorString(fromSelectorObject({ matchLabels: { app: 'web' } })) // 'app=web'
 */
export function selectorString(selector: LabelSelector): string {
  return [...selector].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(requirementString).join(',');
}

function requirementString(req: Requirement): string {
  switch (req.op) {
    case 'exists': return req.key;
    case 'notexists': return `!${req.key}`;
    case '=': case '!=': return `${req.key}${req.op}${req.value}`;
    case '>': case '<': return `${req.key}${req.op}${req.value}`;
    case 'in': case 'notin': return `${req.key} ${req.op} (${[...req.values].sort().join(',')})`;
  }
}
