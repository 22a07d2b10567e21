/** What every method returns: components, best first, each with the evidence behind its place. */
import type { RcaCase } from './rca-case.js';

/** One reason a component is ranked where it is. */
export interface RcaEvidence {
  readonly kind: 'metric' | 'log' | 'trace' | 'call-graph' | 'time-order' | 'cluster';
  /** One line a person can read. */
  readonly quote: string;
  /** The series the evidence is about (`component metric/statistic`). */
  readonly series?: string;
  /** How anomalous (robust z; worse is positive). */
  readonly anomaly?: number;
  /** When (RFC 3339), for metric evidence. */
  readonly at?: string;
}

/** A component suspected of causing the incident. */
export interface RankedComponent {
  readonly component: string;
  readonly score: number;
  readonly evidence: readonly RcaEvidence[];
}

/** A root-cause analysis method: a pure function of a case (no I/O, no clock, no randomness). */
export interface RcaMethod {
  readonly name: string;
  rank(c: RcaCase): RankedComponent[];
}

/** Unix seconds as RFC 3339. */
export function isoTime(unixSeconds: number | undefined): string | undefined {
  return unixSeconds === undefined || !Number.isFinite(unixSeconds) ? undefined : new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Orders by score, best first, keeping the first entry per component. */
export function bestFirst(entries: readonly RankedComponent[]): RankedComponent[] {
  const seen = new Set<string>();
  return [...entries].sort((a, b) => b.score - a.score).filter((e) => !seen.has(e.component) && seen.add(e.component));
}
