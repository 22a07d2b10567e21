/**
 * ProbeFailure: a container whose readiness, liveness or startup probe fails. Read from the kubelet's
 * own words — `Unhealthy` events (`Liveness probe failed: HTTP probe failed with statuscode: 404`,
 * pkg/kubelet/prober/prober.go) and `Killing` events (`Container app failed liveness probe, will be
 * restarted`, pkg/kubelet/kuberuntime) — set against the probe's spec, the container's declared ports,
 * its restarts and its logs, to tell a wrong port from a wrong path, a timeout set too short, a
 * liveness probe that kills a slow starter, a failing dependency and an application answering 5xx.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { ContainerPort } from 'kubernetes-types/core/v1.js';
import type { CoreEvent, ObjectRef, Pod, Probe, Service } from '../../cluster/objects.js';
import { keyOf, refOf } from '../../cluster/objects.js';
import { selectorMatches } from '../../cluster/selectors.js';
import { finding, type Analyzer } from '../analyzer.js';
import { eventEvidence, logEvidence, specEvidence, statusEvidence } from '../evidence.js';
import type { Category, Evidence, Finding } from '../finding.js';
import { TEMPLATED_KINDS, patchContainer } from '../fixes.js';
import { escapeRegExp } from '../log-patterns.js';
import type { ActionPlan } from '../plan.js';
import {
  containersOf, describeTermination, isPodFinished, isPodReady, isTerminating, podCondition, type ContainerView, type PodObj,
} from '../pod-state.js';

type ProbeKind = 'readiness' | 'liveness' | 'startup';
type ProbeField = 'readinessProbe' | 'livenessProbe' | 'startupProbe';
type ProbeCategory = Category<'ProbeFailure'>;

const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];
const FIELD: Record<ProbeKind, ProbeField> = { readiness: 'readinessProbe', liveness: 'livenessProbe', startup: 'startupProbe' };
const LABEL: Record<ProbeKind, string> = { readiness: 'Readiness', liveness: 'Liveness', startup: 'Startup' };

/** The API server's probe defaults (pkg/apis/core/v1/defaults.go). */
const DEFAULT_TIMEOUT_S = 1;
const DEFAULT_PERIOD_S = 10;
const DEFAULT_FAILURE_THRESHOLD = 3;

/** `Liveness probe failed: …`, `Readiness probe errored and resulted in unknown state: …` (and the older `errored: …`). */
const UNHEALTHY = /^(Readiness|Liveness|Startup) probe (?:failed|errored(?: and resulted in \w+ state)?): ?([\s\S]*)$/;
/** `Container app failed liveness probe, will be restarted`. */
const KILLED = /^Container (\S+) failed (liveness|startup) probe, will be restarted/;
const STATUS_CODE = /HTTP probe failed with statuscode: (\d{3})/;
const REFUSED = /connection refused|ECONNREFUSED/i;
/** Go's http client, net dialer, the gRPC health probe and exec probe timeouts. */
const TIMEOUT = /context deadline exceeded|Client\.Timeout exceeded|i\/o timeout|timeout: failed to connect|timed out/i;
/** The kubelet could not resolve a named probe port (pkg/probe: ResolveContainerPort). */
const UNRESOLVED_PORT = /strconv\.Atoi: parsing "([^"]+)": invalid syntax|port (\S+) not found/;

/** A container running for less than this is still starting: its readiness failures are not judged yet. */
const STARTUP_GRACE_S = 90;
/** Probe failures older than this, on a container that is ready now, are history. */
const STALE_S = 3600;
/** A single kill older than this, on a container that is ready now, was a passing hiccup. */
const TRANSIENT_S = 600;
/** Log lines read, from the end, when looking for a cause. */
const LOG_WINDOW = 200;
/** A timeoutSeconds at or under this is "too short" when probes time out. */
const SHORT_TIMEOUT_S = 2;

/** The failures of one probe of one container, gathered from the pod's events. */
interface ProbeFailures {
  container: string;
  kind: ProbeKind;
  /** `Unhealthy` events, oldest first. */
  unhealthy: Obj<CoreEvent>[];
  /** `Killing` events for this probe, oldest first. */
  kills: Obj<CoreEvent>[];
  /** What the newest failure saw (the text after `probe failed: `). */
  output: string;
}

interface Verdict {
  category: ProbeCategory;
  confidence: number;
  explanation: string;
  evidence: Evidence[];
  fixes: ActionPlan[];
  related?: ObjectRef[];
}

/** What one run of the analyzer reads once and shares across pods. */
class RunCache {
  private readonly workloadReady = new Map<string, boolean>();
  private readonly lines = new Map<string, string[]>();

  constructor(readonly graph: ClusterGraph) {}

