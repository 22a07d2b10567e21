/**
 * The gateway: the one function through which every change reaches a cluster. It validates the plan,
 * reads the target, asks the server for a dry-run of the write, computes the blast radius, lets the
 * policy decide, records the decision, holds the plan for approval when the policy says so, applies
 * the write (guarded by the resourceVersion it checked), verifies the outcome, rolls back with the
 * inverse on regression, and appends every step to the hash-chained audit log.
 */
import { randomUUID } from 'node:crypto';
import { ClusterGraph } from '../cluster/graph.js';
import type { KubeObject, ObjectRef } from '../cluster/objects.js';
import { diagnose } from '../diagnose/diagnose.js';
import type { ActionPlan } from '../diagnose/plan.js';
import { ApiError, type ApiClient } from '../sources/live/api-client.js';
import { loadLive } from '../sources/live/load-live.js';
import { AuditLog, type AuditStep } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { agentUsageWithin, sessionUsage, type AgentIdentity } from './agent-session.js';
import { Approvals, planHash } from './approvals.js';
import { blastRadius, type BlastRadius } from './blast-radius.js';
import { kindOf, objectPath } from './api-paths.js';
import { changeDiff } from './change-diff.js';
import { executePlan } from './executors.js';
import { decide, matches, type Decision, type PolicyContext } from './policy.js';
import { durationMs, type Policy } from './policy-schema.js';
import { validatePlan } from './validate-plan.js';
import { verifyChange, type Verification, type VerifyTiming } from './verify.js';

export interface GatewayDeps {
  client: ApiClient;
  db: Db;
  /** None: read-only, every plan is denied. */
  policy: Policy | undefined;
  /** Who asks (a person's name, `autopilot`, or an agent's session: see agentActor). */
  actor: string;
  /** Set when an AI agent asks: the policy's `agents:` section and the session budget (counted under `actor`) apply. */
  agent?: AgentIdentity;
  now?: () => Date;
  verify?: VerifyTiming;
  /** Test seam: runs after the checks and before the write (a concurrent change, a crash). */
  beforeApply?: () => Promise<void>;
  /** Test seam: runs after the write and before verification. */
  afterApply?: () => Promise<void>;
}

export interface SubmitOptions {
  /** Check everything and ask the server for a dry-run; change nothing. */
  dryRun?: boolean;
  /** The id of the finding the plan is meant to resolve: verification waits for it to go. */
  resolves?: string;
}

export type GatewayStatus = 'verified' | 'dry-run' | 'held' | 'denied' | 'rolled-back' | 'failed';

export interface GatewayResult {
  status: GatewayStatus;
  actionId: string;
  plan: ActionPlan;
  /** One sentence a person reads. */
  message: string;
  decision?: Decision;
  /** The change as a unified diff of the object's YAML, from the server's dry-run. */
  diff?: string;
  approvalId?: string;
  verification?: Verification;
}

const DEFAULT_TIMING: VerifyTiming = { deadlineMs: 120_000, pollMs: 5_000 };
/** How far back rate limits look in the audit log, at most. */
const HISTORY_MS = 86_400_000;

/** What the checks found, kept for the apply step. */
interface Checked { decision: Decision; current: KubeObject | undefined; baseline: string[]; diff?: string }

/**
 * Submits a plan. Returns, never throws for a refusal: a denial, a hold or a failed apply is a result.
 * @example const result = await submit(plan, { client, db, policy, actor: 'alice' }, { resolves: finding.id });
 */
export async function submit(plan: ActionPlan, deps: GatewayDeps, options: SubmitOptions = {}): Promise<GatewayResult> {
  const actionId = randomUUID();
  const audit = new AuditLog(deps.db);
  const record = recorder(audit, actionId, deps.actor, plan);
  record('planned', { plan, planHash: planHash(JSON.stringify(plan)), ...(options.resolves ? { resolves: options.resolves } : {}), dryRun: Boolean(options.dryRun) });
  let checked: Checked;
  try {
    checked = await check(plan, deps, audit);
  } catch (err) {
    return fail(record, actionId, plan, `the checks could not run: ${messageOf(err)}`);
  }
  const { decision } = checked;
  const diff = checked.diff !== undefined ? { diff: checked.diff } : {};
  if (decision.outcome === 'deny') {
    record('decided', { decision, ...diff });
    return { status: 'denied', actionId, plan, decision, ...diff, message: `denied: ${decision.reasons.join('; ')}` };
  }
  if (decision.outcome === 'needs-approval' && !options.dryRun) {
    const approval = new Approvals(deps.db).request({ actionId, plan, requestedBy: deps.actor, now: now(deps), expiresInMs: durationMs(decision.approval!.expiresAfter) });
    record('decided', { decision, approvalId: approval.id, planHash: approval.planHash, target: shapeOf(checked.current), resolves: options.resolves ?? null, baseline: checked.baseline, ...diff });
    return { status: 'held', actionId, plan, decision, ...diff, approvalId: approval.id, message: `held for approval ${approval.id} by one of: ${decision.approval!.approvers.join(', ')}` };
  }
  record('decided', { decision, resourceVersion: checked.current?.metadata.resourceVersion ?? null, ...diff });
  if (options.dryRun || decision.dryRunOnly) {
    return { status: 'dry-run', actionId, plan, decision, ...diff, message: `dry-run: the server accepts the change and the policy ${decision.outcome === 'allow' ? 'allows' : 'would hold'} it; nothing was changed` };
  }
  return { ...(await applyAndVerify(plan, deps, record, actionId, checked, options.resolves)), ...diff };
}

