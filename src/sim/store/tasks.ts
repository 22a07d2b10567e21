/**
 * The background work of the store's own controllers (garbage collection, namespace cleanup):
 * timers that never hold the process open, that stop on close, and whose completion tests can await.
 */

/** A queue of delayed jobs. */
export class Tasks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs `job` after `delayMs` (0: on the next turn of the event loop). */
  schedule(job: () => void, delayMs = 0): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        job();
      } catch (err) {
        this.onError(err);
      }
      if (this.timers.size === 0) this.release();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Resolves once no job is waiting (jobs scheduled by jobs included). */
  idle(): Promise<void> {
    if (this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Cancels every waiting job. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