  /** The last {@link LOG_WINDOW} non-empty lines of a container's log, read once per run. */
  logLines(pod: PodObj, container: string, previous: boolean): string[] {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${container}/${previous}`;
    let lines = this.lines.get(key);
    if (!lines) {
      const text = this.graph.logOf(pod, container, previous)?.text ?? '';
      lines = text.split('\n').filter((l) => l.trim() !== '').slice(-LOG_WINDOW);
      this.lines.set(key, lines);
    }
    return lines;
  }

  anyReplicaReady(pod: PodObj, workload: ObjectRef): boolean {
    const key = keyOf(workload);
    let ready = this.workloadReady.get(key);
    if (ready === undefined) {
      ready = replicasReady(this.graph, pod, workload);
      this.workloadReady.set(key, ready);
    }
    return ready;
  }
}

export const probeFailureAnalyzer: Analyzer = {
  mode: 'ProbeFailure',
  description: 'Readiness, liveness and startup probes that fail: wrong port or path, timeouts set too short, liveness kills of slow starters, failing dependencies',
  analyze(graph: ClusterGraph): Finding[] {
    const cache = new RunCache(graph);
    const decided: Decided[] = [];
    for (const pod of podsWithProbeEvents(graph)) {
      const d = decidePod(cache, pod);
      if (d) decided.push(d);
    }
    shareLogVerdicts(decided);
    return decided.map((d) => toFinding(cache, d));
  },
};

/** Pods that some `Unhealthy` or `Killing` event is about, in the order of their first such event. */
function podsWithProbeEvents(graph: ClusterGraph): PodObj[] {
  const pods = new Set<PodObj>();
  for (const ev of graph.eventsByReason(['Unhealthy', 'Killing'])) {
    const io = ev.involvedObject;
    const pod = io?.kind === 'Pod' && io.name ? graph.get<Pod>('Pod', io.namespace ?? ev.metadata.namespace, io.name) : undefined;
    if (pod) pods.add(pod);
  }
  return [...pods];
}

/** One pod's failing probe and what it means. */
interface Decided {
  pod: PodObj;
  view: ContainerView;
  failure: ProbeFailures;
  workload: ObjectRef;
  verdict: Verdict;
  /** Whether the input holds a log of the container (current or previous). */
  hasLogs: boolean;
}

function decidePod(cache: RunCache, pod: PodObj): Decided | undefined {
  if (isPodFinished(pod) || isTerminating(pod)) return undefined;
  const { graph } = cache;
  const views = containersOf(pod).filter((v) => !v.init);
  const all = failuresOf(graph, pod);
  const active = all.filter((f) => {
    const view = views.find((v) => v.spec.name === f.container);
    return view !== undefined && isActive(graph, pod, view, f);
  });
  const failure = active.sort(byImportance(graph))[0];
  if (!failure) return undefined;
  const view = views.find((v) => v.spec.name === failure.container)!;
  const workload = graph.workloadOf(pod);
  const verdict = judge({ cache, pod, view, failure, all, workload });
  const hasLogs = cache.logLines(pod, view.spec.name, false).length > 0 || cache.logLines(pod, view.spec.name, true).length > 0;
  return { pod, view, failure, workload, verdict, hasLogs };
}

/**
 * Replicas of one workload that fail the same probe the same way share a cause: a replica whose log
 * the input lacks takes the verdict a sibling's log decided, rather than a guess without it.
 */
function shareLogVerdicts(decided: Decided[]): void {
  const fromLogs = new Map<string, Decided>();
  for (const d of decided) {
    if (d.hasLogs && d.verdict.evidence.some((e) => e.source === 'log')) fromLogs.set(sameFailureKey(d), d);
  }
  if (!fromLogs.size) return;
  for (const d of decided) {
    if (d.hasLogs) continue;
    const sibling = fromLogs.get(sameFailureKey(d));
    if (!sibling) continue;
    const v = sibling.verdict;
    d.verdict = {
      ...v, confidence: Math.round(v.confidence * 90) / 100,
      explanation: `${v.explanation} (Read from the log of ${sibling.pod.metadata.name}, a replica failing the same way; this pod's log is not in the input.)`,
    };
  }
}

/** Workload, container, probe and what the probe saw, with addresses left out (they differ per replica). */
function sameFailureKey(d: Decided): string {
  const output = d.failure.output.replace(/\[?[0-9a-f.:]*\d[0-9a-f.:]*\]?:\d+|\b\d{1,3}(?:\.\d{1,3}){3}\b/gi, '<addr>');
  return `${keyOf(d.workload)}|${d.failure.container}|${d.failure.kind}|${output}`;
}

function toFinding(cache: RunCache, d: Decided): Finding {
  const { pod, view, failure, workload, verdict } = d;
  const severity = cache.anyReplicaReady(pod, workload) ? 'warning' : 'critical';
  return finding({
    mode: 'ProbeFailure', category: verdict.category, subject: refOf(pod), culprit: workload,
    explanation: `${LABEL[failure.kind]} probe of container ${failure.container} in pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name}: ${verdict.explanation}`,
    evidence: [...baseEvidence(pod, view, failure), ...verdict.evidence],
    confidence: verdict.confidence, severity, fixes: verdict.fixes,
    ...(verdict.related ? { related: verdict.related } : {}),
  });
}

