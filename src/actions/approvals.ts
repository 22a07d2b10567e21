/**
 * Approval requests: a held plan waits in the `approvals` table with the resourceVersion it was
 * checked against, the hash of the plan (also in the audit chain), who asked, and when it lapses.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ActionPlan } from '../diagnose/plan.js';
import type { Db } from '../store/database.js';

export interface ApprovalRequest {
  id: string;
  actionId: string;
  plan: ActionPlan;
  /** SHA-256 of the plan as stored: the audit row of the decision carries the same. */
  planHash: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  status: 'pending' | 'approved' | 'refused';
  approvedBy?: string;
  approvedAt?: string;
}

interface Row { id: string; action_id: string; plan: string; plan_hash: string; requested_by: string; requested_at: string; expires_at: string; status: string; approved_by: string | null; approved_at: string | null }

export function planHash(planJson: string): string {
  return createHash('sha256').update(planJson).digest('hex');
}

export class Approvals {
  constructor(private readonly db: Db) {}

  /** Stores a request; returns its id (short enough to type). */
  request(input: { actionId: string; plan: ActionPlan; requestedBy: string; now: Date; expiresInMs: number }): ApprovalRequest {
    const id = `apr-${randomBytes(5).toString('hex')}`;
    const planJson = JSON.stringify(input.plan);
    const row: Row = {
      id, action_id: input.actionId, plan: planJson, plan_hash: planHash(planJson), requested_by: input.requestedBy,
      requested_at: input.now.toISOString(), expires_at: new Date(input.now.getTime() + input.expiresInMs).toISOString(), status: 'pending', approved_by: null, approved_at: null,
    };
    this.db.prepare(`INSERT INTO approvals (id, action_id, plan, plan_hash, requested_by, requested_at, expires_at, status, approved_by, approved_at)
      VALUES (@id, @action_id, @plan, @plan_hash, @requested_by, @requested_at, @expires_at, @status, @approved_by, @approved_at)`).run(row);
    return fromRow(row);
  }

  get(id: string): (ApprovalRequest & { storedPlanHash: string }) | undefined {
    const row = this.db.prepare('SELECT * FROM approvals WHERE id = ?').get(id) as Row | undefined;
    return row ? { ...fromRow(row), storedPlanHash: planHash(row.plan) } : undefined;
  }

  /** Marks a pending request approved; false when another run got there first. */
  markApproved(id: string, by: string, now: Date): boolean {
    const result = this.db.prepare(`UPDATE approvals SET status = 'approved', approved_by = ?, approved_at = ? WHERE id = ? AND status = 'pending'`).run(by, now.toISOString(), id);
    return result.changes === 1;
  }
}

function fromRow(r: Row): ApprovalRequest {
  return {
    id: r.id, actionId: r.action_id, plan: JSON.parse(r.plan) as ActionPlan, planHash: r.plan_hash, requestedBy: r.requested_by,
    requestedAt: r.requested_at, expiresAt: r.expires_at, status: r.status as ApprovalRequest['status'],
    ...(r.approved_by ? { approvedBy: r.approved_by } : {}), ...(r.approved_at ? { approvedAt: r.approved_at } : {}),
  };
}
