/**
 * BARO (Pham, Ha, Zhang, FSE 2024): Bayesian online change-point detection over the latency and
 * error metrics finds when the anomaly began; each series is then scaled robustly on the period
 * before it, (x - median) / IQR, and scores its largest |value| after; components rank by their
 * best series.
 */
import { detectChangeIndex, incidentStartIndex, referenceValues } from '../incident-window.js';
import { isServiceLevelMetric } from '../metric-kind.js';
import type { RcaCase } from '../rca-case.js';
import type { RcaMethod } from '../ranking.js';
import { iqr, median } from '../robust-stats.js';
import { peakFrom, rankSeries } from './series-ranking.js';

export const baro: RcaMethod = {
  name: 'BARO',
  rank(c) {
    const start = anomalyStart(c);
    return rankSeries(c.telemetry.series.map((series) => {
      const normal = referenceValues(c, series, start);
      const m = median(normal);
      // scikit-learn's RobustScaler uses scale 1 where the IQR is 0.
      const spread = iqr(normal) || 1;
      return { series, score: peakFrom(series.values, start, (v) => (v - m) / spread) };
    }), 'largest robust |score|');
  },
};

/** The change point BOCPD finds in the latency and error metrics; the case's own start when it finds none. */
export function anomalyStart(c: RcaCase): number {
  const signals = c.telemetry.series.filter((s) => isServiceLevelMetric(s.metric));
  return detectChangeIndex(signals, c.telemetry.times.length) ?? incidentStartIndex(c);
}
