/**
 * The labelled scenario corpus (fixtures/scenarios/<name>/scenario.yaml): each holds what a real
 * cluster emits (kubectl get -o json|yaml, describe text, logs) and the incidents a diagnosis must find.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ClusterGraph } from '../src/cluster/graph.js';
import { diagnose, type Diagnosis } from '../src/diagnose/diagnose.js';
import { loadInputs } from '../src/sources/load.js';

export const SCENARIO_ROOT = new URL('../fixtures/scenarios/', import.meta.url).pathname;

export interface ExpectedIncident {
  mode: string;
  category: string;
  subject?: { kind: string; namespace?: string; name: string };
  /** Each must appear in some evidence quote of the cause. */
  evidence?: string[];
  /** Verbs that must be among the cause's fixes. */
  fixes?: string[];
  /** At least this many symptoms grouped under the cause. */
  minSymptoms?: number;
}

export interface Scenario {
  name: string;
  dir: string;
  title: string;
  inputs: string[];
  logs: Record<string, string>;
  previousLogs: Record<string, string>;
  capturedAt?: string;
  namespace?: string;
  expect: { incidents: ExpectedIncident[] };
}

const SCENARIO_FILE = 'scenario.yaml';

export function listScenarios(): Scenario[] {
  if (!existsSync(SCENARIO_ROOT)) return [];
  return readdirSync(SCENARIO_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SCENARIO_ROOT, d.name, SCENARIO_FILE)))
    .map((d) => readScenario(d.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function readScenario(name: string): Scenario {
  const dir = join(SCENARIO_ROOT, name);
  const raw = parse(readFileSync(join(dir, SCENARIO_FILE), 'utf8')) as Partial<Scenario> & { expect?: { incidents?: ExpectedIncident[] } };
  const logs = raw.logs ?? {};
  const previousLogs = raw.previousLogs ?? {};
  const logFiles = new Set([...Object.values(logs), ...Object.values(previousLogs)]);
  const inputs = raw.inputs ?? readdirSync(dir).filter((f) => f !== SCENARIO_FILE && !logFiles.has(f)).sort();
  const scenario: Scenario = {
    name, dir, title: raw.title ?? name, inputs, logs, previousLogs, expect: { incidents: raw.expect?.incidents ?? [] },
  };
  if (raw.capturedAt) scenario.capturedAt = raw.capturedAt;
  if (raw.namespace) scenario.namespace = raw.namespace;
  return scenario;
}

/** Reads a scenario's inputs through the real sources and diagnoses them. */
export async function runScenario(s: Scenario): Promise<Diagnosis> {
  const spec = (map: Record<string, string>): string[] => Object.entries(map).map(([pod, file]) => `${pod}=${join(s.dir, file)}`);
  const snapshot = await loadInputs(s.inputs.map((f) => join(s.dir, f)), {
    logs: spec(s.logs), previousLogs: spec(s.previousLogs), ...(s.capturedAt ? { capturedAt: s.capturedAt } : {}),
  });
  return diagnose(new ClusterGraph(snapshot), s.namespace ? { namespace: s.namespace } : {});
}
