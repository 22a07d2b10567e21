/**
 * CrashLoopBackOff: a container the kubelet keeps restarting (waiting with reason CrashLoopBackOff, or
 * restarting repeatedly with `BackOff` events). The cause is read from what the crashed instance left:
 * its exit code and reason, its termination message, and the lines of its previous log
 * (`kubectl logs --previous`). Crash loops driven by OOM kills or SIGKILLs belong to the OOMKilled
 * analyzer, and liveness-probe kills to the ProbeFailure analyzer: they are left to them.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { ContainerStatus, CoreEvent, Deployment, ObjectRef, ReplicaSet, Service } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { finding, type Analyzer } from '../analyzer.js';
import { eventEvidence, logEvidence, statusEvidence } from '../evidence.js';
import type { Category, Evidence, Finding } from '../finding.js';
import { rolloutUndo } from '../fixes.js';
import { classifyLog, classifyLine, type LogCause, type LogMatch } from '../log-patterns.js';
import type { ActionPlan } from '../plan.js';
import { containersOf, describeTermination, isPodFinished, isPodReady, isTerminating, type ContainerView, type PodObj } from '../pod-state.js';
import { eventTimeOf, isKill, millisOf, oomReportsContainer, podSeverity, probeKillEvent } from './oom-killed.js';

type Terminated = NonNullable<NonNullable<ContainerStatus['lastState']>['terminated']>;
type CrashCategory = Category<'CrashLoopBackOff'>;

/** A container caught running between back-offs counts as crash-looping with this many restarts… */
const LOOP_RESTARTS = 3;
/** …when its last crash and a BackOff event are this recent. */
const LOOP_WINDOW = 15 * 60_000;

const REVISION = 'deployment.kubernetes.io/revision';

export const crashLoopBackOffAnalyzer: Analyzer = {
  mode: 'CrashLoopBackOff',
  description: 'Containers restarting in a loop: the cause read from the exit code, termination message and previous logs',
  analyze(graph) {
    const findings: Finding[] = [];
    for (const pod of graph.pods()) {
      if (isTerminating(pod) || isPodFinished(pod) || !mayLoop(pod)) continue;
      for (const view of containersOf(pod)) {
        const f = analyzeContainer(graph, pod, view);
        if (f) {
          findings.push(f);
          break; // one finding per pod: its id is per subject and category
        }
      }
    }
    return findings;
  },
};

/** What a crashed instance says about why it exited. */
export interface ExitDiagnosis {
  category: CrashCategory;
  confidence: number;
  /** One or two sentences: why, in plain words. */
  why: string;
  /** The deciding quotes (a log line, the termination message), beyond the termination itself. */
  evidence: Evidence[];
  /** A Service the crash could not reach, when the log names one present in the snapshot. */
  dependency?: ObjectRef;
}

/**
 * Reads why one terminated instance of a container exited: its reason and exit code, its termination
 * message, and its log (the previous instance's when `previousLog`, else the current one). Shared with
 * the JobFailed analyzer, which explains failed Job pods the same way.
 */
export function diagnoseExit(graph: ClusterGraph, pod: PodObj, view: ContainerView, term: Terminated, previousLog: boolean): ExitDiagnosis {
  const name = view.spec.name;
  const started = startFailure(pod, view, term);
  if (started) return started;
  if (term.exitCode === 0 && term.reason === 'Completed' && !view.init && (pod.spec?.restartPolicy ?? 'Always') === 'Always') {
    return {
      category: 'completed-non-daemon', confidence: 0.9, evidence: [],
      why: `Container ${name} exits successfully (exit code 0, reason Completed), but the pod's restartPolicy is Always, so the kubelet restarts it and backs off: `
        + 'the process is a one-shot task, or runs in the background and lets the main process return. Run it as a Job, or keep the main process in the foreground.',
    };
  }
  const log = graph.logOf(pod, name, previousLog) ?? (previousLog ? undefined : graph.logOf(pod, name, true));
  const fromLog = log ? classifyLog(log.text) : undefined;
  const fromMessage = term.message ? classifyLog(term.message) : undefined;
  const best = pickMatch(fromLog, fromMessage);
  if (best) {
    const quote = best === fromLog && log
      ? logEvidence(pod, name, best.line, log.previous)
      : statusEvidence(pod, `${terminationPath(view, term)}.message`, `Message: ${best.line}`);
    return fromLogMatch(graph, pod, name, term, best, quote);
  }
  if (term.exitCode === 127 || term.exitCode === 126) return exitCodeCommand(name, term);
  if (term.exitCode === 139 || term.exitCode === 134) {
    const what = term.exitCode === 139 ? 'a segmentation fault (SIGSEGV, exit 139)' : 'an abort (SIGABRT, exit 134)';
    return { category: 'application-error', confidence: 0.6, evidence: [], why: `Container ${name} died of ${what}: the application itself crashed.` };
  }
  return unexplained(pod, name, term, log?.text, log?.previous ?? previousLog);
}

