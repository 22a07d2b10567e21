import { describe, expect, it } from 'vitest';
import { accuracyAt, averageAccuracy } from './evaluation.js';
import { rankByGraphWalk } from './graph-walk.js';
import { loadCase } from './load-case.js';
import { RCA_METHODS } from './methods.js';
import { pearson } from './pearson.js';
import { petshopCase, rcaevalCase } from './fixtures.test-support.js';

describe('graph walk', () => {
  it('walks from the symptom to the deepest anomalous callee and ranks it first, with evidence', async () => {
    const ranking = rankByGraphWalk(await loadCase(petshopCase({ fault: true })));
    expect(ranking[0]?.component).toBe('api');
    expect(ranking.map((r) => r.component)).not.toContain('store');
    const kinds = ranking[0]!.evidence.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['metric', 'time-order', 'call-graph']));
    expect(ranking[0]!.evidence[0]!.quote).toMatch(/^api (latency|availability)\/Average was /);
    expect(ranking[0]!.score).toBeGreaterThan(ranking[1]!.score);
  });
  it('finds nothing, rather than a random ranking, when nothing is anomalous', async () => {
    expect(rankByGraphWalk(await loadCase(petshopCase({ fault: false })))).toEqual([]);
    expect(rankByGraphWalk(await loadCase(rcaevalCase({ fault: false })))).toEqual([]);
  });
  it('ranks the faulty service first on an RCAEval case, using the traces\' call graph', async () => {
    expect(rankByGraphWalk(await loadCase(rcaevalCase({ fault: true })))[0]?.component).toBe('api');
  });
});

describe('baselines', () => {
  it('each puts the faulty component in its top 3 on a clear fault', async () => {
    const c = await loadCase(petshopCase({ fault: true }));
    for (const method of RCA_METHODS) {
      expect(method.rank(c).slice(0, 3).map((r) => r.component), method.name).toContain('api');
    }
  });
});

describe('accuracy', () => {
  it('computes AC@k and Avg@k as RCAEval defines them', () => {
    const rankings = [['a', 'b'], ['b', 'a'], []];
    const truths = ['a', 'a', 'a'];
    expect(accuracyAt(rankings, truths, 1)).toBeCloseTo(1 / 3);
    expect(accuracyAt(rankings, truths, 2)).toBeCloseTo(2 / 3);
    expect(averageAccuracy(rankings, truths, 2)).toBeCloseTo(0.5);
  });
  it('gives Pearson r and the p-value scipy reports', () => {
    // scipy.stats.pearsonr([1,2,3,4,5],[2,1,4,3,5]) = (0.8, 0.1041...)
    const { r, p } = pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
    expect(r).toBeCloseTo(0.8, 10);
    expect(p).toBeCloseTo(0.10408, 4);
  });
});
