/**
 * A PetShop case: an `issue_N` folder with `metrics.csv` and `target.json`; the scenario's
 * `graph.csv` and `noissue/metrics.csv` sit two levels up (`<scenario>/train/issue_N`).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readAdjacencyMatrix, type CallGraph } from './call-graph.js';
import { readPetshopMetrics } from './petshop-metrics.js';
import type { RcaCase, Symptom } from './rca-case.js';
import type { Telemetry } from './telemetry.js';
import { InputError } from '../sources/input-error.js';

/** Whether a folder looks like a PetShop case. */
export function isPetshopCase(dir: string): boolean {
  return existsSync(join(dir, 'metrics.csv')) && existsSync(join(dir, 'target.json'));
}

/**
 * Reads a PetShop case. Only `target` is read from `target.json`: its `root_cause` is the answer,
 * which the tool must find, not be told.
 */
export async function readPetshopCase(dir: string): Promise<RcaCase> {
  const telemetry = await readPetshopMetrics(join(dir, 'metrics.csv'));
  const symptom = parseTarget(await readFile(join(dir, 'target.json'), 'utf8'), join(dir, 'target.json'));
  const graph = await findGraph(dir);
  const normal = await findNormal(dir);
  return {
    name: basename(dir), format: 'petshop', telemetry, symptom,
    ...(graph ? { graph } : {}), ...(normal ? { normal } : {}),
  };
}

/** Parses `target.json`'s `target`: `{ node, metric, agg, timestamp }`. */
export function parseTarget(text: string, origin: string): Symptom {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(origin, `not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const target = (json as { target?: unknown } | null)?.target;
  if (typeof target !== 'object' || target === null) throw new InputError(origin, 'no "target" object: expected { "target": { "node", "metric", "agg", "timestamp" } }');
  const { node, metric, agg, timestamp } = target as Record<string, unknown>;
  if (typeof node !== 'string' || node === '') throw new InputError(origin, '"target.node" must be the name of a component');
  if (typeof metric !== 'string' || metric === '') throw new InputError(origin, '"target.metric" must be a metric name such as "latency"');
  if (agg !== undefined && typeof agg !== 'string') throw new InputError(origin, '"target.agg" must be a statistic such as "Average"');
  if (timestamp !== undefined && typeof timestamp !== 'number') throw new InputError(origin, '"target.timestamp" must be unix seconds');
  return { component: node, metric, ...(typeof agg === 'string' && agg ? { statistic: agg } : {}), ...(typeof timestamp === 'number' ? { at: timestamp } : {}) };
}

async function findGraph(dir: string): Promise<CallGraph | undefined> {
  for (const candidate of [join(dir, 'graph.csv'), join(dir, '..', '..', 'graph.csv')]) {
    if (existsSync(candidate)) return readAdjacencyMatrix(candidate);
  }
  return undefined;
}

async function findNormal(dir: string): Promise<Telemetry | undefined> {
  const candidate = join(dir, '..', '..', 'noissue', 'metrics.csv');
  return existsSync(candidate) ? readPetshopMetrics(candidate) : undefined;
}
