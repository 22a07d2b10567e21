/**
 * Why a container instance ended, read the same way by every analyzer that meets a termination:
 * - killed: by the kernel's OOM killer (reason `OOMKilled`), by a SIGKILL from outside (exit 137), or
 *   by the kubelet after a failed liveness or startup probe (its `Killing` event). Which of these kills
 *   is still news decides whether the OOMKilled analyzer reports a container, so the CrashLoopBackOff
 *   analyzer asks the same question here instead of reporting the loop twice;
 * - exited on its own: the reason, exit code, termination message and log of the instance say why
 *   ({@link diagnoseExit}, shared by the CrashLoopBackOff and JobFailed analyzers).
 */
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import type { CoreEvent, CronJob, Job, ObjectRef, Service } from '../cluster/objects.js';
import { refOf } from '../cluster/objects.js';
import { millisOf } from '../cluster/time.js';
import { logEvidence, statusEvidence } from './evidence.js';
import type { Category, Evidence } from './finding.js';
import { classifyLine, classifyLog, escapeRegExp, type LogCause, type LogMatch } from './log-patterns.js';
import { describeTermination, isPodFinished, type ContainerView, type PodObj, type Termination } from './pod-state.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A kill seen within this window is news whatever the restart count. */
const RECENT_KILL = HOUR;
/** Repeated kills (this many restarts) stay news for a day, or longer when each instance lives longer. */
export const REPEATED_RESTARTS = 3;
/** A probe kill explains a termination when the kubelet's Killing event is this close to its end. */
const PROBE_KILL_WINDOW = 10 * MINUTE;

// --- kills ----------------------------------------------------------------------------------------------

/** A container termination that is a kill: reason OOMKilled, or exit code 137 (128 + SIGKILL). */
export function isKill(t: Termination | undefined): t is Termination {
  if (!t) return false;
  // ContainerStatusUnknown (exit 137) is the kubelet's placeholder for a container it lost, not a kill.
  return t.reason === 'OOMKilled' || (t.exitCode === 137 && t.reason !== 'ContainerStatusUnknown');
}

/** A container's kill, and where its status keeps it. */
export interface Kill {
  term: Termination;
  /** `state` when the container is terminated now, `lastState` when it was restarted since. */
  where: 'state' | 'lastState';
}

/**
 * The kill the OOMKilled analyzer reports for a container, or undefined when it reports none: an OOM
 * kill that is still news (see {@link isCurrent}), or a SIGKILL that is news, is no probe kill (the
 * ProbeFailure analyzer owns those) and either left the container down or has happened more than once.
 */
export function reportedKill(graph: ClusterGraph, pod: PodObj, view: ContainerView): Kill | undefined {
  const kill = killOf(view);
  if (!kill || !isCurrent(graph, pod, view, kill)) return undefined;
  if (kill.term.reason === 'OOMKilled') return kill;
  if (probeKillEvent(graph, pod, view.spec.name, kill.term)) return undefined;
  // One SIGKILL of a container that runs again is noise (someone's `kill -9`); repeated ones are not.
  const down = kill.where === 'state' || view.status?.state?.waiting !== undefined;
  return down || (view.status?.restartCount ?? 0) >= 2 ? kill : undefined;
}

function killOf(view: ContainerView): Kill | undefined {
  const s = view.status;
  if (!s) return undefined;
  if (s.state?.terminated) return isKill(s.state.terminated) ? { term: s.state.terminated, where: 'state' } : undefined;
  return isKill(s.lastState?.terminated) ? { term: s.lastState.terminated, where: 'lastState' } : undefined;
}

/**
 * A kill is news while the container is down or crash-looping, within an hour of it, or while kills
 * repeat (three restarts or more, within a day or one and a half instance lifetimes). A finished pod
 * of a Job counts while its Job has not completed and no later run of its CronJob has succeeded.
 */
function isCurrent(graph: ClusterGraph, pod: PodObj, view: ContainerView, kill: Kill): boolean {
  const s = view.status!;
  if (kill.where === 'state') return !isPodFinished(pod) || finishedPodMatters(graph, pod, kill.term);
  if (s.state?.waiting) return true;
  const finished = millisOf(kill.term.finishedAt);
  const restarts = s.restartCount ?? 0;
  if (finished === undefined) return restarts >= 2;
  const age = graph.now.getTime() - finished;
  if (age <= RECENT_KILL) return true;
  if (restarts < REPEATED_RESTARTS) return false;
  const lifetime = averageLifetime(pod, kill.term, restarts);
  return age <= Math.max(DAY, 1.5 * (lifetime ?? 0));
}