/**
 * Approves a held plan and carries it out. The approver must be one the policy names for this plan
 * now, not the one who asked (unless the policy allows it); the plan must be the one the audit log
 * recorded; the target must not have changed since it was checked.
 */
export async function approve(approvalId: string, approver: string, deps: GatewayDeps): Promise<GatewayResult> {
  const approvals = new Approvals(deps.db);
  const audit = new AuditLog(deps.db);
  const request = approvals.get(approvalId);
  const placeholder: ActionPlan = { id: 'unknown', verb: 'patch', target: { kind: 'Unknown', name: 'unknown' }, reason: '', summary: '' };
  if (!request) {
    const record = recorder(audit, `approval:${approvalId}`, approver, placeholder);
    return fail(record, `approval:${approvalId}`, placeholder, `approval refused: no approval request ${approvalId}`);
  }
  const { plan, actionId } = request;
  const record = recorder(audit, actionId, approver, plan);
  const decided = audit.rows(actionId).find((r) => r.step === 'decided');
  const recorded = decided ? JSON.parse(decided.detail) as { planHash?: string; target?: TargetShape | null; resolves?: string | null; baseline?: string[] } : undefined;
  const problem = approvalProblem(request, recorded?.planHash, approver, deps);
  if (problem) return fail(record, actionId, plan, `approval refused: ${problem}`);
  let checked: Checked;
  try {
    checked = await check(plan, deps, audit);
  } catch (err) {
    return fail(record, actionId, plan, `the checks could not run: ${messageOf(err)}`);
  }
  if (checked.decision.outcome === 'deny') return fail(record, actionId, plan, `approval refused: the policy now denies the plan: ${checked.decision.reasons.join('; ')}`);
  // The write stays guarded by the state the request was made against, not the state read now.
  const then = recorded?.target;
  const moved = then && (!checked.current || checked.current.metadata.uid !== then.uid || checked.current.metadata.generation !== then.generation
    || JSON.stringify(checked.current.metadata.labels ?? {}) !== JSON.stringify(then.labels ?? {}));
  if (moved) {
    return fail(record, actionId, plan, `approval refused: ${plan.target.kind}/${plan.target.name} changed since the plan was checked (generation ${then.generation ?? '?'}, now ${checked.current?.metadata.generation ?? 'gone'}); submit it again`);
  }
  if (!approvals.markApproved(approvalId, approver, now(deps))) return fail(record, actionId, plan, `approval refused: ${approvalId} was already used`);
  record('approved', { approvalId, approver, requestedBy: request.requestedBy });
  return applyAndVerify(plan, deps, record, actionId, { ...checked, baseline: recorded?.baseline ?? checked.baseline }, recorded?.resolves ?? undefined);
}

/**
 * Actions a previous run applied and never verified (it crashed, or was killed): each is verified
 * now, and rolled back on regression, so none stays unresolved.
 */
export async function resolveInterrupted(deps: GatewayDeps): Promise<GatewayResult[]> {
  const audit = new AuditLog(deps.db);
  const results: GatewayResult[] = [];
  for (const actionId of audit.unresolvedActions()) {
    const rows = audit.rows(actionId);
    const planned = JSON.parse(rows.find((r) => r.step === 'planned')?.detail ?? '{}') as { plan?: ActionPlan; resolves?: string };
    const decided = JSON.parse(rows.find((r) => r.step === 'decided')?.detail ?? '{}') as { baseline?: string[] };
    const applied = JSON.parse(rows.find((r) => r.step === 'applied')?.detail ?? '{}') as { baseline?: string[] };
    if (!planned.plan) continue;
    const record = recorder(audit, actionId, deps.actor, planned.plan);
    const baseline = applied.baseline ?? decided.baseline ?? [];
    results.push(await verifyOrRollBack(planned.plan, deps, record, actionId, baseline, planned.resolves, 'resumed after an interrupted run'));
  }
  return results;
}

