/**
 * An AI agent's session as the gateway sees it: who it is, and what it has taken so far. The usage is
 * read from the audit log (the rows its actor wrote), not kept in memory, so a restart of the server
 * or a second connection under the same session forgets nothing, and what counts is what was recorded.
 */
import type { Db } from '../store/database.js';
import { durationMs } from './policy-schema.js';

/** An agent and one of its sessions: the name its token or configuration gives, and the MCP session id. */
export interface AgentIdentity {
  name: string;
  sessionId: string;
}

/** What a session has taken: changes held or applied (dry-runs and denials are free), and their blast radius summed. */
export interface SessionUsage {
  actions: number;
  podsRestarted: number;
  objects: number;
}

/**
 * The actor the audit log records for an agent's session: `agent:NAME/SESSION`.
 * @example agentActor({ name: 'claude-code', sessionId: '3f2a…' }) // 'agent:claude-code/3f2a…'
 */
export function agentActor(agent: AgentIdentity): string {
  return `agent:${agent.name}/${agent.sessionId}`;
}

interface Row { action_id: string; step: string; detail: string }
interface Decided { decision?: { outcome?: string; dryRunOnly?: boolean; radius?: { podsRestarted?: number; objects?: unknown[] } } }

/** The session's usage so far: every action its actor planned for real whose decision let it go on (allowed, or held for approval). */
export function sessionUsage(db: Db, actor: string): SessionUsage {
  return usageOf(db.prepare(`SELECT action_id, step, detail FROM audit_log WHERE actor = ? AND step IN ('planned', 'decided') ORDER BY seq`).all(actor) as Row[]);
}

/**
 * What one agent took in every session since `since` (ISO time): a budget that a new session does
 * not reset. An action planned just before `since` and decided after it counts as a real change,
 * the side that spends budget rather than saves it.
 */
export function agentUsage(db: Db, name: string, since: string): SessionUsage {
  const prefix = agentActor({ name, sessionId: '' });
  // substr, not LIKE: a name's `_` or `%` must not match other agents.
  return usageOf(db.prepare(`SELECT action_id, step, detail FROM audit_log
    WHERE substr(actor, 1, ?) = ? AND at >= ? AND step IN ('planned', 'decided') ORDER BY seq`).all(prefix.length, prefix, since) as Row[]);
}

/**
 * What one agent took in the window `per` (a policy duration, `1h`) that ends at `at`.
 * @example agentUsageWithin(db, 'claude-code', '1h', new Date())
 */
export function agentUsageWithin(db: Db, name: string, per: string, at: Date): SessionUsage {
  return agentUsage(db, name, new Date(at.getTime() - durationMs(per)).toISOString());
}

function usageOf(rows: Row[]): SessionUsage {
  const dryRuns = new Set(rows.filter((r) => r.step === 'planned' && (JSON.parse(r.detail) as { dryRun?: boolean }).dryRun === true).map((r) => r.action_id));
  const usage: SessionUsage = { actions: 0, podsRestarted: 0, objects: 0 };
  for (const row of rows) {
    if (row.step !== 'decided' || dryRuns.has(row.action_id)) continue;
    const { decision } = JSON.parse(row.detail) as Decided;
    const counts = decision?.outcome === 'needs-approval' || (decision?.outcome === 'allow' && !decision.dryRunOnly);
    if (!counts) continue;
    usage.actions++;
    usage.podsRestarted += decision?.radius?.podsRestarted ?? 0;
    usage.objects += decision?.radius?.objects?.length ?? 0;
  }
  return usage;
}
