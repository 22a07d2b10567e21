/**
 * RolloutStuck: a Deployment, StatefulSet or DaemonSet whose rollout cannot complete. The rollout is
 * the symptom: the new revision's pods fail (their own findings, from the pod analyzers, group with
 * this one through the workload and become the incident's cause), cannot be placed, or the controller
 * gave up waiting (`ProgressDeadlineExceeded`), or someone paused it. Pods that admission refuses
 * are not a lack of capacity: AdmissionRefused names that cause, and the rollout stays its symptom.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { CoreEvent, DaemonSet, Deployment, KubeObject, ReplicaSet, StatefulSet } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { millisOf } from '../../cluster/time.js';
import type { Analyzer } from '../analyzer.js';
import { finding } from '../analyzer.js';
import { parseAdmissionRefusal } from '../admission-refusal.js';
import type { Category, Evidence, Finding, Severity } from '../finding.js';
import { eventEvidence, eventsWithReason, statusEvidence } from '../evidence.js';
import { patchObject, rolloutUndo } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { containersOf, describeTermination, describeWaiting, isPodReady, isTerminating, podCondition, type PodObj } from '../pod-state.js';
import { previousReplicaSet, replicaSetsOf, revisionOf, servedReplicas } from '../revisions.js';

type RolloutCategory = Category<'RolloutStuck'>;

/** The deployment controller's default `progressDeadlineSeconds`. */
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/**
 * How long a new pod may stay unschedulable, or a ReplicaSet keep failing to create pods, before the
 * rollout counts as blocked even though the progress deadline has not passed: the scheduler and the
 * controller retry, and a few minutes of that is a normal part of a rollout.
 */
const CAPACITY_GRACE_MS = 5 * 60_000;

/**
 * Waiting reasons that no amount of waiting resolves: the pod needs a change to run. A rollout whose
 * new pods show one of these is stuck before its deadline says so.
 */
const HARD_WAITING_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'PreStartHookError',
  'PostStartHookError',
]);

/** What is wrong with one pod of the new revision, quoted for evidence. */
interface PodTrouble {
  pod: PodObj;
  kind: 'failing' | 'pending';
  /** A failure that waiting does not fix (crash loop, image pull, config error). */
  hard: boolean;
  /** Only for pending pods: how long they have waited, in ms. */
  waitedMs: number;
  evidence: Evidence[];
  summary: string;
}

export const rolloutStuckAnalyzer: Analyzer = {
  mode: 'RolloutStuck',
  description: 'Rollouts that cannot complete: failing new replicas, no room for them, an exceeded progress deadline, or a pause',
  analyze(graph: ClusterGraph): Finding[] {
    return [
      ...graph.ofKind<Deployment>('Deployment').flatMap((d) => analyzeDeployment(graph, d) ?? []),
      ...graph.ofKind<StatefulSet>('StatefulSet').flatMap((s) => analyzeStatefulSet(graph, s) ?? []),
      ...graph.ofKind<DaemonSet>('DaemonSet').flatMap((ds) => analyzeDaemonSet(graph, ds) ?? []),
    ];
  },
};

// ---------------------------------------------------------------------------------------------------
// Deployments

interface NewRevision {
  name?: string;
  replicaSet?: Obj<ReplicaSet>;
  previous?: Obj<ReplicaSet>;
  pods: PodObj[];
}

