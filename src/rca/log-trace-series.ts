/**
 * Logs and traces turned into series on the case's time axis, so that the anomaly scoring and the
 * call-graph walk weigh them like metrics: per container, error log lines per row (a burst is a
 * count far above its normal rate); per service, the errors its spans originated (an erroring span
 * none of whose children erred: callers that only pass an error on are not charged) and the mean
 * time its spans spent in themselves (duration less their children's: a caller waiting on a slow
 * callee is not charged).
 */
import type { LogLine, RcaCase, Span } from './rca-case.js';
import type { MetricSeries } from './telemetry.js';

/** Error log lines per row. */
export const LOG_ERRORS = 'log-errors';
/** Errors a service's spans originated, per row. */
export const TRACE_ERRORS = 'trace-errors';
/** Mean exclusive span time per row, in seconds. */
export const TRACE_SELF_TIME = 'trace-self-time';

/** Whether a series leaves out what callees contribute (so a callee's change cannot explain it). */
export function isExclusive(metric: string): boolean {
  return metric === TRACE_ERRORS || metric === TRACE_SELF_TIME;
}

const ERROR_LEVEL = /^(error|err|fatal|critical|crit|severe|panic|alert|emerg)$/i;
// `exception` may end a class name (NullPointerException); the others must be whole words.
const ERROR_WORDS = /\b(error|fatal|panic|traceback)\b|exception\b/i;

/** Whether a log line reports an error: by its level, or by its words when it has no level. */
export function isErrorLine(line: LogLine): boolean {
  return line.level.trim() !== '' ? ERROR_LEVEL.test(line.level.trim()) : ERROR_WORDS.test(line.message);
}

/**
 * Whether a span failed: OpenTelemetry's ERROR status (2, or a text naming an error) or an HTTP
 * 5xx. 4xx is the caller's mistake, not a fault of the service.
 */
export function isErrorSpan(span: Span): boolean {
  const code = span.statusCode.trim();
  if (/error/i.test(code)) return true;
  const n = Number(code);
  return code !== '' && Number.isFinite(n) && (n === 2 || (n >= 500 && n < 600));
}

/** The series logs and traces add to a case (none when it has neither). */
export function logAndTraceSeries(c: RcaCase): MetricSeries[] {
  const times = c.telemetry.times;
  if (times.length === 0) return [];
  return [...(c.logs ? logErrorSeries(c.logs, times) : []), ...(c.spans ? spanSeries(c.spans, times) : [])];
}

/** The case with its log and trace series appended to its metrics. */
export function withLogAndTraceSeries(c: RcaCase): RcaCase {
  const extra = logAndTraceSeries(c);
  return extra.length === 0 ? c : { ...c, telemetry: { ...c.telemetry, series: [...c.telemetry.series, ...extra] } };
}

/** The first error line of a container in rows [from, to), for evidence. */
export function sampleErrorLine(logs: readonly LogLine[], container: string, times: readonly number[], from: number, to: number): LogLine | undefined {
  const start = times[from];
  const end = times[to] ?? Number.POSITIVE_INFINITY;
  return logs.find((l) => l.container === container && start !== undefined && l.time >= start && l.time < end && isErrorLine(l));
}

function logErrorSeries(logs: readonly LogLine[], times: readonly number[]): MetricSeries[] {
  const counts = new Map<string, number[]>();
  for (const line of logs) {
    const row = rowOf(line.time, times);
    if (row === undefined || !line.container) continue;
    const perRow = counts.get(line.container) ?? new Array<number>(times.length).fill(0);
    if (isErrorLine(line)) perRow[row]! += 1;
    counts.set(line.container, perRow);
  }
  return [...counts].map(([component, values]) => ({ component, metric: LOG_ERRORS, statistic: 'Sum', values }));
}

function spanSeries(spans: readonly Span[], times: readonly number[]): MetricSeries[] {
  const unit = timeUnit(spans, times);
  const children = new Map<string, Span[]>();
  for (const span of spans) {
    if (!span.parentSpanId) continue;
    const key = `${span.traceId}/${span.parentSpanId}`;
    const siblings = children.get(key);
    if (siblings) siblings.push(span); else children.set(key, [span]);
  }
  const errors = new Map<string, number[]>();
  const selfTime = new Map<string, { sum: number[]; count: number[] }>();
  for (const span of spans) {
    const row = rowOf(span.startTime / unit, times);
    if (row === undefined || !span.service) continue;
    const kids = children.get(`${span.traceId}/${span.spanId}`) ?? [];
    const perRow = errors.get(span.service) ?? new Array<number>(times.length).fill(0);
    if (isErrorSpan(span) && !kids.some(isErrorSpan)) perRow[row]! += 1;
    errors.set(span.service, perRow);
    const own = Math.max(0, span.duration - kids.reduce((s, k) => s + k.duration, 0)) / unit;
    const acc = selfTime.get(span.service) ?? { sum: new Array<number>(times.length).fill(0), count: new Array<number>(times.length).fill(0) };
    acc.sum[row]! += own;
    acc.count[row]! += 1;
    selfTime.set(span.service, acc);
  }
  return [
    ...[...errors].map(([component, values]) => ({ component, metric: TRACE_ERRORS, statistic: 'Sum', values })),
    ...[...selfTime].map(([component, { sum, count }]) => ({
      component, metric: TRACE_SELF_TIME, statistic: 'Average', values: sum.map((s, i) => (count[i]! > 0 ? s / count[i]! : null)),
    })),
  ];
}

/**
 * Span times per second: Jaeger writes microseconds, others milli- or nanoseconds; the power of
 * 1000 that brings the first span's start nearest the metrics' time axis.
 */
function timeUnit(spans: readonly Span[], times: readonly number[]): number {
  const start = spans.find((s) => s.startTime > 0)?.startTime;
  const reference = times[0];
  if (start === undefined || reference === undefined || reference <= 0) return 1;
  const exponent = Math.round(Math.log10(start / reference) / 3) * 3;
  return 10 ** Math.min(9, Math.max(0, exponent));
}

/** The row whose interval holds `time` (unix seconds); undefined outside the case. */
function rowOf(time: number, times: readonly number[]): number | undefined {
  const first = times[0]!;
  const step = times.length > 1 ? times[times.length - 1]! - times[times.length - 2]! : 1;
  if (!Number.isFinite(time) || time < first || time >= times[times.length - 1]! + step) return undefined;
  let low = 0;
  let high = times.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (times[mid]! <= time) low = mid; else high = mid - 1;
  }
  return low;
}
