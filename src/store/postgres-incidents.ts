/** The incident store on PostgreSQL (node-postgres), for watch replicas that share one store. */
import pg from 'pg';
import { incidentOfRow, incidentRow, incidentTablesSql, upsertSql, type IncidentRowShape, type IncidentStore, type StoredChange, type StoredIncident } from './incident-store.js';

export async function openPostgresIncidents(url: string): Promise<IncidentStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(incidentTablesSql('BIGSERIAL PRIMARY KEY'));
  const upsert = upsertSql((n) => `$${n}`);
  return {
    openIncidents: async () => {
      const { rows } = await pool.query<IncidentRowShape>("SELECT id, status, opened_at, updated_at, resolved_at, report FROM incidents WHERE status = 'open' ORDER BY opened_at, id");
      return rows.map(incidentOfRow);
    },
    record: async (changes: readonly StoredChange[]) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const change of changes) await write(client, upsert, change.incident, change.type);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    history: async (id) => (await pool.query<{ type: string; at: string }>('SELECT type, at FROM incident_changes WHERE incident_id = $1 ORDER BY seq', [id])).rows,
    close: () => pool.end(),
  };
}

async function write(client: pg.PoolClient, upsert: string, incident: StoredIncident, type: StoredChange['type']): Promise<void> {
  await client.query(upsert, incidentRow(incident));
  await client.query('INSERT INTO incident_changes (incident_id, type, at) VALUES ($1, $2, $3)', [incident.id, type, incident.updatedAt]);
}
