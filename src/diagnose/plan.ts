/**
 * Action plans: what a fix would change. Analyzers only propose them; nothing here touches a cluster.
 * Plans are plain data so they can be shown, serialised, and later passed through the gateway.
 */
import type { ObjectRef } from '../cluster/objects.js';

export type ActionVerb = 'patch' | 'scale' | 'rollout-undo' | 'restart' | 'delete-pod' | 'cordon' | 'uncordon' | 'apply';

export interface ActionPlan {
  id: string;
  verb: ActionVerb;
  target: ObjectRef;
  /** Verb-specific: `{ type: 'strategic' | 'merge' | 'json', patch }` for patch, `{ replicas }` for scale, a manifest for apply. */
  change?: unknown;
  /** Why: the finding it resolves, in one sentence. */
  reason: string;
  /** One line a person reads before approving, e.g. `set memory limit of container app to 768Mi (was 256Mi)`. */
  summary: string;
  /** The plan that undoes this one, where one exists. */
  inverse?: ActionPlan;
}

export interface PatchChange {
  type: 'strategic' | 'merge' | 'json';
  patch: unknown;
}

type PlanInput = Omit<ActionPlan, 'id' | 'inverse'> & { inverse?: Omit<ActionPlan, 'id' | 'inverse'> };

/** Builds a plan with a deterministic id, derived from its verb, target and change. */
export function plan(input: PlanInput): ActionPlan {
  const { inverse, ...rest } = input;
  const built: ActionPlan = { id: planId(rest), ...rest };
  if (inverse) built.inverse = { id: planId(inverse), ...inverse };
  return built;
}

function planId(p: Omit<ActionPlan, 'id' | 'inverse'>): string {
  const t = p.target;
  return `${p.verb}:${t.kind}/${t.namespace ?? ''}/${t.name}:${shortHash(JSON.stringify(p.change ?? null))}`;
}

/** A short, stable, non-cryptographic hash (FNV-1a) for ids. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