function finishedPodMatters(graph: ClusterGraph, pod: PodObj, term: Termination): boolean {
  const owner = graph.owner(pod);
  if (!owner || owner.kind !== 'Job') return true;
  const job = owner as Obj<Job>;
  if (job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) return false;
  const cron = graph.owner(job);
  const lastSuccess = cron?.kind === 'CronJob' ? millisOf((cron as Obj<CronJob>).status?.lastSuccessfulTime) : undefined;
  const killedAt = millisOf(term.finishedAt) ?? millisOf(job.metadata.creationTimestamp);
  return !(lastSuccess !== undefined && killedAt !== undefined && lastSuccess > killedAt);
}

/** Mean time between the pod's start and each kill, when the times are known. */
export function averageLifetime(pod: PodObj, term: Termination, restarts: number): number | undefined {
  const start = millisOf(pod.status?.startTime) ?? millisOf(pod.metadata.creationTimestamp);
  const end = millisOf(term.finishedAt);
  if (start === undefined || end === undefined || restarts < 1) return undefined;
  return (end - start) / restarts;
}

/**
 * The kubelet's `Killing` event for a container it restarted because a liveness or startup probe
 * failed (`Container app failed liveness probe, will be restarted`), when it is close to `term`'s end
 * (an old probe kill does not explain a later termination). Undefined when there is none.
 */
export function probeKillEvent(graph: ClusterGraph, pod: PodObj, container: string, term?: Termination): Obj<CoreEvent> | undefined {
  const pattern = new RegExp(`^Container ${escapeRegExp(container)} failed (?:liveness|startup) probe, will be restarted`);
  const ended = millisOf(term?.finishedAt);
  const kills = graph.eventsFor(refOf(pod)).filter((e) => e.reason === 'Killing' && pattern.test(e.message ?? '')
    && (ended === undefined || eventNear(graph, e, ended, PROBE_KILL_WINDOW)));
  return kills[kills.length - 1];
}

/**
 * Whether an event happened within `window` ms of a moment: between its first and its last occurrence,
 * widened by the window. An event with no time at all counts (the events a snapshot keeps are recent).
 */
export function eventNear(graph: ClusterGraph, ev: CoreEvent, at: number, window: number): boolean {
  const last = graph.eventTime(ev);
  if (last === undefined) return true;
  const first = millisOf(ev.firstTimestamp) ?? last;
  return at >= first - window && at <= last + window;
}

// --- exits ----------------------------------------------------------------------------------------------

/** What a crashed instance says about why it exited. */
export interface ExitDiagnosis {
  category: Category<'CrashLoopBackOff'>;
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
 * message, and its log (the previous instance's when `previousLog`, else the current one).
 */
export function diagnoseExit(graph: ClusterGraph, pod: PodObj, view: ContainerView, term: Termination, previousLog: boolean): ExitDiagnosis {
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
export function terminationPath(view: ContainerView, term: Termination): string {
  return `${view.statusPath}.${view.status?.state?.terminated === term ? 'state' : 'lastState'}.terminated`;
}

/** A termination as kubectl describe shows it, under its container's name: `app: Last State: Terminated, Reason: OOMKilled, …`. */
export function terminationEvidence(pod: PodObj, view: ContainerView, term: Termination): Evidence {
  const label = view.status?.state?.terminated === term ? 'State' : 'Last State';
  return statusEvidence(pod, terminationPath(view, term), `${view.spec.name}: ${label}: ${describeTermination(term)}`, term.finishedAt);
}

/**
 * A container the runtime could not start (reason StartError / ContainerCannotRun, exit 128), or one
 * whose shell could not find its command (exit 127) or run it (exit 126).
 */
function startFailure(pod: PodObj, view: ContainerView, term: Termination): ExitDiagnosis | undefined {
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

function exitCodeCommand(name: string, term: Termination): ExitDiagnosis {
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

function fromLogMatch(graph: ClusterGraph, pod: PodObj, name: string, term: Termination, match: LogMatch, quote: Evidence): ExitDiagnosis {
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

function unexplained(pod: PodObj, name: string, term: Termination, logText: string | undefined, previous: boolean): ExitDiagnosis {
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
