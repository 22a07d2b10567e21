/**
 * Incidents as watch mode tracks them, kept across restarts: the open ones are read back when a watch
 * starts (so a restart neither loses nor re-opens them), and every change is appended to their
 * history. Two backends with the same tables: SQLite (the default, a file) and PostgreSQL (a
 * `postgres://` URL, for replicas that share one store).
 */

/** An incident as stored; `report` is the incident's report as the diagnosis printed it. */
export interface StoredIncident {
  id: string;
  status: 'open' | 'resolved';
  openedAt: string;
  updatedAt: string;
  resolvedAt?: string;
  report: { severity: string; cause: { mode: string; category: string; subject: { kind: string; namespace?: string; name: string } } };
}

export interface StoredChange {
  type: 'opened' | 'updated' | 'resolved';
  incident: StoredIncident;
}

export interface IncidentStore {
  /** The incidents open when the last writer stopped. */
  openIncidents(): Promise<StoredIncident[]>;
  /** Writes the changes of one analysis, all or none. */
  record(changes: readonly StoredChange[]): Promise<void>;
  /** One incident's changes, oldest first. */
  history(id: string): Promise<{ type: string; at: string }[]>;
  close(): Promise<void>;
}

/** The tables, in the SQL both backends read; `seq` is the only column whose type differs. */
export function incidentTablesSql(seqType: 'INTEGER PRIMARY KEY' | 'BIGSERIAL PRIMARY KEY'): string {
  return `CREATE TABLE IF NOT EXISTS incidents (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      severity TEXT NOT NULL,
      mode TEXT NOT NULL,
      category TEXT NOT NULL,
      subject TEXT NOT NULL,
      opened_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      resolved_at TEXT,
      report TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status);
    CREATE TABLE IF NOT EXISTS incident_changes (
      seq ${seqType},
      incident_id TEXT NOT NULL,
      type TEXT NOT NULL,
      at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS incident_changes_incident ON incident_changes (incident_id);`;
}

/** The row values of an incident, in the column order of {@link UPSERT_COLUMNS}. */
export function incidentRow(i: StoredIncident): (string | null)[] {
  const s = i.report.cause.subject;
  return [i.id, i.status, i.report.severity, i.report.cause.mode, i.report.cause.category, `${s.kind}/${s.namespace ?? ''}/${s.name}`,
    i.openedAt, i.updatedAt, i.resolvedAt ?? null, JSON.stringify(i.report)];
}

export const UPSERT_COLUMNS = ['id', 'status', 'severity', 'mode', 'category', 'subject', 'opened_at', 'updated_at', 'resolved_at', 'report'] as const;

/** `INSERT ... ON CONFLICT (id) DO UPDATE`, which SQLite and PostgreSQL both speak; `param(n)` writes the n-th placeholder. */
export function upsertSql(param: (n: number) => string): string {
  const columns = UPSERT_COLUMNS.join(', ');
  const values = UPSERT_COLUMNS.map((_, i) => param(i + 1)).join(', ');
  const updates = UPSERT_COLUMNS.filter((c) => c !== 'id' && c !== 'opened_at').map((c) => `${c} = excluded.${c}`).join(', ');
  return `INSERT INTO incidents (${columns}) VALUES (${values}) ON CONFLICT (id) DO UPDATE SET ${updates}`;
}

export interface IncidentRowShape {
  id: string;
  status: string;
  opened_at: string;
  updated_at: string;
  resolved_at: string | null;
  report: string;
}

export function incidentOfRow(row: IncidentRowShape): StoredIncident {
  const incident: StoredIncident = {
    id: row.id, status: row.status === 'resolved' ? 'resolved' : 'open', openedAt: row.opened_at, updatedAt: row.updated_at,
    report: JSON.parse(row.report) as StoredIncident['report'],
  };
  if (row.resolved_at !== null) incident.resolvedAt = row.resolved_at;
  return incident;
}