/** Groups the pod's probe events by container and probe. */
function failuresOf(graph: ClusterGraph, pod: PodObj): ProbeFailures[] {
  const groups = new Map<string, ProbeFailures>();
  const group = (container: string, kind: ProbeKind): ProbeFailures => {
    const key = `${container}/${kind}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { container, kind, unhealthy: [], kills: [], output: '' }));
    return g;
  };
  for (const ev of graph.eventsFor(refOf(pod))) {
    const message = (ev.message ?? '').trim();
    if (ev.reason === 'Unhealthy') {
      const m = UNHEALTHY.exec(message);
      if (!m) continue;
      const kind = m[1]!.toLowerCase() as ProbeKind;
      const container = containerOfEvent(ev, pod, kind);
      if (!container) continue;
      const g = group(container, kind);
      g.unhealthy.push(ev);
      g.output = m[2] ?? '';
    } else if (ev.reason === 'Killing') {
      const m = KILLED.exec(message);
      if (m) group(m[1]!, m[2] as ProbeKind).kills.push(ev);
    }
  }
  return [...groups.values()];
}

/** The container an event is about: its field path (`spec.containers{app}`), else the one container with that probe. */
function containerOfEvent(ev: CoreEvent, pod: PodObj, kind: ProbeKind): string | undefined {
  const fromPath = /\{([^}]+)\}/.exec(ev.involvedObject.fieldPath ?? '')?.[1];
  if (fromPath) return fromPath;
  const containers = pod.spec?.containers ?? [];
  return (containers.find((c) => c[FIELD[kind]] !== undefined) ?? containers[0])?.name
    ?? pod.status?.containerStatuses?.[0]?.name;
}

/**
 * Whether the failures still matter: readiness while the container is running and not ready (past
 * its startup grace); liveness and startup when they killed the container recently or it is not ready.
 */
function isActive(graph: ClusterGraph, pod: PodObj, view: ContainerView, f: ProbeFailures): boolean {
  const status = view.status;
  const ready = status ? status.ready === true : isPodReady(pod);
  const probe = view.spec[FIELD[f.kind]];
  const threshold = probe?.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
  const kills = occurrences(f.kills);
  const restartedBySignal = (status?.restartCount ?? 0) > 0 && [137, 143].includes(status?.lastState?.terminated?.exitCode ?? 0);
  if (f.kind !== 'readiness' && (kills > 0 || (restartedBySignal && occurrences(f.unhealthy) >= threshold))) {
    if (!ready) return true;
    const age = newestAge(graph, [...f.unhealthy, ...f.kills]);
    if (age === undefined) return kills > 1;
    return age <= STALE_S && (kills > 1 || age <= TRANSIENT_S);
  }
  if (ready || f.unhealthy.length === 0) return false;
  const age = newestAge(graph, f.unhealthy);
  if (age !== undefined && age > STALE_S) return false;
  // A waiting or terminated container is crashing: its readiness failures are a symptom of that.
  if (status && !status.state?.running) return false;
  const runningFor = secondsBetween(status?.state?.running?.startedAt, graph.now);
  if (runningFor !== undefined && runningFor < STARTUP_GRACE_S) return false;
  return occurrences(f.unhealthy) >= Math.min(threshold, DEFAULT_FAILURE_THRESHOLD);
}

/** Probes that kill come first (they restart the container), then the most recent. */
function byImportance(graph: ClusterGraph): (a: ProbeFailures, b: ProbeFailures) => number {
  const rank = (f: ProbeFailures): number => (f.kills.length ? 0 : f.kind === 'readiness' ? 2 : 1);
  const age = (f: ProbeFailures): number => newestAge(graph, [...f.unhealthy, ...f.kills]) ?? Number.MAX_SAFE_INTEGER;
  return (a, b) => rank(a) - rank(b) || age(a) - age(b);
}

interface JudgeInput {
  cache: RunCache;
  pod: PodObj;
  view: ContainerView;
  failure: ProbeFailures;
  all: ProbeFailures[];
  workload: ObjectRef;
}

/** Decides the category, first the causes the spec proves, then those the logs suggest. */
function judge(input: JudgeInput): Verdict {
  return wrongPort(input) ?? wrongPath(input) ?? slowStart(input) ?? timedOut(input) ?? serverError(input)
    ?? execFailed(input) ?? undecided(input);
}

function wrongPort(input: JudgeInput): Verdict | undefined {
  const { view, failure } = input;
  const probe = view.spec[FIELD[failure.kind]];
  const declared = view.spec.ports ?? [];
  // Without the probe's spec (describe text cut short), the port the kubelet dialled is in its message.
  const port = probe ? portOf(probe) : portFromOutput(failure.output);
  if (port === undefined) return undefined;
  const portsQuote = specEvidence(input.pod, `${view.specPath}.ports`, `Ports: ${formatPorts(declared)}`);
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    if (declared.some((p) => p.name === port)) return undefined;
    return {
      category: 'wrong-port', confidence: 0.95, evidence: [portsQuote],
      explanation: `it targets the named port "${port}", which container ${view.spec.name} does not declare (it declares ${formatPorts(declared)}), so the kubelet cannot resolve it${UNRESOLVED_PORT.test(failure.output) ? ` ("${failure.output}")` : ''}.`,
      fixes: portFixes(input, port, declared),
    };
  }
  const number = Number(port);
  if (declared.length === 0 || declared.some((p) => p.containerPort === number) || !REFUSED.test(failure.output)) return undefined;
  return {
    category: 'wrong-port', confidence: 0.85, evidence: [portsQuote],
    explanation: `nothing listens on port ${number} (connection refused), and the container declares ${formatPorts(declared)}, not ${number}: the probe points at the wrong port.`,
    fixes: portFixes(input, port, declared),
  };
}

/** The probe port set to the container's only declared port, on every probe of the container that uses the wrong one. */
function portFixes(input: JudgeInput, wrong: number | string, declared: ContainerPort[]): ActionPlan[] {
  const { view, workload } = input;
  const target = declared.length === 1 ? declared[0]!.containerPort : undefined;
  if (target === undefined || !TEMPLATED_KINDS.has(workload.kind)) return [];
  const after: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const kind of PROBE_KINDS) {
    const probe = view.spec[FIELD[kind]];
    const handler = probe ? handlerKey(probe) : undefined;
    if (!probe || !handler || handler === 'exec' || String(portOf(probe)) !== String(wrong)) continue;
    after[FIELD[kind]] = { [handler]: { port: target } };
    before[FIELD[kind]] = { [handler]: { port: wrong } };
    changed.push(FIELD[kind]);
  }
  if (!changed.length) return [];
  return [patchContainer(workload, view.spec.name, after, before,
    `set the port of ${changed.join(' and ')} of container ${view.spec.name} to ${target} (was ${wrong})`,
    `The probe targets port ${wrong}; the container's only declared port is ${target}.`)];
}

function wrongPath(input: JudgeInput): Verdict | undefined {
  const { view, failure, workload } = input;
  const code = STATUS_CODE.exec(failure.output)?.[1];
  if (code !== '404') return undefined;
  const probe = view.spec[FIELD[failure.kind]];
  const path = probe?.httpGet?.path ?? '/';
  const sibling = workingSibling(input);
  const fixes = sibling && TEMPLATED_KINDS.has(workload.kind)
    ? [patchContainer(workload, view.spec.name, { [FIELD[failure.kind]]: { httpGet: { path: sibling.path } } },
      { [FIELD[failure.kind]]: { httpGet: { path } } },
      `set the path of ${FIELD[failure.kind]} of container ${view.spec.name} to ${sibling.path} (was ${path})`,
      `GET ${path} answers 404; the ${sibling.kind} probe of the same container succeeds on ${sibling.path}.`)]
    : [];
  const hint = sibling
    ? ` The ${sibling.kind} probe of the same container uses ${sibling.path} on the same port and does not fail.`
    : ' Which path the application serves for health checks is not in the evidence; check its documentation or routes.';
  return {
    category: 'wrong-path', confidence: 0.9, evidence: [], fixes,
    explanation: `the application answers HTTP 404 to GET ${path}: it serves no such path.${hint}`,
  };
}

/** Another HTTP probe of the same container, on the same port, with another path, that has not failed. */
function workingSibling(input: JudgeInput): { kind: ProbeKind; path: string } | undefined {
  const { view, failure, all } = input;
  const failing = view.spec[FIELD[failure.kind]];
  for (const kind of PROBE_KINDS) {
    if (kind === failure.kind) continue;
    const probe = view.spec[FIELD[kind]];
    const path = probe?.httpGet?.path;
    if (!probe || !path || path === failing?.httpGet?.path) continue;
    if (String(portOf(probe)) !== String(failing ? portOf(failing) : undefined)) continue;
    const failed = all.some((f) => f.container === view.spec.name && f.kind === kind && f.unhealthy.length > 0);
    if (!failed) return { kind, path };
  }
  return undefined;
}

/**
 * Liveness (or startup) kills before the application finished starting: the probe's budget
 * (initialDelaySeconds + failureThreshold × periodSeconds) is shorter than the start time the logs or
 * the container's status show.
 */
function slowStart(input: JudgeInput): Verdict | undefined {
  const { view, failure, workload } = input;
  if (failure.kind === 'readiness' || (failure.kills.length === 0 && (view.status?.restartCount ?? 0) === 0)) return undefined;
  if (failure.kind === 'liveness' && view.spec.startupProbe) return undefined;
  const probe = view.spec[FIELD[failure.kind]];
  if (!probe) return undefined;
  const period = probe.periodSeconds ?? DEFAULT_PERIOD_S;
  const budget = (probe.initialDelaySeconds ?? 0) + (probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD) * period;
  const seen = observedStart(input);
  if (!seen) return undefined;
  const decisive = seen.exact ? seen.seconds > budget : seen.seconds >= budget - period;
  if (!decisive) return undefined;
  const fixes = TEMPLATED_KINDS.has(workload.kind) ? [startupFix(input, probe, seen.seconds)] : [];
  const startText = seen.exact
    ? `takes ${round(seen.seconds)}s to start`
    : `had not finished starting when it was stopped after ${round(seen.seconds)}s (its log never reports it started)`;
  return {
    category: 'liveness-kills-slow-start', confidence: seen.exact ? 0.9 : 0.75, evidence: seen.evidence, fixes,
    explanation: `the application ${startText}, but the ${failure.kind} probe allows only ${budget}s `
      + `(initialDelaySeconds ${probe.initialDelaySeconds ?? 0} + failureThreshold ${probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD} × periodSeconds ${period})`
      + `${failure.kind === 'liveness' ? ' and there is no startupProbe' : ''}, so the kubelet kills it before it is up (${occurrences(failure.kills)} kills, restart count ${view.status?.restartCount ?? 0}).`,
  };
}

/**
 * A startupProbe (or a larger startup failureThreshold) that allows twice the observed start time and
 * at least two minutes: a slower node or a cold cache must still fit.
 */
function startupFix(input: JudgeInput, probe: Probe, startSeconds: number): ActionPlan {
  const { view, failure, workload } = input;
  const period = probe.periodSeconds ?? DEFAULT_PERIOD_S;
  const allowed = Math.max(2 * startSeconds, 120);
  const failureThreshold = Math.ceil(allowed / period);
  const reason = `The application needs about ${round(startSeconds)}s to start; rule: allow twice that, at least 120s (${failureThreshold} × ${period}s).`;
  if (failure.kind === 'startup') {
    return patchContainer(workload, view.spec.name, { startupProbe: { failureThreshold } },
      { startupProbe: { failureThreshold: probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD } },
      `raise startupProbe.failureThreshold of container ${view.spec.name} to ${failureThreshold} (${failureThreshold * period}s to start)`, reason);
  }
  const startupProbe = { ...handlerOf(probe), periodSeconds: period, timeoutSeconds: probe.timeoutSeconds ?? DEFAULT_TIMEOUT_S, failureThreshold };
  return patchContainer(workload, view.spec.name, { startupProbe }, { startupProbe: null },
    `add a startupProbe to container ${view.spec.name} that allows ${failureThreshold * period}s to start`, reason);
}

interface StartSeen {
  seconds: number;
  /** True when the full start time is known; false for a lower bound (killed while still starting). */
  exact: boolean;
  evidence: Evidence[];
}

/** How long the application takes to start: from its own log, from the current instance's readiness, or a lower bound. */
function observedStart(input: JudgeInput): StartSeen | undefined {
  return startFromLogs(input) ?? startFromReadiness(input) ?? startLowerBound(input);
}

/** `Started CheckoutApplication in 61.874 seconds`, `started in 61.874s`, `Ready in 61.2s`, `startup completed in 61234 ms`. */
const STARTED_IN = [
  /\bStarted \S+ in (\d+(?:\.\d+)?) (seconds)/,
  /\bstarted in (\d+(?:\.\d+)?)(s)\b/i,
  /\bready in (\d+(?:\.\d+)?) ?(ms|s)\b/i,
  /\b(?:startup|start-up|boot(?:strap)?)\b.{0,40}?\b(?:completed?|finished|done|took)\b.{0,20}?(\d+(?:\.\d+)?) ?(ms|s|sec|seconds)\b/i,
];

function startFromLogs(input: JudgeInput): StartSeen | undefined {
  const { cache, pod, view } = input;
  let best: StartSeen | undefined;
  for (const previous of [false, true]) {
    for (const line of cache.logLines(pod, view.spec.name, previous)) {
      for (const pattern of STARTED_IN) {
        const m = pattern.exec(line);
        if (!m) continue;
        const seconds = Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
        if (!best || seconds > best.seconds) best = { seconds, exact: true, evidence: [logEvidence(pod, view.spec.name, line, previous)] };
        break;
      }
    }
  }
  return best;
}

function startFromReadiness(input: JudgeInput): StartSeen | undefined {
  const { pod, view } = input;
  const startedAt = view.status?.state?.running?.startedAt;
  const ready = podCondition(pod, 'Ready');
  if (!startedAt || ready?.status !== 'True') return undefined;
  const readyAt = (ready as { lastTransitionTime?: string }).lastTransitionTime;
  const gap = secondsBetween(startedAt, readyAt ? new Date(readyAt) : undefined);
  if (gap === undefined || gap <= 0) return undefined;
  return {
    seconds: gap, exact: true,
    evidence: [statusEvidence(pod, `${view.statusPath}.state.running`, `Started: ${startedAt}; Ready: True since ${readyAt}`)],
  };
}

/** Lines that say an application finished starting or opened its port. */
const UP_MARKER = /\bStarted \S+ in\b|\bstarted in\b|\blistening (?:on|at)\b|\bserver (?:is )?(?:running|started|listening)\b|ready to accept connections|\b(?:Tomcat|Netty|Jetty|Undertow) started on port|Uvicorn running on|Application startup complete|\bready in\b/i;
const SHUTDOWN_LINE = /shutdown|shutting down|SIGTERM|signal|terminat|stopping|exiting/i;
const ERROR_LINE = /\b(?:exception|panic|fatal|traceback|segmentation fault)\b|\bERROR\b/i;

/**
 * The previous instance ran this long, its log never says it finished starting, and it did not end
 * on an error: it was killed while still starting.
 */
function startLowerBound(input: JudgeInput): StartSeen | undefined {
  const { cache, pod, view } = input;
  const lines = cache.logLines(pod, view.spec.name, true);
  if (lines.length === 0 || lines.some((l) => UP_MARKER.test(l))) return undefined;
  const tail = lines.filter((l) => !SHUTDOWN_LINE.test(l)).slice(-3);
  if (tail.some((l) => ERROR_LINE.test(l))) return undefined;
  const times = lines.map(lineTime).filter((t): t is number => t !== undefined);
  const span = times.length >= 2 ? (times[times.length - 1]! - times[0]!) / 1000 : 0;
  const last = view.status?.lastState?.terminated;
  const ran = secondsBetween(last?.startedAt, last?.finishedAt ? new Date(last.finishedAt) : undefined) ?? 0;
  const seconds = Math.max(span, ran);
  if (seconds <= 0) return undefined;
  const lastWork = tail[tail.length - 1] ?? lines[lines.length - 1]!;
  // The last termination is already quoted with the kill; the log shows what the application was doing.
  return { seconds, exact: false, evidence: [logEvidence(pod, view.spec.name, lines[0]!, true), logEvidence(pod, view.spec.name, lastWork, true)] };
}

function timedOut(input: JudgeInput): Verdict | undefined {
  const { view, failure, workload } = input;
  if (!TIMEOUT.test(failure.output)) return undefined;
  const probe = view.spec[FIELD[failure.kind]];
  const timeout = probe?.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  const latency = probe?.httpGet?.path ? probeLatency(input, probe.httpGet.path, timeout) : undefined;
  const dependency = latency ? undefined : dependencyFailure(input);
  if (dependency) return dependency;
  if (timeout > SHORT_TIMEOUT_S && !latency) {
    return {
      category: 'application-unhealthy', confidence: 0.55, evidence: [], fixes: [],
      explanation: `the probe gets no answer within its ${timeout}s timeout ("${failure.output}"): the application hangs or is overloaded; the logs name no failing dependency.`,
    };
  }
  const raised = Math.max(5, 3 * timeout);
  const fixes = probe && TEMPLATED_KINDS.has(workload.kind)
    ? [patchContainer(workload, view.spec.name, { [FIELD[failure.kind]]: { timeoutSeconds: raised } },
      { [FIELD[failure.kind]]: { timeoutSeconds: timeout } },
      `raise ${FIELD[failure.kind]}.timeoutSeconds of container ${view.spec.name} to ${raised}s (was ${timeout}s)`,
      `The probe times out after ${timeout}s${latency ? ` while the endpoint answers in ${latency.text}` : ''}; rule: at least 5s, or 3× the current timeout.`)]
    : [];
  return {
    category: 'timeout-too-short', confidence: latency ? 0.9 : probe ? 0.75 : 0.6, evidence: latency ? [latency.evidence] : [], fixes,
    explanation: `the probe gives up after timeoutSeconds ${timeout}${probe?.timeoutSeconds === undefined ? ' (the default)' : ''} ("${failure.output}")`
      + `${latency ? `, while the application answers ${probe?.httpGet?.path} in ${latency.text}` : ''}: the timeout is too short for this endpoint.`,
  };
}

/** An access-log line for the probe's path whose duration exceeds the timeout: the endpoint is slow, not dead. */
function probeLatency(input: JudgeInput, path: string, timeout: number): { text: string; evidence: Evidence } | undefined {
  const { cache, pod, view } = input;
  const lines = cache.logLines(pod, view.spec.name, false);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.includes(path)) continue;
    const m = /(\d+(?:\.\d+)?) ?(ms|s)\b/.exec(line.slice(line.indexOf(path) + path.length));
    if (!m) continue;
    const seconds = Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
    if (seconds > timeout) return { text: `${m[1]}${m[2]}`, evidence: logEvidence(pod, view.spec.name, line, false) };
  }
  return undefined;
}

