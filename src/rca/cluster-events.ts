/**
 * What the cluster itself says about a workload during the incident, for a live case: a kubetriage
 * finding (a pod OOM-killed, a crash loop, a stuck rollout) or a rollout that began then. Telemetry
 * shows that a component changed; these say why, and a component with one is far more likely the
 * cause than one whose numbers merely moved. They come from outside (the command line reads the
 * cluster and diagnoses it); this module only weighs them.
 */
import type { RankedComponent, RcaEvidence } from './ranking.js';

/** One thing the cluster says about a component. */
export interface ClusterEvent {
  component: string;
  kind: 'finding' | 'rollout';
  /** One line a person reads, e.g. `OOMKilled/memory-limit-too-low: pod payments-7d… (exit 137)`. */
  quote: string;
  /** Unix seconds, when known. */
  at?: number;
}

/** A component with such an event counts this much more: enough to pass one whose numbers alone moved more. */
const EVENT_WEIGHT = 2;

/** The ranking with the cluster's events added as evidence, and the components they name raised; best first again. */
export function withClusterEvents(ranking: readonly RankedComponent[], events: readonly ClusterEvent[]): RankedComponent[] {
  const byComponent = new Map<string, ClusterEvent[]>();
  for (const e of events) byComponent.set(e.component, [...(byComponent.get(e.component) ?? []), e]);
  return ranking.map((r) => {
    const own = byComponent.get(r.component);
    if (!own) return r;
    const evidence: RcaEvidence[] = own.map((e) => ({
      kind: 'cluster', quote: `${e.kind === 'finding' ? 'kubetriage finding' : 'rollout'}: ${e.quote}`,
      ...(e.at !== undefined ? { at: new Date(e.at * 1000).toISOString().replace('.000Z', 'Z') } : {}),
    }));
    return { component: r.component, score: Math.round(r.score * EVENT_WEIGHT * 1000) / 1000, evidence: [...evidence, ...r.evidence] };
  }).sort((a, b) => b.score - a.score);
}
