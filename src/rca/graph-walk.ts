/**
 * kubetriage's ranking: walk the call graph from the symptom down through anomalous callees; a
 * component whose anomaly nothing explains (no anomalous callee that changed no later and by enough
 * to account for it, no traced backend behind a proxy leaf) is a candidate cause. Candidates whose
 * series follow the symptom's most closely rank first (without a symptom: those that explain the
 * most anomalous callers), then the one that changed first, then the most anomalous.
 */
import { scoreCase, onsetRow, type SeriesAnomaly } from './anomaly.js';
import { calleesOf, type CallGraph } from './call-graph.js';
import { explains, proxiedBackend, type Suspect } from './explanation.js';
import { withLogAndTraceSeries } from './log-trace-series.js';
import { badDirection, isLoadMetric } from './metric-kind.js';
import { pearson } from './pearson.js';
import type { RcaCase, Symptom } from './rca-case.js';
import { isoTime, type RankedComponent, type RcaEvidence, type RcaMethod } from './ranking.js';
import { round, seriesEvidence } from './series-evidence.js';
import { symptomSeries } from './symptom-series.js';
import { seriesLabel } from './telemetry.js';

/** The method's parameters, chosen on the PetShop training split only (see docs/adr/0009-rca-method.md). */
export interface GraphWalkOptions {
  /** Robust z at or above which a series is anomalous. */
  readonly threshold: number;
  /** A callee explains its caller on a shared metric when its change is at least this share of the caller's. */
  readonly explainRatio: number;
  /** Start the walk at the named symptom even when its own series stays under the threshold (the alert fired on it). */
  readonly walkFromQuietSymptom: boolean;
  /** Let a traced sibling that changed as much explain a leaf (a load balancer is its backend seen from outside). */
  readonly transparentProxies: boolean;
  /** Rank candidates by how closely their series follow the symptom's over the case, rather than by how many anomalous callers they have. */
  readonly followSymptom: boolean;
  /** Compare success rates of two components as failed requests (rate times their own request counts). */
  readonly countFailures: boolean;
  /** Add error log lines and trace error/self-time series (RCAEval's logs.csv and traces.csv) to the metrics. */
  readonly logsAndTraces: boolean;
}

export const DEFAULT_GRAPH_WALK: GraphWalkOptions = {
  threshold: 8, explainRatio: 0.25, walkFromQuietSymptom: true, transparentProxies: true, followSymptom: true, countFailures: true,
  logsAndTraces: true,
};

/** Builds the method with the given parameters. */
export function graphWalk(options: GraphWalkOptions = DEFAULT_GRAPH_WALK): RcaMethod {
  return { name: 'kubetriage graph walk', rank: (c) => rankByGraphWalk(c, options) };
}

/** Ranks the components of a case; empty when no component is anomalous. */
export function rankByGraphWalk(input: RcaCase, options: GraphWalkOptions = DEFAULT_GRAPH_WALK): RankedComponent[] {
  const c = options.logsAndTraces ? withLogAndTraceSeries(input) : input;
  const { suspects, symptom } = findSuspects(c, options);
  if (suspects.size === 0) return [];
  const graph = c.graph ?? new Map<string, string[]>();
  // Without a call graph (a live namespace) a symptom's kind cannot travel along edges: every
  // anomalous component is a candidate, ranked by how closely it follows the symptom.
  const graphless = graph.size === 0;
  const carriers = graphless ? new Map(suspects) : symptomCarriers(suspects, c.symptom?.metric, options.threshold);
  const depths = walkFrom(graphless ? [...carriers.keys()] : entryPoints(c, carriers, graph, options.walkFromQuietSymptom), carriers, graph);
  const upstream = new Map([...suspects.keys()].map((s) => [s, anomalousUpstream(s, carriers, graph)]));
  const walk: Walk = {
    carriers, depths, upstream, explainedBy: explanations(depths, carriers, graph, options, graphless),
    maxStrength: Math.max(...[...suspects.values()].map((s) => s.strength)),
    maxCoverage: Math.max(1, ...[...upstream.values()].map((u) => u.length)),
    firstOnset: Math.min(...[...suspects.values()].map((s) => s.onset)),
    maxDepth: Math.max(1, ...depths.values()),
  };
  const ranked = [...suspects.values()].map((s) => rankOne(s, walk, c, options.followSymptom ? symptom : undefined));
  return ranked.sort((a, b) => b.score - a.score || suspects.get(b.component)!.strength - suspects.get(a.component)!.strength);
}

