/**
 * The audit log: every step of every action, appended as one row of the `audit_log` table and hash
 * chained. A row's hash is SHA-256 over the previous row's hash and the row's own content (its
 * sequence number included), so editing, deleting or reordering rows breaks the chain at the first
 * row touched, and {@link AuditLog.verify} names it. Rows are only ever inserted.
 */
import { createHash } from 'node:crypto';
import type { Db } from './database.js';

/** The steps of an action, in the order they usually happen. */
export const AUDIT_STEPS = ['planned', 'decided', 'approved', 'applied', 'verified', 'rolled-back', 'failed'] as const;
export type AuditStep = (typeof AUDIT_STEPS)[number];

/** The hash the first row chains from. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actionId: string;
  step: AuditStep;
  actor: string;
  planId: string;
  /** Anything serialisable: the plan, the decision, the verification ... */
  detail: unknown;
  /** ISO time; now by default. */
  at?: string;
}

export interface AuditRow {
  seq: number;
  actionId: string;
  step: AuditStep;
  at: string;
  actor: string;
  planId: string;
  /** The detail as stored (JSON text): the hash covers these exact bytes. */
  detail: string;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | { ok: true; rows: number; head?: AuditAnchor }
  | { ok: false; rows: number; firstBad: { seq: number; problem: string } };

/**
 * A row of the chain remembered outside the database (printed by `audit verify`, kept by whoever
 * keeps records): the chain alone cannot show that its newest rows were deleted, an anchor can.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

interface RawRow { seq: number; action_id: string; step: string; at: string; actor: string; plan_id: string; detail: string; prev_hash: string; hash: string }

/** The hash of a row: previous hash, then the content as a JSON array (unambiguous field boundaries). */
export function rowHash(prevHash: string, row: Omit<AuditRow, 'prevHash' | 'hash'>): string {
  const content = JSON.stringify([row.seq, row.actionId, row.step, row.at, row.actor, row.planId, row.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/** @example const log = new AuditLog(openDatabase(path)); log.append({ actionId, step: 'planned', actor: 'alice', planId: plan.id, detail: plan }); */
export class AuditLog {
  constructor(private readonly db: Db) {}

  /** Appends one row, chained to the last; atomic against other writers of the same file. */
  append(entry: AuditEntry): AuditRow {
    const write = this.db.transaction((): AuditRow => {
      const last = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      const content = {
        seq: (last?.seq ?? 0) + 1, actionId: entry.actionId, step: entry.step, at: entry.at ?? new Date().toISOString(),
        actor: entry.actor, planId: entry.planId, detail: JSON.stringify(entry.detail ?? null),
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const row: AuditRow = { ...content, prevHash, hash: rowHash(prevHash, content) };
      this.db.prepare('INSERT INTO audit_log (seq, action_id, step, at, actor, plan_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(row.seq, row.actionId, row.step, row.at, row.actor, row.planId, row.detail, row.prevHash, row.hash);
      return row;
    });
    return write.immediate();
  }

  /** Rows in order, of one action or of all. */
  rows(actionId?: string): AuditRow[] {
    const raw = (actionId === undefined
      ? this.db.prepare('SELECT * FROM audit_log ORDER BY seq').all()
      : this.db.prepare('SELECT * FROM audit_log WHERE action_id = ? ORDER BY seq').all(actionId)) as RawRow[];
    return raw.map(fromRaw);
  }

  /** Rows with a time at or after `since` and this step: what rate limits count. */
  stepsSince(step: AuditStep, since: string): AuditRow[] {
    return (this.db.prepare('SELECT * FROM audit_log WHERE step = ? AND at >= ? ORDER BY seq').all(step, since) as RawRow[]).map(fromRaw);
  }

  /** Actions whose last step is `applied`: a run ended (crashed) between apply and verify. */
  unresolvedActions(): string[] {
    const rows = this.db.prepare(`SELECT action_id FROM audit_log a WHERE step = 'applied'
      AND seq = (SELECT MAX(seq) FROM audit_log b WHERE b.action_id = a.action_id) ORDER BY seq`).all() as { action_id: string }[];
    return rows.map((r) => r.action_id);
  }

  /**
   * Walks the chain from the first row: each row must follow the previous one's number, name its
   * hash, and hash to what it says. The first row that does not is named. A deletion of the newest
   * rows leaves a valid, shorter chain: an `anchor` kept from an earlier verification detects it.
   */
  verify(anchor?: AuditAnchor): AuditVerification {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (const raw of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<RawRow>) {
      const row = fromRaw(raw);
      count++;
      const problem = row.seq !== expectedSeq ? `row ${expectedSeq} is missing (the next row is ${row.seq})`
        : row.prevHash !== prev ? 'its previous-hash does not match the hash of the row before it (rows deleted or reordered)'
        : rowHash(prev, row) !== row.hash ? 'its content does not match its hash (the row was edited)'
        : undefined;
      if (problem) return { ok: false, rows: count, firstBad: { seq: row.seq, problem } };
      if (anchor && row.seq === anchor.seq && row.hash !== anchor.hash) {
        return { ok: false, rows: count, firstBad: { seq: row.seq, problem: `its hash is not the anchored one (${anchor.hash.slice(0, 12)}…): the chain was rewritten from here or before` } };
      }
      prev = row.hash;
      expectedSeq++;
    }
    if (anchor && count < anchor.seq) {
      return { ok: false, rows: count, firstBad: { seq: count + 1, problem: `the log ends at row ${count}, before the anchored row ${anchor.seq}: rows were deleted from its end` } };
    }
    return { ok: true, rows: count, ...(count > 0 ? { head: { seq: count, hash: prev } } : {}) };
  }
}

function fromRaw(r: RawRow): AuditRow {
  return { seq: r.seq, actionId: r.action_id, step: r.step as AuditStep, at: r.at, actor: r.actor, planId: r.plan_id, detail: r.detail, prevHash: r.prev_hash, hash: r.hash };
}
