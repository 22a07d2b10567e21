/**
 * The simulator's clock. Controllers and the simulated kubelet read time and set timers only through
 * it, so that the demo runs in real time, a test can run the same behaviour fast (a speed factor) or
 * step by step (a manual clock), and back-offs of minutes stay testable.
 */

export interface SimClock {
  now(): Date;
  /** Runs `job` after `ms` of simulated time; returns what cancels it. Timers never hold the process open. */
  after(ms: number, job: () => void): () => void;
}

/** Wall-clock time, optionally faster: at speed 10 a 5-minute back-off takes 30 real seconds. */
export class RealClock implements SimClock {
  private readonly start = Date.now();

  constructor(private readonly speed = 1) {
    if (!(speed > 0)) throw new RangeError(`clock speed must be positive, got ${speed}`);
  }

  now(): Date {
    return new Date(this.start + (Date.now() - this.start) * this.speed);
  }

  after(ms: number, job: () => void): () => void {
    const timer = setTimeout(job, Math.max(0, ms / this.speed));
    timer.unref();
    return () => clearTimeout(timer);
  }
}

/** Time that moves only when a test says so; due jobs run in time order as it advances. */
export class ManualClock implements SimClock {
  private current: number;
  private readonly jobs: { at: number; seq: number; job: () => void }[] = [];
  private seq = 0;

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  after(ms: number, job: () => void): () => void {
    const entry = { at: this.current + Math.max(0, ms), seq: this.seq++, job };
    this.jobs.push(entry);
    return () => {
      const i = this.jobs.indexOf(entry);
      if (i >= 0) this.jobs.splice(i, 1);
    };
  }

  /** Moves time forward by `ms`, running every job that falls due (including jobs those jobs set). */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.jobs.splice(this.jobs.indexOf(next), 1);
      this.current = next.at;
      next.job();
    }
    this.current = end;
  }

  private nextDue(end: number): { at: number; seq: number; job: () => void } | undefined {
    let best: { at: number; seq: number; job: () => void } | undefined;
    for (const j of this.jobs) {
      if (j.at <= end && (!best || j.at < best.at || (j.at === best.at && j.seq < best.seq))) best = j;
    }
    return best;
  }
}
