/**
 * Grouping findings into incidents: findings linked through a shared culprit, a shared workload or a
 * related object form one incident (ten replicas crashing on one bad ConfigMap are one incident, a
 * node under memory pressure and the pods it evicted are one). Within an incident, the finding
 * nearest the root (a node before its evictions, a crash before the rollout it stalls) is the cause.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import { keyOf, type ObjectRef } from '../cluster/objects.js';
import { SEVERITY_RANK, type FailureMode, type Finding, type Incident } from './finding.js';
import { shortHash } from './plan.js';

/** Lower is nearer the root: when findings share a group, the lowest becomes the cause. */
const ROOTEDNESS: Record<FailureMode, number> = {
  NodeUnhealthy: 0,
  CreateContainerConfigError: 1, ImagePull: 1, VolumePending: 1,
  OOMKilled: 2, Pending: 2,
  CrashLoopBackOff: 3, ProbeFailure: 3,
  // After the pod failures: a webhook whose own pods crash refuses pods because of that crash.
  AdmissionRefused: 4,
  Evicted: 4, JobFailed: 5, RolloutStuck: 6, ServiceUnavailable: 7, ScalingBlocked: 8,
};

/** Evictions and node findings concern the node, not the workload the pod belongs to. */
const NODE_SCOPED: ReadonlySet<FailureMode> = new Set(['Evicted', 'NodeUnhealthy']);

export function groupIncidents(findings: Finding[], graph: ClusterGraph): Incident[] {
  const parent = findings.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owners = new Map<string, number>();
  findings.forEach((f, i) => {
    for (const key of linkKeys(f, graph)) {
      const j = owners.get(key);
      if (j === undefined) owners.set(key, i);
      else parent[find(i)] = find(j);
    }
  });

  const groups = new Map<number, Finding[]>();
  findings.forEach((f, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list) list.push(f);
    else groups.set(root, [f]);
  });

  const incidents = [...groups.values()].map((members) => {
    const [cause, ...symptoms] = [...members].sort(byRootedness);
    return { id: `inc-${shortHash(cause!.id)}`, cause: cause!, symptoms, affected: affectedBy(members) };
  });
  return incidents.sort(byImportance);
}

function linkKeys(f: Finding, graph: ClusterGraph): string[] {
  const keys = [keyOf(f.culprit)];
  for (const r of f.related ?? []) keys.push(keyOf(r), ...workloadsBehind(r, graph));
  if (NODE_SCOPED.has(f.mode)) return keys;
  if (f.subject.kind === 'Pod') {
    const pod = graph.resolve(f.subject);
    if (pod) keys.push(keyOf(graph.workloadOf(pod)));
  } else {
    keys.push(keyOf(f.subject));
  }
  return keys;
}

/**
 * A related Service stands for the workloads behind it: a checkout that fails because the payments
 * Service has no ready endpoints belongs to the incident of the payments pods' own failure.
 */
function workloadsBehind(ref: ObjectRef, graph: ClusterGraph): string[] {
  if (ref.kind !== 'Service') return [];
  const svc = graph.resolve(ref) as Obj<Service> | undefined;
  if (!svc) return [];
  return [...new Set(graph.servicePods(svc).map((pod) => keyOf(graph.workloadOf(pod))))];
}

function byRootedness(a: Finding, b: Finding): number {
  return Number(a.rootCause.category === 'unknown') - Number(b.rootCause.category === 'unknown')
    || ROOTEDNESS[a.mode] - ROOTEDNESS[b.mode]
    || b.confidence - a.confidence
    || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]
    || a.id.localeCompare(b.id);
}

/** The incident's severity is its most severe finding's. */
export function incidentSeverity(incident: Incident): Finding['severity'] {
  let best = incident.cause.severity;
  for (const s of incident.symptoms) if (SEVERITY_RANK[s.severity] > SEVERITY_RANK[best]) best = s.severity;
  return best;
}

function byImportance(a: Incident, b: Incident): number {
  return SEVERITY_RANK[incidentSeverity(b)] - SEVERITY_RANK[incidentSeverity(a)]
    || b.cause.confidence - a.cause.confidence
    || b.affected.length - a.affected.length
    || a.id.localeCompare(b.id);
}

function affectedBy(findings: Finding[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const f of findings) {
    for (const ref of [f.culprit, f.subject]) seen.set(keyOf(ref), ref);
  }
  return [...seen.values()];
}
