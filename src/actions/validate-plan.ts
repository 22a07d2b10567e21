/**
 * Checks a plan before anything else looks at it: one named object of a known kind, a verb that
 * applies to that kind, a change of the verb's shape. Plans may come from outside (an agent, a file),
 * so every problem is a reason to deny, never an exception.
 */
import type { ActionPlan } from '../diagnose/plan.js';
import { kindOf } from './api-paths.js';
import { POLICY_VERBS } from './policy-schema.js';

/** The kinds each verb applies to. */
const VERB_KINDS: Record<string, readonly string[] | undefined> = {
  'scale': ['Deployment', 'StatefulSet', 'ReplicaSet'],
  'rollout-undo': ['Deployment'],
  'restart': ['Deployment', 'StatefulSet', 'DaemonSet'],
  'delete-pod': ['Pod'],
  'cordon': ['Node'],
  'uncordon': ['Node'],
};

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Whether `name` can be one object's name (never a selector or a wildcard). */
export function isObjectName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name) && name.length <= 253;
}

/** What is wrong with the plan; empty when nothing is. */
export function validatePlan(plan: ActionPlan): string[] {
  const problems: string[] = [];
  const { target } = plan;
  if (!(POLICY_VERBS as readonly string[]).includes(plan.verb)) return [`unknown verb "${String(plan.verb)}" (known: ${POLICY_VERBS.join(', ')})`];
  if (!isObjectName(target?.name)) {
    problems.push(`target name ${JSON.stringify(target?.name)} is not one object's name: a plan changes one named object, never a selector or a wildcard`);
  }
  const kind = kindOf(String(target?.kind));
  const allowedKinds = VERB_KINDS[plan.verb];
  if (allowedKinds && !allowedKinds.includes(target?.kind)) problems.push(`${plan.verb} applies to ${allowedKinds.join(' or ')}, not ${String(target?.kind)}`);
  if (!kind) problems.push(`kind ${String(target?.kind)} is not one kubetriage changes`);
  else if (kind.namespaced && !target.namespace) problems.push(`${kind.kind} is namespaced: the target names no namespace`);
  else if (!kind.namespaced && target.namespace) problems.push(`${kind.kind} is cluster-scoped: the target names namespace ${target.namespace}`);
  problems.push(...changeProblems(plan));
  return problems;
}

function changeProblems(plan: ActionPlan): string[] {
  const change = plan.change as Record<string, unknown> | undefined;
  switch (plan.verb) {
    case 'scale': {
      const replicas = change?.['replicas'];
      return typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? [] : ['scale needs change.replicas, a whole number of at least 0'];
    }
    case 'patch': {
      if (!change || !['strategic', 'merge', 'json'].includes(String(change['type']))) return ['patch needs change.type: strategic, merge or json'];
      const body = change['patch'];
      if (change['type'] === 'json' ? !Array.isArray(body) : typeof body !== 'object' || body === null || Array.isArray(body)) return [`a ${String(change['type'])} patch needs ${change['type'] === 'json' ? 'a list of operations' : 'an object'}`];
      return renamesObject(body) ? ['a patch may not change the name or namespace of its target'] : [];
    }
    case 'apply': {
      const manifest = change as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | undefined;
      const same = manifest?.kind === plan.target.kind && manifest?.metadata?.name === plan.target.name
        && (manifest.metadata.namespace ?? undefined) === plan.target.namespace;
      return same ? [] : ['apply needs change: a manifest whose kind, name and namespace are the target\'s'];
    }
    case 'rollout-undo': {
      const to = change?.['toRevision'];
      return to === undefined || (typeof to === 'number' && Number.isInteger(to) && to > 0) ? [] : ['rollout-undo: change.toRevision must be a positive whole number'];
    }
    default: return [];
  }
}

function renamesObject(patch: unknown): boolean {
  if (Array.isArray(patch)) return patch.some((op) => /^\/metadata\/(name|namespace)$/.test(String((op as { path?: unknown }).path)));
  const meta = (patch as { metadata?: Record<string, unknown> }).metadata;
  return meta !== undefined && ('name' in meta || 'namespace' in meta);
}