async function check(plan: ActionPlan, deps: GatewayDeps, audit: AuditLog): Promise<Checked> {
  const invalid = validatePlan(plan);
  const namespace = plan.target.namespace;
  const snapshot = await loadLive(deps.client, namespace !== undefined && invalid.length === 0 ? { namespace } : { logs: { maxContainers: 0 } });
  const graph = new ClusterGraph(snapshot);
  // Read on its own, after the list: the newest resourceVersion guards the dry-run and the write.
  let current = invalid.length === 0 ? await readTarget(deps.client, plan) : undefined;
  if (invalid.length === 0 && !current && plan.verb !== 'apply') invalid.push(`${plan.target.kind} ${namespace ? `${namespace}/` : ''}${plan.target.name} not found`);
  let dryRunObject: KubeObject | undefined;
  for (let attempt = 1; invalid.length === 0; attempt++) {
    try {
      const answer = await executePlan(deps.client, plan, { current, dryRun: true, now: now(deps) });
      if (isObject(answer)) dryRunObject = answer;
      break;
    } catch (err) {
      // A controller wrote the status between our read and the dry-run: read again, as the write does.
      if (err instanceof ApiError && err.status === 409 && attempt < 5) {
        current = await readTarget(deps.client, plan);
        continue;
      }
      invalid.push(`the server refused a dry-run of the change: ${messageOf(err)}`);
    }
  }
  const radius: BlastRadius = blastRadius(graph, plan, dryRunObject ? { object: dryRunObject } : {});
  const since = new Date(now(deps).getTime() - HISTORY_MS).toISOString();
  const applied = audit.stepsSince('applied', since).map((r) => ({ target: (JSON.parse(r.detail) as { target: ObjectRef }).target, at: r.at })).filter((a) => a.target);
  const agent = deps.agent ? { agent: agentContext(deps, deps.agent, now(deps)) } : {};
  const decision = decide(deps.policy, plan, radius, { now: now(deps), applied, invalid, ...agent });
  const { incidents } = invalid.length === 0 ? diagnose(graph, namespace !== undefined ? { namespace } : {}) : { incidents: [] };
  const baseline = incidents.flatMap((i) => [i.cause.id, ...i.symptoms.map((s) => s.id)]);
  const diff = changeDiff(current, dryRunObject);
  return { decision, current, baseline, ...(diff ? { diff } : {}) };
}

/** What the policy weighs of an agent: its session's usage, and its usage across sessions when the policy sets a window. */
function agentContext(deps: GatewayDeps, agent: AgentIdentity, at: Date): NonNullable<PolicyContext['agent']> {
  const usage = sessionUsage(deps.db, deps.actor);
  const window = deps.policy?.agents?.window;
  if (!window) return { name: agent.name, usage };
  return { name: agent.name, usage, windowUsage: agentUsageWithin(deps.db, agent.name, window.per, at) };
}

type Record_ = (step: AuditStep, detail: unknown) => void;

function recorder(audit: AuditLog, actionId: string, actor: string, plan: ActionPlan): Record_ {
  return (step, detail) => { audit.append({ actionId, step, actor, planId: plan.id, detail }); };
}

async function applyAndVerify(plan: ActionPlan, deps: GatewayDeps, record: Record_, actionId: string, checked: Checked, resolves: string | undefined): Promise<GatewayResult> {
  await deps.beforeApply?.();
  try {
    await guardedWrite(deps, plan, checked.current);
  } catch (err) {
    const why = err instanceof TargetMoved ? `refused: ${err.message}; nothing was changed`
      : err instanceof ApiError && err.status === 409
      ? `refused: ${plan.target.kind}/${plan.target.name} changed after it was checked, and the write was guarded by resourceVersion ${checked.current?.metadata.resourceVersion ?? '?'} (${err.message}); nothing was changed`
      : `the write failed: ${messageOf(err)}`;
    return fail(record, actionId, plan, why, checked.decision);
  }
  record('applied', { target: plan.target, baseline: checked.baseline, resolves: resolves ?? null });
  await deps.afterApply?.();
  return verifyOrRollBack(plan, deps, record, actionId, checked.baseline, resolves, undefined, checked.decision);
}

async function verifyOrRollBack(plan: ActionPlan, deps: GatewayDeps, record: Record_, actionId: string, baseline: string[], resolves: string | undefined, note?: string, decision?: Decision): Promise<GatewayResult> {
  const base = { actionId, plan, ...(decision ? { decision } : {}) };
  let verification: Verification;
  try {
    verification = await verifyChange(deps.client, { namespace: plan.target.namespace, baseline, ...(resolves ? { resolves } : {}) }, deps.verify ?? DEFAULT_TIMING);
  } catch (err) {
    return fail(record, actionId, plan, `applied, but verification could not run: ${messageOf(err)}`, decision);
  }
  if (verification.ok) {
    record('verified', { verification, ...(note ? { note } : {}) });
    return { ...base, status: 'verified', verification, message: `applied and verified: ${verification.reason}` };
  }
  if (!plan.inverse) {
    record('failed', { verification, reason: 'verification failed and the plan has no inverse: left as applied' });
    return { ...base, status: 'failed', verification, message: `applied, verification failed (${verification.reason}), and the plan has no inverse to roll back with` };
  }
  try {
    await executePlan(deps.client, plan.inverse, { current: undefined, dryRun: false, now: now(deps), unguarded: true });
  } catch (err) {
    return fail(record, actionId, plan, `verification failed (${verification.reason}) and the rollback failed: ${messageOf(err)}`, decision);
  }
  record('rolled-back', { verification, inverse: plan.inverse });
  return { ...base, status: 'rolled-back', verification, message: `verification failed (${verification.reason}): rolled back with "${plan.inverse.summary}"` };
}

