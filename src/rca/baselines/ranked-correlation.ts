/**
 * PetShop's ranked-correlation baseline (ranked_correlation.py with its defaults): among the
 * anomalous components, those whose symptom metric correlates most significantly (smallest Pearson
 * p-value) with the symptom's over the incident data, top 3.
 */
import { pearson } from '../pearson.js';
import type { RankedComponent, RcaMethod } from '../ranking.js';
import { detectWithMad } from './mad-detector.js';

const TOP_K = 3;

export const rankedCorrelation: RcaMethod = {
  name: 'PetShop ranked correlation',
  rank(c) {
    const detection = detectWithMad(c);
    if (!detection || !c.symptom) return [];
    const target = detection.series.get(c.symptom.component)!;
    const ranking: RankedComponent[] = [];
    for (const component of detection.anomalous.keys()) {
      if (component === c.symptom.component) continue;
      const values = detection.series.get(component)!.values;
      const x: number[] = [];
      const y: number[] = [];
      values.forEach((v, i) => {
        const t = target.values[i];
        if (v !== null && t !== null && t !== undefined) { x.push(v); y.push(t); }
      });
      const { r, p } = pearson(x, y);
      if (Number.isNaN(p)) continue;
      ranking.push({ component, score: -p, evidence: [{ kind: 'metric', quote: `Pearson r ${r.toFixed(3)} with the symptom, p ${p.toPrecision(3)}` }] });
    }
    return ranking.sort((a, b) => (b.score === a.score ? 0 : b.score - a.score)).slice(0, TOP_K);
  },
};
