/**
 * One pod on one node: its containers as a state machine (pull, create, start, run, exit, back-off,
 * restart), its probes, its logs, and the pod status the kubelet writes through `pods/status`.
 * Every step runs from a SimClock job, never from inside a watch callback.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Container, ContainerStatus, KubeObject, Pod, Probe } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { type ObjectStore, formatTime } from '../store/index.js';
import { podQosClass } from '../store/strategy.js';
import type { Backoff } from './backoff.js';
import { type ImageCatalog, type ImageEntry, type ImageRef, invalidImageReason, lookupImage, parseImage } from './catalog.js';
import { missingConfigReference, unmountableVolume } from './config-refs.js';
import type { EventRecorder } from '../events/event-recorder.js';
import { goDuration } from './go-duration.js';
import { podConditions, podPhase } from './pod-phase.js';
import { type Program, programOf } from './program.js';
import { runProbe } from './probes.js';
import { failingDependency } from './dependencies.js';
import { type PodUsage, containerUsage, memoryLimitBytes } from './usage.js';

const PODS = lookupResource('pods')!;
/** Time for the kubelet to notice an exit (PLEG relist) before acting on it. */
const RELIST_MS = 1_000;
/** Log lines a running container keeps (the kubelet's log rotation bounds real ones too). */
const MAX_LOG_LINES = 1_000;
/** Retry period of a pod whose container could not be configured. */
const CONFIG_RETRY_MS = 10_000;

/** What the pod workers of one node share. */
export interface NodeContext {
  store: ObjectStore;
  clock: SimClock;
  catalog: ImageCatalog;
  recorder: EventRecorder;
  nodeName: string;
  hostIP: string;
  /** Images present on the node (qualified references). */
  images: Set<string>;
  crashBackoff: Backoff;
  imageBackoff: Backoff;
  /**
   * True while the kubelet service is stopped: the containers keep running as they were, but no
   * status, event or deletion reaches the API until it starts again.
   */
  offline: boolean;
}

type State = NonNullable<ContainerStatus['state']>;
type Terminated = NonNullable<State['terminated']>;

interface ContainerRun {
  spec: Container;
  init: boolean;
  fieldPath: string;
  state: State;
  lastState: State;
  restartCount: number;
  ready: boolean;
  started: boolean;
  containerID?: string;
  imageID?: string;
  statusImage: string;
  program?: Program;
  entry?: ImageEntry;
  listening: boolean;
  logs: string[];
  previousLogs?: string[];
  /** Timers of the current instance (exit, probes); cancelled when it ends. */
  timers: (() => void)[];
  /** The pending retry of a start (back-off, config error); one at a time. */
  retry?: () => void;
  pullFailure?: { at: number; error: string };
  killing: boolean;
  /** When the SIGKILL of the instance being stopped comes (clock ms). */
  killDeadlineMs?: number;
  /** When the current instance started (clock ms), for the memory it has leaked since. */
  startedMs?: number;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Runs one pod's containers and keeps its status. */
export class PodWorker {
  private pod: Pod;
  private readonly runs: ContainerRun[];
  private readonly startTime: string;
  private stopped = false;
  private terminating = false;
  /** Whether volumes are mounted and the sandbox (with its IP) exists. */
  private sandboxReady = false;
  private mountDelayMs = 250;
  /** Pod-level timers (volume mount retries). */
  private readonly pending = new Set<() => void>();
  /** The eviction manager's message once it evicted the pod (the pod then ends Failed/Evicted). */
  private evictedMessage: string | undefined;