function serverError(input: JudgeInput): Verdict | undefined {
  const code = Number(STATUS_CODE.exec(input.failure.output)?.[1] ?? 0);
  if (code < 500) return undefined;
  return dependencyFailure(input) ?? {
    category: 'application-unhealthy', confidence: 0.65, evidence: [], fixes: [],
    explanation: `the application answers its health check with HTTP ${code}: it reports itself unhealthy, and its logs name no failing dependency.`,
  };
}

function execFailed(input: JudgeInput): Verdict | undefined {
  const { view, failure } = input;
  const probe = view.spec[FIELD[failure.kind]];
  if (!probe?.exec) return undefined;
  const output = failure.output.trim();
  if (isDependencyLine(output, input.pod)) {
    return {
      category: 'dependency-failing', confidence: 0.7, evidence: [], fixes: [],
      explanation: `the check command [${(probe.exec.command ?? []).join(' ')}] fails naming a dependency: "${output}".`,
    };
  }
  return dependencyFailure(input) ?? {
    category: 'application-unhealthy', confidence: 0.55, evidence: [], fixes: [],
    explanation: `the check command [${(probe.exec.command ?? []).join(' ')}] fails${output ? `: "${output}"` : ' without output'}.`,
  };
}

function undecided(input: JudgeInput): Verdict {
  const { view, failure } = input;
  const refused = REFUSED.test(failure.output);
  const code = Number(STATUS_CODE.exec(failure.output)?.[1] ?? 0);
  const what = failure.output ? `"${failure.output}"` : 'no probe output (the Unhealthy events were not in the input)';
  const missing = refused
    ? 'The probe port is declared (or the container declares none), so nothing listened on it: a slow start or a crashed listener; the logs that would tell them apart did not decide.'
    : code === 401 || code === 403
      ? `The endpoint refuses the kubelet (HTTP ${code}): it wants credentials a probe does not send; point the probe at an unauthenticated health path.`
      : 'The probe output does not name a cause this analyzer recognises.';
  return {
    category: 'unknown', confidence: 0.4, evidence: [], fixes: [],
    explanation: `the probe fails with ${what} on container ${view.spec.name}. ${missing}`,
  };
}

