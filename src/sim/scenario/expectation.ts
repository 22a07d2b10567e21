/** Whether a diagnosis names exactly the root causes a scenario expects. */
import type { ExpectedCause, Scenario } from './scenario.js';

/** A root cause as a diagnosis reports it (`-o json`'s `cause`, or an incident's cause). */
export interface ReportedCause {
  mode: string;
  category: string;
  subject: { kind: string; namespace?: string; name: string };
}

/** Whether one reported cause is the expected one. */
export function matchesExpected(cause: ReportedCause, want: ExpectedCause): boolean {
  const { mode, category, subject } = cause;
  if (mode !== want.mode || category !== want.category) return false;
  if (want.subject?.kind !== undefined && subject.kind !== want.subject.kind) return false;
  if (want.subject?.namespace !== undefined && subject.namespace !== want.subject.namespace) return false;
  if (want.subject?.name !== undefined && subject.name !== want.subject.name) return false;
  return want.namePrefix === undefined || subject.name.startsWith(want.namePrefix);
}

/** Exactly the expected causes, one incident each. */
export function meetsExpectation(causes: readonly ReportedCause[], scenario: Pick<Scenario, 'expect'>): boolean {
  return causes.length === scenario.expect.length && scenario.expect.every((want) => causes.some((c) => matchesExpected(c, want)));
}
