/**
 * The fixes analyzers propose, built once here so that every analyzer writes the same plan the same
 * way (and the gateway sees one shape per verb).
 */
import type { ObjectRef } from '../cluster/objects.js';
import { plan, type ActionPlan } from './plan.js';

/** Where a workload kind keeps its pod template, for strategic merge patches. */
function templatePatch(kind: string, podSpec: unknown): unknown {
  const template = { template: { spec: podSpec } };
  if (kind === 'CronJob') return { spec: { jobTemplate: { spec: template } } };
  return { spec: template };
}

/** Kinds whose pod template can be patched in place (a Job's template is immutable). */
export const TEMPLATED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob']);

/**
 * Patches one container of a workload's pod template, with the patch that restores `before` as inverse.
 * @example patchContainer(deploy, 'app', { resources: { limits: { memory: '768Mi' } } }, { resources: { limits: { memory: '256Mi' } } }, 'set memory limit of app to 768Mi (was 256Mi)', reason)
 */
export function patchContainer(workload: ObjectRef, container: string, after: Record<string, unknown>, before: Record<string, unknown> | undefined, summary: string, reason: string): ActionPlan {
  const change = (fields: Record<string, unknown>): { type: 'strategic'; patch: unknown } =>
    ({ type: 'strategic', patch: templatePatch(workload.kind, { containers: [{ name: container, ...fields }] }) });
  return plan({
    verb: 'patch', target: workload, change: change(after), summary, reason,
    ...(before ? { inverse: { verb: 'patch', target: workload, change: change(before), summary: `revert: ${summary}`, reason: 'undo' } } : {}),
  });
}

/** Patches a workload's pod spec (tolerations, nodeSelector, volumes ...) with an explicit inverse when known. */
export function patchPodSpec(workload: ObjectRef, after: Record<string, unknown>, before: Record<string, unknown> | undefined, summary: string, reason: string): ActionPlan {
  const change = (fields: Record<string, unknown>): { type: 'strategic'; patch: unknown } =>
    ({ type: 'strategic', patch: templatePatch(workload.kind, fields) });
  return plan({
    verb: 'patch', target: workload, change: change(after), summary, reason,
    ...(before ? { inverse: { verb: 'patch', target: workload, change: change(before), summary: `revert: ${summary}`, reason: 'undo' } } : {}),
  });
}

/** Any merge patch of an object (a Service selector, an HPA's maxReplicas ...). */
export function patchObject(target: ObjectRef, after: unknown, before: unknown, summary: string, reason: string): ActionPlan {
  return plan({
    verb: 'patch', target, change: { type: 'merge', patch: after }, summary, reason,
    ...(before !== undefined ? { inverse: { verb: 'patch', target, change: { type: 'merge', patch: before }, summary: `revert: ${summary}`, reason: 'undo' } } : {}),
  });
}

/** `kubectl rollout undo`: back to the previous revision. */
export function rolloutUndo(workload: ObjectRef, reason: string, toRevision?: number): ActionPlan {
  return plan({
    verb: 'rollout-undo', target: workload, summary: `roll back ${workload.kind.toLowerCase()}/${workload.name}${toRevision ? ` to revision ${toRevision}` : ' to its previous revision'}`,
    reason, ...(toRevision ? { change: { toRevision } } : {}),
  });
}

/** `kubectl rollout restart`. */
export function restart(workload: ObjectRef, reason: string): ActionPlan {
  return plan({ verb: 'restart', target: workload, summary: `restart the pods of ${workload.kind.toLowerCase()}/${workload.name}`, reason });
}

/** `kubectl scale`, with the inverse back to the current count. */
export function scale(workload: ObjectRef, replicas: number, current: number, reason: string): ActionPlan {
  return plan({
    verb: 'scale', target: workload, change: { replicas }, summary: `scale ${workload.kind.toLowerCase()}/${workload.name} from ${current} to ${replicas} replicas`, reason,
    inverse: { verb: 'scale', target: workload, change: { replicas: current }, summary: `scale back to ${current}`, reason: 'undo' },
  });
}

export function deletePod(pod: ObjectRef, reason: string): ActionPlan {
  return plan({ verb: 'delete-pod', target: pod, summary: `delete pod ${pod.name} so its controller recreates it`, reason });
}

export function cordon(node: ObjectRef, reason: string): ActionPlan {
  return plan({
    verb: 'cordon', target: node, summary: `cordon node ${node.name}`, reason,
    inverse: { verb: 'uncordon', target: node, summary: `uncordon node ${node.name}`, reason: 'undo' },
  });
}

export function uncordon(node: ObjectRef, reason: string): ActionPlan {
  return plan({
    verb: 'uncordon', target: node, summary: `uncordon node ${node.name}`, reason,
    inverse: { verb: 'cordon', target: node, summary: `cordon node ${node.name}`, reason: 'undo' },
  });
}

/** Creates an object from a manifest (a missing ConfigMap, a PVC ...). Its inverse is not automatic. */
export function apply(manifest: { kind: string; metadata: { name: string; namespace?: string } }, summary: string, reason: string): ActionPlan {
  const target: ObjectRef = { kind: manifest.kind, name: manifest.metadata.name };
  if (manifest.metadata.namespace) target.namespace = manifest.metadata.namespace;
  return plan({ verb: 'apply', target, change: manifest, summary, reason });
}