/** Where a termination sits in the pod's status: the current state, or the last one. */
function terminationPath(view: ContainerView, term: Terminated): string {
  return `${view.statusPath}.${view.status?.state?.terminated === term ? 'state' : 'lastState'}.terminated`;
}

function mayLoop(pod: PodObj): boolean {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff' || s.state?.waiting?.reason === 'RunContainerError'
    || ((s.restartCount ?? 0) >= LOOP_RESTARTS && s.lastState?.terminated !== undefined));
}

function analyzeContainer(graph: ClusterGraph, pod: PodObj, view: ContainerView): Finding | undefined {
  const status = view.status;
  const term = status?.lastState?.terminated ?? status?.state?.terminated;
  if (!status || !term) return undefined;
  const backOff = backOffEvent(graph, pod, view.spec.name);
  if (!isLooping(graph, status, term, backOff)) return undefined;
  if (probeKillEvent(graph, pod, view.spec.name, term)) return undefined;
  if (isKill(term) && oomReportsContainer(graph, pod, view)) return undefined;
  const diagnosis: ExitDiagnosis = term.reason === 'OOMKilled'
    ? { category: 'oom', confidence: 0.85, evidence: [], why: `Container ${view.spec.name} is OOM-killed at each start (reason OOMKilled, exit code 137).` }
    : diagnoseExit(graph, pod, view, term, true);
  return loopFinding(graph, pod, view, term, backOff, diagnosis);
}

