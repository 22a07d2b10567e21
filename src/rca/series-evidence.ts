/** One anomalous series as a line of evidence, in the words of where it came from: a metric, logs or traces. */
import type { SeriesAnomaly } from './anomaly.js';
import { LOG_ERRORS, sampleErrorLine, TRACE_ERRORS, TRACE_SELF_TIME } from './log-trace-series.js';
import type { RcaCase } from './rca-case.js';
import { isoTime, type RcaEvidence } from './ranking.js';
import { seriesLabel } from './telemetry.js';
import { quoteUntrusted } from '../cluster/redact.js';

/** Longest log message quoted: one line a person reads, not the whole stack trace. */
const MAX_LOG_QUOTE = 200;

/** The evidence an anomalous series gives, at its peak. */
export function seriesEvidence(a: SeriesAnomaly, c: RcaCase): RcaEvidence {
  const times = c.telemetry.times;
  const at = isoTime(times[a.peakRow]);
  const value = formatNumber(a.series.values[a.peakRow] ?? Number.NaN);
  const normal = formatNumber(a.normalMedian);
  const z = round(a.peak);
  const common = { series: seriesLabel(a.series), anomaly: z, ...(at ? { at } : {}) };
  const who = a.series.component;
  switch (a.series.metric) {
    case LOG_ERRORS: {
      const sample = c.logs ? sampleErrorLine(c.logs, who, times, a.peakRow, a.peakRow + 1) : undefined;
      const line = sample ? `; first: "${quoteUntrusted(sample.message.replace(/\s+/g, ' '), MAX_LOG_QUOTE)}"` : '';
      return { kind: 'log', ...common, quote: `${who} logged ${value} errors in one interval against a normal ${normal} (robust z ${z})${line}` };
    }
    case TRACE_ERRORS:
      return { kind: 'trace', ...common, quote: `${who}'s spans originated ${value} errors in one interval (no callee's error explains them) against a normal ${normal} (robust z ${z})` };
    case TRACE_SELF_TIME:
      return { kind: 'trace', ...common, quote: `${who}'s spans spent ${value}s in themselves (not waiting on callees) against a normal ${normal}s (robust z ${z})` };
    default:
      return { kind: 'metric', ...common, quote: `${seriesLabel(a.series)} was ${value} against a normal ${normal} (robust z ${z})` };
  }
}

export const round = (n: number) => Math.round(n * 1000) / 1000;

/** Whole numbers as they are (counts), others to three significant digits or three decimals from 100 on. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return Number.isInteger(n) || Math.abs(n) >= 100 ? String(round(n)) : n.toPrecision(3);
}
