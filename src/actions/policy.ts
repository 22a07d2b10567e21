/**
 * The policy decision: allow, needs-approval or deny, with every reason. Each check returns its
 * reasons; deny wins over approval, approval over allow. No policy means read-only: everything is
 * denied, and the reason says so. The checks read only the plan, its radius and the audit history,
 * never text from the cluster (logs, annotations, events), so nothing a workload writes can widen them.
 */
import { keyOf, type ObjectRef } from '../cluster/objects.js';
import type { ActionPlan } from '../diagnose/plan.js';
import type { SessionUsage } from './agent-session.js';
import type { BlastRadius } from './blast-radius.js';
import { durationMs, type AgentRules, type ApprovalRule, type Policy, type PolicySelector } from './policy-schema.js';

export type Outcome = 'allow' | 'needs-approval' | 'deny';

export interface Decision {
  outcome: Outcome;
  reasons: string[];
  radius: BlastRadius;
  /** The policy allows only dry-runs: an allowed change is checked by the server, not applied. */
  dryRunOnly: boolean;
  /** For needs-approval: who may approve, and the rule that asks for it. */
  approval?: { approvers: string[]; expiresAfter: string; allowSelfApproval: boolean };
}

export interface PolicyContext {
  now: Date;
  /** Changes applied before, from the audit log: what rate limits count. */
  applied: readonly { target: ObjectRef; at: string }[];
  /** What validation of the plan found wrong: each one denies. */
  invalid?: readonly string[];
  /** Set when an AI agent asks: the policy's `agents:` section applies too, and its session budget. */
  agent?: {
    name: string;
    usage: SessionUsage;
    /** What the agent took in every session within `agents.window.per`; given when the policy sets a window. */
    windowUsage?: SessionUsage;
  };
}

const describe = (plan: ActionPlan): string => `${plan.verb} on ${plan.target.kind}${plan.target.namespace ? ` in namespace ${plan.target.namespace}` : ' (cluster-scoped)'}`;

/** @example const decision = decide(policy, plan, radius, { now: new Date(), applied: [] }); */
export function decide(policy: Policy | undefined, plan: ActionPlan, radius: BlastRadius, context: PolicyContext): Decision {
  const denied = [...(context.invalid ?? []).map((r) => `invalid plan: ${r}`)];
  if (!policy) {
    denied.push('no policy given: without one kubetriage is read-only (pass --policy FILE)');
    return { outcome: 'deny', reasons: denied, radius, dryRunOnly: false };
  }
  denied.push(...protectedNamespaces(policy, plan, radius), ...denyRules(policy, plan), ...allowRules(policy, plan),
    ...radiusBounds(policy, plan, radius), ...rateLimits(policy, plan, context), ...changeWindow(policy, context.now),
    ...(context.agent ? agentRules(policy.agents, plan, radius, context.agent) : []));
  const dryRunOnly = policy.mode === 'dry-run-only';
  if (denied.length > 0) return { outcome: 'deny', reasons: denied, radius, dryRunOnly };
  const rule = policy.approvals.find((r) => matches(r, plan));
  if (rule && !dryRunOnly) {
    return {
      outcome: 'needs-approval', radius, dryRunOnly,
      reasons: [`approvals[${policy.approvals.indexOf(rule)}]: ${describe(plan)} needs the approval of one of: ${rule.approvers.join(', ')}`],
      approval: approvalOf(rule),
    };
  }
  const reasons = [`allowed: ${describe(plan)} is within the policy`];
  if (dryRunOnly) reasons.push('the policy is dry-run-only: the change is checked by the server, not applied');
  return { outcome: 'allow', reasons, radius, dryRunOnly };
}

function approvalOf(rule: ApprovalRule): NonNullable<Decision['approval']> {
  return { approvers: rule.approvers, expiresAfter: rule.expiresAfter, allowSelfApproval: rule.allowSelfApproval };
}