function analyzeDeployment(graph: ClusterGraph, d: Obj<Deployment>): Finding | undefined {
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  const deadlineExceeded = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
  const paused = d.spec?.paused === true;
  const complete = rolloutComplete(d);
  if (complete && !deadlineExceeded && !paused) return undefined;
  // The controller says the current revision finished rolling out: a replica failing since then is
  // that pod's problem (its own analyzer reports it), not a stuck rollout.
  if (progressing?.reason === 'NewReplicaSetAvailable' && progressing.status === 'True' && !paused) return undefined;

  const revision = newRevisionOf(graph, d, progressing?.message);
  const troubles = revision.pods.map((p) => podTrouble(graph, p)).filter((t): t is PodTrouble => t !== undefined);
  const failing = troubles.filter((t) => t.kind === 'failing');
  const pending = troubles.filter((t) => t.kind === 'pending');
  const allCreateFailures = revision.replicaSet ? eventsWithReason(graph, refOf(revision.replicaSet), ['FailedCreate']) : [];
  // Admission refusing the pods (a webhook, PodSecurity, ...) is no lack of room: AdmissionRefused reports it.
  const refusal = refusedAtAdmission(allCreateFailures);
  const createFailures = refusal ? [] : allCreateFailures;
  const blockedCapacity = pending.some((t) => t.waitedMs >= CAPACITY_GRACE_MS) || persistentCreateFailure(graph, createFailures);

  let category: RolloutCategory;
  if (failing.length && (deadlineExceeded || (!complete && failing.some((t) => t.hard)))) category = 'new-replicas-failing';
  else if ((pending.length || createFailures.length) && (deadlineExceeded || (!complete && blockedCapacity))) category = 'insufficient-capacity';
  else if (deadlineExceeded) category = 'progress-deadline-exceeded';
  else if (paused) category = 'paused';
  else return undefined;

  const evidence: Evidence[] = [];
  if (progressing && (deadlineExceeded || paused)) evidence.push(conditionEvidence(d, progressing));
  evidence.push(statusEvidence(d, 'status', replicaLine(d)));
  if (paused) evidence.push(statusEvidence(d, 'spec.paused', 'paused: true'));
  // A paused Deployment creates no ReplicaSet for its new template: its newest one is not the rollout's.
  const rsEvidence = category === 'paused' ? undefined : newReplicaSetEvidence(d, revision);
  if (rsEvidence) evidence.push(rsEvidence);
  const trouble = category === 'new-replicas-failing' ? failing[0] : category === 'insufficient-capacity' ? pending[0] : undefined;
  if (trouble) evidence.push(...trouble.evidence);
  if (category === 'insufficient-capacity' && !trouble && createFailures.length) evidence.push(eventEvidence(createFailures[createFailures.length - 1]!));
  if (category === 'progress-deadline-exceeded' && refusal) evidence.push(eventEvidence(refusal));

  const ref = refOf(d);
  const available = d.status?.availableReplicas ?? 0;
  return finding({
    mode: 'RolloutStuck', category, subject: ref, culprit: ref,
    explanation: deploymentExplanation(category, d, revision, trouble, failing.length, pending.length, createFailures, refusal),
    evidence,
    confidence: deploymentConfidence(category, deadlineExceeded),
    severity: category === 'paused' ? pausedSeverity(d, complete) : available > 0 ? 'warning' : 'critical',
    fixes: deploymentFixes(category, d, revision, trouble),
  });
}

/** `kubectl rollout status` says done: every replica updated, available, and no old one left. */
function rolloutComplete(d: Obj<Deployment>): boolean {
  const status = d.status ?? {};
  if ((status.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return false;
  const desired = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  return updated >= desired && (status.replicas ?? 0) <= updated && (status.availableReplicas ?? 0) >= updated;
}

/**
 * The newest ReplicaSet (highest revision), its predecessor, and its pods. Without ReplicaSets in the
 * snapshot (describe text), the name comes from the Progressing condition and the pods from the
 * `pod-template-hash` label the name ends with.
 */
function newRevisionOf(graph: ClusterGraph, d: Obj<Deployment>, progressMessage: string | undefined): NewRevision {
  const sets = replicaSetsOf(graph, d);
  const newest = sets[sets.length - 1];
  if (newest && sets.filter((rs) => revisionOf(rs) === revisionOf(newest)).length > 1) return unrankedRevision(graph, sets);
  if (newest) {
    const previous = previousReplicaSet(sets, newest);
    return { name: newest.metadata.name, replicaSet: newest, pods: graph.podsOf(newest), ...(previous ? { previous } : {}) };
  }
  const name = /ReplicaSet "([^"]+)"/.exec(progressMessage ?? '')?.[1];
  if (!name) return { pods: [] };
  const prefix = `${d.metadata.name}-`;
  const selector = d.spec?.selector?.matchLabels;
  if (!name.startsWith(prefix) || !selector) return { name, pods: [] };
  const hash = name.slice(prefix.length);
  return { name, pods: graph.podsSelectedBy({ ...selector, 'pod-template-hash': hash }, d.metadata.namespace) };
}

/**
 * ReplicaSets without distinct revision annotations (read from describe text, which names them but
 * not their revisions) cannot be ranked: the pods of all of them are looked at, and the new one is named only
 * when the pods' trouble points at it.
 */
function unrankedRevision(graph: ClusterGraph, sets: Obj<ReplicaSet>[]): NewRevision {
  const pods = sets.flatMap((rs) => graph.podsOf(rs));
  const troubled = pods.find((p) => podTrouble(graph, p) !== undefined);
  const owner = troubled ? sets.find((rs) => graph.owner(troubled) === rs) : undefined;
  return owner ? { name: owner.metadata.name, replicaSet: owner, pods } : { pods };
}

