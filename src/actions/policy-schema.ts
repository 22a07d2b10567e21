/**
 * The remediation policy's file format, as one zod schema: what may be changed where, how much at
 * once, how often, when, and with whose approval. See examples/policy.yaml for a commented policy.
 */
import { z } from 'zod';

export const POLICY_VERBS = ['patch', 'scale', 'rollout-undo', 'restart', 'delete-pod', 'cordon', 'uncordon', 'apply'] as const;

const DURATION = /^(\d+)(s|m|h|d)$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const names = z.array(z.string().min(1)).min(1);

/** Which changes a rule is about; an omitted field matches everything (cluster-scoped objects included). */
const selector = z.strictObject({
  verbs: z.array(z.enum(POLICY_VERBS)).min(1).optional(),
  kinds: names.optional(),
  /** Globs: `shop`, `team-*`, `*` (every namespace, not cluster-scoped objects). */
  namespaces: names.optional(),
});

const rate = z.strictObject({
  max: z.number().int().nonnegative(),
  per: z.string().regex(DURATION, 'a duration such as 30m, 1h or 1d'),
});

export const policySchema = z.strictObject({
  apiVersion: z.literal('kubetriage.io/v1alpha1'),
  kind: z.literal('RemediationPolicy'),
  /** `dry-run-only`: every allowed change is sent with dryRun=All and never applied. */
  mode: z.enum(['enforce', 'dry-run-only']).default('enforce'),
  protectedNamespaces: z.array(z.string().min(1)).default(['kube-system']),
  allow: z.array(selector).default([]),
  deny: z.array(selector).default([]),
  limits: z.strictObject({
    maxPodsRestarted: z.number().int().nonnegative().optional(),
    /** Of the workload's replicas, unavailable at once in the worst case (0..1). */
    maxUnavailableFraction: z.number().min(0).max(1).optional(),
    maxObjects: z.number().int().positive().optional(),
    /** Scaling below this is denied (1: never to zero). */
    minReplicas: z.number().int().nonnegative().optional(),
    allowDisruptionBudgetViolation: z.boolean().default(false),
  }).default({ allowDisruptionBudgetViolation: false }),
  rateLimits: z.strictObject({ perTarget: rate.optional(), global: rate.optional() }).default({}),
  /** When changes may be applied; none listed: any time. */
  changeWindows: z.array(z.strictObject({
    days: z.array(z.enum(DAYS)).min(1).default([...DAYS]),
    from: z.string().regex(CLOCK, 'a time of day HH:MM'),
    to: z.string().regex(CLOCK, 'a time of day HH:MM'),
    /** An IANA time zone (`Europe/Paris`); UTC by default. */
    timezone: z.string().default('UTC').refine(validTimeZone, 'an IANA time zone such as UTC or Europe/Paris'),
  })).default([]),
  approvals: z.array(z.strictObject({
    ...selector.shape,
    approvers: names,
    /** An approval not used within this long lapses. */
    expiresAfter: z.string().regex(DURATION, 'a duration such as 30m, 1h or 1d').default('1h'),
    /** Whether whoever asked for the change may approve it too. */
    allowSelfApproval: z.boolean().default(false),
  })).default([]),
  /**
   * What AI agents (`kubetriage mcp`) may do, on top of every rule above: an agent's change must also
   * match one of `allow`, stay within `limits`, and keep its session within `session`. Absent: agents
   * change nothing.
   */
  agents: z.strictObject({
    allow: z.array(selector).default([]),
    limits: z.strictObject({
      maxPodsRestarted: z.number().int().nonnegative().optional(),
      maxObjects: z.number().int().positive().optional(),
      maxUnavailableFraction: z.number().min(0).max(1).optional(),
    }).default({}),
    /** Summed over one agent session, held and applied changes alike: many small steps are one large one. */
    session: z.strictObject({
      maxActions: z.number().int().nonnegative().optional(),
      maxPodsRestarted: z.number().int().nonnegative().optional(),
      maxObjects: z.number().int().nonnegative().optional(),
    }).default({}),
    /**
     * Summed over every session of one agent (by name) in the last `per`: a new session, or a
     * reconnect, starts with what the agent already took.
     */
    window: z.strictObject({
      per: z.string().regex(DURATION, 'a duration such as 30m, 1h or 1d'),
      maxActions: z.number().int().nonnegative().optional(),
      maxPodsRestarted: z.number().int().nonnegative().optional(),
      maxObjects: z.number().int().nonnegative().optional(),
    }).optional(),
  }).optional(),
});

export type Policy = z.infer<typeof policySchema>;
export type PolicySelector = z.infer<typeof selector>;
export type ApprovalRule = Policy['approvals'][number];
export type AgentRules = NonNullable<Policy['agents']>;

/** A duration (`30m`, `1h`) in milliseconds. */
export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new RangeError(`not a duration: ${text}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
