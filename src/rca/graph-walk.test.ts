import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_WALK, rankByGraphWalk, type GraphWalkOptions } from './graph-walk.js';
import { loadCase } from './load-case.js';
import { petshopCaseFrom, type PetshopSpec } from './fixtures.test-support.js';

const flat = (v: number) => [v, v, v, v, v];

async function rank(spec: PetshopSpec, options: Partial<GraphWalkOptions> = {}) {
  return rankByGraphWalk(await loadCase(petshopCaseFrom(spec)), { ...DEFAULT_GRAPH_WALK, ...options });
}

const names = (ranking: readonly { component: string }[]) => ranking.map((r) => r.component);

describe('graph walk: a leaf in front of a traced service', () => {
  // `web` calls the search service both directly and through a load balancer `lb` that the call
  // graph shows only as a leaf; the balancer's latency is the service's, and against its own tiny
  // normal latency its change is the more anomalous.
  const spec: PetshopSpec = {
    calls: { web: ['lb', 'search', 'mail'], search: ['db'] },
    series: [
      { component: 'web', metric: 'latency', values: [0.1, 0.1, 0.6, 0.6, 0.1] },
      { component: 'lb', metric: 'latency', values: [0.002, 0.002, 0.5, 0.5, 0.002] },
      { component: 'search', metric: 'latency', values: [0.01, 0.01, 0.5, 0.5, 0.01] },
      { component: 'db', metric: 'latency', values: flat(0.005) },
      { component: 'mail', metric: 'latency', values: flat(0.05) },
    ],
    target: { node: 'web', metric: 'latency', agg: 'Average' },
  };

  it('ranks the traced service first and says the leaf is most likely its proxy', async () => {
    const ranking = await rank(spec);
    expect(names(ranking).slice(0, 2)).toEqual(['search', 'lb']);
    expect(ranking[1]!.evidence.map((e) => e.quote)).toContain(
      "a leaf of the call graph, seen only by its callers; traced sibling search changed as much: most likely its view of search through a proxy or load balancer");
  });
  it('ranks the more anomalous leaf first without that rule', async () => {
    expect(names(await rank(spec, { transparentProxies: false }))[0]).toBe('lb');
  });
  it('keeps a leaf that is the cause: no traced sibling matches its change', async () => {
    const cacheFault: PetshopSpec = {
      ...spec,
      calls: { web: ['cache', 'search'], search: ['db'] },
      series: [
        { component: 'web', metric: 'latency', values: [0.1, 0.1, 0.6, 0.6, 0.1] },
        { component: 'cache', metric: 'latency', values: [0.02, 0.02, 0.52, 0.51, 0.02] },
        { component: 'search', metric: 'latency', values: [0.01, 0.01, 0.0102, 0.0101, 0.01] },
        { component: 'db', metric: 'latency', values: flat(0.005) },
      ],
    };
    expect(names(await rank(cacheFault))[0]).toBe('cache');
  });
});

describe('graph walk: success rates compared as failed requests', () => {
  // 16% of the balancer's 50 calls fail: 8 requests; 3.3% of the 800 its backend serves: 26.
  const spec: PetshopSpec = {
    calls: { web: ['lb', 'search'], client: ['search'], search: ['db'] },
    series: [
      { component: 'web', metric: 'availability', values: [100, 100, 97, 96.5, 100], noise: 0.0005 },
      { component: 'web', metric: 'requests', statistic: 'Sum', values: [480, 480, 480, 480, 480] },
      { component: 'lb', metric: 'availability', values: [100, 100, 88, 84, 100], noise: 0.0005 },
      { component: 'lb', metric: 'requests', statistic: 'Sum', values: [50, 50, 50, 50, 50] },
      { component: 'search', metric: 'availability', values: [100, 100, 97.2, 96.7, 100], noise: 0.0005 },
      { component: 'search', metric: 'requests', statistic: 'Sum', values: [800, 800, 800, 800, 800] },
      { component: 'db', metric: 'availability', values: flat(100) },
    ],
    target: { node: 'web', metric: 'availability', agg: 'Average' },
  };

  it('lets the backend explain the balancer when it lost more requests', async () => {
    expect(names(await rank(spec))[0]).toBe('search');
  });
  it('lets the larger rate win when counts are ignored', async () => {
    expect(names(await rank(spec, { countFailures: false }))[0]).toBe('lb');
  });
});

