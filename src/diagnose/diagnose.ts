/**
 * Diagnosis of one cluster graph: every analyzer runs (an analyzer that throws is reported and the
 * rest go on: partial results beat none), findings are grouped into incidents, most severe first.
 */
import type { ClusterGraph } from '../cluster/graph.js';
import type { Analyzer } from './analyzer.js';
import { SEVERITY_RANK, type Finding, type Incident, type Severity } from './finding.js';
import { groupIncidents, incidentSeverity } from './incidents.js';
import { ANALYZERS } from './registry.js';

export interface DiagnoseOptions {
  /** Keep only incidents that involve an object of this namespace. */
  namespace?: string;
  /** Keep only incidents at least this severe. */
  minSeverity?: Severity;
  analyzers?: readonly Analyzer[];
}

export interface AnalyzerError {
  mode: string;
  message: string;
}

export interface Diagnosis {
  /** The moment diagnosed, from the snapshot. */
  at: string;
  incidents: Incident[];
  errors: AnalyzerError[];
  /** What the source could not read, so a reader knows which findings may be missing. */
  gaps: readonly string[];
}

/** @example const { incidents } = diagnose(new ClusterGraph(snapshot), { namespace: 'shop' }); */
export function diagnose(graph: ClusterGraph, options: DiagnoseOptions = {}): Diagnosis {
  const findings: Finding[] = [];
  const errors: AnalyzerError[] = [];
  for (const analyzer of options.analyzers ?? ANALYZERS) {
    try {
      findings.push(...analyzer.analyze(graph));
    } catch (err) {
      errors.push({ mode: analyzer.mode, message: err instanceof Error ? err.message : String(err) });
    }
  }
  const incidents = groupIncidents(findings, graph).filter((incident) => keep(incident, options));
  return { at: graph.now.toISOString(), incidents, errors, gaps: graph.gaps };
}

function keep(incident: Incident, options: DiagnoseOptions): boolean {
  if (options.minSeverity && SEVERITY_RANK[incidentSeverity(incident)] < SEVERITY_RANK[options.minSeverity]) return false;
  if (options.namespace && !incident.affected.some((ref) => ref.namespace === options.namespace)) return false;
  return true;
}