/** The newest create failure when it is an admission refusal (see ../admission-refusal.ts). */
function refusedAtAdmission(events: Obj<CoreEvent>[]): Obj<CoreEvent> | undefined {
  const last = events[events.length - 1];
  return last?.message && parseAdmissionRefusal(last.message) ? last : undefined;
}

function persistentCreateFailure(graph: ClusterGraph, events: Obj<CoreEvent>[]): boolean {
  const last = events[events.length - 1];
  if (!last) return false;
  const first = events[0]!;
  // Since the first failure; an event with no time at all counts as old enough.
  const since = millisOf(first.firstTimestamp) ?? graph.eventTime(first) ?? millisOf(first.metadata.creationTimestamp) ?? 0;
  return (last.count ?? 1) > 1 && graph.now.getTime() - since >= CAPACITY_GRACE_MS;
}

function conditionEvidence(obj: KubeObject, c: { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string }): Evidence {
  const quote = `${c.type} ${c.status} ${c.reason ?? ''}${c.message ? `: ${c.message}` : ''}`;
  return statusEvidence(obj, `status.conditions[${c.type}]`, quote, c.lastUpdateTime);
}

/** The `Replicas:` line of `kubectl describe deployment`. */
function replicaLine(d: Obj<Deployment>): string {
  const s = d.status ?? {};
  return `Replicas: ${d.spec?.replicas ?? 1} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | `
    + `${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`;
}

/** The `NewReplicaSet:` line of `kubectl describe deployment`, with the revision. */
function newReplicaSetEvidence(d: Obj<Deployment>, revision: NewRevision): Evidence | undefined {
  const rs = revision.replicaSet;
  if (rs) {
    const created = `${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created`;
    const revision = revisionOf(rs) ? `, revision ${revisionOf(rs)}` : '';
    return statusEvidence(rs, 'metadata.annotations', `NewReplicaSet: ${rs.metadata.name} (${created})${revision}`);
  }
  return revision.name ? statusEvidence(d, 'status', `NewReplicaSet: ${revision.name}`) : undefined;
}

function deploymentConfidence(category: RolloutCategory, deadlineExceeded: boolean): number {
  if (category === 'paused') return 0.95;
  if (category === 'progress-deadline-exceeded') return 0.6;
  return deadlineExceeded ? 0.9 : 0.85;
}

function pausedSeverity(d: Obj<Deployment>, complete: boolean): Severity {
  if (complete) return 'info';
  return (d.status?.availableReplicas ?? 0) > 0 ? 'warning' : 'critical';
}

function deploymentExplanation(
  category: RolloutCategory, d: Obj<Deployment>, revision: NewRevision, trouble: PodTrouble | undefined,
  failingCount: number, pendingCount: number, createFailures: Obj<CoreEvent>[], refusal: Obj<CoreEvent> | undefined,
): string {
  const name = `deployment/${d.metadata.name}`;
  const number = revision.replicaSet ? revisionOf(revision.replicaSet) : 0;
  const rs = revision.name ? `ReplicaSet ${revision.name}${number ? ` (revision ${number})` : ''}` : 'the new ReplicaSet';
  const serving = `${d.status?.availableReplicas ?? 0} of ${d.spec?.replicas ?? 1} replicas available`;
  switch (category) {
    case 'new-replicas-failing':
      return `The rollout of ${name} cannot complete: ${failingCount} pod(s) of ${rs} fail (${trouble?.summary ?? 'see evidence'}), `
        + `so the controller will not replace the remaining old replicas (${serving}). The pods' own failure is the root cause.`;
    case 'insufficient-capacity':
      return `The rollout of ${name} is blocked: ${pendingCount ? `${pendingCount} pod(s) of ${rs} cannot be scheduled (${trouble?.summary ?? 'unschedulable'})` : `${rs} cannot create pods (${createFailures[createFailures.length - 1]?.message ?? 'FailedCreate'})`}; `
        + `the cluster has no room for the new replicas (${serving}). Free or add capacity, or lower the requests.`;
    case 'progress-deadline-exceeded':
      if (refusal) {
        return `The controller gave up on the rollout of ${name}: ${rs} made no progress within ${deadlineText(d)} (${serving}) `
          + 'because the API server refuses its pods at admission; the AdmissionRefused finding names what refuses them.';
      }
      return `The controller gave up on the rollout of ${name}: ${rs} made no progress within ${deadlineText(d)} `
        + `(${serving}), and no failing or unschedulable pod of it is visible in the snapshot. Look at its pods' events and readiness.`;
    case 'paused':
      return rolloutComplete(d)
        ? `${name} is paused: changes to its pod template will not roll out until it is resumed.`
        : `${name} is paused halfway through a rollout (${d.status?.updatedReplicas ?? 0} of ${d.spec?.replicas ?? 1} replicas updated, ${serving}): the rest will not roll out until it is resumed.`;
    default:
      return `The rollout of ${name} is stuck.`;
  }
}

