/**
 * kubetriage's ranking: walk the call graph from the symptom down through anomalous callees; a
 * component whose anomaly no anomalous callee explains (one that changed no later and, on a shared
 * metric, by enough to account for it) is a candidate cause; candidates that explain the most
 * anomalous callers rank first, then the one that changed first, then the most anomalous.
 */
import { scoreCase, onsetRow, type SeriesAnomaly } from './anomaly.js';
import { calleesOf, type CallGraph } from './call-graph.js';
import { isLoadMetric } from './metric-kind.js';
import type { RcaCase, Symptom } from './rca-case.js';
import { isoTime, type RankedComponent, type RcaEvidence, type RcaMethod } from './ranking.js';
import { seriesLabel } from './telemetry.js';

/** The method's two parameters, chosen on the PetShop training split only (see docs/adr/0009-rca-method.md). */
export interface GraphWalkOptions {
  /** Robust z at or above which a series is anomalous. */
  readonly threshold: number;
  /** A callee explains its caller on a shared metric when its change is at least this share of the caller's. */
  readonly explainRatio: number;
}

export const DEFAULT_GRAPH_WALK: GraphWalkOptions = { threshold: 8, explainRatio: 0.25 };

interface Suspect {
  readonly component: string;
  readonly anomalies: readonly SeriesAnomaly[];
  readonly strength: number;
  readonly onset: number;
}

/** Builds the method with the given parameters. */
export function graphWalk(options: GraphWalkOptions = DEFAULT_GRAPH_WALK): RcaMethod {
  return { name: 'kubetriage graph walk', rank: (c) => rankByGraphWalk(c, options) };
}

/** Ranks the components of a case; empty when no component is anomalous. */
export function rankByGraphWalk(c: RcaCase, options: GraphWalkOptions = DEFAULT_GRAPH_WALK): RankedComponent[] {
  const suspects = findSuspects(c, options.threshold);
  if (suspects.size === 0) return [];
  const graph = c.graph ?? new Map<string, string[]>();
  const carriers = symptomCarriers(suspects, c.symptom?.metric, options.threshold);
  const depths = walkFrom(entryPoints(c, carriers, graph), carriers, graph);
  const explainedBy = new Map<string, string>();
  for (const component of depths.keys()) {
    const cause = calleesOf(graph, component).find((callee) => carriers.has(callee) && explains(carriers.get(callee)!, carriers.get(component)!, options.explainRatio));
    if (cause) explainedBy.set(component, cause);
  }
  const upstream = new Map([...suspects.keys()].map((s) => [s, anomalousUpstream(s, carriers, graph)]));
  const maxStrength = Math.max(...[...suspects.values()].map((s) => s.strength));
  const maxCoverage = Math.max(1, ...[...upstream.values()].map((u) => u.length));
  const firstOnset = Math.min(...[...suspects.values()].map((s) => s.onset));
  const maxDepth = Math.max(1, ...depths.values());
  const ranked = [...suspects.values()].map((s) => {
    const relative = s.strength / maxStrength;
    const reached = depths.has(s.component);
    let score: number;
    if (reached && !explainedBy.has(s.component)) {
      score = 0.5 + 0.4 * (upstream.get(s.component)!.length / maxCoverage) + (s.onset === firstOnset ? 0.05 : 0) + 0.05 * relative;
    } else if (reached) {
      score = 0.2 + 0.25 * (depths.get(s.component)! / maxDepth) + 0.05 * relative;
    } else {
      score = 0.19 * relative;
    }
    return { component: s.component, score: round(score), evidence: evidenceFor(s, c, upstream.get(s.component)!, explainedBy.get(s.component), reached) };
  });
  return ranked.sort((a, b) => b.score - a.score || suspects.get(b.component)!.strength - suspects.get(a.component)!.strength);
}

/**
 * The suspects whose anomaly is of the symptom's kind (a latency symptom travels up through
 * latency, an availability one through availability), each keeping only those series; all
 * suspects when the symptom is unknown or no suspect shares its metric.
 */
function symptomCarriers(suspects: ReadonlyMap<string, Suspect>, metric: string | undefined, threshold: number): Map<string, Suspect> {
  if (metric === undefined) return new Map(suspects);
  const carriers = new Map<string, Suspect>();
  for (const [component, s] of suspects) {
    const anomalies = s.anomalies.filter((a) => a.series.metric === metric);
    if (anomalies.length > 0) carriers.set(component, { ...s, anomalies, onset: Math.min(...anomalies.map((a) => onsetRow(a, threshold))) });
  }
  return carriers.size > 0 ? carriers : new Map(suspects);
}

/** Components with at least one anomalous behaviour metric (load alone is an effect of callers). */
function findSuspects(c: RcaCase, threshold: number): Map<string, Suspect> {
  const { anomalies } = scoreCase(c);
  const byComponent = new Map<string, SeriesAnomaly[]>();
  for (const a of anomalies) {
    if (a.peak < threshold || isLoadMetric(a.series.metric)) continue;
    byComponent.set(a.series.component, [...(byComponent.get(a.series.component) ?? []), a]);
  }
  const suspects = new Map<string, Suspect>();
  for (const [component, list] of byComponent) {
    list.sort((a, b) => b.peak - a.peak);
    suspects.set(component, {
      component, anomalies: list, strength: alignedStrength(list, c.symptom),
      onset: Math.min(...list.map((a) => onsetRow(a, threshold))),
    });
  }
  return suspects;
}

