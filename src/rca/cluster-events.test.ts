import { describe, expect, it } from 'vitest';
import { withClusterEvents } from './cluster-events.js';
import type { RankedComponent } from './ranking.js';

const ranked = (component: string, score: number): RankedComponent => ({ component, score, evidence: [{ kind: 'metric', quote: `${component} cpu rose` }] });

describe('withClusterEvents', () => {
  it('raises a component the cluster has a finding for above one whose numbers merely moved more, and quotes it first', () => {
    const out = withClusterEvents([ranked('checkout', 0.9), ranked('payments', 0.6)], [
      { component: 'payments', kind: 'finding', quote: 'OOMKilled/memory-limit-too-low on shop/pod/payments-1' },
      { component: 'payments', kind: 'rollout', quote: 'shop/replicaset/payments-2 (revision 2) created', at: 1_764_000_000 },
      { component: 'unranked', kind: 'finding', quote: 'ImagePull/tag-not-found' },
    ]);
    expect(out.map((r) => r.component)).toEqual(['payments', 'checkout']);
    expect(out[0]!.evidence.map((e) => e.kind)).toEqual(['cluster', 'cluster', 'metric']);
    expect(out[0]!.evidence[1]).toMatchObject({ quote: 'rollout: shop/replicaset/payments-2 (revision 2) created', at: '2025-11-24T16:00:00Z' });
  });

  it('changes nothing without events, and adds no component telemetry did not rank', () => {
    const ranking = [ranked('checkout', 0.9)];
    expect(withClusterEvents(ranking, [])).toEqual(ranking);
    expect(withClusterEvents(ranking, [{ component: 'other', kind: 'finding', quote: 'x' }]).map((r) => r.component)).toEqual(['checkout']);
  });
});
