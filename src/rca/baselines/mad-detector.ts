/**
 * The anomaly detection PetShop's baselines share (data_preprocessing.py): per component, the
 * symptom's metric and statistic, scored |x - median| / MAD against normal operation, anomalous
 * above 5 (a series constant in normal operation scores |x - mean|, anomalous above 0); the row
 * analysed is the first one from the third row on (index 2 there) where the symptom itself is
 * anomalous.
 */
import { incidentStartIndex, referenceValues } from '../incident-window.js';
import type { RcaCase } from '../rca-case.js';
import { mad, median } from '../robust-stats.js';
import type { MetricSeries } from '../telemetry.js';

export const MAD_THRESHOLD = 5;
/** The repository analyses the third row of an issue ("to give the issues some time to trigger"), or the first anomalous one after it. */
const ANALYSED_ROW = 2;
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
    return v === null || v === undefined || !score ? 0 : score.score(v);
  };
  const isAnomalous = (component: string, row: number) => {
    const score = scorers.get(component);
    return score !== undefined && scoreAt(component, row) > score.threshold;
  };
  const last = c.telemetry.times.length - 1;
  let row = Math.min(ANALYSED_ROW, last);
  while (row < last && !isAnomalous(symptom.component, row)) row++;
  if (!isAnomalous(symptom.component, row)) return undefined;
  const anomalous = new Map<string, number>();
  for (const component of series.keys()) {
    if (isAnomalous(component, row)) anomalous.set(component, scoreAt(component, row));
  }
  return { series, anomalous, row };
}

interface Scorer { readonly score: (v: number) => number; readonly threshold: number }

/**
 * dowhy's MedianDeviationScorer (a zero MAD makes any deviation infinitely anomalous, as there),
 * or, for a series whose normal values never vary, the repository's MeanDeviationWithoutRescaling
 * with threshold 0.
 */
function scorer(normal: readonly number[]): Scorer | undefined {
  if (normal.length < MIN_POINTS) return undefined;
  // np.std == 0 there: compared as min == max (and the mean taken as that value), since summing
  // could leave a rounding residue that makes an unchanged value look anomalous.
  if (Math.min(...normal) === Math.max(...normal)) {
    const m = normal[0]!;
    return { score: (v) => Math.abs(v - m), threshold: 0 };
  }
  const m = median(normal);
  const spread = mad(normal);
  return {
    score: (v) => {
      const deviation = Math.abs(v - m);
      if (spread === 0) return deviation === 0 ? 0 : Number.POSITIVE_INFINITY;
      return deviation / spread;
    },
    threshold: MAD_THRESHOLD,
  };
}
