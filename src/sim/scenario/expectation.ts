/** Whether a diagnosis names exactly the root causes a scenario expects (and the symptoms it expects them to carry). */
import type { ExpectedCause, Scenario } from './scenario.js';

/** A finding as a diagnosis reports it (`-o json`'s cause or symptom, or a Finding's fields). */
export interface ReportedFinding {
  mode: string;
  category: string;
  subject: { kind: string; namespace?: string; name: string };
}

/** An incident as a diagnosis reports it. */
export interface ReportedIncident {
  cause: ReportedFinding;
  symptoms: readonly ReportedFinding[];
}

type Want = Omit<ExpectedCause, 'symptoms'>;

function sameFinding(found: ReportedFinding, want: Want): boolean {
  const { mode, category, subject } = found;
  if (mode !== want.mode || category !== want.category) return false;
  if (want.subject?.kind !== undefined && subject.kind !== want.subject.kind) return false;
  if (want.subject?.namespace !== undefined && subject.namespace !== want.subject.namespace) return false;
  if (want.subject?.name !== undefined && subject.name !== want.subject.name) return false;
  return want.namePrefix === undefined || subject.name.startsWith(want.namePrefix);
}

/** Whether an incident has the expected cause and carries every expected symptom. */
export function matchesExpected(incident: ReportedIncident, want: ExpectedCause): boolean {
  return sameFinding(incident.cause, want) && (want.symptoms ?? []).every((s) => incident.symptoms.some((found) => sameFinding(found, s)));
}

/** Exactly the expected causes, one incident each. */
export function meetsExpectation(incidents: readonly ReportedIncident[], scenario: Pick<Scenario, 'expect'>): boolean {
  return incidents.length === scenario.expect.length && scenario.expect.every((want) => incidents.some((i) => matchesExpected(i, want)));
}