  constructor(private readonly ctx: NodeContext, pod: KubeObject, private readonly podIP: string) {
    this.pod = pod as Pod;
    const spec = this.pod.spec;
    const make = (c: Container, init: boolean): ContainerRun => ({
      spec: c, init, fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${c.name}}`,
      state: { waiting: { reason: init ? 'PodInitializing' : this.hasInit() ? 'PodInitializing' : 'ContainerCreating' } },
      lastState: {}, restartCount: 0, ready: false, started: false, statusImage: c.image ?? '', listening: false, logs: [],
      timers: [], killing: false,
    });
    this.runs = [...(spec?.initContainers ?? []).map((c) => make(c, true)), ...(spec?.containers ?? []).map((c) => make(c, false))];
    this.startTime = formatTime(ctx.clock.now());
  }

  private get name(): string { return this.pod.metadata?.name ?? ''; }
  private get namespace(): string { return this.pod.metadata?.namespace ?? 'default'; }
  private get uid(): string { return this.pod.metadata?.uid ?? ''; }
  /** `name_namespace(uid)`, how kubelet messages name a pod. */
  private get podDesc(): string { return `${this.name}_${this.namespace}(${this.uid})`; }
  private hasInit(): boolean { return (this.pod.spec?.initContainers ?? []).length > 0; }
  private restartPolicy(): string { return this.pod.spec?.restartPolicy ?? 'Always'; }

  /** Mounts the volumes, sets the sandbox up and starts the first container(s). */
  start(): void {
    if (this.stopped || this.terminating) return;
    const failure = unmountableVolume(this.ctx.store, this.namespace, this.pod.spec?.volumes ?? []);
    if (failure) {
      this.event(undefined, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${failure.volume}" : ${failure.message}`);
      this.writeStatus();
      // The volume manager retries a failed mount with a back-off of 500 ms doubling to 2m2s.
      this.mountDelayMs = Math.min(this.mountDelayMs * 2, 122_000);
      const cancel = this.ctx.clock.after(this.mountDelayMs, () => { this.pending.delete(cancel); this.start(); });
      this.pending.add(cancel);
      return;
    }
    this.sandboxReady = true;
    this.writeStatus();
    const first = this.runs.find((r) => r.init);
    if (first) this.attempt(first);
    else for (const r of this.runs) this.attempt(r);
  }

  /** A newer version of the pod was seen; a deletionTimestamp starts termination. */
  update(pod: KubeObject): void {
    this.pod = pod as Pod;
    if (!pod.metadata.deletionTimestamp || this.evictedMessage !== undefined) return;
    if (!this.terminating) this.terminate(pod.metadata.deletionGracePeriodSeconds ?? 0);
    else this.shortenKills(pod.metadata.deletionGracePeriodSeconds ?? 0);
  }

  /** The pod object is gone: containers are stopped, nothing more is written but the events (none when `silent`). */
  remove(silent = false): void {
    if (this.stopped) return;
    if (!this.terminating && !silent) {
      for (const r of this.runs) if (r.state.running) this.event(r, 'Normal', 'Killing', `Stopping container ${r.spec.name}`);
    }
    this.stopped = true;
    for (const cancel of this.pending) cancel();
    this.pending.clear();
    for (const r of this.runs) this.cancelAll(r);
  }

  /**
   * The kubelet started again: the status it holds replaces whatever was written meanwhile (the
   * node lifecycle controller's Ready=False), and a deletion it saw before is finished.
   */
  resync(): void {
    if (this.stopped) return;
    this.writeStatus();
    if (this.terminating && this.evictedMessage === undefined) this.removeWhenStopped();
  }

  /** The log text of a container's current (or previous) instance. */
  logs(container: string, previous: boolean): string | undefined {
    const r = this.runs.find((x) => x.spec.name === container);
    if (!r) return undefined;
    const lines = previous ? r.previousLogs : r.logs;
    if (lines === undefined) return undefined;
    return lines.map((l) => `${l}\n`).join('');
  }

  /** The pod as last seen (the eviction manager ranks by its priority and requests). */
  get object(): Pod {
    return this.pod;
  }

  /** The usage of the running containers at `nowMs`; undefined when none runs. */
  usage(nowMs: number): PodUsage | undefined {
    const containers = this.runs
      .filter((r) => !this.stopped && r.state.running && r.program && r.startedMs !== undefined)
      .map((r) => containerUsage(r.spec, r.program!, r.startedMs!, nowMs));
    if (containers.length === 0) return undefined;
    return { namespace: this.namespace, name: this.name, uid: this.uid, containers };
  }

