/** Label selectors as the API server evaluates them (matchLabels AND matchExpressions). */
import type { LabelSelector } from './objects.js';

type Labels = Record<string, string> | undefined;

/**
 * An empty or absent selector selects nothing here: a Service without a selector has manually managed
 * endpoints, and a workload's selector is never empty.
 */
export function selectorMatches(selector: LabelSelector | Record<string, string> | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const { matchLabels, matchExpressions } = normalize(selector);
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return false;
  for (const [k, v] of Object.entries(matchLabels)) {
    if (labels?.[k] !== v) return false;
  }
  return matchExpressions.every((e) => expressionMatches(e, labels));
}

/** matchLabels of a LabelSelector, or the plain map a Service uses. */
export function normalize(selector: LabelSelector | Record<string, string>): Required<Pick<LabelSelector, 'matchLabels' | 'matchExpressions'>> & {
  matchLabels: Record<string, string>;
} {
  const s = selector as LabelSelector;
  if ('matchLabels' in s || 'matchExpressions' in s) {
    return { matchLabels: s.matchLabels ?? {}, matchExpressions: s.matchExpressions ?? [] };
  }
  return { matchLabels: selector as Record<string, string>, matchExpressions: [] };
}

function expressionMatches(e: { key: string; operator: string; values?: string[] }, labels: Labels): boolean {
  const value = labels?.[e.key];
  switch (e.operator) {
    case 'In': return value !== undefined && (e.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(e.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    default: return false;
  }
}

/** `app=web,tier=front`, as kubectl prints a selector. */
export function formatSelector(selector: LabelSelector | Record<string, string> | undefined): string {
  if (!selector) return '<none>';
  const { matchLabels, matchExpressions } = normalize(selector);
  const parts = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const e of matchExpressions) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}
