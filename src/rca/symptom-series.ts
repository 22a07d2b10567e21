/** The series the user alerted on, among a case's scored series. */
import type { SeriesAnomaly } from './anomaly.js';
import type { Symptom } from './rca-case.js';

/**
 * The symptom's series: the named metric and statistic, or (no statistic named) the most anomalous
 * series of that metric. `undefined` when there is no symptom or the case does not record it.
 */
export function symptomSeries(anomalies: readonly SeriesAnomaly[], symptom: Symptom | undefined): SeriesAnomaly | undefined {
  if (!symptom) return undefined;
  const matching = anomalies.filter((a) => a.series.component === symptom.component && a.series.metric === symptom.metric
    && (!symptom.statistic || a.series.statistic === symptom.statistic));
  return matching.sort((a, b) => b.peak - a.peak)[0];
}