  /**
   * The eviction manager's kill: every container is stopped at once (a hard threshold allows no
   * grace period), the pod ends Failed with reason Evicted and the message, and stays in the store.
   */
  evict(message: string): void {
    if (this.stopped || this.evictedMessage !== undefined) return;
    this.evictedMessage = message;
    this.terminating = true;
    this.event(undefined, 'Warning', 'Evicted', message);
    const now = formatTime(this.ctx.clock.now());
    for (const r of this.runs) {
      this.cancelAll(r);
      if (r.state.running) {
        this.event(r, 'Normal', 'Killing', `Stopping container ${r.spec.name}`);
        const terminated: Terminated = { exitCode: 137, reason: 'Error', startedAt: r.state.running.startedAt ?? now, finishedAt: now };
        if (r.containerID !== undefined) terminated.containerID = r.containerID;
        r.state = { terminated };
      } else if (!r.state.terminated && !r.init) {
        r.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: '1970-01-01T00:00:00Z', finishedAt: '1970-01-01T00:00:00Z' } };
      }
      r.ready = false;
      r.started = false;
      r.listening = false;
    }
    this.writeStatus();
    this.stopped = true;
  }

  // ---- starting a container: image, config, create, start ----

  private attempt(r: ContainerRun): void {
    if (this.stopped || this.terminating) return;
    r.retry?.();
    delete r.retry;
    const invalid = invalidImageReason(r.spec.image ?? '');
    if (invalid !== undefined) {
      const message = `Failed to apply default image tag "${r.spec.image ?? ''}": couldn't parse image name "${r.spec.image ?? ''}": ${invalid}`;
      this.event(r, 'Warning', 'InspectFailed', message);
      this.event(r, 'Warning', 'Failed', 'Error: InvalidImageName');
      this.wait(r, 'InvalidImageName', message);
      return;
    }
    const ref = parseImage(r.spec.image ?? '');
    const declared = (r.spec.ports ?? []).map((p) => p.containerPort);
    const found = lookupImage(this.ctx.catalog, ref, declared);
    const policy = r.spec.imagePullPolicy ?? (ref.tag === 'latest' ? 'Always' : 'IfNotPresent');
    if (policy !== 'Always' && this.ctx.images.has(ref.qualified)) {
      this.event(r, 'Normal', 'Pulled', `Container image "${ref.image}" already present on machine`);
      this.configure(r, ref, found!.entry);
      return;
    }
    if (policy === 'Never') {
      const message = `Container image "${ref.image}" is not present with pull policy of Never`;
      this.event(r, 'Warning', 'ErrImageNeverPull', message);
      this.wait(r, 'ErrImageNeverPull', message);
      return;
    }
    const key = `${this.uid}/${ref.image}`;
    const now = this.nowMs();
    if (r.pullFailure && this.ctx.imageBackoff.isInBackOffSince(key, r.pullFailure.at, now)) {
      this.event(r, 'Normal', 'BackOff', `Back-off pulling image "${ref.image}"`);
      this.event(r, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      this.wait(r, 'ImagePullBackOff', `Back-off pulling image "${ref.image}": ErrImagePull: ${r.pullFailure.error}`);
      this.schedule(r, r.pullFailure.at + this.ctx.imageBackoff.get(key) - now, () => this.attempt(r));
      return;
    }
    this.pull(r, ref, found, key);
  }

  private pull(r: ContainerRun, ref: ImageRef, found: ReturnType<typeof lookupImage>, key: string): void {
    this.event(r, 'Normal', 'Pulling', `Pulling image "${ref.image}"`);
    const pullMs = found?.entry.pullMs ?? 800;
    this.schedule(r, pullMs, () => {
      if (found && found.tagExists) {
        this.ctx.images.add(ref.qualified);
        const took = goDuration(pullMs);
        this.event(r, 'Normal', 'Pulled', `Successfully pulled image "${ref.image}" in ${took} (${took} including waiting). Image size: ${found.entry.sizeBytes} bytes.`);
        this.configure(r, ref, found.entry);
        return;
      }
      const error = pullError(ref, found !== undefined);
      this.event(r, 'Warning', 'Failed', `Failed to pull image "${ref.image}": ${error}`);
      this.event(r, 'Warning', 'Failed', 'Error: ErrImagePull');
      r.pullFailure = { at: this.nowMs(), error };
      this.ctx.imageBackoff.next(key, this.nowMs());
      this.wait(r, 'ErrImagePull', error);
      this.schedule(r, RELIST_MS, () => this.attempt(r));
    });
  }

  private configure(r: ContainerRun, ref: ImageRef, entry: ImageEntry): void {
    const missing = missingConfigReference(this.ctx.store, this.namespace, r.spec);
    if (missing !== undefined) {
      this.event(r, 'Warning', 'Failed', `Error: ${missing}`);
      this.wait(r, 'CreateContainerConfigError', missing);
      this.schedule(r, CONFIG_RETRY_MS, () => this.attempt(r));
      return;
    }
    this.run(r, ref, entry);
  }

  private run(r: ContainerRun, ref: ImageRef, entry: ImageEntry): void {
    const program = programOf(entry, r.spec.command, r.spec.args);
    r.program = program;
    r.entry = entry;
    r.containerID = `containerd://${randomBytes(32).toString('hex')}`;
    r.imageID = `${ref.qualified.replace(/[:@][^:/@]*$/, '')}@sha256:${createHash('sha256').update(ref.qualified).digest('hex')}`;
    r.statusImage = ref.qualified;
    this.event(r, 'Normal', 'Created', `Created container: ${r.spec.name}`);
    if (program.missingExecutable !== undefined) {
      const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${program.missingExecutable}": executable file not found in $PATH: unknown`;
      this.event(r, 'Warning', 'Failed', `Error: ${message}`);
      r.logs = [];
      this.exited(r, { exitCode: 128, reason: 'StartError', message, startedAt: '1970-01-01T00:00:00Z' });
      return;
    }
    this.event(r, 'Normal', 'Started', `Started container ${r.spec.name}`);
    r.state = { running: { startedAt: formatTime(this.ctx.clock.now()) } };
    r.startedMs = this.nowMs();
    r.logs = [...program.logs];
    r.listening = false;
    r.killing = false;
    this.instanceTimer(r, program.startMs, () => { r.listening = true; });
    this.scheduleEnd(r, program);
    this.startProbes(r);
    this.writeStatus();
  }

  /** The instance's own end: an OOM kill above the memory limit (at once, or once its leak reaches it), or its exit. */
  private scheduleEnd(r: ContainerRun, program: Program): void {
    // A limit in bytes is a whole number: a fraction of a byte counts as one (Quantity.Value rounds up).
    const limit = memoryLimitBytes(r.spec);
    if (limit !== undefined && program.memoryBytes > limit) {
      this.instanceTimer(r, Math.max(program.startMs, 300), () => this.exited(r, { exitCode: 137, reason: 'OOMKilled' }));
      return;
    }
    const growth = program.memoryGrowthBytesPerSecond;
    const leakMs = limit !== undefined && growth > 0 ? Math.ceil(((limit - program.memoryBytes) / growth) * 1000) + 1 : undefined;
    const exitMs = program.run.kind === 'exit' ? program.run.afterMs : undefined;
    if (leakMs !== undefined && (exitMs === undefined || leakMs < exitMs)) {
      this.instanceTimer(r, leakMs, () => this.exited(r, { exitCode: 137, reason: 'OOMKilled' }));
      return;
    }
    if (program.run.kind === 'exit') {
      const { code, afterMs } = program.run;
      this.instanceTimer(r, afterMs, () => this.exited(r, { exitCode: code, reason: code === 0 ? 'Completed' : 'Error' }));
    }
  }

  // ---- exits and restarts ----

  private exited(r: ContainerRun, end: Omit<Terminated, 'finishedAt' | 'containerID'>): void {
    this.cancelInstance(r);
    const startedAt = end.startedAt ?? r.state.running?.startedAt ?? formatTime(this.ctx.clock.now());
    const terminated: Terminated = { ...end, startedAt, finishedAt: formatTime(this.ctx.clock.now()) };
    if (r.spec.terminationMessagePolicy === 'FallbackToLogsOnError' && end.exitCode !== 0 && end.message === undefined && r.logs.length > 0) {
      // The runtime's fallback: the tail of the log (at most 80 lines, 2048 bytes).
      terminated.message = r.logs.slice(-80).map((l) => `${l}\n`).join('').slice(-2048);
    }
    if (r.containerID !== undefined) terminated.containerID = r.containerID;
    r.state = { terminated };
    r.ready = r.init && end.exitCode === 0;
    r.started = false;
    r.listening = false;
    if (this.terminating) {
      this.writeStatus();
      this.removeWhenStopped();
      return;
    }
    if (r.init && end.exitCode === 0) {
      this.writeStatus();
      this.nextAfterInit(r);
      return;
    }
    const policy = this.restartPolicy();
    const restart = policy === 'Always' ? true : policy === 'OnFailure' || r.init ? end.exitCode !== 0 && policy !== 'Never' : false;
    this.writeStatus();
    if (restart) this.schedule(r, RELIST_MS, () => this.restartOrBackOff(r, this.nowMs() - RELIST_MS));
  }

  private nextAfterInit(done: ContainerRun): void {
    const inits = this.runs.filter((x) => x.init);
    const next = inits[inits.indexOf(done) + 1];
    if (next) {
      this.attempt(next);
      return;
    }
    for (const app of this.runs.filter((x) => !x.init)) {
      app.state = { waiting: { reason: 'ContainerCreating' } };
      this.attempt(app);
    }
  }

  /** The kubelet's doBackOff: a container exited within its back-off window waits in CrashLoopBackOff. */
  private restartOrBackOff(r: ContainerRun, finishedAt: number): void {
    if (this.stopped || this.terminating) return;
    const key = `${this.uid}/${r.init ? 'init' : 'app'}/${r.spec.name}`;
    const now = this.nowMs();
    if (this.ctx.crashBackoff.isInBackOffSince(key, finishedAt, now)) {
      const delay = this.ctx.crashBackoff.get(key);
      this.event(r, 'Warning', 'BackOff', `Back-off restarting failed container ${r.spec.name} in pod ${this.podDesc}`);
      this.wait(r, 'CrashLoopBackOff', `back-off ${goDuration(delay)} restarting failed container=${r.spec.name} pod=${this.podDesc}`, true);
      this.schedule(r, finishedAt + delay - now, () => this.restartOrBackOff(r, finishedAt));
      return;
    }
    this.ctx.crashBackoff.next(key, now);
    this.restart(r);
  }

  private restart(r: ContainerRun): void {
    if (r.state.terminated) r.lastState = { terminated: r.state.terminated };
    r.restartCount += 1;
    r.previousLogs = r.logs;
    r.logs = [];
    this.attempt(r);
  }

  /** Stops an instance: SIGTERM, then SIGKILL after the grace period if the process ignores it. */
  private kill(r: ContainerRun, graceSeconds: number): void {
    if (!r.state.running || r.killing) return;
    r.killing = true;
    this.cancelInstance(r);
    const handles = r.program?.exitsOnSigterm ?? true;
    const after = handles ? 100 : graceSeconds * 1000;
    r.killDeadlineMs = this.nowMs() + after;
    this.schedule(r, after, () => this.exited(r, handles ? { exitCode: 0, reason: 'Completed' } : { exitCode: 137, reason: 'Error' }));
  }

  /** A second delete shortened the grace period: a SIGKILL due later comes after the new period. */
  private shortenKills(graceSeconds: number): void {
    const deadline = this.nowMs() + graceSeconds * 1000;
    for (const r of this.runs) {
      if (!r.killing || !r.state.running || (r.killDeadlineMs ?? 0) <= deadline) continue;
      r.killing = false;
      this.kill(r, graceSeconds);
    }
  }

  private terminate(graceSeconds: number): void {
    this.terminating = true;
    for (const r of this.runs) {
      r.retry?.();
      delete r.retry;
      if (r.state.running) {
        this.event(r, 'Normal', 'Killing', `Stopping container ${r.spec.name}`);
        this.kill(r, graceSeconds);
      }
    }
    this.writeStatus();
    this.removeWhenStopped();
  }

  /**
   * Once no container runs, the kubelet finishes a graceful deletion by deleting the pod object
   * with grace period 0 (the status manager's final delete; finalizers still hold it, as they
   * would hold it for the real kubelet too).
   */
  private removeWhenStopped(): void {
    if (this.ctx.offline || this.runs.some((r) => r.state.running)) return;
    try {
      this.ctx.store.delete(PODS, this.namespace, this.name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
    } catch {
      // Already gone, or replaced by a pod of the same name: nothing of ours to remove.
    }
  }

  // ---- probes ----

  private startProbes(r: ContainerRun): void {
    const { startupProbe, livenessProbe, readinessProbe } = r.spec;
    if (r.init) return;
    const afterStartup = () => {
      r.started = true;
      if (!readinessProbe) r.ready = true;
      if (livenessProbe) this.probeLoop(r, 'Liveness', livenessProbe);
      if (readinessProbe) this.probeLoop(r, 'Readiness', readinessProbe);
      this.writeStatus();
    };
    if (startupProbe) this.probeLoop(r, 'Startup', startupProbe, afterStartup);
    else {
      r.started = true;
      if (!readinessProbe) r.ready = true;
      if (livenessProbe) this.probeLoop(r, 'Liveness', livenessProbe);
      if (readinessProbe) this.probeLoop(r, 'Readiness', readinessProbe);
    }
  }

  private probeLoop(r: ContainerRun, kind: 'Liveness' | 'Readiness' | 'Startup', probe: Probe, onStarted?: () => void): void {
    const period = (probe.periodSeconds ?? 10) * 1000;
    const failureThreshold = probe.failureThreshold ?? 3;
    const successThreshold = probe.successThreshold ?? 1;
    let failures = 0;
    let successes = 0;
    const tick = () => {
      if (!r.state.running || r.killing) return;
      const outcome = runProbe(probe, r.spec, r.program!, this.podIP, r.listening, r.entry?.binaries ?? [], this.dependencyDown(r));
      if (outcome.ok) {
        failures = 0;
        successes += 1;
        if (kind === 'Readiness' && successes >= successThreshold && !r.ready) {
          r.ready = true;
          this.writeStatus();
        }
        if (kind === 'Startup') {
          onStarted?.();
          return;
        }
      } else {
        successes = 0;
        failures += 1;
        this.event(r, 'Warning', 'Unhealthy', `${kind} probe failed: ${outcome.output}`);
        if (failures >= failureThreshold) {
          if (kind === 'Readiness' && r.ready) {
            r.ready = false;
            this.writeStatus();
          }
          if (kind !== 'Readiness') {
            this.event(r, 'Normal', 'Killing', `Container ${r.spec.name} failed ${kind.toLowerCase()} probe, will be restarted`);
            this.kill(r, probe.terminationGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30);
            return;
          }
        }
      }
      this.instanceTimer(r, period, tick);
    };
    // The prober's first run comes after the initial delay (and not before the process could answer).
    this.instanceTimer(r, Math.max((probe.initialDelaySeconds ?? 0) * 1000, Math.min(period, 1000)), tick);
  }

  /** Whether a service the program calls is down; the call's failure goes to its log, as the app would write it. */
  private dependencyDown(r: ContainerRun): boolean {
    const program = r.program;
    if (!program || program.dependsOn.length === 0 || !r.listening) return false;
    const failure = failingDependency(this.ctx.store, this.pod.metadata?.namespace ?? 'default', program.dependsOn);
    if (failure === undefined) return false;
    r.logs.push(`${formatTime(this.ctx.clock.now())} ERROR ${failure}`);
    // A long outage must not grow the log without bound.
    if (r.logs.length > MAX_LOG_LINES) r.logs.splice(0, r.logs.length - MAX_LOG_LINES);
    return true;
  }

  // ---- status ----

  private wait(r: ContainerRun, reason: string, message: string | undefined, keepLast = false): void {
    r.state = { waiting: message === undefined ? { reason } : { reason, message } };
    r.ready = false;
    r.started = false;
    if (!keepLast && r.restartCount === 0) r.lastState = {};
    this.writeStatus();
  }

  private containerStatus(r: ContainerRun): ContainerStatus {
    const s: ContainerStatus = {
      name: r.spec.name, state: r.state, lastState: r.lastState, ready: r.ready, restartCount: r.restartCount,
      image: r.statusImage, imageID: r.imageID ?? '', started: r.started,
    };
    if (r.containerID !== undefined) s.containerID = r.containerID;
    return s;
  }

  private writeStatus(): void {
    if (this.stopped || this.ctx.offline) return;
    let current: KubeObject;
    try {
      current = this.ctx.store.get(PODS, this.namespace, this.name);
    } catch {
      return;
    }
    if (current.metadata.uid !== this.uid) return;
    const init = this.runs.filter((r) => r.init).map((r) => this.containerStatus(r));
    const app = this.runs.filter((r) => !r.init).map((r) => this.containerStatus(r));
    const initDone = init.every((s) => s.state?.terminated?.exitCode === 0);
    const phase = podPhase(this.restartPolicy(), init, app, initDone);
    const now = formatTime(this.ctx.clock.now());
    const previous = (rec(current.status)['conditions'] as Record<string, unknown>[] | undefined) ?? [];
    const evicted = this.evictedMessage;
    const conditions = podConditions(init, app, initDone, evicted !== undefined ? 'Failed' : phase, this.sandboxReady, now, previous);
    const status: Record<string, unknown> = {
      phase: evicted !== undefined ? 'Failed' : phase,
      ...(evicted !== undefined ? { reason: 'Evicted', message: evicted } : {}),
      conditions: evicted !== undefined ? [disruptionTarget(evicted, now, previous), ...conditions] : conditions,
      hostIP: this.ctx.hostIP, hostIPs: [{ ip: this.ctx.hostIP }],
      ...(this.sandboxReady ? { podIP: this.podIP, podIPs: [{ ip: this.podIP }] } : {}),
      startTime: this.startTime, qosClass: podQosClass(current as unknown as Record<string, unknown>),
    };
    if (init.length > 0) status['initContainerStatuses'] = init;
    status['containerStatuses'] = app;
    this.ctx.store.update(PODS, { ...current, status }, { namespace: this.namespace, name: this.name, subresource: 'status' });
  }

  // ---- timers and events ----

  private nowMs(): number {
    return this.ctx.clock.now().getTime();
  }

  /** A retry or delayed step of a container (one pending at a time). */
  private schedule(r: ContainerRun, ms: number, job: () => void): void {
    r.retry?.();
    const cancel = this.ctx.clock.after(Math.max(0, ms), () => {
      if (r.retry === cancel) delete r.retry;
      if (!this.stopped) job();
    });
    r.retry = cancel;
  }

  private instanceTimer(r: ContainerRun, ms: number, job: () => void): void {
    const cancel = this.ctx.clock.after(ms, () => {
      r.timers = r.timers.filter((t) => t !== cancel);
      if (!this.stopped) job();
    });
    r.timers.push(cancel);
  }

  private cancelInstance(r: ContainerRun): void {
    for (const t of r.timers) t();
    r.timers = [];
  }

  private cancelAll(r: ContainerRun): void {
    this.cancelInstance(r);
    r.retry?.();
    delete r.retry;
  }

  /** Records an event about a container, or (without one) about the pod. */
  private event(r: ContainerRun | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.ctx.offline) return;
    const subject = { kind: 'Pod' as const, namespace: this.namespace, name: this.name, uid: this.uid };
    this.ctx.recorder.record(r ? { ...subject, fieldPath: r.fieldPath } : subject, type, reason, message);
  }
}

/** The condition the kubelet adds to a pod it evicts (PodDisruptionConditions). */
function disruptionTarget(message: string, now: string, previous: Record<string, unknown>[]): Record<string, unknown> {
  const before = previous.find((c) => c['type'] === 'DisruptionTarget' && c['status'] === 'True');
  return { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: before?.['lastTransitionTime'] ?? now, reason: 'TerminationByKubelet', message };
}

/** containerd's error for a reference it cannot resolve. */
function pullError(ref: ImageRef, repositoryKnown: boolean): string {
  const resolve = `failed to pull and unpack image "${ref.qualified}": failed to resolve reference "${ref.qualified}"`;
  if (repositoryKnown) return `rpc error: code = NotFound desc = ${resolve}: ${ref.qualified}: not found`;
  return `rpc error: code = Unknown desc = ${resolve}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
}
