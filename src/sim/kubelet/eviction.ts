/**
 * The kubelet's eviction manager for the memory.available signal (pkg/kubelet/eviction): every
 * monitoring period it compares what the node's containers use with its allocatable memory; below
 * the hard threshold (memory.available<100Mi, the kubelet's default) it reports MemoryPressure,
 * records EvictionThresholdMet and evicts one pod, ranked as rankMemoryPressure does (pods using
 * more than they request first, then lower priority, then the largest use above request). The
 * condition stays True for the pressure transition period (5m) after the signal last crossed.
 */
import type { Pod } from '../../cluster/objects.js';
import { parseQuantity } from '../../cluster/quantity.js';
import type { SimClock } from '../clock.js';
import type { EventRecorder } from '../events/event-recorder.js';
import { lookupResource } from '../resources.js';
import { type ObjectStore, StatusError, formatTime } from '../store/index.js';
import { condition } from './node-status.js';
import { syncMemoryPressureTaint } from './pressure-taint.js';
import type { PodUsage } from './usage.js';

const NODES = lookupResource('nodes')!;

/** `--eviction-hard` default for memory.available. */
export const MEMORY_AVAILABLE_THRESHOLD_BYTES = 100 * 1024 * 1024;
const THRESHOLD_TEXT = '100Mi';
/** `--housekeeping-interval`: how often the eviction manager looks. */
export const EVICTION_MONITORING_MS = 10_000;
/** `--eviction-pressure-transition-period`. */
export const PRESSURE_TRANSITION_MS = 5 * 60_000;

/** A running pod the manager may evict. */
export interface EvictionCandidate {
  pod: Pod;
  usage: PodUsage;
  evict(message: string): void;
}

/** What the manager works with. */
export interface EvictionContext {
  store: ObjectStore;
  clock: SimClock;
  recorder: EventRecorder;
  nodeName: string;
}

type Obj = Record<string, unknown>;

/** A byte count as a BinarySI quantity prints (`91244Ki`, `52Mi`, `-3Mi`, `1000`). */
export function binaryQuantity(bytes: number): string {
  const whole = Math.round(bytes);
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  for (const [unit, size] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (abs >= size && abs % size === 0) return `${sign}${abs / size}${unit}`;
  }
  return `${sign}${abs}`;
}

function memoryRequest(pod: Pod, container: string): { bytes: number; text: string } {
  const spec = pod.spec?.containers.find((c) => c.name === container);
  const raw = spec?.resources?.requests?.['memory'] as string | number | undefined;
  if (raw === undefined) return { bytes: 0, text: '0' };
  return { bytes: Math.ceil(parseQuantity(raw) ?? 0), text: String(raw) };
}

function podMemory(c: EvictionCandidate): { usage: number; request: number } {
  let usage = 0;
  let request = 0;
  for (const container of c.usage.containers) {
    usage += container.memoryBytes;
    request += memoryRequest(c.pod, container.name).bytes;
  }
  return { usage, request };
}

/**
 * The eviction order under memory pressure: pods whose usage exceeds their requests first, then
 * the lower priority, then the larger usage above request.
 */
export function rankForMemoryPressure<T extends EvictionCandidate>(candidates: readonly T[]): T[] {
  const key = (c: T) => {
    const { usage, request } = podMemory(c);
    return { exceeds: usage > request, priority: c.pod.spec?.priority ?? 0, over: usage - request };
  };
  return [...candidates].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x.exceeds !== y.exceeds) return x.exceeds ? -1 : 1;
    if (x.priority !== y.priority) return x.priority - y.priority;
    return y.over - x.over;
  });
}

/** The message an evicted pod carries (helpers.go evictionMessage), trailing space included. */
export function evictionMessage(candidate: EvictionCandidate, availableBytes: number): string {
  let message = `The node was low on resource: memory. Threshold quantity: ${THRESHOLD_TEXT}, available: ${binaryQuantity(availableBytes)}. `;
  for (const container of candidate.usage.containers) {
    const request = memoryRequest(candidate.pod, container.name);
    if (container.memoryBytes > request.bytes) {
      message += `Container ${container.name} was using ${binaryQuantity(container.memoryBytes)}, request is ${request.text}, has larger consumption of memory. `;
    }
  }
  return message;
}

