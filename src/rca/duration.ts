/** Durations as Prometheus and kubectl write them (`30m`, `1h30m`, `90s`, `2d`), in seconds. */

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a duration; `undefined` when the text is not one or is not positive.
 * @example parseDurationSeconds('1h30m') // 5400
 */
export function parseDurationSeconds(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined;
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
  return seconds > 0 ? seconds : undefined;
}

/** Seconds as a PromQL duration (`15s`, `2m`), whole seconds, at least one. */
export function promDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  return s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}
