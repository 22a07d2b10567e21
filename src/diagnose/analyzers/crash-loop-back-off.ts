/**
 * CrashLoopBackOff: a container the kubelet keeps restarting (waiting with reason CrashLoopBackOff, or
 * restarting repeatedly with `BackOff` events). The cause is read from what the crashed instance left:
 * its exit code and reason, its termination message, and the lines of its previous log
 * (`kubectl logs --previous`). Crash loops driven by OOM kills or SIGKILLs belong to the OOMKilled
 * analyzer, and liveness-probe kills to the ProbeFailure analyzer: they are left to them.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { ContainerStatus, CoreEvent, Deployment } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { millisOf } from '../../cluster/time.js';
import { finding, firstContainerFinding, type Analyzer } from '../analyzer.js';
import { eventEvidence, statusEvidence } from '../evidence.js';
import { diagnoseExit, isKill, probeKillEvent, reportedKill, terminationPath, type ExitDiagnosis } from '../exit-cause.js';
import type { Evidence, Finding } from '../finding.js';
import { rolloutUndo } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import {
  describeTermination, describeWaiting, isPodFinished, isPodReady, isTerminating, podSeverity, someContainerStatus, troubledPods,
  type ContainerView, type PodObj, type Termination,
} from '../pod-state.js';
import { replicaSetsOf, revisionOf } from '../revisions.js';

/** A container caught running between back-offs counts as crash-looping with this many restarts… */
const LOOP_RESTARTS = 3;
/** …when its last crash and a BackOff event are this recent. */
const LOOP_WINDOW = 15 * 60_000;

export const crashLoopBackOffAnalyzer: Analyzer = {
  mode: 'CrashLoopBackOff',
  description: 'Containers restarting in a loop: the cause read from the exit code, termination message and previous logs',
  analyze(graph) {
    return troubledPods(graph).filter((pod) => !isTerminating(pod) && !isPodFinished(pod) && mayLoop(pod))
      .flatMap((pod) => firstContainerFinding(pod, (view) => analyzeContainer(graph, pod, view)) ?? []);
  },
};

function mayLoop(pod: PodObj): boolean {
  return someContainerStatus(pod, (s) => s.state?.waiting?.reason === 'CrashLoopBackOff' || s.state?.waiting?.reason === 'RunContainerError'
    || ((s.restartCount ?? 0) >= LOOP_RESTARTS && s.lastState?.terminated !== undefined));
}

function analyzeContainer(graph: ClusterGraph, pod: PodObj, view: ContainerView): Finding | undefined {
  const status = view.status;
  const term = status?.lastState?.terminated ?? status?.state?.terminated;
  if (!status || !term) return undefined;
  const backOff = backOffEvent(graph, pod, view.spec.name);
  if (!isLooping(graph, status, term, backOff)) return undefined;
  if (probeKillEvent(graph, pod, view.spec.name, term)) return undefined;
  if (isKill(term) && reportedKill(graph, pod, view)) return undefined;
  const diagnosis: ExitDiagnosis = term.reason === 'OOMKilled'
    ? { category: 'oom', confidence: 0.85, evidence: [], why: `Container ${view.spec.name} is OOM-killed at each start (reason OOMKilled, exit code 137).` }
    : diagnoseExit(graph, pod, view, term, true);
  return loopFinding(graph, pod, view, term, backOff, diagnosis);
}

function isLooping(graph: ClusterGraph, status: ContainerStatus, term: Termination, backOff: Obj<CoreEvent> | undefined): boolean {
  const waiting = status.state?.waiting?.reason;
  if (waiting === 'CrashLoopBackOff' || waiting === 'RunContainerError') return true;
  if ((status.restartCount ?? 0) < LOOP_RESTARTS || !backOff) return false;
  const now = graph.now.getTime();
  const crashed = millisOf(term.finishedAt);
  const backedOff = graph.eventTime(backOff);
  return (crashed === undefined || now - crashed <= LOOP_WINDOW) && (backedOff === undefined || now - backedOff <= LOOP_WINDOW);
}

