/**
 * When the incident starts in a case, and what "normal" looks like for each series: the shared
 * ground every method stands on, so that they differ only in how they rank.
 */
import { isLoadMetric, isServiceLevelMetric } from './metric-kind.js';
import type { RcaCase } from './rca-case.js';
import { mostProbableRunLengths, strongestChangePoint } from './bocpd.js';
import { iqr, median, present } from './robust-stats.js';
import type { MetricSeries } from './telemetry.js';

/**
 * The first row of the incident: the recorded fault time when the dataset has one, else the row
 * whose interval holds the alert's time, else the strongest change point of the service-level
 * metrics (BOCPD; of every behaviour metric when there is no service-level one), else the middle row.
 */
export function incidentStartIndex(c: RcaCase): number {
  const times = c.telemetry.times;
  if (c.incidentStart !== undefined) return clamp(times.findIndex((t) => t >= c.incidentStart!), times.length);
  const at = c.symptom?.at;
  if (at !== undefined) {
    let row = 0;
    times.forEach((t, i) => { if (t <= at) row = i; });
    return row;
  }
  const serviceLevel = c.telemetry.series.filter((s) => isServiceLevelMetric(s.metric));
  // A live namespace may expose only resource metrics (cAdvisor, restarts): then they are what changed.
  const detectOn = serviceLevel.length > 0 ? serviceLevel : c.telemetry.series.filter((s) => !isLoadMetric(s.metric));
  return detectChangeIndex(detectOn, times.length) ?? Math.floor(times.length / 2);
}

function clamp(index: number, length: number): number {
  return index === -1 ? Math.max(0, length - 1) : index;
}

/**
 * The strongest change point of several series by BOCPD, each series first put on a robust scale
 * (median 0, IQR 1) so one prior fits all. `undefined` when no run ever resets.
 */
export function detectChangeIndex(series: readonly MetricSeries[], length: number): number | undefined {
  const scaled = series.map((s) => {
    const values = present(s.values);
    const m = median(values);
    const spread = iqr(values) || 1;
    return s.values.map((v) => (v === null ? Number.NaN : (v - m) / spread));
  }).filter((v) => v.some((x) => !Number.isNaN(x)));
  if (scaled.length === 0) return undefined;
  const rows = Array.from({ length }, (_, t) => scaled.map((s) => s[t]!));
  return strongestChangePoint(mostProbableRunLengths(rows));
}

/** Fewer rows than this before the incident, and a case's own history is too short to call normal. */
const MIN_HISTORY = 3;

/**
 * The normal values of a series: the dataset's normal-operation data when there is some, else the
 * case's rows before the incident, else (too short a history) all the case's rows, whose median and
 * spread a minority of anomalous rows barely moves.
 */
export function referenceValues(c: RcaCase, series: MetricSeries, start: number): number[] {
  const match = c.normal?.series.find((n) => n.component === series.component && n.metric === series.metric && n.statistic === series.statistic);
  const normal = match ? present(match.values) : [];
  if (normal.length >= 2) return normal;
  const before = present(series.values.slice(0, start));
  return before.length >= MIN_HISTORY ? before : present(series.values);
}
