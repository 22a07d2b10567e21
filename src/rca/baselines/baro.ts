/**
 * BARO (Pham, Ha, Zhang, FSE 2024) as its repository runs it (phamquiluan/baro `robust_scorer`,
 * RCAEval `baro`): the rows before the anomaly's start are the normal period; each series is
 * scaled on it, (x - median) / IQR (scikit-learn's RobustScaler), and scores its largest scaled
 * value after the start (signed: a drop scores low); components rank by their best series. The
 * start is the recorded fault time when the dataset has one (RCAEval passes `inject_time`), else
 * BARO's multivariate BOCPD over the latency and error series.
 */
import { firstChangePoint } from '../bocpd.js';
import { incidentStartIndex, referenceValues } from '../incident-window.js';
import { isServiceLevelMetric } from '../metric-kind.js';
import type { RcaCase } from '../rca-case.js';
import type { RcaMethod } from '../ranking.js';
import { iqr, median, present } from '../robust-stats.js';
import type { MetricSeries } from '../telemetry.js';
import { peakFrom, rankSeries } from './series-ranking.js';

export const baro: RcaMethod = {
  name: 'BARO',
  rank(c) {
    const start = anomalyStart(c);
    return rankSeries(c.telemetry.series.map((series) => {
      const normal = referenceValues(c, series, start);
      const m = median(normal);
      // RobustScaler uses scale 1 where the IQR is 0.
      const spread = iqr(normal) || 1;
      return { series, score: peakFrom(series.values, start, (v) => (v - m) / spread) };
    }), 'largest robust score');
  },
};

/**
 * Where the anomaly starts for BARO: the recorded fault time, else the first change point BOCPD
 * finds in the latency and error series (min-max scaled, gaps carried forward, as there), else
 * (too few rows for BARO's 10-row run window, as in PetShop's 5-row cases) the alert's row.
 */
export function anomalyStart(c: RcaCase): number {
  if (c.incidentStart !== undefined) return incidentStartIndex(c);
  const signals = c.telemetry.series.filter((s) => isServiceLevelMetric(s.metric)).map(minMaxScaled);
  const rows = c.telemetry.times.map((_, t) => signals.map((s) => s[t]!));
  return (signals.length > 0 ? firstChangePoint(rows) : undefined) ?? incidentStartIndex(c);
}

/** (x - min) / (max - min), gaps filled with the last value and then 0 (a constant series becomes 0). */
function minMaxScaled(series: MetricSeries): number[] {
  const values = present(series.values);
  const low = Math.min(...values);
  const range = Math.max(...values) - low;
  let last = 0;
  return series.values.map((v) => {
    if (v !== null) last = range > 0 ? (v - low) / range : 0;
    return last;
  });
}
