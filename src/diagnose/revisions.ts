/**
 * A Deployment's revisions: the ReplicaSets it owns, ranked by the `deployment.kubernetes.io/revision`
 * annotation the deployment controller sets, and which of them served and so can be rolled back to.
 */
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import type { KubeObject, ReplicaSet } from '../cluster/objects.js';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** The revision a ReplicaSet (or Deployment) carries in its annotation; 0 when absent (revisions start at 1). */
export function revisionOf(obj: KubeObject): number {
  const value = Number(obj.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isFinite(value) ? value : 0;
}

/** The ReplicaSets a Deployment owns, oldest revision first. */
export function replicaSetsOf(graph: ClusterGraph, deployment: KubeObject): Obj<ReplicaSet>[] {
  return graph.ownedBy(deployment)
    .filter((o): o is Obj<ReplicaSet> => o.kind === 'ReplicaSet')
    .sort((a, b) => revisionOf(a) - revisionOf(b));
}

/** The ReplicaSet with the highest revision below `current`'s, among `sets` (sorted by revision). */
export function previousReplicaSet(sets: readonly Obj<ReplicaSet>[], current: KubeObject): Obj<ReplicaSet> | undefined {
  const revision = revisionOf(current);
  let previous: Obj<ReplicaSet> | undefined;
  for (const rs of sets) if (rs !== current && revisionOf(rs) < revision) previous = rs;
  return previous;
}

/** True when a ReplicaSet had (still has) replicas that served: a revision worth rolling back to. */
export function servedReplicas(rs: Obj<ReplicaSet>): boolean {
  return (rs.status?.availableReplicas ?? 0) > 0 || (rs.status?.readyReplicas ?? 0) > 0;
}