/** Whether a rule's verbs, kinds and namespaces all cover the plan. */
export function matches(rule: PolicySelector, plan: ActionPlan): boolean {
  if (rule.verbs && !rule.verbs.includes(plan.verb)) return false;
  if (rule.kinds && !rule.kinds.some((k) => k.toLowerCase() === plan.target.kind.toLowerCase() || k === '*')) return false;
  if (rule.namespaces) {
    const ns = plan.target.namespace;
    if (ns === undefined || !rule.namespaces.some((glob) => globMatches(glob, ns))) return false;
  }
  return true;
}

function globMatches(glob: string, value: string): boolean {
  if (glob === '*') return true;
  return glob.endsWith('*') ? value.startsWith(glob.slice(0, -1)) : glob === value;
}

function protectedNamespaces(policy: Policy, plan: ActionPlan, radius: BlastRadius): string[] {
  const touched = new Set([...(plan.target.namespace ? [plan.target.namespace] : []), ...radius.namespaces]);
  // Changing a Namespace object is a change to everything in it.
  if (plan.target.kind === 'Namespace') touched.add(plan.target.name);
  return [...touched].filter((ns) => policy.protectedNamespaces.includes(ns)).map((ns) => `namespace ${ns} is protected: no change is made there`);
}

function denyRules(policy: Policy, plan: ActionPlan): string[] {
  return policy.deny.flatMap((rule, i) => (matches(rule, plan) ? [`deny[${i}]: ${describe(plan)} is denied by the policy`] : []));
}

function allowRules(policy: Policy, plan: ActionPlan): string[] {
  return policy.allow.some((rule) => matches(rule, plan)) ? [] : [`no allow rule covers ${describe(plan)}`];
}

function radiusBounds(policy: Policy, plan: ActionPlan, radius: BlastRadius): string[] {
  const { limits } = policy;
  const out: string[] = [];
  if (limits.maxPodsRestarted !== undefined && radius.podsRestarted > limits.maxPodsRestarted) {
    out.push(`restarts ${radius.podsRestarted} pods; the policy allows at most ${limits.maxPodsRestarted}`);
  }
  if (limits.maxObjects !== undefined && radius.objects.length > limits.maxObjects) {
    out.push(`changes ${radius.objects.length} objects; the policy allows at most ${limits.maxObjects}`);
  }
  if (limits.maxUnavailableFraction !== undefined && radius.replicas > 0 && radius.maxUnavailable / radius.replicas > limits.maxUnavailableFraction) {
    out.push(`takes ${radius.maxUnavailable} of ${radius.replicas} replicas down at once (${percent(radius.maxUnavailable / radius.replicas)}); the policy allows at most ${percent(limits.maxUnavailableFraction)}`);
  }
  const replicas = (plan.change as { replicas?: unknown } | undefined)?.replicas;
  if (plan.verb === 'scale' && limits.minReplicas !== undefined && typeof replicas === 'number' && replicas < limits.minReplicas) {
    out.push(`scales to ${replicas} replicas; the policy keeps at least ${limits.minReplicas}`);
  }
  if (!limits.allowDisruptionBudgetViolation && radius.disruptionBudgetsBroken.length > 0) {
    out.push(`breaks PodDisruptionBudget ${radius.disruptionBudgetsBroken.map((b) => b.name).join(', ')}`);
  }
  return out;
}

const percent = (f: number): string => `${Math.round(f * 100)}%`;

function rateLimits(policy: Policy, plan: ActionPlan, context: PolicyContext): string[] {
  const out: string[] = [];
  const within = (per: string): typeof context.applied => {
    const since = context.now.getTime() - durationMs(per);
    return context.applied.filter((a) => Date.parse(a.at) >= since);
  };
  const { perTarget, global } = policy.rateLimits;
  if (perTarget) {
    const key = keyOf(plan.target);
    const count = within(perTarget.per).filter((a) => keyOf(a.target) === key).length;
    if (count >= perTarget.max) out.push(`rate limit: ${count} change(s) to ${plan.target.kind}/${plan.target.name} in the last ${perTarget.per}; the policy allows ${perTarget.max}`);
  }
  if (global) {
    const count = within(global.per).length;
    if (count >= global.max) out.push(`rate limit: ${count} change(s) in the last ${global.per}; the policy allows ${global.max}`);
  }
  return out;
}

