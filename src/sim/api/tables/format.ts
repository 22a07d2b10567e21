/**
 * The small formatters the apiserver's printers share: label maps and selectors, container lists,
 * access modes, `Ready`-style fractions and the `N more...` lists.
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { FIELD_DOCS } from './descriptions.js';
import { column } from './types.js';
import type { ColumnDefinition } from './types.js';

/** The first column of every table. */
export const NAME_COLUMN: ColumnDefinition = column('Name', 'string', FIELD_DOCS.name, { format: 'name' });
/** The age column of almost every table. */
export const AGE_COLUMN: ColumnDefinition = column('Age', 'string', FIELD_DOCS.creationTimestamp);
/** Wide columns of the workload tables. */
export const CONTAINERS_COLUMN: ColumnDefinition = column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
export const IMAGES_COLUMN: ColumnDefinition = column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });

/** A label map as `labels.FormatLabels` prints it: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const text = Object.keys(labels ?? {}).sort().map((key) => `${key}=${labels?.[key] ?? ''}`).join(',');
  return text === '' ? '<none>' : text;
}

interface Requirement {
  readonly key: string;
  readonly text: string;
}

/**
 * A label selector as its `labels.Selector` prints (`LabelSelectorAsSelector(s).String()`): `''` for a
 * missing or empty selector, undefined for an invalid one.
 * @example selectorString({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] })
 * // 'app=web,tier in (a,b)'
 */
export function selectorString(selector: LabelSelector | null | undefined): string | undefined {
  if (selector === undefined || selector === null) return '';
  const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {})
    .map(([key, value]) => ({ key, text: `${key}=${value}` }));
  for (const expression of selector.matchExpressions ?? []) {
    const requirement = expressionRequirement(expression.key, expression.operator, expression.values ?? []);
    if (requirement === undefined) return undefined;
    requirements.push(requirement);
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return requirements.map((r) => r.text).join(',');
}

function expressionRequirement(key: string, operator: string, values: readonly string[]): Requirement | undefined {
  const sorted = [...values].sort().join(',');
  switch (operator) {
    case 'In': return values.length === 0 ? undefined : { key, text: `${key} in (${sorted})` };
    case 'NotIn': return values.length === 0 ? undefined : { key, text: `${key} notin (${sorted})` };
    case 'Exists': return values.length > 0 ? undefined : { key, text: key };
    case 'DoesNotExist': return values.length > 0 ? undefined : { key, text: `!${key}` };
    default: return undefined;
  }
}

/** A selector as `metav1.FormatLabelSelector` prints it: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  const text = selectorString(selector);
  if (text === undefined) return '<error>';
  return text === '' ? '<none>' : text;
}

/** Container names and images, comma-separated (`layoutContainerCells`). */
export function containerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

const ACCESS_MODES: readonly [string, string][] = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

/** Access modes abbreviated in the fixed order RWO, ROX, RWX, RWOP (`GetAccessModesAsString`). */
export function accessModes(modes: readonly string[] | undefined): string {
  return ACCESS_MODES.filter(([mode]) => modes?.includes(mode)).map(([, short]) => short).join(',');
}

/** At most `max` items, then ` + N more...` (`listWithMoreString`); `<unset>` when there is none. */
export function listWithMore(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** A resource quantity as printed; quantities are shown as stored, `0` when absent. */
export function quantity(value: string | number | undefined): string {
  return value === undefined ? '0' : String(value);
}

/** An int-or-string field (`IntOrString.String()`). */
export function intOrString(value: string | number | undefined): string {
  return value === undefined ? '' : String(value);
}

/** A `*bool` field as the printers show it (`printBoolPtr`). */
export function boolPointer(value: boolean | undefined): string {
  if (value === undefined) return '<unset>';
  return value ? 'True' : 'False';
}

/** Go's `net.JoinHostPort`: IPv6 addresses in brackets. */
export function hostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
