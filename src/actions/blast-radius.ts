/**
 * The blast radius of a plan: what it changes and what that disturbs, computed from the cluster
 * graph (and refined by the server's answer to a dry-run of the same write, when there is one).
 * Shown before every action, and bounded by the policy.
 */
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import { keyOf, refOf, type Ingress, type KubeObject, type ObjectRef, type Pod, type Service } from '../cluster/objects.js';
import { selectorMatches } from '../cluster/selectors.js';
import type { ActionPlan } from '../diagnose/plan.js';
import { desiredReplicas, rolloutBounds, scaledValue } from './rollout-strategy.js';

export interface BlastRadius {
  /** Objects the write changes (or creates, or deletes). */
  objects: ObjectRef[];
  /** Pods stopped and replaced, or removed, by the change. */
  podsRestarted: number;
  /** In the worst case, replicas unavailable at once while the change rolls out. */
  maxUnavailable: number;
  /** Replicas the workload runs now: what {@link maxUnavailable} is a fraction of (0 when none). */
  replicas: number;
  /** Services whose endpoints lose or change pods, and Ingresses routing to them (or to a changed Service). */
  services: ObjectRef[];
  namespaces: string[];
  /** PodDisruptionBudgets whose allowed disruptions the change exceeds. */
  disruptionBudgetsBroken: ObjectRef[];
  /** How each number was reached, for a person reading the radius. */
  notes: string[];
}

/** The parts of a dry-run's answer the radius uses. */
export interface DryRunView {
  /** The object as the server would store it after the write. */
  object?: KubeObject;
}

type PodObj = Obj<Pod>;

/** @example const radius = blastRadius(graph, plan, { object: dryRunAnswer }); */
export function blastRadius(graph: ClusterGraph, plan: ActionPlan, dryRun: DryRunView = {}): BlastRadius {
  const target = graph.get(plan.target.kind, plan.target.namespace, plan.target.name);
  const radius: BlastRadius = {
    objects: [plan.target], podsRestarted: 0, maxUnavailable: 0, replicas: 0, services: [],
    namespaces: plan.target.namespace ? [plan.target.namespace] : [], disruptionBudgetsBroken: [], notes: [],
  };
  if (!target) {
    radius.notes.push(plan.verb === 'apply' ? `${plan.target.kind} ${plan.target.name} does not exist yet: applying creates it` : `${plan.target.kind} ${plan.target.name} is not in the cluster`);
    return radius;
  }
  const disrupted = disruptedPods(graph, plan, target, dryRun, radius);
  radius.services = touchedServices(graph, plan, target, disrupted.pods);
  radius.disruptionBudgetsBroken = brokenBudgets(graph, disrupted.pods, disrupted.atOnce, radius.notes);
  return radius;
}

/** The pods the change stops, and how many of them at once. */
function disruptedPods(graph: ClusterGraph, plan: ActionPlan, target: KubeObject, dryRun: DryRunView, radius: BlastRadius): { pods: PodObj[]; atOnce: number } {
  const none = { pods: [], atOnce: 0 };
  switch (plan.verb) {
    case 'delete-pod': {
      radius.podsRestarted = 1;
      radius.maxUnavailable = 1;
      radius.notes.push(`pod ${target.metadata.name} stops; its controller, if any, creates a replacement`);
      return { pods: target.kind === 'Pod' ? [target as PodObj] : [], atOnce: 1 };
    }
    case 'cordon':
    case 'uncordon': {
      const running = target.kind === 'Node' ? graph.podsOnNode(target.metadata.name).length : 0;
      radius.notes.push(`no pod restarts: the ${running} pod(s) on ${target.metadata.name} keep running; only where new pods go changes`);
      return none;
    }
    case 'scale': return scaledDown(graph, plan, target, radius);
    default: return templateChange(graph, plan, target, dryRun, radius);
  }
}

