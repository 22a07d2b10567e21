/**
 * N-sigma (as in RCAEval `nsigma`): each series is standardised with the mean and standard
 * deviation of its normal period; a series scores its largest z after the incident start (signed,
 * `max(zscores)` there); components rank by their best series.
 */
import { incidentStartIndex, referenceValues } from '../incident-window.js';
import type { RcaMethod } from '../ranking.js';
import { mean, std } from '../robust-stats.js';
import { peakFrom, rankSeries } from './series-ranking.js';

export const nSigma: RcaMethod = {
  name: 'N-sigma',
  rank(c) {
    const start = incidentStartIndex(c);
    return rankSeries(c.telemetry.series.map((series) => {
      const normal = referenceValues(c, series, start);
      const m = mean(normal);
      // scikit-learn's StandardScaler leaves a constant series unscaled (scale 1).
      const s = std(normal) || 1;
      return { series, score: peakFrom(series.values, start, (v) => (v - m) / s) };
    }), 'largest z');
  },
};
