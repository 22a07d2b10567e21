/**
 * A per-object work queue on the simulator's clock, like client-go's workqueue: a key added many
 * times before its pass runs is synced once, a burst of events costs one pass, and a sync that
 * fails (a Conflict from a stale read) is retried after a back-off that grows while it keeps failing.
 */
import type { SimClock } from '../clock.js';

/** Retry delays after failed syncs: 5 ms doubling up to 1000 s, as client-go's default rate limiter. */
const RETRY_BASE_MS = 5;
const RETRY_MAX_MS = 1_000_000;

/** Deduplicating queue of `namespace/name` keys, drained by one clock job per burst. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, () => void>();
  private readonly failures = new Map<string, number>();
  private scheduled: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly clock: SimClock,
    private readonly sync: (key: string) => void,
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
  ) {}

  /** Queues a key for the next pass. */
  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.scheduled ??= this.clock.after(0, () => this.drain());
  }

  /** Queues a key after `ms` of simulated time (an earlier timer for the same key wins). */
  addAfter(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const cancel = this.clock.after(Math.max(0, ms), () => {
      this.timers.delete(key);
      this.add(key);
    });
    this.timers.set(key, cancel);
  }

  /** Cancels everything queued. */
  stop(): void {
    this.stopped = true;
    this.scheduled?.();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.sync(key);
        this.failures.delete(key);
      } catch (err) {
        this.onError(key, err);
        this.retry(key);
      }
    }
  }

  private retry(key: string): void {
    if (this.stopped || this.timers.has(key)) return;
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failures - 1));
    const cancel = this.clock.after(delay, () => {
      this.timers.delete(key);
      this.add(key);
    });
    this.timers.set(key, cancel);
  }
}

/** `namespace/name`, the queue key of a namespaced object. */
export function keyFor(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The namespace and name of a queue key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