/** The eviction manager of one node. */
export class EvictionManager {
  private lastThresholdMetMs: number | undefined;
  private pressure = false;
  private cancel: (() => void) | undefined;

  constructor(private readonly ctx: EvictionContext, private readonly candidates: () => EvictionCandidate[]) {}

  /** Looks now and every monitoring period until stopped. */
  start(): void {
    const tick = () => {
      this.cancel = this.ctx.clock.after(EVICTION_MONITORING_MS, tick);
      this.synchronize();
    };
    this.cancel = this.ctx.clock.after(EVICTION_MONITORING_MS, tick);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Whether the manager reports MemoryPressure now (the status the kubelet posts follows it). */
  get underPressure(): boolean {
    return this.pressure;
  }

  /** One pass: observe, update the condition and taint, evict at most one pod. */
  synchronize(): void {
    const allocatable = this.allocatableBytes();
    if (allocatable === undefined) return;
    const candidates = this.candidates();
    const used = candidates.reduce((sum, c) => sum + podMemory(c).usage, 0);
    const available = allocatable - used;
    const nowMs = this.ctx.clock.now().getTime();
    const thresholdMet = available < MEMORY_AVAILABLE_THRESHOLD_BYTES;
    if (thresholdMet) this.lastThresholdMetMs = nowMs;
    const pressure = this.lastThresholdMetMs !== undefined && nowMs - this.lastThresholdMetMs < PRESSURE_TRANSITION_MS;
    if (pressure !== this.pressure) this.setPressure(pressure);
    if (!thresholdMet) return;
    this.ctx.recorder.record(this.nodeRef(), 'Warning', 'EvictionThresholdMet', 'Attempting to reclaim memory');
    const victim = rankForMemoryPressure(candidates)[0];
    victim?.evict(evictionMessage(victim, available));
  }

  private nodeRef() {
    return { kind: 'Node' as const, name: this.ctx.nodeName, uid: this.ctx.nodeName };
  }

  private allocatableBytes(): number | undefined {
    try {
      const node = this.ctx.store.get(NODES, undefined, this.ctx.nodeName);
      const allocatable = ((node.status as Obj | undefined)?.['allocatable'] as Obj | undefined)?.['memory'];
      return parseQuantity(allocatable as string | number | undefined);
    } catch (err) {
      if (err instanceof StatusError) return undefined;
      throw err;
    }
  }

  /** Posts the MemoryPressure condition (with its Node event) and the taint that follows it. */
  private setPressure(pressure: boolean): void {
    this.pressure = pressure;
    const now = this.ctx.clock.now();
    const reason = pressure ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory';
    const message = pressure ? 'kubelet has insufficient memory available' : 'kubelet has sufficient memory available';
    try {
      const node = this.ctx.store.get(NODES, undefined, this.ctx.nodeName);
      const status = { ...((node.status as Obj | undefined) ?? {}) };
      const previous = (status['conditions'] as Obj[] | undefined) ?? [];
      const next = condition('MemoryPressure', pressure ? 'True' : 'False', reason, message, formatTime(now), previous);
      status['conditions'] = previous.some((c) => c['type'] === 'MemoryPressure')
        ? previous.map((c) => (c['type'] === 'MemoryPressure' ? next : c))
        : [next, ...previous];
      this.ctx.store.update(NODES, { ...node, status }, { name: this.ctx.nodeName, subresource: 'status' });
      syncMemoryPressureTaint(this.ctx.store, this.ctx.nodeName, pressure, now);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      this.pressure = !pressure;
      return;
    }
    const event = pressure ? 'NodeHasInsufficientMemory' : 'NodeHasSufficientMemory';
    this.ctx.recorder.record(this.nodeRef(), 'Normal', event, `Node ${this.ctx.nodeName} status is now: ${event}`);
  }
}