/**
 * The newest `Back-off restarting failed container <name> in pod …` event of this container. The
 * kubelet gives image pulls the same reason (`Back-off pulling image …`), so the message decides;
 * older kubelets leave the container out of the message, and the fieldPath names it.
 */
function backOffEvent(graph: ClusterGraph, pod: PodObj, container: string): Obj<CoreEvent> | undefined {
  const events = graph.eventsFor(refOf(pod)).filter((e) => {
    const message = e.message ?? '';
    if (e.reason !== 'BackOff' || !message.startsWith('Back-off restarting failed container')) return false;
    return message.startsWith(`Back-off restarting failed container ${container} `) || e.involvedObject.fieldPath?.includes(`{${container}}`) === true;
  });
  return events[events.length - 1];
}

function loopFinding(graph: ClusterGraph, pod: PodObj, view: ContainerView, term: Termination, backOff: Obj<CoreEvent> | undefined, d: ExitDiagnosis): Finding {
  const status = view.status!;
  const waiting = status.state?.waiting;
  const evidence: Evidence[] = [];
  if (waiting?.reason) evidence.push(statusEvidence(pod, `${view.statusPath}.state.waiting`, `${view.spec.name}: State: ${describeWaiting(waiting)}`));
  const path = terminationPath(view, term);
  evidence.push(statusEvidence(pod, path, `${path.endsWith('lastState.terminated') ? 'Last State' : 'State'}: ${describeTermination(term)}`, term.finishedAt));
  evidence.push(statusEvidence(pod, `${view.statusPath}.restartCount`, `Restart Count: ${status.restartCount ?? 0}`));
  if (backOff) evidence.push(eventEvidence(backOff));
  evidence.push(...d.evidence);
  const backOffDelay = /back-off (\S+) restarting/.exec(waiting?.message ?? '')?.[1];
  const loop = `Container ${view.spec.name} is in a crash loop: restarted ${status.restartCount ?? 0} times${backOffDelay ? `, the kubelet now waits ${backOffDelay} between restarts` : ''}.`;
  const rollback = d.category === 'completed-non-daemon' ? undefined : rollbackPlan(graph, pod);
  const fixes: ActionPlan[] = rollback ? [rollback.plan] : [];
  const rollbackText = rollback ? ` ${rollback.text}` : '';
  return finding({
    mode: 'CrashLoopBackOff', category: d.category, subject: refOf(pod), culprit: graph.workloadOf(pod),
    explanation: `${loop} ${d.why}${rollbackText}`, evidence, confidence: d.confidence, severity: podSeverity(graph, pod), fixes,
    ...(d.dependency ? { related: [d.dependency] } : {}),
  });
}

/**
 * `kubectl rollout undo` when the crashing pod belongs to the newest ReplicaSet of a Deployment while
 * an older ReplicaSet still has ready pods: the new revision broke what the old one ran fine.
 */
function rollbackPlan(graph: ClusterGraph, pod: PodObj): { plan: ActionPlan; text: string } | undefined {
  const rs = graph.owner(pod);
  if (rs?.kind !== 'ReplicaSet') return undefined;
  const deploy = graph.owner(rs);
  if (deploy?.kind !== 'Deployment') return undefined;
  const current = revisionOf(rs);
  const sets = replicaSetsOf(graph, deploy);
  // Without a revision, or with a newer one beside it, the crashing ReplicaSet is not the rollout to undo.
  if (!current || sets.some((s) => revisionOf(s) > current)) return undefined;
  const healthy = sets.filter((s) => revisionOf(s) > 0 && revisionOf(s) < current
    && ((s.status?.readyReplicas ?? 0) > 0 || graph.podsOf(s).some(isPodReady))).at(-1);
  if (!healthy) return undefined;
  const previous = revisionOf(healthy);
  const target = refOf(deploy as Obj<Deployment>);
  const text = `The previous revision (${previous}, ReplicaSet ${healthy.metadata.name}) still runs ready pods while revision ${current} crashes: rolling back restores service while the change is fixed.`;
  return { plan: rolloutUndo(target, `pods of revision ${current} (${rs.metadata.name}) crash-loop while revision ${previous} ran fine`, previous), text };
}
