/**
 * The kubetriage database: one SQLite file (better-sqlite3), in WAL mode so that a reader (`audit
 * verify`, the web UI) never blocks the writer, with versioned migrations applied in order at open.
 * Every table of the store is created here, by appending to {@link MIGRATIONS}: never edit or
 * reorder an entry that has shipped, add a new one.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { incidentTablesSql } from './incident-store.js';

export type Db = Database.Database;

/** One schema change; `version` numbers run 1, 2, 3 ... in list order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The schema, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit log',
    sql: `CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,
      action_id TEXT NOT NULL,
      step TEXT NOT NULL,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      plan_id TEXT NOT NULL,
      detail TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_log_action ON audit_log (action_id);`,
  },
  {
    version: 2,
    name: 'approvals',
    sql: `CREATE TABLE approvals (
      id TEXT PRIMARY KEY,
      action_id TEXT NOT NULL,
      plan TEXT NOT NULL,
      plan_hash TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      status TEXT NOT NULL,
      approved_by TEXT,
      approved_at TEXT
    );`,
  },
  {
    version: 3,
    name: 'incidents',
    sql: incidentTablesSql('INTEGER PRIMARY KEY'),
  },
];

/** Where the database lives unless `--db` says otherwise: KUBETRIAGE_DB, else ~/.kubetriage/kubetriage.db. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env['KUBETRIAGE_DB'] || join(homedir(), '.kubetriage', 'kubetriage.db');
}

/**
 * Opens (creating when missing) the database at `path` and brings its schema up to date.
 * @example const db = openDatabase('/var/lib/kubetriage/kubetriage.db'); … db.close();
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // First: another process (a watch replica) may hold the file while this one sets it up.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // Durable at each commit: an audit row written before a crash must be there after it.
  db.pragma('synchronous = FULL');
  migrate(db, migrations);
  return db;
}

/** Applies the migrations newer than the database's version, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration "${m.name}" has version ${m.version}; expected ${i + 1} (versions run 1, 2, 3 ... in list order)`);
  });
  // One immediate transaction: two processes opening a new file at once (watch replicas) take turns,
  // and the second finds the schema the first made. A deferred one would read, then fail to write.
  return db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const current = schemaVersion(db);
    let applied = 0;
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      applied++;
    }
    return applied;
  }).immediate();
}

/** The newest migration applied; 0 for a new database. */
export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