/**
 * An agent's narrower rights: its own allow rules and radius bounds, its session's budget, which
 * sums the radius of every change the session took so that many small steps cannot make a large one,
 * and the same sum over all the agent's sessions in a time window, so that a new session is no escape.
 */
function agentRules(rules: AgentRules | undefined, plan: ActionPlan, radius: BlastRadius, agent: NonNullable<PolicyContext['agent']>): string[] {
  if (!rules) return [`agent ${agent.name}: the policy has no agents: section, so agents change nothing (a person can, with kubetriage act)`];
  const out: string[] = [];
  if (!rules.allow.some((rule) => matches(rule, plan))) out.push(`agent ${agent.name}: no agents.allow rule covers ${describe(plan)}`);
  const { limits, session } = rules;
  if (limits.maxPodsRestarted !== undefined && radius.podsRestarted > limits.maxPodsRestarted) {
    out.push(`agent ${agent.name}: restarts ${radius.podsRestarted} pods; agents.limits allows at most ${limits.maxPodsRestarted}`);
  }
  if (limits.maxObjects !== undefined && radius.objects.length > limits.maxObjects) {
    out.push(`agent ${agent.name}: changes ${radius.objects.length} objects; agents.limits allows at most ${limits.maxObjects}`);
  }
  if (limits.maxUnavailableFraction !== undefined && radius.replicas > 0 && radius.maxUnavailable / radius.replicas > limits.maxUnavailableFraction) {
    out.push(`agent ${agent.name}: takes ${radius.maxUnavailable} of ${radius.replicas} replicas down at once; agents.limits allows at most ${percent(limits.maxUnavailableFraction)}`);
  }
  out.push(...budgetReasons({ label: 'agent session budget', scope: 'in this session', key: 'agents.session' }, session, agent.usage, radius));
  if (rules.window && agent.windowUsage) {
    const scope = `by agent ${agent.name} in the last ${rules.window.per}, over all its sessions`;
    out.push(...budgetReasons({ label: 'agent budget', scope, key: 'agents.window' }, rules.window, agent.windowUsage, radius));
  }
  return out;
}

interface BudgetLimits { maxActions?: number | undefined; maxPodsRestarted?: number | undefined; maxObjects?: number | undefined }

/** A budget's overruns: what was used plus this change, against each limit set. */
function budgetReasons(names: { label: string; scope: string; key: string }, limits: BudgetLimits, used: SessionUsage, radius: BlastRadius): string[] {
  const { label, scope, key } = names;
  const out: string[] = [];
  if (limits.maxActions !== undefined && used.actions + 1 > limits.maxActions) {
    out.push(`${label}: ${used.actions} change(s) already taken ${scope}; ${key}.maxActions allows ${limits.maxActions}`);
  }
  if (limits.maxPodsRestarted !== undefined && used.podsRestarted + radius.podsRestarted > limits.maxPodsRestarted) {
    out.push(`${label}: this change restarts ${radius.podsRestarted} pod(s) after ${used.podsRestarted} ${scope}; ${key}.maxPodsRestarted allows ${limits.maxPodsRestarted} in all`);
  }
  if (limits.maxObjects !== undefined && used.objects + radius.objects.length > limits.maxObjects) {
    out.push(`${label}: this change touches ${radius.objects.length} object(s) after ${used.objects} ${scope}; ${key}.maxObjects allows ${limits.maxObjects} in all`);
  }
  return out;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function changeWindow(policy: Policy, now: Date): string[] {
  if (policy.changeWindows.length === 0) return [];
  const open = policy.changeWindows.some((w) => {
    const { day, time } = localTime(now, w.timezone);
    if (!w.days.includes(day as (typeof w.days)[number])) return false;
    return w.from <= w.to ? time >= w.from && time < w.to : time >= w.from || time < w.to;
  });
  return open ? [] : [`outside every change window (${policy.changeWindows.map((w) => `${w.days.join(',')} ${w.from}-${w.to} ${w.timezone}`).join('; ')})`];
}

function localTime(now: Date, timeZone: string): { day: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3);
  return { day: WEEKDAYS.includes(day) ? day : '', time: `${get('hour')}:${get('minute')}` };
}