const DEPENDENCY = /\b(?:database|db|postgres(?:ql)?|mysql|mariadb|mongo(?:db)?|redis|memcached?|kafka|rabbitmq|amqp|nats|elasticsearch|opensearch|cassandra|zookeeper|etcd|upstream|dependency|dependencies)\b/i;
const FAILURE_WORD = /connection refused|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|no such host|could not connect|could not translate host|connection reset|i\/o timeout|timed? ?out|unreachable|unavailable|unhealthy|failed|failure|error|down\b|cannot|unable/i;
const REMOTE_REFUSED = /(?:dial tcp|connect to|connecting to|ECONNREFUSED)\s*\[?([A-Za-z0-9.-]+|[0-9a-f:]+)\]?:\d+/i;

/** A recent log line saying a dependency fails (a database, a cache, another host refusing connections). */
function dependencyFailure(input: JudgeInput): Verdict | undefined {
  const { cache, pod, view, failure } = input;
  const previousToo = failure.kind !== 'readiness';
  for (const previous of previousToo ? [false, true] : [false]) {
    const lines = cache.logLines(pod, view.spec.name, previous);
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (!isDependencyLine(line, pod)) continue;
      const related = dependencyServices(cache, pod, line);
      const code = STATUS_CODE.exec(failure.output)?.[1];
      return {
        category: 'dependency-failing', confidence: 0.8, evidence: [logEvidence(pod, view.spec.name, line, previous)], fixes: [],
        explanation: `${code ? `the health check answers HTTP ${code}` : `the probe fails ("${failure.output}")`} while the application logs that a dependency fails`
          + `${related.length ? ` (${related.map((r) => `service/${r.name}`).join(', ')})` : ''}: the probe reports the dependency's failure; fix the dependency, not the probe.`,
        ...(related.length ? { related } : {}),
      };
    }
  }
  return undefined;
}

