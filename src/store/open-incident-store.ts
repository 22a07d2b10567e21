/** Opens the incident store a location names: a `postgres://` URL, or a SQLite file path. */
import type { IncidentStore } from './incident-store.js';
import { openPostgresIncidents } from './postgres-incidents.js';
import { openSqliteIncidents } from './sqlite-incidents.js';

export async function openIncidentStore(location: string): Promise<IncidentStore> {
  return /^postgres(?:ql)?:\/\//.test(location) ? openPostgresIncidents(location) : openSqliteIncidents(location);
}
