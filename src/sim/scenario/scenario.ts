/**
 * A scenario: a small cluster state described in one YAML file (nodes, manifests, extra images) and
 * the root causes a correct diagnosis of it names. The format is documented in scenarios/README.md.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { KubeObject } from '../../cluster/objects.js';
import { InputError } from '../../sources/input-error.js';
import type { ImageEntry } from '../kubelet/catalog.js';

/** A node as a scenario declares it; omitted fields take the simulated node's defaults. */
export interface ScenarioNode {
  name: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  /** `cpu`, `memory`, `pods` ... as quantities (`4`, `16Gi`). */
  capacity?: Record<string, string>;
}

/** A root cause a correct diagnosis names: mode and category, and where it lives. */
export interface ExpectedCause {
  mode: string;
  category: string;
  subject?: { kind: string; namespace?: string; name?: string };
  /** Pod names are random: match the subject's name by prefix instead. */
  namePrefix?: string;
  /** Findings the incident must carry as symptoms (a cascade's upstream failures). */
  symptoms?: Omit<ExpectedCause, 'symptoms'>[];
}

/**
 * A change made while the scenario runs, as a person would make it with kubectl: a new image, a
 * pause, a scale. Its objects replace the ones of the same kind, namespace and name (or are created).
 * Or a change to a node's machine: its kubelet stops (`stopKubelet: NODE`, manifests empty) or
 * starts again (`startKubelet: NODE`).
 */
export interface ScenarioStep {
  /** Simulated time after the scenario was applied, in milliseconds (`after: 2m` in the file). */
  afterMs: number;
  manifests: KubeObject[];
  /** The node whose kubelet stops. */
  stopKubelet?: string;
  /** The node whose kubelet starts again. */
  startKubelet?: string;
}

/** A parsed, validated scenario. */
export interface Scenario {
  file: string;
  title: string;
  description: string;
  /** A count of `sim-worker-N` nodes, or the nodes themselves; omitted: the cluster's own nodes. */
  nodes?: number | ScenarioNode[];
  manifests: KubeObject[];
  /** Later changes, in time order; empty when the state is applied once. */
  steps: ScenarioStep[];
  /** Image repository → entry, extending the default catalog. */
  catalog: Record<string, ImageEntry>;
  expect: ExpectedCause[];
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Reads and validates a scenario file; every error is an InputError naming the file and the field. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(path, `cannot read the scenario: ${(err as Error).message}`, { cause: err });
  }
  return parseScenario(text, path);
}

