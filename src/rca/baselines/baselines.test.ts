import { describe, expect, it } from 'vitest';
import { firstChangePoint } from '../bocpd.js';
import { graphFromEdges } from '../call-graph.js';
import type { RcaCase } from '../rca-case.js';
import type { MetricSeries } from '../telemetry.js';
import { anomalyTraversal } from './anomaly-traversal.js';
import { anomalyStart, baro } from './baro.js';
import { nSigma } from './n-sigma.js';

/** A seeded wobble in [-0.5, 0.5). */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
}

function series(component: string, metric: string, values: readonly number[], statistic = ''): MetricSeries {
  return { component, metric, statistic, values };
}

/** `rows` rows at 1 s; each series is its level plus 1% noise, plus `step` from row `at` on. */
function stepCase(rows: number, at: number, steps: Record<string, { level: number; step: number }>, incidentStart?: number): RcaCase {
  const rand = noise(9);
  return {
    name: 'generated', format: 'rcaeval',
    telemetry: {
      times: Array.from({ length: rows }, (_, t) => 1_700_000_000 + t),
      series: Object.entries(steps).map(([column, { level, step }]) => {
        const [component, metric] = column.split('_') as [string, string];
        return series(component, metric, Array.from({ length: rows }, (_, t) => level * (1 + 0.02 * rand()) + (t >= at ? step : 0)));
      }),
    },
    ...(incidentStart !== undefined ? { incidentStart: 1_700_000_000 + incidentStart } : {}),
  };
}

describe('BARO and N-sigma score the largest signed value, as max(zscores) there', () => {
  // `cart` latency rose; `db` cpu fell far more. A fall is not what these methods look for.
  const c = stepCase(60, 40, { cart_latency: { level: 0.1, step: 0.05 }, db_cpu: { level: 0.5, step: -0.4 } }, 40);
  it('BARO', () => expect(baro.rank(c).map((r) => r.component)).toEqual(['cart', 'db']));
  it('N-sigma', () => expect(nSigma.rank(c).map((r) => r.component)).toEqual(['cart', 'db']));
});

describe('BARO\'s change point', () => {
  it('is the first row where a 10-row run began with probability over 0.01, read as BARO reads the posterior', () => {
    const rand = noise(4);
    const rows = Array.from({ length: 60 }, (_, t) => [(t >= 35 ? 1 : 0) + 0.05 * rand()]);
    // The threshold is loose: a run reaching a row or two back into the old level already passes it.
    const at = firstChangePoint(rows)!;
    expect(at).toBeGreaterThanOrEqual(32);
    expect(at).toBeLessThanOrEqual(35);
    expect(firstChangePoint(Array.from({ length: 60 }, () => [0.05 * rand()]))).not.toBe(at);
  });
  it('needs more rows than a 10-row window; a case without a fault time then falls back to the alert', () => {
    expect(firstChangePoint(Array.from({ length: 5 }, () => [0]))).toBeUndefined();
    const short = { ...stepCase(5, 2, { web_latency: { level: 0.1, step: 1 } }), symptom: { component: 'web', metric: 'latency', at: 1_700_000_003 } };
    expect(anomalyStart(short)).toBe(3);
  });
  it('uses the recorded fault time when the case has one, as RCAEval passes inject_time', () => {
    expect(anomalyStart(stepCase(60, 35, { web_latency: { level: 0.1, step: 1 } }, 20))).toBe(20);
    expect(anomalyStart(stepCase(60, 35, { web_latency: { level: 0.1, step: 1 } }))).toBeGreaterThan(30);
  });
});

describe('PetShop anomaly traversal', () => {
  const petshop = (values: Record<string, readonly number[]>): RcaCase => ({
    name: 'generated', format: 'petshop',
    telemetry: {
      times: [0, 300, 600, 900, 1200],
      series: Object.entries(values).map(([component, v]) => series(component, 'latency', v, 'Average')),
    },
    normal: {
      times: Array.from({ length: 20 }, (_, t) => t),
      series: [
        series('web', 'latency', Array.from({ length: 20 }, (_, t) => 0.1 + 0.001 * (t % 3)), 'Average'),
        // Never varied in normal operation: the repository scores such a series |x - mean|, anomalous above 0.
        series('search', 'latency', Array.from({ length: 20 }, () => 0.01), 'Average'),
      ],
    },
    graph: graphFromEdges([['web', 'search']]),
    symptom: { component: 'web', metric: 'latency', statistic: 'Average', at: 400 },
  });

  it('scores a series constant in normal operation by its plain deviation, not as infinitely anomalous', () => {
    const ranking = anomalyTraversal.rank(petshop({ web: [0.1, 0.1, 0.5, 0.5, 0.1], search: [0.01, 0.01, 0.41, 0.4, 0.01] }));
    expect(ranking.map((r) => r.component)).toEqual(['search']);
    // web: |0.5 - median 0.101| / MAD 0.001; search: |0.41 - 0.01|.
    expect(ranking[0]!.score).toBeCloseTo(399 + 0.4, 6);
  });
  it('never names the symptom itself, as networkx finds no path from a node to itself', () => {
    expect(anomalyTraversal.rank(petshop({ web: [0.1, 0.1, 0.5, 0.5, 0.1], search: [0.01, 0.01, 0.01, 0.01, 0.01] }))).toEqual([]);
  });
});
