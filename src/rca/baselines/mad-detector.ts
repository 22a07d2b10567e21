/**
 * The anomaly detection PetShop's baselines share (data_preprocessing.py): per component, the
 * symptom's metric and statistic, scored |x - median| / MAD against normal operation, anomalous
 * above 5; the row analysed is the first one from the row after the alert's on where the symptom
 * itself is anomalous.
 */
import { incidentStartIndex, referenceValues } from '../incident-window.js';
import type { RcaCase } from '../rca-case.js';
import { mad, median } from '../robust-stats.js';
import type { MetricSeries } from '../telemetry.js';

export const MAD_THRESHOLD = 5;
/** The published code needs 10 normal points; with the case's own rows as history we accept 3. */
const MIN_POINTS = 3;

/** The symptom's metric of every component, and the anomaly scores at the analysed row. */
export interface MadDetection {
  readonly series: ReadonlyMap<string, MetricSeries>;
  /** Component to score, for the anomalous components only (the symptom included). */
  readonly anomalous: ReadonlyMap<string, number>;
  readonly row: number;
}

/** Runs the detection; `undefined` when the case has no symptom or the symptom is not anomalous. */
export function detectWithMad(c: RcaCase): MadDetection | undefined {
  const symptom = c.symptom;
  if (!symptom) return undefined;
  const statistic = symptom.statistic ?? '';
  const series = new Map(c.telemetry.series.filter((s) => s.metric === symptom.metric && s.statistic === statistic).map((s) => [s.component, s]));
  const target = series.get(symptom.component);
  if (!target) return undefined;
  const start = incidentStartIndex(c);
  const scorers = new Map([...series].map(([component, s]) => [component, scorer(referenceValues(c, s, start))]));
  const scoreAt = (component: string, row: number) => {
    const v = series.get(component)!.values[row];
    const score = scorers.get(component);
    return v === null || v === undefined || !score ? 0 : score(v);
  };
  let row = Math.min(start + 1, c.telemetry.times.length - 1);
  while (row < c.telemetry.times.length - 1 && scoreAt(symptom.component, row) <= MAD_THRESHOLD) row++;
  if (scoreAt(symptom.component, row) <= MAD_THRESHOLD) return undefined;
  const anomalous = new Map<string, number>();
  for (const component of series.keys()) {
    const score = scoreAt(component, row);
    if (score > MAD_THRESHOLD) anomalous.set(component, score);
  }
  return { series, anomalous, row };
}

/** dowhy's MedianDeviationScorer; a zero MAD makes any deviation infinitely anomalous, as there. */
function scorer(normal: readonly number[]): ((v: number) => number) | undefined {
  if (normal.length < MIN_POINTS) return undefined;
  const m = median(normal);
  const spread = mad(normal);
  return (v) => {
    const deviation = Math.abs(v - m);
    if (spread === 0) return deviation === 0 ? 0 : Number.POSITIVE_INFINITY;
    return deviation / spread;
  };
}
