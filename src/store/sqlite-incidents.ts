/** The incident store on SQLite, in the kubetriage database (its tables come from the database's migrations). */
import { openDatabase } from './database.js';
import { incidentOfRow, incidentRow, upsertSql, type IncidentRowShape, type IncidentStore, type StoredChange } from './incident-store.js';

export function openSqliteIncidents(path: string): IncidentStore {
  const db = openDatabase(path);
  const upsert = db.prepare(upsertSql(() => '?'));
  const change = db.prepare('INSERT INTO incident_changes (incident_id, type, at) VALUES (?, ?, ?)');
  const record = db.transaction((changes: readonly StoredChange[]) => {
    for (const c of changes) {
      upsert.run(...incidentRow(c.incident));
      change.run(c.incident.id, c.type, c.incident.updatedAt);
    }
  });
  return {
    openIncidents: async () => (db.prepare("SELECT id, status, opened_at, updated_at, resolved_at, report FROM incidents WHERE status = 'open' ORDER BY opened_at, id").all() as IncidentRowShape[]).map(incidentOfRow),
    record: async (changes) => { record(changes); },
    history: async (id) => db.prepare('SELECT type, at FROM incident_changes WHERE incident_id = ? ORDER BY seq').all(id) as { type: string; at: string }[],
    close: async () => { db.close(); },
  };
}
