/**
 * RBAC at cluster start, as the apiserver's bootstrap-roles post-start hook: creates the default
 * ClusterRoles and ClusterRoleBindings that are missing (existing ones are left as they are),
 * fills the aggregated roles, and keeps aggregation running.
 */
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.js';
import { aggregateAll, startClusterRoleAggregation } from './cluster-role-aggregation.js';

const clusterRoles = lookupResource('clusterroles.rbac.authorization.k8s.io')!;
const clusterRoleBindings = lookupResource('clusterrolebindings.rbac.authorization.k8s.io')!;

function createMissing(store: ObjectStore, resource: typeof clusterRoles, objects: readonly object[]): void {
  for (const object of objects) {
    try {
      store.create(resource, object, { fieldManager: 'kube-apiserver' });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }
}

/** Creates the default policy and aggregates it, synchronously. */
export function bootstrapRbac(store: ObjectStore): void {
  createMissing(store, clusterRoles, bootstrapClusterRoles());
  createMissing(store, clusterRoleBindings, bootstrapClusterRoleBindings());
  aggregateAll(store);
}

/**
 * Bootstraps the default policy and starts ClusterRole aggregation; returns what stops it.
 * @example const stop = startRbac(store, clock); … stop();
 */
export function startRbac(store: ObjectStore, clock: SimClock): () => void {
  bootstrapRbac(store);
  return startClusterRoleAggregation(store, clock);
}