function isDependencyLine(line: string, pod: PodObj): boolean {
  if (!FAILURE_WORD.test(line)) return false;
  if (DEPENDENCY.test(line)) return true;
  const host = REMOTE_REFUSED.exec(line)?.[1];
  return host !== undefined && !isOwnHost(host, pod);
}

function isOwnHost(host: string, pod: PodObj): boolean {
  return ['localhost', '127.0.0.1', '::1', '0.0.0.0', pod.status?.podIP ?? ''].includes(host);
}

/** Services of the pod's namespace a dependency line names as a host (never one that selects the pod itself). */
function dependencyServices(cache: RunCache, pod: PodObj, line: string): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const svc of cache.graph.ofKindIn<Service>('Service', pod.metadata.namespace ?? '')) {
    const name = svc.metadata.name;
    if (name.length < 3 || selectorMatches(svc.spec?.selector, pod.metadata.labels)) continue;
    const host = new RegExp(`(?:^|[\\s"'/@(=])${escapeRegExp(name)}(?=[.:"'\\s/)]|$)`);
    if (host.test(line)) out.push(refOf(svc));
  }
  return out;
}

/** The events and status that show the failure, quoted the way kubectl describe shows them. */
function baseEvidence(pod: PodObj, view: ContainerView, f: ProbeFailures): Evidence[] {
  const evidence: Evidence[] = [];
  const lastUnhealthy = f.unhealthy[f.unhealthy.length - 1];
  const lastKill = f.kills[f.kills.length - 1];
  if (lastUnhealthy) evidence.push(eventEvidence(lastUnhealthy));
  if (lastKill) evidence.push(eventEvidence(lastKill));
  const probe = view.spec[FIELD[f.kind]];
  if (probe) evidence.push(specEvidence(pod, `${view.specPath}.${FIELD[f.kind]}`, `${LABEL[f.kind]}: ${describeProbe(probe)}`));
  const status = view.status;
  const last = status?.lastState?.terminated;
  if (status && f.kind !== 'readiness' && last) {
    evidence.push(statusEvidence(pod, `${view.statusPath}.lastState.terminated`, `Last State: ${describeTermination(last)}; Restart Count: ${status.restartCount}`, last.finishedAt));
  } else if (f.kind === 'readiness' || !status?.ready) {
    const ready = podCondition(pod, 'Ready');
    if (ready) evidence.push(statusEvidence(pod, 'status.conditions[Ready]', `Ready: ${ready.status}${ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ''}`));
  }
  return evidence;
}