function deadlineText(d: Obj<Deployment>): string {
  const seconds = d.spec?.progressDeadlineSeconds;
  return seconds !== undefined ? `${seconds}s` : `its progress deadline (${DEFAULT_PROGRESS_DEADLINE_SECONDS}s unless set otherwise)`;
}

function deploymentFixes(category: RolloutCategory, d: Obj<Deployment>, revision: NewRevision, trouble: PodTrouble | undefined): ActionPlan[] {
  const ref = refOf(d);
  if (category === 'paused') {
    return [patchObject(ref, { spec: { paused: false } }, { spec: { paused: true } }, `resume the rollout of deployment/${d.metadata.name}`,
      'the Deployment is paused (spec.paused: true); resuming lets the controller finish the rollout')];
  }
  if (category !== 'new-replicas-failing' && category !== 'progress-deadline-exceeded') return [];
  const previous = revision.previous;
  if (!previous || !servedReplicas(previous)) return [];
  const why = trouble ? `: ${trouble.summary}` : ' within its progress deadline';
  return [rolloutUndo(ref, `the new revision ${revision.replicaSet ? revisionOf(revision.replicaSet) : ''}`.trimEnd() + ` fails${why}; `
    + `revision ${revisionOf(previous)} (ReplicaSet ${previous.metadata.name}) still has available replicas`, revisionOf(previous))];
}

// ---------------------------------------------------------------------------------------------------
// Pods of the new revision

function podTrouble(graph: ClusterGraph, pod: PodObj): PodTrouble | undefined {
  if (isTerminating(pod) || pod.status?.phase === 'Succeeded') return undefined;
  const scheduled = podCondition(pod, 'PodScheduled');
  if (scheduled?.status === 'False') return pendingTrouble(graph, pod, scheduled);
  for (const view of containersOf(pod)) {
    const state = view.status?.state;
    const waiting = state?.waiting;
    if (waiting?.reason && HARD_WAITING_REASONS.has(waiting.reason)) {
      const last = view.status?.lastState?.terminated;
      const evidence = [statusEvidence(pod, `${view.statusPath}.state`, `State: ${describeWaiting(waiting)}`)];
      if (last) evidence.push(statusEvidence(pod, `${view.statusPath}.lastState`, `Last State: ${describeTermination(last)}`, last.finishedAt));
      return { pod, kind: 'failing', hard: true, waitedMs: 0, evidence, summary: `pod ${pod.metadata.name}: container ${view.spec.name} ${waiting.reason}` };
    }
    const terminated = state?.terminated;
    if (terminated && terminated.exitCode !== 0 && pod.spec?.restartPolicy !== 'Never') {
      return {
        pod, kind: 'failing', hard: true, waitedMs: 0,
        evidence: [statusEvidence(pod, `${view.statusPath}.state`, `State: ${describeTermination(terminated)}`, terminated.finishedAt)],
        summary: `pod ${pod.metadata.name}: container ${view.spec.name} exited with code ${terminated.exitCode}`,
      };
    }
  }
  if (pod.status?.phase === 'Running' && !isPodReady(pod)) {
    const unhealthy = eventsWithReason(graph, refOf(pod), ['Unhealthy']);
    const last = unhealthy[unhealthy.length - 1];
    if (last) {
      return {
        pod, kind: 'failing', hard: false, waitedMs: 0, evidence: [eventEvidence(last)],
        summary: `pod ${pod.metadata.name} never becomes ready: ${last.message ?? 'probe failing'}`,
      };
    }
  }
  return undefined;
}

