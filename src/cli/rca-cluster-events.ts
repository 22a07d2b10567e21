/**
 * For `rca --prometheus --kubeconfig`: what the cluster says about the namespace's workloads during
 * the incident, read live and diagnosed: each finding (on its workload) and each rollout that began
 * in the window, as events the ranking weighs (rca/cluster-events.ts).
 */
import { ClusterGraph } from '../cluster/graph.js';
import { displayRef, refOf, type KubeObject } from '../cluster/objects.js';
import { diagnose } from '../diagnose/diagnose.js';
import type { ClusterEvent } from '../rca/cluster-events.js';
import { ApiClient } from '../sources/live/api-client.js';
import { loadKubeConfig, type KubeConfigChoice } from '../sources/live/kubeconfig.js';
import { loadLive } from '../sources/live/load-live.js';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** Findings of `namespace` now, and its rollouts of the last `windowSeconds` (by the cluster's clock), by workload name. */
export async function clusterEvents(choice: KubeConfigChoice, namespace: string, windowSeconds: number): Promise<ClusterEvent[]> {
  const snapshot = await loadLive(new ApiClient(loadKubeConfig(choice)), { namespace });
  const graph = new ClusterGraph(snapshot);
  const sinceUnix = graph.now.getTime() / 1000 - windowSeconds;
  const events: ClusterEvent[] = [];
  const workloadName = (obj: KubeObject | undefined): string | undefined => {
    if (!obj) return undefined;
    const workload = graph.workloadOf(obj);
    return WORKLOADS.has(workload.kind) ? workload.name : undefined;
  };
  for (const incident of diagnose(graph, { namespace }).incidents) {
    for (const f of [incident.cause, ...incident.symptoms]) {
      const component = WORKLOADS.has(f.culprit.kind) ? f.culprit.name : workloadName(graph.resolve(f.subject));
      if (component) events.push({ component, kind: 'finding', quote: `${f.mode}/${f.rootCause.category} on ${displayRef(f.subject)}` });
    }
  }
  for (const rs of graph.ofKindIn('ReplicaSet', namespace)) {
    const created = Date.parse(rs.metadata.creationTimestamp ?? '') / 1000;
    const revision = Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
    const component = workloadName(rs);
    // Revision 1 is the workload's creation, not a change.
    if (component && revision > 1 && created >= sinceUnix) {
      events.push({ component, kind: 'rollout', quote: `${displayRef(refOf(rs))} (revision ${revision}) created`, at: created });
    }
  }
  return events;
}
