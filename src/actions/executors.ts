/**
 * The executor of each verb: the HTTP writes kubectl would send for it, each guarded by the
 * resourceVersion the gateway checked (a target that changed since answers 409 Conflict), and each
 * sendable as a server-side dry-run. Only the gateway calls {@link executePlan}: nothing else in the
 * product writes to a cluster.
 */
import type { KubeObject } from '../cluster/objects.js';
import type { ActionPlan, PatchChange } from '../diagnose/plan.js';
import type { ApiClient } from '../sources/live/api-client.js';
import { kindOf, objectPath } from './api-paths.js';

/** kubectl's field manager for server-side apply is `kubectl`; ours names us. */
export const FIELD_MANAGER = 'kubetriage';
/** The annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const REVISION = 'deployment.kubernetes.io/revision';
/** Annotations `kubectl rollout undo` keeps from the Deployment rather than copying from the ReplicaSet. */
const KEPT_ON_UNDO = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to']);

const CONTENT_TYPES: Record<PatchChange['type'], string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

export interface Write {
  method: 'PATCH' | 'DELETE';
  path: string;
  body: unknown;
  contentType?: string;
}

export interface ExecuteOptions {
  /** The target as read when the plan was checked; its resourceVersion guards the write. */
  current: KubeObject | undefined;
  dryRun: boolean;
  now: Date;
  /** Send without the resourceVersion guard: a rollback restores state whatever happened since. */
  unguarded?: boolean;
}

/** Builds and sends the plan's write; returns what the server answered (the object after the write). */
export async function executePlan(client: ApiClient, plan: ActionPlan, options: ExecuteOptions): Promise<unknown> {
  const write = await writeFor(client, plan, options);
  const query: Record<string, string> = { fieldManager: FIELD_MANAGER, ...(options.dryRun ? { dryRun: 'All' } : {}) };
  return client.writeJson(write.method, write.path, write.body, { query, ...(write.contentType ? { contentType: write.contentType } : {}) });
}

/** The write that carries out the plan (exported for tests). */
export async function writeFor(client: ApiClient, plan: ActionPlan, options: ExecuteOptions): Promise<Write> {
  const kind = kindOf(plan.target.kind);
  if (!kind) throw new Error(`kind ${plan.target.kind} is not one kubetriage changes`);
  const path = objectPath(kind, plan.target);
  const rv = options.unguarded ? undefined : options.current?.metadata.resourceVersion;
  const guard = rv ? { metadata: { resourceVersion: rv } } : {};
  switch (plan.verb) {
    case 'patch': return patchWrite(path, plan.change as PatchChange, rv);
    case 'scale': return { method: 'PATCH', path: `${path}/scale`, contentType: CONTENT_TYPES.merge, body: { ...guard, spec: { replicas: (plan.change as { replicas: number }).replicas } } };
    case 'restart': return restartWrite(path, options, guard);
    case 'rollout-undo': return undoWrite(client, plan, path, options, rv);
    case 'delete-pod': return {
      method: 'DELETE', path,
      body: { apiVersion: 'v1', kind: 'DeleteOptions', ...(rv ? { preconditions: { resourceVersion: rv, ...(options.current?.metadata.uid ? { uid: options.current.metadata.uid } : {}) } } : {}) },
    };
    // kubectl cordon sets spec.unschedulable; uncordon clears it (false is omitted, so null).
    case 'cordon': return { method: 'PATCH', path, contentType: CONTENT_TYPES.strategic, body: { ...guard, spec: { unschedulable: true } } };
    case 'uncordon': return { method: 'PATCH', path, contentType: CONTENT_TYPES.strategic, body: { ...guard, spec: { unschedulable: null } } };
    case 'apply': return { method: 'PATCH', path, contentType: 'application/apply-patch+yaml', body: plan.change };
  }
}

function patchWrite(path: string, change: PatchChange, rv: string | undefined): Write {
  if (change.type === 'json') {
    // Setting the resourceVersion the plan was checked against makes the update conditional on it.
    const ops = [...(rv ? [{ op: 'replace', path: '/metadata/resourceVersion', value: rv }] : []), ...(change.patch as unknown[])];
    return { method: 'PATCH', path, contentType: CONTENT_TYPES.json, body: ops };
  }
  const body = rv ? withResourceVersion(change.patch, rv) : change.patch;
  return { method: 'PATCH', path, contentType: CONTENT_TYPES[change.type], body };
}

function withResourceVersion(patch: unknown, rv: string): unknown {
  const p = patch as { metadata?: Record<string, unknown> };
  return { ...p, metadata: { ...(p.metadata ?? {}), resourceVersion: rv } };
}

function restartWrite(path: string, options: ExecuteOptions, guard: object): Write {
  if ((options.current?.spec as { paused?: boolean } | undefined)?.paused) throw new Error('can\'t restart paused deployment (run rollout resume first)');
  // kubectl formats the time as Go's RFC3339, to the second.
  const at = options.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { method: 'PATCH', path, contentType: CONTENT_TYPES.strategic, body: { ...guard, spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } } };
}

/**
 * `kubectl rollout undo`: the template of the previous revision's ReplicaSet (or of `toRevision`),
 * without its pod-template-hash label, replaces the Deployment's, as a JSON patch; the Deployment's
 * annotations become the ReplicaSet's, except those kubectl keeps.
 */
async function undoWrite(client: ApiClient, plan: ActionPlan, path: string, options: ExecuteOptions, rv: string | undefined): Promise<Write> {
  const deploy = options.current;
  if (!deploy) throw new Error(`deployment ${plan.target.name} not found`);
  if ((deploy.spec as { paused?: boolean } | undefined)?.paused) {
    throw new Error(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${plan.target.name}' and try again`);
  }
  const toRevision = (plan.change as { toRevision?: number } | undefined)?.toRevision ?? 0;
  const rs = await revisionReplicaSet(client, deploy, toRevision);
  const template = structuredClone((rs.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(deploy.metadata.annotations ?? {})) if (KEPT_ON_UNDO.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!KEPT_ON_UNDO.has(k)) annotations[k] = v;
  const ops = [
    ...(rv ? [{ op: 'replace', path: '/metadata/resourceVersion', value: rv }] : []),
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  return { method: 'PATCH', path, contentType: CONTENT_TYPES.json, body: ops };
}

/** The ReplicaSet of a revision, or of the newest revision before the current one (kubectl's deploymentRevision). */
async function revisionReplicaSet(client: ApiClient, deploy: KubeObject, toRevision: number): Promise<KubeObject> {
  const namespace = deploy.metadata.namespace ?? 'default';
  const list = await client.getJson<{ items?: KubeObject[] }>(`/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets`);
  const owned = (list.items ?? []).filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === deploy.metadata.uid));
  const revisions = owned
    .map((rs) => ({ rs, revision: Number(rs.metadata.annotations?.[REVISION]) }))
    .filter((r) => Number.isInteger(r.revision))
    .sort((a, b) => b.revision - a.revision);
  if (toRevision > 0) {
    const found = revisions.find((r) => r.revision === toRevision);
    if (!found) throw new Error(`unable to find specified revision ${toRevision} in history`);
    return found.rs;
  }
  const previous = revisions[1];
  if (!previous) throw new Error(`no rollout history found for deployment "${deploy.metadata.name}"`);
  return previous.rs;
}