/** What the walk found, shared by every suspect's score. */
interface Walk {
  readonly carriers: ReadonlyMap<string, Suspect>;
  readonly depths: ReadonlyMap<string, number>;
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  readonly explainedBy: ReadonlyMap<string, Explanation>;
  readonly maxStrength: number;
  readonly maxCoverage: number;
  readonly firstOnset: number;
  readonly maxDepth: number;
}

/**
 * A suspect's score and evidence. Candidates (reached, unexplained) score 0.5 to 1: mostly how
 * closely they follow the symptom (or, without a symptom series, how many anomalous callers they
 * explain), a little for changing first and for strength. Explained components score 0.2 to 0.5,
 * deeper ones higher; anomalous components off the walk below 0.2.
 */
function rankOne(s: Suspect, walk: Walk, c: RcaCase, symptom: SeriesAnomaly | undefined): RankedComponent {
  const relative = s.strength / walk.maxStrength;
  const reached = walk.depths.has(s.component);
  const follows = symptom && reached ? following(walk.carriers.get(s.component), symptom) : undefined;
  let score: number;
  if (reached && !walk.explainedBy.has(s.component)) {
    const support = follows ? Math.max(0, follows.r) : walk.upstream.get(s.component)!.length / walk.maxCoverage;
    score = 0.5 + 0.4 * support + (s.onset === walk.firstOnset ? 0.05 : 0) + 0.05 * relative;
  } else if (reached) {
    score = 0.2 + 0.25 * (walk.depths.get(s.component)! / walk.maxDepth) + 0.05 * relative;
  } else {
    score = 0.19 * relative;
  }
  const evidence = evidenceFor(s, c, walk.upstream.get(s.component)!, walk.explainedBy.get(s.component), reached);
  if (follows && symptom) {
    evidence.splice(evidence.length - 1, 0, { kind: 'time-order', quote: `${seriesLabel(follows.series)} follows the symptom ${seriesLabel(symptom.series)} over the case (Pearson r ${round(follows.r)})` });
  }
  return { component: s.component, score: round(score), evidence };
}

/**
 * What explains each component the walk reached: an anomalous callee, or the backend a leaf
 * proxies. Without a call graph any component may be a callee, so only one that changed strictly
 * earlier (and by enough) explains: otherwise two components would explain each other.
 */
function explanations(depths: ReadonlyMap<string, number>, carriers: ReadonlyMap<string, Suspect>, graph: CallGraph, options: GraphWalkOptions, graphless: boolean): Map<string, Explanation> {
  const explainedBy = new Map<string, Explanation>();
  for (const component of depths.keys()) {
    const suspect = carriers.get(component);
    if (!suspect) continue;
    const possibleCallees = graphless ? [...carriers.keys()].filter((x) => x !== component && carriers.get(x)!.onset < suspect.onset) : calleesOf(graph, component);
    const callee = possibleCallees.find((x) => carriers.has(x) && explains(carriers.get(x)!, suspect, options.explainRatio));
    if (callee) { explainedBy.set(component, { by: callee, how: graphless ? 'earlier' : 'callee' }); continue; }
    if (!options.transparentProxies) continue;
    const reached = new Map([...carriers].filter(([name]) => depths.has(name)));
    const backend = proxiedBackend(suspect, reached, graph, options.explainRatio);
    if (backend) explainedBy.set(component, { by: backend, how: 'proxy' });
  }
  return explainedBy;
}

interface Explanation { readonly by: string; readonly how: 'callee' | 'proxy' | 'earlier' }

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

/**
 * Components with at least one anomalous behaviour metric (load alone is an effect of callers), and
 * the symptom's own series.
 */
function findSuspects(c: RcaCase, options: GraphWalkOptions): { suspects: Map<string, Suspect>; symptom: SeriesAnomaly | undefined } {
  const { anomalies } = scoreCase(c);
  const symptom = symptomSeries(anomalies, c.symptom);
  const byComponent = new Map<string, SeriesAnomaly[]>();
  for (const a of anomalies) {
    if (a.peak < options.threshold || isLoadMetric(a.series.metric)) continue;
    byComponent.set(a.series.component, [...(byComponent.get(a.series.component) ?? []), a]);
  }
  const suspects = new Map<string, Suspect>();
  for (const [component, list] of byComponent) {
    list.sort((a, b) => b.peak - a.peak);
    suspects.set(component, {
      component, anomalies: list, strength: alignedStrength(list, c.symptom),
      onset: Math.min(...list.map((a) => onsetRow(a, options.threshold))),
      ...(options.countFailures ? requestsOf(c, component) : {}),
    });
  }
  return { suspects, symptom };
}

