/**
 * Incidents over time, for watch mode: each new diagnosis is matched against the incidents already
 * open, which are then opened, updated or resolved. An incident keeps its identity while its pods are
 * replaced: it is the same incident when the root cause (mode and category) is the same and it touches
 * an object the open one touched (the Deployment stays when its pods come and go).
 */
import { keyOf } from '../cluster/objects.js';
import type { DiagnosisReport, IncidentReport } from './report.js';

export interface TrackedIncident {
  /** Stable for the incident's life: the id of the report that opened it. */
  id: string;
  status: 'open' | 'resolved';
  openedAt: string;
  updatedAt: string;
  resolvedAt?: string;
  /** The latest report of it. */
  report: IncidentReport;
}

export interface IncidentChange {
  type: 'opened' | 'updated' | 'resolved';
  incident: TrackedIncident;
}

export interface TrackerOptions {
  /** An incident missing from this many analyses in a row is resolved: one quiet read is not a fix. */
  resolveAfter?: number;
}

export class IncidentTracker {
  private readonly open = new Map<string, { incident: TrackedIncident; missed: number; signature: string }>();
  private readonly resolveAfter: number;

  /** `known`: the incidents still open when the last run stopped, so a restart neither loses nor duplicates them. */
  constructor(known: readonly TrackedIncident[] = [], options: TrackerOptions = {}) {
    this.resolveAfter = options.resolveAfter ?? 2;
    for (const incident of known) {
      if (incident.status === 'open') this.open.set(incident.id, { incident, missed: 0, signature: signatureOf(incident.report) });
    }
  }

  /** The incidents open now. */
  current(): TrackedIncident[] {
    return [...this.open.values()].map((o) => o.incident);
  }

  /** Folds in a new diagnosis; returns what changed, in report order, resolutions last. */
  update(report: DiagnosisReport): IncidentChange[] {
    const at = report.at;
    const changes: IncidentChange[] = [];
    const seen = new Set<string>();
    for (const next of report.incidents) {
      const match = this.matchOf(next, seen);
      if (!match) {
        const incident: TrackedIncident = { id: next.id, status: 'open', openedAt: at, updatedAt: at, report: next };
        this.open.set(incident.id, { incident, missed: 0, signature: signatureOf(next) });
        seen.add(incident.id);
        changes.push({ type: 'opened', incident });
        continue;
      }
      seen.add(match.incident.id);
      match.missed = 0;
      const signature = signatureOf(next);
      if (signature === match.signature) continue;
      match.signature = signature;
      match.incident = { ...match.incident, updatedAt: at, report: next };
      this.open.set(match.incident.id, match);
      changes.push({ type: 'updated', incident: match.incident });
    }
    for (const [id, entry] of this.open) {
      if (seen.has(id) || ++entry.missed < this.resolveAfter) continue;
      this.open.delete(id);
      changes.push({ type: 'resolved', incident: { ...entry.incident, status: 'resolved', resolvedAt: at, updatedAt: at } });
    }
    return changes;
  }

  private matchOf(next: IncidentReport, taken: ReadonlySet<string>): { incident: TrackedIncident; missed: number; signature: string } | undefined {
    const touched = new Set(next.affected.map(keyOf));
    for (const entry of this.open.values()) {
      const prior = entry.incident.report;
      if (taken.has(entry.incident.id) || prior.cause.mode !== next.cause.mode || prior.cause.category !== next.cause.category) continue;
      if (prior.id === next.id || prior.affected.some((ref) => touched.has(keyOf(ref)))) return entry;
    }
    return undefined;
  }
}

/** What makes an update worth announcing: the cause, the symptoms and the severity, not the ages in the evidence. */
function signatureOf(report: IncidentReport): string {
  const finding = (f: IncidentReport['cause']): string => `${f.mode}/${f.category}/${keyOf(f.subject)}`;
  return [report.severity, finding(report.cause), ...report.symptoms.map(finding).sort()].join('|');
}
