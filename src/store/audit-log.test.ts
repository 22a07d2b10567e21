import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, GENESIS_HASH, rowHash } from './audit-log.js';
import { openDatabase, schemaVersion, MIGRATIONS, type Db } from './database.js';

let dir: string;
let db: Db;
let log: AuditLog;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubetriage-audit-'));
  db = openDatabase(join(dir, 'nested', 'kubetriage.db'));
  log = new AuditLog(db);
  for (const step of ['planned', 'decided', 'applied', 'verified'] as const) {
    log.append({ actionId: 'a1', step, actor: 'alice', planId: 'patch:Deployment/shop/web:1', detail: { step, note: `the ${step} step` } });
  }
  log.append({ actionId: 'a2', step: 'planned', actor: 'bob', planId: 'scale:Deployment/shop/web:2', detail: { replicas: 0 } });
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the file in WAL mode with every migration applied, once', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
    db = openDatabase(join(dir, 'nested', 'kubetriage.db'));
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
    expect(new AuditLog(db).rows()).toHaveLength(5);
  });

  it('refuses a migration list out of order', () => {
    db.close();
    expect(() => openDatabase(join(dir, 'other.db'), [{ version: 2, name: 'x', sql: 'SELECT 1' }])).toThrow(/expected 1/);
    db = openDatabase(join(dir, 'nested', 'kubetriage.db'));
  });
});

describe('AuditLog', () => {
  it('chains each row to the one before it', () => {
    const rows = log.rows();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(5);
    expect(log.verify()).toMatchObject({ ok: true, rows: 5, head: { seq: 5 } });
  });

  it('detects a row edited with raw SQL and names it', () => {
    db.prepare('UPDATE audit_log SET detail = ? WHERE seq = 3').run(JSON.stringify({ step: 'applied', note: 'nothing happened' }));
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 3, problem: expect.stringMatching(/edited/) } });
  });

  it('detects an edit that also recomputes the row\'s own hash, at the next row', () => {
    const row = log.rows()[1]!;
    const forged = { ...row, actor: 'mallory' };
    db.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 2').run('mallory', rowHash(forged.prevHash, forged));
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 3 } });
  });

  it('detects a deleted row', () => {
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 3, problem: 'row 2 is missing (the next row is 3)' } });
  });

  it('detects reordered rows even when renumbered', () => {
    const [r2, r3] = [log.rows()[1]!, log.rows()[2]!];
    const swap = db.prepare('UPDATE audit_log SET action_id = ?, step = ?, at = ?, actor = ?, plan_id = ?, detail = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    swap.run(r3.actionId, r3.step, r3.at, r3.actor, r3.planId, r3.detail, r3.prevHash, r3.hash, 2);
    swap.run(r2.actionId, r2.step, r2.at, r2.actor, r2.planId, r2.detail, r2.prevHash, r2.hash, 3);
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 2 } });
  });

  it('lists the actions left between apply and verify', () => {
    log.append({ actionId: 'a3', step: 'applied', actor: 'bob', planId: 'p', detail: {} });
    expect(log.unresolvedActions()).toEqual(['a3']);
    log.append({ actionId: 'a3', step: 'verified', actor: 'bob', planId: 'p', detail: {} });
    expect(log.unresolvedActions()).toEqual([]);
  });

  it('detects rows deleted from the end against an anchor kept from an earlier verification', () => {
    const check = log.verify();
    const head = check.ok ? check.head! : undefined;
    expect(head?.seq).toBe(5);
    db.prepare('DELETE FROM audit_log WHERE seq >= 4').run();
    expect(log.verify()).toMatchObject({ ok: true, rows: 3 });
    expect(log.verify(head)).toMatchObject({ ok: false, firstBad: { seq: 4, problem: 'the log ends at row 3, before the anchored row 5: rows were deleted from its end' } });
  });

  it('detects a chain rewritten whole against an anchor', () => {
    const check = log.verify();
    const head = check.ok ? check.head! : undefined;
    db.prepare('DELETE FROM audit_log').run();
    for (let i = 0; i < 5; i++) log.append({ actionId: 'forged', step: 'planned', actor: 'mallory', planId: 'p', detail: {} });
    expect(log.verify()).toMatchObject({ ok: true, rows: 5 });
    expect(log.verify(head)).toMatchObject({ ok: false, firstBad: { seq: 5, problem: expect.stringMatching(/not the anchored one/) } });
  });
});

describe('opening one new database from two processes at once', () => {
  it('lets them take turns: both end with the whole schema, applied once', async () => {
    const shared = join(dir, 'shared.db');
    const { spawn } = await import('node:child_process');
    const dist = new URL('../../dist/store/database.js', import.meta.url).pathname;
    const open = (): Promise<number | null> => new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', `const { openDatabase } = await import(${JSON.stringify(dist)}); for (let i = 0; i < 20; i++) openDatabase(${JSON.stringify(shared)}).close();`], { stdio: 'ignore' });
      child.on('exit', resolve);
    });
    expect(await Promise.all([open(), open(), open()])).toEqual([0, 0, 0]);
    const check = openDatabase(shared);
    expect(schemaVersion(check)).toBe(MIGRATIONS.length);
    expect((check.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
    check.close();
  });
});