function pendingTrouble(graph: ClusterGraph, pod: PodObj, scheduled: { reason?: string; message?: string }): PodTrouble {
  const events = eventsWithReason(graph, refOf(pod), ['FailedScheduling']);
  const last = events[events.length - 1];
  const created = Date.parse(pod.metadata.creationTimestamp ?? '');
  const waitedMs = Number.isNaN(created) ? 0 : graph.now.getTime() - created;
  const message = last?.message ?? scheduled.message ?? scheduled.reason ?? 'unschedulable';
  const evidence = last ? [eventEvidence(last)] : [statusEvidence(pod, 'status.conditions[PodScheduled]', `PodScheduled False ${scheduled.reason ?? ''}: ${scheduled.message ?? ''}`)];
  return { pod, kind: 'pending', hard: false, waitedMs, evidence, summary: `pod ${pod.metadata.name}: ${message}` };
}

// ---------------------------------------------------------------------------------------------------
// StatefulSets and DaemonSets

function analyzeStatefulSet(graph: ClusterGraph, s: Obj<StatefulSet>): Finding | undefined {
  const status = s.status;
  if (!status?.updateRevision || !status.currentRevision || status.updateRevision === status.currentRevision) return undefined;
  const pods = graph.podsOf(s);
  const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === status.updateRevision);
  const trouble = firstHardFailure(graph, updated);
  if (!trouble) return undefined;
  const ref = refOf(s);
  const current = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === status.currentRevision);
  const fixes = current.some(isPodReady)
    ? [rolloutUndo(ref, `the update revision ${status.updateRevision} fails: ${trouble.summary}; pods of revision ${status.currentRevision} still serve `
      + '(with podManagementPolicy OrderedReady, the failing pod must then be deleted for the controller to recreate it at the old revision)')]
    : [];
  return finding({
    mode: 'RolloutStuck', category: 'new-replicas-failing', subject: ref, culprit: ref,
    explanation: `The rolling update of statefulset/${s.metadata.name} to revision ${status.updateRevision} cannot continue: ${trouble.summary}. `
      + `The controller updates one pod at a time and waits for it to be ready (${status.readyReplicas ?? 0} of ${s.spec?.replicas ?? 1} ready).`,
    evidence: [
      statusEvidence(s, 'status', `currentRevision: ${status.currentRevision}, updateRevision: ${status.updateRevision}, updatedReplicas: ${status.updatedReplicas ?? 0}, readyReplicas: ${status.readyReplicas ?? 0}`),
      ...trouble.evidence,
    ],
    confidence: 0.85,
    severity: (status.readyReplicas ?? 0) > 0 ? 'warning' : 'critical',
    fixes,
  });
}

function analyzeDaemonSet(graph: ClusterGraph, ds: Obj<DaemonSet>): Finding | undefined {
  const status = ds.status;
  if (!status || (status.numberUnavailable ?? 0) <= 0) return undefined;
  const pods = graph.podsOf(ds);
  const trouble = firstHardFailure(graph, pods);
  if (!trouble) return undefined;
  const failingHash = trouble.pod.metadata.labels?.['controller-revision-hash'];
  const oldReady = pods.filter((p) => isPodReady(p) && p.metadata.labels?.['controller-revision-hash'] !== failingHash);
  const updating = (status.updatedNumberScheduled ?? status.desiredNumberScheduled) < status.desiredNumberScheduled;
  // A failing pod whose revision is the same as every healthy pod's is a node's or a pod's problem, not a rollout's.
  if (!updating && oldReady.length === 0) return undefined;
  const ref = refOf(ds);
  return finding({
    mode: 'RolloutStuck', category: 'new-replicas-failing', subject: ref, culprit: ref,
    explanation: `The update of daemonset/${ds.metadata.name} leaves ${status.numberUnavailable} node(s) without a working pod: ${trouble.summary}.`,
    evidence: [
      statusEvidence(ds, 'status', `desiredNumberScheduled: ${status.desiredNumberScheduled}, updatedNumberScheduled: ${status.updatedNumberScheduled ?? 0}, numberAvailable: ${status.numberAvailable ?? 0}, numberUnavailable: ${status.numberUnavailable}`),
      ...trouble.evidence,
    ],
    confidence: 0.8,
    severity: (status.numberAvailable ?? 0) > 0 ? 'warning' : 'critical',
    fixes: oldReady.length ? [rolloutUndo(ref, `the new revision fails: ${trouble.summary}; pods of the previous revision still run`)] : [],
  });
}

function firstHardFailure(graph: ClusterGraph, pods: PodObj[]): PodTrouble | undefined {
  for (const pod of pods) {
    const t = podTrouble(graph, pod);
    if (t?.kind === 'failing' && t.hard) return t;
  }
  return undefined;
}