describe('graph walk: a cause is bad while its effect is', () => {
  // `jobs` is called asynchronously: its latency jumps when the page is back to normal.
  const spec: PetshopSpec = {
    calls: { web: ['search', 'jobs'] },
    series: [
      { component: 'web', metric: 'latency', values: [0.1, 0.1, 0.3, 0.3, 0.1] },
      { component: 'search', metric: 'latency', values: [0.01, 0.01, 0.2, 0.2, 0.01] },
      { component: 'jobs', metric: 'latency', values: [1, 1, 3, 1, 40] },
    ],
    target: { node: 'web', metric: 'latency', agg: 'Average' },
  };

  it('ranks the callee that follows the symptom first, and quotes how closely', async () => {
    const ranking = await rank(spec);
    expect(names(ranking)[0]).toBe('search');
    expect(ranking[0]!.evidence.some((e) => e.kind === 'time-order' && /^search latency\/Average follows the symptom web latency\/Average over the case \(Pearson r (1|0\.9\d*)\)$/.test(e.quote))).toBe(true);
  });
  it('ranks the most anomalous callee first when the time course is ignored', async () => {
    expect(names(await rank(spec, { followSymptom: false }))[0]).toBe('jobs');
  });
});

describe('graph walk: the alert names the symptom even when it stays under the threshold', () => {
  // The page moved a little; `search`, which it calls, moved a lot. A chain behind `pay`, which did
  // not move at all, is anomalous too, but cannot have reached the page.
  const spec: PetshopSpec = {
    calls: { web: ['search', 'pay'], pay: ['gateway'], gateway: ['fn'] },
    series: [
      { component: 'web', metric: 'latency', values: [0.1, 0.1, 0.1004, 0.1003, 0.1] },
      { component: 'search', metric: 'latency', values: [0.01, 0.01, 0.05, 0.05, 0.01] },
      { component: 'pay', metric: 'latency', values: flat(0.2) },
      { component: 'gateway', metric: 'latency', values: [0.1, 0.1, 0.1, 0.9, 0.1] },
      { component: 'fn', metric: 'latency', values: [0.05, 0.05, 0.05, 0.85, 0.05] },
    ],
    target: { node: 'web', metric: 'latency', agg: 'Average' },
  };

  it('walks from the symptom and ranks the unreachable chain last', async () => {
    const ranking = await rank(spec);
    expect(names(ranking)[0]).toBe('search');
    expect(ranking.find((r) => r.component === 'fn')!.evidence.at(-1)!.quote).toBe('anomalous, but not reachable from the symptom through anomalous callees');
  });
  it('starts from every anomalous top component otherwise, and the longer chain wins', async () => {
    expect(names(await rank(spec, { walkFromQuietSymptom: false, followSymptom: false }))[0]).toBe('fn');
  });
});

describe('graph walk: no root cause found', () => {
  it('ranks nothing when every series stays within its normal noise, the alert notwithstanding', async () => {
    const quiet: PetshopSpec = {
      calls: { web: ['search'], search: ['db'] },
      series: [
        { component: 'web', metric: 'latency', values: [0.1, 0.1001, 0.0999, 0.1002, 0.1] },
        { component: 'web', metric: 'requests', statistic: 'Sum', values: [480, 900, 300, 480, 480] },
        { component: 'search', metric: 'latency', values: [0.01, 0.01001, 0.01, 0.00999, 0.01] },
        { component: 'db', metric: 'availability', values: flat(100) },
      ],
      target: { node: 'web', metric: 'latency', agg: 'Average' },
    };
    expect(await rank(quiet)).toEqual([]);
  });
});
