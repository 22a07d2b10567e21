/**
 * The `pods/eviction` subresource (pkg/registry/core/pod/storage/eviction.go): a pod that is
 * Pending, finished or already being deleted goes at once; otherwise the one PodDisruptionBudget
 * covering it must allow a disruption, which the eviction spends (disruptionsAllowed minus one, the
 * pod recorded in disruptedPods) before the pod is marked DisruptionTarget and deleted. A budget
 * that allows none answers 429 TooManyRequests, which `kubectl drain` retries.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { selectsPod } from '../controllers/pdb-selector.js';
import { setDisruptionAllowed } from '../controllers/disruption-controller.js';
import { lookupResource } from '../resources.js';
import type { DeleteOptions, ObjectStore } from '../store/object-store.js';
import { type Status, StatusError, badRequest, forbidden, invalid } from '../store/status-error.js';
import { invalidValue } from '../store/field-error.js';
import { deleteOptions } from './query.js';

const PODS = lookupResource('pods')!;
const PDBS = lookupResource('poddisruptionbudgets.policy')!;
/** The resource the eviction handler names in its Forbidden errors (policy.Resource("poddisruptionbudget")). */
const PDB_SINGULAR = { ...PDBS, plural: 'poddisruptionbudget' };
/** More pending evictions than this and the budget refuses more (MaxDisruptedPodSize). */
const MAX_DISRUPTED_PODS = 2000;
const VIOLATION = 'Cannot evict pod as it would violate the pod\'s disruption budget.';

type Obj = Record<string, unknown>;

function rec(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** 429 with a `DisruptionBudget` cause (errors.NewTooManyRequests plus the handler's cause). */
function tooManyRequests(cause: string, retryAfterSeconds: number): StatusError {
  const details: NonNullable<Status['details']> = { causes: [{ reason: 'DisruptionBudget', message: cause }] };
  if (retryAfterSeconds > 0) details.retryAfterSeconds = retryAfterSeconds;
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: VIOLATION, reason: 'TooManyRequests', details, code: 429 });
}

/** A Failure the handler returns as its result rather than as an error: it carries no reason. */
function multipleBudgets(): StatusError {
  return new StatusError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500,
  });
}

function phaseOf(pod: KubeObject): unknown {
  return rec(pod['status'])['phase'];
}