function isLooping(graph: ClusterGraph, status: ContainerStatus, term: Terminated, backOff: Obj<CoreEvent> | undefined): boolean {
  const waiting = status.state?.waiting?.reason;
  if (waiting === 'CrashLoopBackOff' || waiting === 'RunContainerError') return true;
  if ((status.restartCount ?? 0) < LOOP_RESTARTS || !backOff) return false;
  const now = graph.now.getTime();
  const crashed = millisOf(term.finishedAt);
  const backedOff = eventTimeOf(graph, backOff);
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

/**
 * A container the runtime could not start (reason StartError / ContainerCannotRun, exit 128), or one
 * whose shell could not find its command (exit 127) or run it (exit 126).
 */
function startFailure(pod: PodObj, view: ContainerView, term: Terminated): ExitDiagnosis | undefined {
  if (term.reason !== 'StartError' && term.reason !== 'ContainerCannotRun') return undefined;
  const message = term.message ?? '';
  const cause = classifyLine(message);
  const evidence = message ? [statusEvidence(pod, `${terminationPath(view, term)}.message`, `Message: ${message}`)] : [];
  const name = view.spec.name;
  if (cause === 'bad-command' || (!cause && /exec|entrypoint|command/i.test(message))) {
    return {
      category: 'bad-command', confidence: 0.95, evidence,
      why: `The runtime cannot start container ${name} (reason ${term.reason}): its command or entrypoint does not exist in the image or cannot be executed. Fix command/args (or the image).`,
    };
  }
  if (cause && cause !== 'application-error') {
    return { category: cause, confidence: 0.8, evidence, why: `The runtime cannot start container ${name} (reason ${term.reason}): ${CAUSE_WORDS[cause]}.` };
  }
  return undefined;
}

function exitCodeCommand(name: string, term: Terminated): ExitDiagnosis {
  const what = term.exitCode === 127 ? 'command not found' : 'command found but not executable';
  return {
    category: 'bad-command', confidence: 0.75, evidence: [],
    why: `Container ${name} exits with code ${term.exitCode} (${what} in a shell): its command or args name a program the image does not have or cannot run.`,
  };
}

const CAUSE_WORDS: Record<LogCause, string> = {
  'bad-command': 'its command cannot be run',
  'missing-config': 'a setting, environment variable or file it needs is missing',
  'permission-denied': 'it is denied access to a file, directory or service it needs',
  'dependency-unreachable': 'a service it depends on cannot be reached',
  'application-error': 'the application itself fails',
};

const CAUSE_CONFIDENCE: Record<LogCause, number> = {
  'bad-command': 0.85, 'missing-config': 0.8, 'permission-denied': 0.8, 'dependency-unreachable': 0.8, 'application-error': 0.7,
};

const PRIORITY: readonly LogCause[] = ['bad-command', 'missing-config', 'permission-denied', 'dependency-unreachable', 'application-error'];

function pickMatch(a: LogMatch | undefined, b: LogMatch | undefined): LogMatch | undefined {
  if (!a || !b) return a ?? b;
  return PRIORITY.indexOf(b.cause) < PRIORITY.indexOf(a.cause) ? b : a;
}

function fromLogMatch(graph: ClusterGraph, pod: PodObj, name: string, term: Terminated, match: LogMatch, quote: Evidence): ExitDiagnosis {
  const dependency = match.target ? serviceFor(graph, pod, match.target) : undefined;
  const target = match.target ? ` (${match.target}${dependency ? `: service ${dependency.namespace}/${dependency.name}` : ''})` : '';
  const advice: Record<LogCause, string> = {
    'bad-command': 'Fix the command/args or the image.',
    'missing-config': 'Provide the missing setting (env, ConfigMap or Secret key, mounted file) in the pod template.',
    'permission-denied': 'Check the securityContext (runAsUser, fsGroup, readOnlyRootFilesystem), volume ownership and credentials.',
    'dependency-unreachable': 'Check that the dependency runs and is ready, and that its address, port and network policy are right; the app could also retry instead of exiting.',
    'application-error': 'Fix the error in the application (or roll back the change that introduced it).',
  };
  const diagnosis: ExitDiagnosis = {
    category: match.cause, confidence: CAUSE_CONFIDENCE[match.cause], evidence: [quote],
    why: `Container ${name} exits with code ${term.exitCode} because ${CAUSE_WORDS[match.cause]}${target}, as its last log says. ${advice[match.cause]}`,
  };
  if (dependency) diagnosis.dependency = dependency;
  return diagnosis;
}

/** Resolves `host[:port]` from a log line to a Service: by cluster IP, or by its DNS name. */
function serviceFor(graph: ClusterGraph, pod: PodObj, target: string): ObjectRef | undefined {
  const host = target.replace(/:\d+$/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    const svc = graph.services().find((s) => s.spec?.clusterIP === host || s.spec?.clusterIPs?.includes(host));
    return svc ? refOf(svc) : undefined;
  }
  const [name, namespace] = host.split('.');
  if (!name) return undefined;
  const svc = graph.get<Service>('Service', namespace && !['svc', 'cluster'].includes(namespace) ? namespace : pod.metadata.namespace, name);
  return svc ? refOf(svc) : undefined;
}

function unexplained(pod: PodObj, name: string, term: Terminated, logText: string | undefined, previous: boolean): ExitDiagnosis {
  const signal = term.exitCode > 128 && term.exitCode < 160 ? ` (128 + ${term.exitCode - 128}: killed by signal ${term.exitCode - 128})` : '';
  const command = `kubectl logs --previous -n ${pod.metadata.namespace ?? 'default'} ${pod.metadata.name} -c ${name}`;
  const lastLine = logText?.split('\n').map((l) => l.trim()).filter(Boolean).pop();
  if (lastLine) {
    return {
      category: 'unknown', confidence: 0.3, evidence: [logEvidence(pod, name, lastLine, previous)],
      why: `Container ${name} exits with code ${term.exitCode}${signal}, and the last lines of its log do not name a cause. Read the whole log (\`${command}\`).`,
    };
  }
  return {
    category: 'unknown', confidence: 0.3, evidence: [],
    why: `Container ${name} exits with code ${term.exitCode}${signal}; exit codes like this one say only that the process failed. `
      + `The previous instance's logs are needed to tell why: \`${command}\`.`,
  };
}

function loopFinding(graph: ClusterGraph, pod: PodObj, view: ContainerView, term: Terminated, backOff: Obj<CoreEvent> | undefined, d: ExitDiagnosis): Finding {
  const status = view.status!;
  const waiting = status.state?.waiting;
  const evidence: Evidence[] = [];
  if (waiting?.reason) {
    evidence.push(statusEvidence(pod, `${view.statusPath}.state.waiting`, `${view.spec.name}: State: Waiting, Reason: ${waiting.reason}${waiting.message ? `, Message: ${waiting.message}` : ''}`));
  }
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
  const revision = (obj: { metadata: { annotations?: Record<string, string> } }): number => Number(obj.metadata.annotations?.[REVISION] ?? NaN);
  const current = revision(rs);
  const siblings = graph.ownedBy(deploy).filter((o): o is Obj<ReplicaSet> => o.kind === 'ReplicaSet');
  if (Number.isNaN(current) || siblings.some((s) => revision(s) > current)) return undefined;
  const healthy = siblings
    .filter((s) => revision(s) < current && ((s.status?.readyReplicas ?? 0) > 0 || graph.ownedBy(s).some((p) => p.kind === 'Pod' && isPodReady(p as PodObj))))
    .sort((a, b) => revision(b) - revision(a))[0];
  if (!healthy) return undefined;
  const target = refOf(deploy as Obj<Deployment>);
  const text = `The previous revision (${revision(healthy)}, ReplicaSet ${healthy.metadata.name}) still runs ready pods while revision ${current} crashes: rolling back restores service while the change is fixed.`;
  return { plan: rolloutUndo(target, `pods of revision ${current} (${rs.metadata.name}) crash-loop while revision ${revision(healthy)} ran fine`, revision(healthy)), text };
}