/** Strength in the symptom's own terms (same metric and statistic) when the component has it. */
function alignedStrength(list: readonly SeriesAnomaly[], symptom: Symptom | undefined): number {
  const same = list.filter((a) => a.series.metric === symptom?.metric && (!symptom.statistic || a.series.statistic === symptom.statistic));
  const sameMetric = list.filter((a) => a.series.metric === symptom?.metric);
  return Math.max(...(same.length > 0 ? same : sameMetric.length > 0 ? sameMetric : list).map((a) => a.peak));
}

/** Where the walk starts: the symptom when it is anomalous, else every anomalous component no anomalous component calls. */
function entryPoints(c: RcaCase, suspects: ReadonlyMap<string, Suspect>, graph: CallGraph): string[] {
  const symptom = c.symptom?.component;
  if (symptom !== undefined && suspects.has(symptom)) return [symptom];
  const called = new Set([...suspects.keys()].flatMap((s) => calleesOf(graph, s).filter((callee) => suspects.has(callee))));
  return [...suspects.keys()].filter((s) => !called.has(s));
}

/** Breadth-first over anomalous callees: the depth of each anomalous component reached. */
function walkFrom(entries: readonly string[], suspects: ReadonlyMap<string, Suspect>, graph: CallGraph): Map<string, number> {
  const depths = new Map(entries.map((e) => [e, 0]));
  const queue = [...entries];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const callee of calleesOf(graph, next)) {
      if (!suspects.has(callee) || depths.has(callee)) continue;
      depths.set(callee, depths.get(next)! + 1);
      queue.push(callee);
    }
  }
  return depths;
}

/**
 * Whether `callee`'s anomaly accounts for `caller`'s: it began no later, and on each behaviour
 * metric they share where the caller is anomalous, the callee got worse by at least `ratio` of the
 * caller's change (a caller's latency includes its callee's; its errors include the callee's).
 */
function explains(callee: Suspect, caller: Suspect, ratio: number): boolean {
  if (callee.onset > caller.onset) return false;
  const shared = caller.anomalies.filter((a) => callee.anomalies.some((b) => sameMetric(a, b)));
  // Nothing to compare magnitudes on: only a callee that changed strictly first explains.
  if (shared.length === 0) return callee.onset < caller.onset;
  return shared.some((a) => {
    const b = callee.anomalies.find((x) => sameMetric(a, x))!;
    const callerChange = Math.abs((a.series.values[a.peakRow] ?? a.normalMedian) - a.normalMedian);
    const calleeChange = Math.abs((b.series.values[a.peakRow] ?? b.normalMedian) - b.normalMedian);
    return callerChange === 0 || calleeChange >= ratio * callerChange;
  });
}

const sameMetric = (a: SeriesAnomaly, b: SeriesAnomaly) => a.series.metric === b.series.metric && a.series.statistic === b.series.statistic;

/** Anomalous components that call `component`, directly or through other anomalous components. */
function anomalousUpstream(component: string, suspects: ReadonlyMap<string, Suspect>, graph: CallGraph): string[] {
  const seen = new Set<string>();
  const queue = [component];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const [caller, callees] of graph) {
      if (callees.includes(next) && suspects.has(caller) && !seen.has(caller) && caller !== component) {
        seen.add(caller);
        queue.push(caller);
      }
    }
  }
  return [...seen];
}

function evidenceFor(s: Suspect, c: RcaCase, upstream: readonly string[], explainedBy: string | undefined, reached: boolean): RcaEvidence[] {
  const times = c.telemetry.times;
  const evidence: RcaEvidence[] = s.anomalies.slice(0, 3).map((a) => {
    const at = isoTime(times[a.peakRow]);
    const value = a.series.values[a.peakRow];
    return {
      kind: 'metric', series: seriesLabel(a.series), anomaly: round(a.peak),
      quote: `${seriesLabel(a.series)} was ${formatNumber(value ?? Number.NaN)} against a normal ${formatNumber(a.normalMedian)} (robust z ${round(a.peak)})`,
      ...(at ? { at } : {}),
    };
  });
  const onset = isoTime(times[s.onset]);
  evidence.push({ kind: 'time-order', quote: `first anomalous at ${onset ?? `row ${s.onset}`}`, ...(onset ? { at: onset } : {}) });
  if (!c.graph) return evidence;
  if (upstream.length > 0) evidence.push({ kind: 'call-graph', quote: `explains anomalous callers: ${upstream.join(', ')}` });
  if (explainedBy) evidence.push({ kind: 'call-graph', quote: `its own anomaly is explained by anomalous callee ${explainedBy}` });
  else if (reached) evidence.push({ kind: 'call-graph', quote: 'no anomalous callee explains its anomaly: the walk from the symptom ends here' });
  else evidence.push({ kind: 'call-graph', quote: 'anomalous, but not reachable from the symptom through anomalous callees' });
  return evidence;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return Math.abs(n) >= 100 || n === 0 ? String(round(n)) : n.toPrecision(3);
}
