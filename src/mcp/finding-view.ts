/**
 * Findings and incidents as an agent reads them: the stable vocabulary (mode, category, subject), the
 * evidence with its quotes marked untrusted, and the fixes by id, ready for propose_plan.
 */
import type { Diagnosis } from '../diagnose/diagnose.js';
import type { Finding, Incident } from '../diagnose/finding.js';
import { incidentSeverity } from '../diagnose/incidents.js';
import { evidenceView, quoted } from './quoted.js';

/** A finding; `evidence` caps how many pieces of evidence are shown. */
export function findingView(f: Finding, evidence: number): Record<string, unknown> {
  return {
    id: f.id, mode: f.mode, category: f.rootCause.category, subject: f.subject, culprit: f.culprit,
    confidence: Math.round(f.confidence * 100) / 100, severity: f.severity,
    explanation: quoted(f.rootCause.explanation, 1_000),
    evidence: f.evidence.slice(0, evidence).map(evidenceView),
    ...(f.evidence.length > evidence ? { moreEvidence: f.evidence.length - evidence } : {}),
    fixes: f.fixes.map((p) => ({ planId: p.id, verb: p.verb, target: p.target, summary: quoted(p.summary) })),
  };
}

export function incidentView(i: Incident, evidence: number): Record<string, unknown> {
  return {
    id: i.id, severity: incidentSeverity(i), cause: findingView(i.cause, evidence),
    symptoms: i.symptoms.map((s) => findingView(s, Math.min(evidence, 2))), affected: i.affected,
  };
}

/** A diagnosis, incidents first, with what the source could not read. */
export function diagnosisView(d: Diagnosis, limit: number, evidence: number): Record<string, unknown> {
  return {
    at: d.at, incidents: d.incidents.slice(0, limit).map((i) => incidentView(i, evidence)),
    ...(d.incidents.length > limit ? { moreIncidents: d.incidents.length - limit } : {}),
    ...(d.gaps.length ? { gaps: d.gaps } : {}), ...(d.errors.length ? { analyzerErrors: d.errors } : {}),
  };
}
