/**
 * Kubernetes timestamps as numbers, and durations as people read them. A timestamp the API left at
 * Go's zero time (`0001-01-01T00:00:00Z`, which describe prints as `Mon, 01 Jan 0001`) is unknown,
 * not two thousand years old.
 */

/** Before this, a time is Go's zero time or garbage: unknown. */
const ZERO_TIME_CUTOFF = Date.UTC(1971, 0, 1);

/**
 * @returns ms since the epoch, or undefined for a missing, unreadable or zero time
 * @example millisOf('2026-11-20T10:00:00Z') // 1795168800000
 */
export function millisOf(time: string | Date | null | undefined): number | undefined {
  if (time === undefined || time === null) return undefined;
  const ms = typeof time === 'string' ? Date.parse(time) : time.getTime();
  return Number.isNaN(ms) || ms < ZERO_TIME_CUTOFF ? undefined : ms;
}

/** Seconds from `time` to `now`: an object's age. Undefined when the time is unknown or after `now`. */
export function secondsSince(time: string | undefined, now: Date): number | undefined {
  const at = millisOf(time);
  if (at === undefined) return undefined;
  const age = (now.getTime() - at) / 1000;
  return age >= 0 ? age : undefined;
}

/**
 * A duration as people say it, two units at most.
 * @example formatDuration(250_000) // '4m10s'
 * @example formatDuration(51 * 3_600_000) // '2d3h'
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}
