/**
 * How anomalous each series is during the incident: a robust z-score against the series' normal
 * values, signed so that positive means "worse" for that metric.
 */
import { incidentStartIndex, referenceValues } from './incident-window.js';
import { badDirection } from './metric-kind.js';
import type { RcaCase } from './rca-case.js';
import { mad, median, present } from './robust-stats.js';
import type { MetricSeries } from './telemetry.js';

/** One series scored over the incident rows. */
export interface SeriesAnomaly {
  readonly series: MetricSeries;
  /** Worse-is-positive robust z per row (0 before the incident and where a value is missing). */
  readonly z: readonly number[];
  /** The largest z in the incident, and its row. */
  readonly peak: number;
  readonly peakRow: number;
  readonly normalMedian: number;
}

/**
 * Scores every series of a case against what it was just before the incident: the level is the
 * median of the case's own rows before the incident (normal-operation data recorded at another time
 * can sit at another level), the spread comes from the normal-operation data when there is some.
 */
export function scoreCase(c: RcaCase): { start: number; anomalies: SeriesAnomaly[] } {
  const start = incidentStartIndex(c);
  return {
    start,
    anomalies: c.telemetry.series.map((s) => {
      const before = present(s.values.slice(0, start));
      return scoreSeries(s, referenceValues(c, s, start), start, before.length > 0 ? median(before) : undefined);
    }),
  };
}

/**
 * The robust z of each incident row. The spread is 1.4826 MAD (sigma for normal data), floored at
 * 0.1% of the median (a series that never moved must not make a tiny change infinite) and, for
 * counts (`Sum`), at the Poisson sigma sqrt(median).
 */
export function scoreSeries(series: MetricSeries, reference: readonly number[], start: number, level?: number): SeriesAnomaly {
  const m = level ?? (reference.length > 0 ? median(reference) : Number.NaN);
  const scale = robustScale(series, reference, reference.length > 0 ? median(reference) : m);
  const direction = badDirection(series.metric);
  let peak = 0;
  let peakRow = -1;
  const z = series.values.map((v, row) => {
    if (row < start || v === null || Number.isNaN(m)) return 0;
    const raw = (v - m) / scale;
    const worse = direction === 'up' ? raw : direction === 'down' ? -raw : Math.abs(raw);
    if (worse > peak) { peak = worse; peakRow = row; }
    return worse;
  });
  return { series, z, peak, peakRow, normalMedian: m };
}

function robustScale(series: MetricSeries, reference: readonly number[], m: number): number {
  const floors = [1.4826 * mad(reference), 0.001 * Math.abs(m), 1e-9];
  if (/^sum$/i.test(series.statistic)) floors.push(Math.sqrt(Math.max(m, 1)));
  return Math.max(...floors.filter((f) => Number.isFinite(f)));
}

/** The first incident row at which z reaches the threshold, or -1. */
export function onsetRow(anomaly: SeriesAnomaly, threshold: number): number {
  return anomaly.z.findIndex((z) => z >= threshold);
}
