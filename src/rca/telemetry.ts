/** The metric time series of a case, in one shape for every input format. */

/** One metric of one component over the case's time axis (`null`: no sample at that time). */
export interface MetricSeries {
  readonly component: string;
  /** The metric's name as the source spells it: `latency`, `availability`, `cpu`, `latency-90` ... */
  readonly metric: string;
  /** The aggregation (`Average`, `p90`, `Sum` ...); empty when the source has one value per metric. */
  readonly statistic: string;
  readonly values: readonly (number | null)[];
}

/** Series sharing one time axis (unix seconds, ascending). */
export interface Telemetry {
  readonly times: readonly number[];
  readonly series: readonly MetricSeries[];
}

/** `component metric/statistic`, as evidence and errors print a series. */
export function seriesLabel(series: Pick<MetricSeries, 'component' | 'metric' | 'statistic'>): string {
  return series.statistic ? `${series.component} ${series.metric}/${series.statistic}` : `${series.component} ${series.metric}`;
}

/** The components that have at least one series, in first-seen order. */
export function componentsOf(telemetry: Telemetry): string[] {
  return [...new Set(telemetry.series.map((s) => s.component))];
}
