/** Turns per-series scores into a component ranking: a component ranks by its best series. */
import type { RankedComponent } from '../ranking.js';
import { seriesLabel, type MetricSeries } from '../telemetry.js';

/** Best series first; each component keeps the place of its best series. */
export function rankSeries(scored: readonly { series: MetricSeries; score: number }[], what: string): RankedComponent[] {
  const sorted = scored.filter((s) => Number.isFinite(s.score) || s.score === Infinity).sort((a, b) => b.score - a.score);
  const seen = new Set<string>();
  const ranking: RankedComponent[] = [];
  for (const { series, score } of sorted) {
    if (seen.has(series.component)) continue;
    seen.add(series.component);
    ranking.push({ component: series.component, score, evidence: [{ kind: 'metric', series: seriesLabel(series), anomaly: score, quote: `${seriesLabel(series)}: ${what} ${score}` }] });
  }
  return ranking;
}

/**
 * The largest score over rows from `start` on, ignoring missing values. Signed, as `max(zscores)`
 * in BARO's and RCAEval's code: a series that only fell scores low.
 */
export function peakFrom(values: readonly (number | null)[], start: number, score: (v: number) => number): number {
  let peak = Number.NEGATIVE_INFINITY;
  for (let row = start; row < values.length; row++) {
    const v = values[row];
    if (v !== null && v !== undefined) peak = Math.max(peak, score(v));
  }
  return peak;
}