/**
 * Writes under the resourceVersion of a fresh read whose spec is the one checked. A status update in
 * between (controllers write status all the time) answers 409: read again and retry, a few times, as
 * client-go's RetryOnConflict does; a change of the spec itself stops it.
 */
async function guardedWrite(deps: GatewayDeps, plan: ActionPlan, checked: KubeObject | undefined): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await unchangedTarget(deps.client, plan, checked);
    try {
      await executePlan(deps.client, plan, { current, dryRun: false, now: now(deps) });
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409) || attempt >= 5) throw err;
    }
  }
}

/** The target as the server has it now; undefined when it does not exist. */
async function readTarget(client: ApiClient, plan: ActionPlan): Promise<KubeObject | undefined> {
  const kind = kindOf(plan.target.kind);
  if (!kind) return undefined;
  try {
    return await client.getJson<KubeObject>(objectPath(kind, plan.target));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

class TargetMoved extends Error {}

/** What an approval was given for: the object, its spec's generation, its labels. */
interface TargetShape { uid?: string; generation?: number; labels?: Record<string, string> }

function shapeOf(obj: KubeObject | undefined): TargetShape | null {
  if (!obj) return null;
  const m = obj.metadata;
  return { ...(m.uid ? { uid: m.uid } : {}), ...(m.generation !== undefined ? { generation: m.generation } : {}), ...(m.labels ? { labels: m.labels } : {}) };
}

/**
 * The target read again just before the write. Controllers bump the resourceVersion with every status
 * update, so what must not have changed since the checks is what the plan was checked against: the
 * object's identity, its spec (generation) and its labels. The fresh resourceVersion then guards the write.
 */
async function unchangedTarget(client: ApiClient, plan: ActionPlan, checked: KubeObject | undefined): Promise<KubeObject | undefined> {
  if (!checked) return undefined;
  const now = await readTarget(client, plan);
  const what = `${plan.target.kind}/${plan.target.name}`;
  if (!now || now.metadata.uid !== checked.metadata.uid) throw new TargetMoved(`${what} was deleted or replaced after it was checked`);
  const shape = (o: KubeObject): string => JSON.stringify([o.metadata.generation ?? o.spec ?? null, o.metadata.labels ?? {}]);
  if (shape(now) !== shape(checked)) {
    throw new TargetMoved(`${what} changed after it was checked (generation ${checked.metadata.generation ?? '?'} → ${now.metadata.generation ?? '?'}, resourceVersion ${checked.metadata.resourceVersion ?? '?'} → ${now.metadata.resourceVersion ?? '?'})`);
  }
  return now;
}

function approvalProblem(request: ReturnType<Approvals['get']> & object, auditedHash: string | undefined, approver: string, deps: GatewayDeps): string | undefined {
  if (request.status !== 'pending') return `${request.id} was already ${request.status === 'approved' ? 'used' : request.status}`;
  if (Date.parse(request.expiresAt) <= now(deps).getTime()) return `${request.id} expired at ${request.expiresAt}`;
  if (!auditedHash || request.storedPlanHash !== auditedHash || request.planHash !== auditedHash) return `the stored plan of ${request.id} is not the plan the audit log recorded`;
  const rule = deps.policy?.approvals.find((r) => matches(r, request.plan));
  if (!rule) return 'the policy names no approver for this plan';
  if (!rule.approvers.includes(approver)) return `${approver} may not approve this plan (approvers: ${rule.approvers.join(', ')})`;
  if (!rule.allowSelfApproval && approver === request.requestedBy) return `${approver} asked for this change and may not approve it too`;
  return undefined;
}

function fail(record: Record_, actionId: string, plan: ActionPlan, message: string, decision?: Decision): GatewayResult {
  record('failed', { reason: message });
  return { status: 'failed', actionId, plan, message, ...(decision ? { decision } : {}) };
}

const now = (deps: GatewayDeps): Date => deps.now?.() ?? new Date();
const isObject = (v: unknown): v is KubeObject => typeof v === 'object' && v !== null && 'metadata' in v;
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