/** A probe as kubectl describe prints it: `http-get http://:8080/healthz delay=5s timeout=1s period=10s #success=1 #failure=3`. */
function describeProbe(probe: Probe): string {
  const attrs = `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? DEFAULT_TIMEOUT_S}s period=${probe.periodSeconds ?? DEFAULT_PERIOD_S}s`
    + ` #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD}`;
  if (probe.exec) return `exec [${(probe.exec.command ?? []).join(' ')}] ${attrs}`;
  if (probe.httpGet) {
    const h = probe.httpGet;
    return `http-get ${(h.scheme ?? 'HTTP').toLowerCase()}://${h.host ?? ''}:${h.port}${h.path ?? ''} ${attrs}`;
  }
  if (probe.tcpSocket) return `tcp-socket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port} ${attrs}`;
  if (probe.grpc) return `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function handlerKey(probe: Probe): 'httpGet' | 'tcpSocket' | 'grpc' | 'exec' | undefined {
  if (probe.httpGet) return 'httpGet';
  if (probe.tcpSocket) return 'tcpSocket';
  if (probe.grpc) return 'grpc';
  if (probe.exec) return 'exec';
  return undefined;
}

function handlerOf(probe: Probe): Partial<Probe> {
  const key = handlerKey(probe);
  return key ? { [key]: probe[key] } : {};
}

function portOf(probe: Probe): number | string | undefined {
  return probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
}

/** The port in `Get "http://10.244.1.7:8080/…"`, `dial tcp 10.244.1.7:8080`, `service "10.244.1.7:9090"`. */
function portFromOutput(output: string): number | undefined {
  const m = /(?:https?:\/\/|dial tcp |service ")\[?[^\s/"\]]*?\]?:(\d+)/.exec(output);
  return m ? Number(m[1]) : undefined;
}

function formatPorts(ports: ContainerPort[]): string {
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
}

/** A timestamp at the start of a log line (RFC 3339, or `2026-11-20 09:58:41,123`), in ms. */
function lineTime(line: string): number | undefined {
  const m = /^\S*?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?/.exec(line);
  if (!m) return undefined;
  const fraction = m[3] ? `.${m[3].slice(0, 3)}` : '';
  const ms = Date.parse(`${m[1]}T${m[2]}${fraction}${m[4] ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** How many times events happened, counting their repeats. */
function occurrences(events: CoreEvent[]): number {
  return events.reduce((n, e) => n + (e.count ?? e.series?.count ?? 1), 0);
}

/** Seconds since the newest of the events, from their timestamps or the age describe text gives. */
function newestAge(graph: ClusterGraph, events: Obj<CoreEvent>[]): number | undefined {
  const times = events.map((ev) => graph.eventTime(ev)).filter((t): t is number => t !== undefined);
  return times.length ? (graph.now.getTime() - Math.max(...times)) / 1000 : undefined;
}

function secondsBetween(from: string | undefined, to: Date | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = to.getTime() - Date.parse(from);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** Whether any replica of the workload is ready: its pods in the snapshot, else its status, else this pod. */
function replicasReady(graph: ClusterGraph, pod: PodObj, workload: ObjectRef): boolean {
  const obj = graph.resolve(workload);
  if (!obj || obj.kind === 'Pod') return isPodReady(pod);
  const pods = graph.podsOf(obj).filter((p) => !isPodFinished(p) && !isTerminating(p));
  if (pods.length) return pods.some(isPodReady);
  const status = obj.status as { readyReplicas?: number; numberReady?: number } | undefined;
  const ready = status?.readyReplicas ?? status?.numberReady;
  return ready !== undefined ? ready > 0 : isPodReady(pod);
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
