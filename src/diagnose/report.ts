/**
 * The serialisable shape of a diagnosis, as `-o json|yaml` prints it and as other interfaces return
 * it. Field names are stable (see DESIGN.md): `{ incidents: [ { cause: { mode, category, subject,
 * confidence, evidence }, symptoms } ] }`, most severe and most confident first.
 */
import type { ObjectRef } from '../cluster/objects.js';
import { redact } from '../cluster/redact.js';
import type { Diagnosis } from './diagnose.js';
import type { Evidence, Finding, Severity } from './finding.js';
import { incidentSeverity } from './incidents.js';
import type { ActionPlan } from './plan.js';

export interface FindingReport {
  id: string;
  mode: string;
  category: string;
  subject: ObjectRef;
  culprit: ObjectRef;
  explanation: string;
  confidence: number;
  severity: Severity;
  evidence: Evidence[];
  fixes: ActionPlan[];
}

export interface IncidentReport {
  id: string;
  severity: Severity;
  cause: FindingReport;
  symptoms: FindingReport[];
  affected: ObjectRef[];
}

export interface DiagnosisReport {
  at: string;
  summary: { incidents: number; critical: number; warning: number; info: number };
  incidents: IncidentReport[];
  errors: Diagnosis['errors'];
  /** Present when the source could not read everything (RBAC, kinds the server lacks). */
  gaps?: string[];
}

export function findingReport(f: Finding): FindingReport {
  return {
    id: f.id, mode: f.mode, category: f.rootCause.category, subject: f.subject, culprit: f.culprit,
    explanation: redact(f.rootCause.explanation), confidence: Math.round(f.confidence * 100) / 100, severity: f.severity,
    evidence: f.evidence, fixes: f.fixes,
  };
}

export function toReport(diagnosis: Diagnosis): DiagnosisReport {
  const incidents = diagnosis.incidents.map((i) => ({
    id: i.id, severity: incidentSeverity(i), cause: findingReport(i.cause), symptoms: i.symptoms.map(findingReport), affected: i.affected,
  }));
  const count = (s: Severity): number => incidents.filter((i) => i.severity === s).length;
  return {
    at: diagnosis.at,
    summary: { incidents: incidents.length, critical: count('critical'), warning: count('warning'), info: count('info') },
    incidents, errors: diagnosis.errors,
    ...(diagnosis.gaps.length > 0 ? { gaps: [...diagnosis.gaps] } : {}),
  };
}