function livePods(graph: ClusterGraph, workload: KubeObject): PodObj[] {
  return graph.podsOf(workload).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

function scaledDown(graph: ClusterGraph, plan: ActionPlan, target: KubeObject, radius: BlastRadius): { pods: PodObj[]; atOnce: number } {
  const current = desiredReplicas(target);
  const wanted = (plan.change as { replicas?: unknown } | undefined)?.replicas;
  radius.replicas = current;
  if (typeof wanted !== 'number' || wanted >= current) {
    radius.notes.push(`scaling from ${current} to ${String(wanted)} replicas removes no pod`);
    return { pods: [], atOnce: 0 };
  }
  const removed = current - wanted;
  radius.podsRestarted = removed;
  radius.maxUnavailable = removed;
  radius.notes.push(`scaling from ${current} to ${wanted} removes ${removed} pod(s) at once`);
  const pods = livePods(graph, target);
  return { pods: pods.slice(0, removed), atOnce: removed };
}

function templateChange(graph: ClusterGraph, plan: ActionPlan, target: KubeObject, dryRun: DryRunView, radius: BlastRadius): { pods: PodObj[]; atOnce: number } {
  const changes = changesTemplate(plan, target, dryRun.object);
  if (!changes) {
    radius.notes.push(dryRun.object ? 'the server\'s dry-run shows the pod template unchanged: no pod restarts' : 'the change does not touch a pod template: no pod restarts');
    return { pods: [], atOnce: 0 };
  }
  const pods = livePods(graph, target);
  // The rollout follows the object as it will be: a patch that also switches to Recreate takes every pod down.
  const after = dryRun.object ?? target;
  const bounds = rolloutBounds(after, pods.length);
  radius.replicas = target.kind === 'DaemonSet' ? pods.length : desiredReplicas(after);
  radius.notes.push(bounds.rule);
  if (!bounds.replacesPods) return { pods: [], atOnce: 0 };
  radius.podsRestarted = target.kind === 'DaemonSet' ? pods.length : Math.max(pods.length, radius.replicas);
  radius.maxUnavailable = bounds.maxUnavailable;
  return { pods, atOnce: bounds.maxUnavailable };
}

/**
 * Whether the write changes the pod template: from the dry-run's answer when there is one (the server
 * applied the patch), else from the patch itself. Undo and restart always do.
 */
function changesTemplate(plan: ActionPlan, target: KubeObject, after: KubeObject | undefined): boolean {
  if (!['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(target.kind)) return false;
  if (plan.verb === 'restart' || plan.verb === 'rollout-undo') return true;
  if (after) return JSON.stringify(templateOf(after)) !== JSON.stringify(templateOf(target));
  if (plan.verb === 'apply') return templateOf(plan.change) !== undefined;
  const change = plan.change as { type?: string; patch?: unknown } | undefined;
  if (change?.type === 'json') return Array.isArray(change.patch) && change.patch.some((op) => String((op as { path?: unknown }).path ?? '').startsWith('/spec/template'));
  return templateOf(change?.patch) !== undefined;
}

function templateOf(obj: unknown): unknown {
  return (obj as { spec?: { template?: unknown } } | undefined)?.spec?.template;
}

/** Services whose selected pods change, and the Ingresses that route to them or to a changed Service. */
function touchedServices(graph: ClusterGraph, plan: ActionPlan, target: KubeObject, pods: PodObj[]): ObjectRef[] {
  const namespace = target.metadata.namespace ?? '';
  const services = new Map<string, Obj<Service>>();
  if (target.kind === 'Service') services.set(target.metadata.name, target as Obj<Service>);
  for (const pod of pods) for (const svc of graph.servicesSelecting(pod)) services.set(svc.metadata.name, svc);
  // A workload without running pods still backs the Services that select its template's labels.
  const labels = (templateOf(target) as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels;
  if (labels && plan.verb !== 'cordon' && plan.verb !== 'uncordon' && pods.length === 0 && plan.verb !== 'scale') {
    for (const svc of graph.ofKindIn<Service>('Service', namespace)) if (svc.spec?.selector && selectorMatches(svc.spec.selector, labels)) services.set(svc.metadata.name, svc);
  }
  const refs: ObjectRef[] = [...services.values()].map(refOf);
  for (const ing of graph.ofKindIn<Ingress>('Ingress', namespace)) {
    const routes = graph.ingressBackends(ing).some((b) => services.has(b.serviceName));
    if (routes || (target.kind === 'Ingress' && target.metadata.name === ing.metadata.name)) refs.push(refOf(ing));
  }
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(keyOf(r)) && seen.add(keyOf(r)));
}

interface Budget {
  metadata: { name: string; namespace?: string };
  spec?: { selector?: Parameters<typeof selectorMatches>[0]; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptionsAllowed?: number };
}

/**
 * PodDisruptionBudgets the change breaks: those whose pods go down more at once than the budget
 * allows. A rollout does not go through eviction, so the budget would not stop it: it is reported.
 */
function brokenBudgets(graph: ClusterGraph, pods: PodObj[], atOnce: number, notes: string[]): ObjectRef[] {
  if (pods.length === 0 || atOnce === 0) return [];
  const namespace = pods[0]!.metadata.namespace ?? '';
  const broken: ObjectRef[] = [];
  for (const pdb of graph.ofKindIn<Budget>('PodDisruptionBudget', namespace)) {
    const covered = pods.filter((p) => selectorMatches(pdb.spec?.selector, p.metadata.labels));
    if (covered.length === 0) continue;
    const allowed = disruptionsAllowed(graph, pdb, namespace);
    const down = Math.min(atOnce, covered.length);
    if (down > allowed) {
      broken.push(refOf(pdb as unknown as KubeObject));
      notes.push(`PodDisruptionBudget ${pdb.metadata.name} allows ${allowed} disruption(s); the change takes down ${down} of its pods at once`);
    }
  }
  return broken;
}

/** The budget's own count when its controller wrote one; else computed as the disruption controller does. */
function disruptionsAllowed(graph: ClusterGraph, pdb: Budget, namespace: string): number {
  if (typeof pdb.status?.disruptionsAllowed === 'number') return pdb.status.disruptionsAllowed;
  const pods = graph.podsIn(namespace).filter((p) => selectorMatches(pdb.spec?.selector, p.metadata.labels) && !p.metadata.deletionTimestamp);
  const healthy = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  const expected = pods.length;
  let desiredHealthy = 0;
  if (pdb.spec?.minAvailable !== undefined) desiredHealthy = scaledValue(pdb.spec.minAvailable, expected, true) ?? expected;
  else if (pdb.spec?.maxUnavailable !== undefined) desiredHealthy = expected - (scaledValue(pdb.spec.maxUnavailable, expected, true) ?? 0);
  return Math.max(0, healthy - desiredHealthy);
}
