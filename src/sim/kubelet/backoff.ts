/**
 * The kubelet's back-off (client-go flowcontrol.Backoff as the kubelet configures it): 10 s
 * doubling to 5 min per key, forgotten once a key has been quiet for twice the maximum (so a
 * container that ran 10 minutes starts over at 10 s).
 */

/** Initial back-off of crash and image-pull retries. */
export const INITIAL_BACKOFF_MS = 10_000;
/** Cap of crash and image-pull back-off (MaxContainerBackOff). */
export const MAX_BACKOFF_MS = 300_000;

/** Back-off durations per key, on simulated time passed in. */
export class Backoff {
  private readonly entries = new Map<string, { durationMs: number; updatedAt: number }>();

  constructor(private readonly initialMs = INITIAL_BACKOFF_MS, private readonly maxMs = MAX_BACKOFF_MS) {}

  /** Moves the key to its next duration (the first call sets the initial one). */
  next(key: string, now: number): number {
    const entry = this.entries.get(key);
    const durationMs = !entry || now - entry.updatedAt > 2 * this.maxMs ? this.initialMs : Math.min(entry.durationMs * 2, this.maxMs);
    this.entries.set(key, { durationMs, updatedAt: now });
    return durationMs;
  }

  /** The current duration of a key (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.durationMs ?? 0;
  }

  /** Whether `since` (an exit or a failure) is less than the key's duration ago. */
  isInBackOffSince(key: string, since: number, now: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || now - entry.updatedAt > 2 * this.maxMs) return false;
    return now - since < entry.durationMs;
  }

  /** Forgets a key. */
  reset(key: string): void {
    this.entries.delete(key);
  }
}
