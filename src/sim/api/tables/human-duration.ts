/**
 * Durations as the apiserver's tables print them (k8s.io/apimachinery/pkg/util/duration
 * `HumanDuration`): about two significant figures, e.g. `45s`, `3m12s`, `47m`, `5h3m`, `30h`, `2d4h`,
 * `45d`, `2y3d`.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * @param ms a duration in milliseconds; slightly negative values (clock skew under 2s) read as `0s`
 * @example humanDuration(192_000) // '3m12s'
 * @example humanDuration(52 * 3_600_000) // '2d4h'
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) return withRemainder(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) return withRemainder(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRemainder(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRemainder(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function withRemainder(value: number, unit: string, remainder: number, remainderUnit: string): string {
  return remainder === 0 ? `${value}${unit}` : `${value}${unit}${remainder}${remainderUnit}`;
}

/**
 * Time since a timestamp as a table cell (`translateTimestampSince`): `<unknown>` for a missing or
 * zero time.
 * @example since('2025-03-01T10:00:00Z', new Date('2025-03-01T10:00:45Z')) // '45s'
 */
export function since(timestamp: string | null | undefined, now: Date): string {
  const at = parseTime(timestamp);
  return at === undefined ? '<unknown>' : humanDuration(now.getTime() - at);
}

/** Milliseconds of a Kubernetes timestamp, or undefined for a missing, unreadable or Go zero time. */
export function parseTime(timestamp: string | null | undefined): number | undefined {
  if (timestamp === undefined || timestamp === null || timestamp === '') return undefined;
  const at = Date.parse(timestamp);
  return Number.isNaN(at) || at === Date.parse('0001-01-01T00:00:00Z') ? undefined : at;
}

/** The AGE column: time since the object's creationTimestamp. */
export function age(object: { metadata?: { creationTimestamp?: string } }, now: Date): string {
  return since(object.metadata?.creationTimestamp, now);
}
