/**
 * kubetriage's public entry: read cluster state, build the graph, diagnose it.
 * @example
 * const snapshot = await loadInputs(['pods.json']);
 * const { incidents } = diagnose(new ClusterGraph(snapshot));
 */
export { ClusterGraph } from './cluster/graph.js';
export type { KubeObject, ObjectRef } from './cluster/objects.js';
export type { ClusterSnapshot, ContainerLog } from './cluster/snapshot.js';
export { loadInputs, type LoadOptions } from './sources/load.js';
export { InputError } from './sources/input-error.js';
export { diagnose, type Diagnosis, type DiagnoseOptions } from './diagnose/diagnose.js';
export { toReport, type DiagnosisReport } from './diagnose/report.js';
export type { Finding, Incident, Evidence, FailureMode, Severity } from './diagnose/finding.js';
export type { ActionPlan } from './diagnose/plan.js';
export { ANALYZERS } from './diagnose/registry.js';