/** Pods whose eviction disrupts nothing more (canIgnorePDB). */
function canIgnoreBudget(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

function isReady(pod: KubeObject): boolean {
  const conditions = rec(pod['status'])['conditions'];
  return Array.isArray(conditions) && conditions.some((c) => rec(c)['type'] === 'Ready' && rec(c)['status'] === 'True');
}

/**
 * Evicts `namespace/name` with `options` (dryRun included); throws the StatusError the apiserver
 * answers with when the eviction is refused.
 */
export function evictPod(store: ObjectStore, namespace: string | undefined, name: string, options: DeleteOptions): void {
  const pod = store.get(PODS, namespace, name);
  if (canIgnoreBudget(pod)) return deleteWithCondition(store, pod, options);
  const budgets = store.list(PDBS, { namespace }).items.filter((pdb) => selectsPod(pdb, pod));
  if (budgets.length > 1) throw multipleBudgets();
  const pdb = budgets[0];
  if (pdb && !unhealthyMayGo(pdb, pod)) checkAndDecrement(store, pdb, name, options.dryRun === true);
  deleteWithCondition(store, pod, options);
}

/** An unready pod may go without spending the budget when the policy or the healthy count allows it. */
function unhealthyMayGo(pdb: KubeObject, pod: KubeObject): boolean {
  if (isReady(pod)) return false;
  if (rec(pdb['spec'])['unhealthyPodEvictionPolicy'] === 'AlwaysAllow') return true;
  const status = rec(pdb['status']);
  return num(status['currentHealthy']) >= num(status['desiredHealthy']) && num(status['desiredHealthy']) > 0;
}

function checkAndDecrement(store: ObjectStore, pdb: KubeObject, podName: string, dryRun: boolean): void {
  const status = structuredClone(rec(pdb['status']));
  const name = pdb.metadata.name;
  if (num(status['observedGeneration']) < (pdb.metadata.generation ?? 0)) {
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);
  }
  const allowed = num(status['disruptionsAllowed']);
  if (allowed < 0) throw forbidden(PDB_SINGULAR, name, 'pdb disruptions allowed is negative');
  const disrupted = rec(status['disruptedPods']);
  if (Object.keys(disrupted).length > MAX_DISRUPTED_PODS) {
    throw forbidden(PDB_SINGULAR, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${num(status['desiredHealthy'])} healthy pods and has ${num(status['currentHealthy'])} currently`, 0);
  }
  status['disruptionsAllowed'] = allowed - 1;
  if (allowed - 1 === 0) setDisruptionAllowed(status, num(status['observedGeneration']), store.now());
  if (dryRun) return;
  status['disruptedPods'] = { ...disrupted, [podName]: store.now().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  // The stored resourceVersion makes a concurrent change of the budget a Conflict, as the real update.
  store.update(PDBS, { ...structuredClone(pdb), status }, { namespace: pdb.metadata.namespace, name, subresource: 'status' });
}

/** Marks the pod DisruptionTarget (EvictionByEvictionAPI) unless dry-run, then deletes it. */
function deleteWithCondition(store: ObjectStore, pod: KubeObject, options: DeleteOptions): void {
  const { namespace, name } = pod.metadata;
  const pre = options.preconditions;
  const stale = (pre?.uid !== undefined && pre.uid !== pod.metadata.uid)
    || (pre?.resourceVersion !== undefined && pre.resourceVersion !== pod.metadata.resourceVersion);
  // A stale precondition fails in the delete with the store's own Conflict.
  if (options.dryRun || stale) {
    store.delete(PODS, namespace, name, options);
    return;
  }
  const marked = withDisruptionTarget(store, pod);
  // The condition write moved the resourceVersion the caller asked for: follow it, as the handler does.
  const preconditions = pre?.resourceVersion !== undefined ? { ...pre, resourceVersion: marked.metadata.resourceVersion ?? '' } : pre;
  store.delete(PODS, namespace, name, { ...options, ...(preconditions !== undefined && { preconditions }) });
}

function withDisruptionTarget(store: ObjectStore, pod: KubeObject): KubeObject {
  const status = structuredClone(rec(pod['status']));
  const conditions = (Array.isArray(status['conditions']) ? status['conditions'] : []) as Obj[];
  const previous = conditions.find((c) => c['type'] === 'DisruptionTarget');
  if (previous?.['status'] === 'True' && previous['reason'] === 'EvictionByEvictionAPI') return pod;
  const condition = {
    type: 'DisruptionTarget', status: 'True', lastProbeTime: null,
    lastTransitionTime: store.now().toISOString().replace(/\.\d{3}Z$/, 'Z'), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting',
  };
  status['conditions'] = [...conditions.filter((c) => c !== previous), condition];
  return store.update(PODS, { ...structuredClone(pod), status }, { namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: 'status' });
}

/**
 * The POST body of `pods/NAME/eviction` checked as the apiserver checks it, then the eviction.
 * @example evictFromRequest(store, 'default', 'web-1', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1' } }, query);
 */
export function evictFromRequest(store: ObjectStore, namespace: string | undefined, name: string, body: unknown, query: URLSearchParams): void {
  const e = rec(body) as { kind?: unknown; metadata?: { name?: unknown }; deleteOptions?: unknown };
  if (e.kind !== undefined && e.kind !== 'Eviction') throw badRequest(`${String(e.kind)} in version "v1" cannot be handled as a Eviction`);
  const evictedName = e.metadata?.name;
  if (evictedName !== undefined && evictedName !== name) {
    throw invalid({ ...PODS, group: 'policy', kind: 'Eviction' }, String(evictedName), [invalidValue('metadata.name', evictedName, 'name in URL does not match name in Eviction object')]);
  }
  evictPod(store, namespace, name, deleteOptions(query, e.deleteOptions));
}
