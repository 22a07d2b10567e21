/**
 * The plan an agent asks for, built on the server: either a fix an analyzer proposed for a finding
 * (looked up fresh, by its id), or one change described by verb and target and built with the same
 * builders a person's `act` uses. An agent never supplies an inverse: the rollback of a change is
 * computed here from the object as it is, so a plan cannot smuggle a second, unchecked change.
 */
import { z } from 'zod';
import { kindOf, objectPath } from '../actions/api-paths.js';
import { POLICY_VERBS } from '../actions/policy-schema.js';
import type { KubeObject, ObjectRef } from '../cluster/objects.js';
import { apply, cordon, deletePod, restart, rolloutUndo, scale, uncordon } from '../diagnose/fixes.js';
import { plan as makePlan, type ActionPlan } from '../diagnose/plan.js';
import type { ApiClient } from '../sources/live/api-client.js';
import { findingById } from './cluster-read.js';
import { findingIdArg, kindArg, nameArg, namespaceArg } from './schemas.js';
import { ToolError } from './tool-result.js';

/** One change described by an agent. */
export const changeArg = z.strictObject({
  verb: z.enum(POLICY_VERBS).describe('patch, scale, rollout-undo, restart, delete-pod, cordon, uncordon or apply.'),
  kind: kindArg,
  name: nameArg,
  namespace: namespaceArg.optional().describe('The target\'s namespace; omit for Node.'),
  replicas: z.number().int().min(0).max(10_000).optional().describe('scale: the new replica count.'),
  patchType: z.enum(['strategic', 'merge', 'json']).optional().describe('patch: the patch type (default strategic).'),
  patch: z.unknown().optional().describe('patch: the patch body, e.g. {"spec":{"template":{"spec":{"containers":[{"name":"app","resources":{"limits":{"memory":"512Mi"}}}]}}}}.'),
  toRevision: z.number().int().min(1).optional().describe('rollout-undo: the revision to go back to (default: the previous one).'),
  manifest: z.record(z.string(), z.unknown()).optional().describe('apply: the whole manifest of the object to create.'),
  reason: z.string().min(1).max(500).describe('Why, in one sentence: recorded in the audit log.'),
});

/** The plan arguments every act tool takes: a proposed fix by id, or a described change. */
export const planArgs = {
  findingId: findingIdArg.optional().describe('With planId: the finding whose proposed fix to use. With change: the finding the change is meant to resolve (verification waits for it to go).'),
  planId: z.string().min(1).max(400).optional().describe('A fix\'s planId exactly as propose_plan (or list_incidents) returned it.'),
  change: changeArg.optional().describe('Instead of planId: one change to one named object.'),
  namespace: namespaceArg.optional().describe('Where the finding lives: narrows and speeds up the finding\'s look-up.'),
};

export type PlanArgs = { findingId?: string | undefined; planId?: string | undefined; change?: z.infer<typeof changeArg> | undefined; namespace?: string | undefined };

/** The plan the arguments name, and the finding it is meant to resolve. */
export async function planFrom(client: ApiClient, args: PlanArgs): Promise<{ plan: ActionPlan; resolves?: string }> {
  if (args.planId !== undefined && args.change !== undefined) throw new ToolError('both planId and change were given', 'give planId (with findingId) for a proposed fix, or change for a change of your own, not both');
  if (args.planId !== undefined) {
    if (args.findingId === undefined) throw new ToolError('planId was given without findingId', 'pass the findingId the plan was proposed for (propose_plan returns both)');
    const finding = await findingById(client, args.findingId, args.namespace);
    const plan = finding.fixes.find((p) => p.id === args.planId);
    if (!plan) throw new ToolError(`finding ${finding.id} proposes no plan ${args.planId}`, `use one of its planIds: ${finding.fixes.map((p) => p.id).join(', ') || '(it proposes none: describe a change instead)'}`);
    return { plan, resolves: finding.id };
  }
  if (args.change === undefined) throw new ToolError('no plan was named', 'give findingId and planId (from propose_plan), or change: {verb, kind, name, namespace, reason, …}');
  return { plan: await changePlan(client, args.change), ...(args.findingId !== undefined ? { resolves: args.findingId } : {}) };
}

async function changePlan(client: ApiClient, change: z.infer<typeof changeArg>): Promise<ActionPlan> {
  const known = kindOf(change.kind);
  const kind = known?.kind ?? change.kind;
  // The target is kept as given (a namespace on a Node, a kind kubetriage does not know): the gateway
  // denies what is wrong with it, with its reason, in the audit log.
  const ref: ObjectRef = { kind, name: change.name, ...(change.namespace !== undefined ? { namespace: change.namespace } : {}) };
  const why = `agent: ${change.reason}`;
  switch (change.verb) {
    case 'scale': {
      if (change.replicas === undefined) throw new ToolError('scale needs replicas', 'pass change.replicas, the new count');
      return scale(ref, change.replicas, ((await current(client, ref))?.spec as { replicas?: number } | undefined)?.replicas ?? 0, why);
    }
    case 'restart': return restart(ref, why);
    case 'rollout-undo': return rolloutUndo(ref, why, change.toRevision);
    case 'delete-pod': return ref.kind === 'Pod' ? deletePod(ref, why) : makePlan({ verb: 'delete-pod', target: ref, summary: `delete ${ref.kind.toLowerCase()} ${ref.name}`, reason: why });
    case 'cordon': return cordon(ref, why);
    case 'uncordon': return uncordon(ref, why);
    case 'apply': {
      if (!change.manifest) throw new ToolError('apply needs manifest', 'pass change.manifest, the whole object to create');
      const manifest = change.manifest as { kind: string; metadata: { name: string; namespace?: string } };
      return apply(manifest, `apply ${String(manifest.kind).toLowerCase()}/${String(manifest.metadata?.name)}`, why);
    }
    default: return patchPlan(client, ref, change, why);
  }
}

/** A patch, whose inverse restores the spec read now: a rollback puts it back whole. */
async function patchPlan(client: ApiClient, ref: ObjectRef, change: z.infer<typeof changeArg>, why: string): Promise<ActionPlan> {
  if (change.patch === undefined) throw new ToolError('patch needs patch', 'pass change.patch (an object for strategic or merge, a list of operations for json)');
  const type = change.patchType ?? 'strategic';
  const before = await current(client, ref);
  const text = JSON.stringify(change.patch);
  const summary = `${type} patch of ${ref.kind.toLowerCase()}/${ref.name}: ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`;
  const inverse = before?.spec !== undefined
    ? { inverse: { verb: 'patch' as const, target: ref, change: { type: 'json', patch: [{ op: 'replace', path: '/spec', value: before.spec }] }, summary: `restore the spec of ${ref.kind.toLowerCase()}/${ref.name}`, reason: 'undo' } }
    : {};
  return makePlan({ verb: 'patch', target: ref, change: { type, patch: change.patch }, summary, reason: why, ...inverse });
}

async function current(client: ApiClient, ref: ObjectRef): Promise<KubeObject | undefined> {
  const kind = kindOf(ref.kind);
  if (!kind || (kind.namespaced && !ref.namespace)) return undefined;
  return client.getJson<KubeObject>(objectPath(kind, ref)).catch(() => undefined);
}