/** The component's request counts (the `Sum` statistic when there are several), when recorded. */
function requestsOf(c: RcaCase, component: string): { requests?: readonly (number | null)[] } {
  const counts = c.telemetry.series.filter((s) => s.component === component && /^requests$/i.test(s.metric));
  const best = counts.find((s) => /^sum$/i.test(s.statistic)) ?? (counts.length === 1 ? counts[0] : undefined);
  return best ? { requests: best.values } : {};
}

/** The component's series, of the symptom's metric, that follows the symptom most closely, and how closely. */
function following(s: Suspect | undefined, symptom: SeriesAnomaly): { series: SeriesAnomaly['series']; r: number } | undefined {
  let best: { series: SeriesAnomaly['series']; r: number } | undefined;
  for (const a of s?.anomalies ?? []) {
    const r = agreement(a, symptom);
    if (!best || r > best.r) best = { series: a.series, r };
  }
  return best;
}

/**
 * How closely a series follows the symptom over the case's rows: Pearson r of the two, each turned
 * so that worse is up (a cause gets worse when, and as much as, its effect does); 0 when undefined.
 */
function agreement(a: SeriesAnomaly, symptom: SeriesAnomaly): number {
  const x: number[] = [];
  const y: number[] = [];
  a.series.values.forEach((v, row) => {
    const s = symptom.series.values[row];
    if (v !== null && s !== null && s !== undefined) { x.push(worseUp(a, v)); y.push(worseUp(symptom, s)); }
  });
  const { r } = pearson(x, y);
  return Number.isNaN(r) ? 0 : r;
}

function worseUp(a: SeriesAnomaly, v: number): number {
  const direction = badDirection(a.series.metric);
  return direction === 'down' ? -v : direction === 'both' ? Math.abs(v - a.normalMedian) : v;
}

/** Strength in the symptom's own terms (same metric and statistic) when the component has it. */
function alignedStrength(list: readonly SeriesAnomaly[], symptom: Symptom | undefined): number {
  const same = list.filter((a) => a.series.metric === symptom?.metric && (!symptom.statistic || a.series.statistic === symptom.statistic));
  const sameMetric = list.filter((a) => a.series.metric === symptom?.metric);
  return Math.max(...(same.length > 0 ? same : sameMetric.length > 0 ? sameMetric : list).map((a) => a.peak));
}

/**
 * Where the walk starts: the symptom when it is anomalous (or, when so configured, whenever the
 * call graph knows it), else every anomalous component no anomalous component calls.
 */
function entryPoints(c: RcaCase, suspects: ReadonlyMap<string, Suspect>, graph: CallGraph, evenIfQuiet: boolean): string[] {
  const symptom = c.symptom?.component;
  if (symptom !== undefined && (suspects.has(symptom) || (evenIfQuiet && calleesOf(graph, symptom).length > 0))) return [symptom];
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

function evidenceFor(s: Suspect, c: RcaCase, upstream: readonly string[], explainedBy: Explanation | undefined, reached: boolean): RcaEvidence[] {
  const times = c.telemetry.times;
  const evidence: RcaEvidence[] = s.anomalies.slice(0, 3).map((a) => seriesEvidence(a, c));
  const onset = isoTime(times[s.onset]);
  evidence.push({ kind: 'time-order', quote: `first anomalous at ${onset ?? `row ${s.onset}`}`, ...(onset ? { at: onset } : {}) });
  if (explainedBy?.how === 'earlier') {
    evidence.push({ kind: 'time-order', quote: `${explainedBy.by} changed earlier and by enough to account for this: most likely an effect of it (no call graph known)` });
  }
  if (!c.graph) return evidence;
  if (upstream.length > 0) evidence.push({ kind: 'call-graph', quote: `explains anomalous callers: ${upstream.join(', ')}` });
  if (explainedBy?.how === 'callee') evidence.push({ kind: 'call-graph', quote: `its own anomaly is explained by anomalous callee ${explainedBy.by}` });
  else if (explainedBy) evidence.push({ kind: 'call-graph', quote: `a leaf of the call graph, seen only by its callers; traced sibling ${explainedBy.by} changed as much: most likely its view of ${explainedBy.by} through a proxy or load balancer` });
  else if (reached) evidence.push({ kind: 'call-graph', quote: 'no anomalous callee explains its anomaly: the walk from the symptom ends here' });
  else evidence.push({ kind: 'call-graph', quote: 'anomalous, but not reachable from the symptom through anomalous callees' });
  return evidence;
}
