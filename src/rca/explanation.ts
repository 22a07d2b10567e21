/**
 * When one anomalous component accounts for another's anomaly: along a call edge (a caller's
 * latency contains its callee's, its errors include the callee's), and across an unseen proxy (a
 * load balancer the call graph only shows as a leaf, whose latency is its backend's).
 */
import type { SeriesAnomaly } from './anomaly.js';
import { calleesOf, callersOf, type CallGraph } from './call-graph.js';
import { isExclusive } from './log-trace-series.js';
import { isSuccessRate } from './metric-kind.js';

/** A component with at least one anomalous behaviour metric. */
export interface Suspect {
  readonly component: string;
  /** Its anomalous series, most anomalous first. */
  readonly anomalies: readonly SeriesAnomaly[];
  /** Its largest z in the symptom's terms (same metric and statistic when it has them). */
  readonly strength: number;
  /** The first incident row at which any of its series is anomalous. */
  readonly onset: number;
  /** Requests it served per row, when recorded: turns a success rate into a count of failed requests. */
  readonly requests?: readonly (number | null)[];
}

/**
 * Whether `callee`'s anomaly accounts for `caller`'s: it began no later, and on a behaviour metric
 * they share where the caller is anomalous, the callee got worse by at least `ratio` of the
 * caller's change. With no shared metric only a callee that changed strictly first explains.
 * Series that exclude the callees' part by construction (a span's own time, the errors a span
 * originated) are never compared: a callee's change cannot be inside them.
 */
export function explains(callee: Suspect, caller: Suspect, ratio: number): boolean {
  if (callee.onset > caller.onset) return false;
  const shared = caller.anomalies.filter((a) => !isExclusive(a.series.metric) && callee.anomalies.some((b) => sameSeriesKind(a, b)));
  if (shared.length === 0) return callee.onset < caller.onset;
  return coversChange(callee, { ...caller, anomalies: shared }, ratio);
}

/**
 * Whether `cause` changed, at the row where `effect` peaked, by at least `ratio` of `effect`'s
 * change on some metric and statistic both are anomalous in. A success rate is compared as failed
 * requests when both request counts are known: 16% of 50 calls through a load balancer is fewer
 * failures than 3% of the 800 requests its backend serves.
 */
export function coversChange(cause: Suspect, effect: Suspect, ratio: number): boolean {
  return effect.anomalies.some((a) => {
    const b = cause.anomalies.find((x) => sameSeriesKind(a, x));
    if (!b) return false;
    const row = a.peakRow;
    const effectCount = requestsAt(effect, row);
    const causeCount = requestsAt(cause, row);
    const asFailures = isSuccessRate(a.series.metric) && effectCount !== undefined && causeCount !== undefined;
    const effectChange = change(a, row) * (asFailures ? effectCount : 1);
    const causeChange = change(b, row) * (asFailures ? causeCount : 1);
    return effectChange === 0 || causeChange >= ratio * effectChange;
  });
}

function change(a: SeriesAnomaly, row: number): number {
  return Math.abs((a.series.values[row] ?? a.normalMedian) - a.normalMedian);
}

function requestsAt(s: Suspect, row: number): number | undefined {
  return s.requests?.[row] ?? undefined;
}

/**
 * The traced sibling that explains a leaf, if any. A leaf of the call graph (a remote endpoint, a
 * load balancer: something its callers see only from outside) is most often the callers' view of a
 * traced service behind it: the balancer's latency is its backend's. So a sibling with callees of
 * its own (one we can see into) that changed by at least `ratio` of the leaf's change explains it.
 * The rule cannot tell a proxy from a small effect beside a large one; either way the traced
 * sibling is the better suspect. The sibling must not call the leaf (then the leaf would be its
 * dependency, a cause in its own right). Onsets are not compared: two views of the same requests
 * change together, and which one crosses a threshold first is noise.
 */
export function proxiedBackend(leaf: Suspect, candidates: ReadonlyMap<string, Suspect>, graph: CallGraph, ratio: number): string | undefined {
  if (calleesOf(graph, leaf.component).length > 0) return undefined;
  const callers = callersOf(graph, leaf.component);
  if (callers.length === 0) return undefined;
  for (const backend of candidates.values()) {
    if (backend.component === leaf.component || calleesOf(graph, backend.component).length === 0) continue;
    const sharesACaller = callers.some((caller) => calleesOf(graph, caller).includes(backend.component));
    if (sharesACaller && !reaches(graph, backend.component, leaf.component) && coversChange(backend, leaf, ratio)) return backend.component;
  }
  return undefined;
}

function sameSeriesKind(a: SeriesAnomaly, b: SeriesAnomaly): boolean {
  return a.series.metric === b.series.metric && a.series.statistic === b.series.statistic;
}

/** Whether `to` can be reached from `from` along call edges. */
function reaches(graph: CallGraph, from: string, to: string): boolean {
  const seen = new Set([from]);
  const queue = [from];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const callee of calleesOf(graph, next)) {
      if (callee === to) return true;
      if (!seen.has(callee)) { seen.add(callee); queue.push(callee); }
    }
  }
  return false;
}