/** Validates the text of a scenario; `file` names it in errors. */
export function parseScenario(text: string, file: string): Scenario {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InputError(file, `not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const fail = (field: string, problem: string): never => {
    throw new InputError(file, `${field}: ${problem}`);
  };
  if (!isObject(doc)) return fail('(top level)', 'a scenario is a mapping with title, description, manifests and expect');
  if (!isString(doc['title'])) fail('title', 'required: a non-empty string');
  if (!isString(doc['description'])) fail('description', 'required: a non-empty string');
  const nodes = doc['nodes'] === undefined ? undefined : readNodes(doc['nodes'], fail);
  return {
    file,
    title: doc['title'] as string,
    description: doc['description'] as string,
    ...(nodes !== undefined ? { nodes } : {}),
    manifests: readManifests(doc['manifests'], 'manifests', fail),
    steps: readSteps(doc['steps'], fail),
    catalog: readCatalog(doc['catalog'], fail),
    expect: readExpect(doc['expect'], fail),
  };
}

type Fail = (field: string, problem: string) => never;

function readNodes(value: unknown, fail: Fail): number | ScenarioNode[] {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 100) fail('nodes', `${value} is not a node count (0 to 100)`);
    return value;
  }
  if (!Array.isArray(value)) return fail('nodes', 'a count or a list of nodes');
  return value.map((node, i) => {
    const at = `nodes[${i}]`;
    if (!isObject(node) || !isString(node['name'])) return fail(`${at}.name`, 'required: a non-empty string');
    for (const key of ['labels', 'capacity'] as const) {
      const map = node[key];
      if (map !== undefined && !(isObject(map) && Object.values(map).every((v) => typeof v === 'string'))) fail(`${at}.${key}`, 'a mapping of strings');
    }
    const taints = node['taints'];
    if (taints !== undefined && !(Array.isArray(taints) && taints.every((t) => isObject(t) && isString(t['key']) && isString(t['effect'])))) {
      fail(`${at}.taints`, 'a list of { key, value?, effect }');
    }
    return node as unknown as ScenarioNode;
  });
}

function readManifests(value: unknown, field: string, fail: Fail): KubeObject[] {
  if (!Array.isArray(value)) return fail(field, 'required: a list of Kubernetes objects');
  return value.map((obj, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(obj)) return fail(at, 'a Kubernetes object (a mapping)');
    if (!isString(obj['apiVersion'])) fail(`${at}.apiVersion`, 'required');
    if (!isString(obj['kind'])) fail(`${at}.kind`, 'required');
    const metadata = obj['metadata'];
    if (!isObject(metadata) || !isString(metadata['name'])) fail(`${at}.metadata.name`, 'required');
    return obj as unknown as KubeObject;
  });
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A Go-style duration (`90s`, `2m`, `1m30s`) in milliseconds, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
  return total;
}

function readSteps(value: unknown, fail: Fail): ScenarioStep[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('steps', 'a list of { after, manifests }');
  let previous = 0;
  return value.map((step, i) => {
    const at = `steps[${i}]`;
    if (!isObject(step)) return fail(at, 'a mapping with after and manifests');
    const after = step['after'];
    const afterMs = typeof after === 'string' ? parseDuration(after) : undefined;
    if (afterMs === undefined) return fail(`${at}.after`, 'required: a duration of simulated time such as 90s or 2m');
    if (afterMs < previous) fail(`${at}.after`, `${after} comes before the previous step: steps are in time order`);
    previous = afterMs;
    const kubelet = readKubeletStep(step, at, fail);
    if (kubelet) return { afterMs, manifests: [], ...kubelet };
    const manifests = readManifests(step['manifests'], `${at}.manifests`, fail);
    if (manifests.length === 0) fail(`${at}.manifests`, 'at least one object');
    return { afterMs, manifests };
  });
}

const KUBELET_STEPS = ['stopKubelet', 'startKubelet'] as const;

/** A step that stops or starts a node's kubelet: one node name, and nothing else to do. */
function readKubeletStep(step: Obj, at: string, fail: Fail): { stopKubelet: string } | { startKubelet: string } | undefined {
  const given = KUBELET_STEPS.filter((key) => step[key] !== undefined);
  if (given.length === 0) return undefined;
  if (given.length > 1 || step['manifests'] !== undefined) fail(at, 'one of manifests, stopKubelet or startKubelet');
  const key = given[0]!;
  const node = step[key];
  if (!isString(node)) return fail(`${at}.${key}`, 'a node name');
  return key === 'stopKubelet' ? { stopKubelet: node } : { startKubelet: node };
}

function readCatalog(value: unknown, fail: Fail): Record<string, ImageEntry> {
  if (value === undefined) return {};
  if (!isObject(value)) return fail('catalog', 'a mapping of image repository to image entry');
  for (const [image, entry] of Object.entries(value)) {
    const at = `catalog.${image}`;
    if (!isObject(entry)) fail(at, 'an image entry (a mapping)');
    const e = entry as Obj;
    for (const key of ['tags', 'binaries', 'startLogs'] as const) if (!isStringArray(e[key])) fail(`${at}.${key}`, 'required: a list of strings');
    for (const key of ['sizeBytes', 'pullMs', 'startMs', 'memoryBytes'] as const) if (typeof e[key] !== 'number') fail(`${at}.${key}`, 'required: a number');
    if (!Array.isArray(e['ports']) || !e['ports'].every((p) => typeof p === 'number')) fail(`${at}.ports`, 'required: a list of port numbers');
    if (!isStringArray(e['httpPaths'])) fail(`${at}.httpPaths`, 'required: a list of paths');
    if (typeof e['exitsOnSigterm'] !== 'boolean') fail(`${at}.exitsOnSigterm`, 'required: true or false');
    const run = e['defaultRun'];
    const validRun = isObject(run) && (run['kind'] === 'serve' || (run['kind'] === 'exit' && typeof run['code'] === 'number' && typeof run['afterMs'] === 'number'));
    if (!validRun) fail(`${at}.defaultRun`, 'required: { kind: serve } or { kind: exit, code, afterMs }');
  }
  return value as Record<string, ImageEntry>;
}

function readExpect(value: unknown, fail: Fail): ExpectedCause[] {
  if (!Array.isArray(value)) return fail('expect', 'required: a list of root causes ([] for a healthy cluster)');
  return value.map((cause, i) => {
    const expected = readFinding(cause, `expect[${i}]`, fail);
    const symptoms = (cause as Obj)['symptoms'];
    if (symptoms === undefined) return expected;
    if (!Array.isArray(symptoms)) return fail(`expect[${i}].symptoms`, 'a list of findings (mode, category ...)');
    symptoms.forEach((s, j) => readFinding(s, `expect[${i}].symptoms[${j}]`, fail));
    return expected;
  });
}

function readFinding(cause: unknown, at: string, fail: Fail): ExpectedCause {
  if (!isObject(cause)) return fail(at, 'a mapping with mode and category');
  if (!isString(cause['mode'])) fail(`${at}.mode`, 'required: a failure mode such as CrashLoopBackOff');
  if (!isString(cause['category'])) fail(`${at}.category`, 'required: a root-cause category such as missing-configmap');
  const subject = cause['subject'];
  if (subject !== undefined && !(isObject(subject) && isString(subject['kind']))) fail(`${at}.subject.kind`, 'required when subject is given');
  if (cause['namePrefix'] !== undefined && !isString(cause['namePrefix'])) fail(`${at}.namePrefix`, 'a non-empty string');
  return cause as unknown as ExpectedCause;
}
