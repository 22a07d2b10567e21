/**
 * Puts a scenario into a running simulated cluster: its nodes, then its objects (namespaces first,
 * the rest in file order), all through the store, as `kubectl apply` would through the API; later,
 * on the cluster's clock, its steps.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { InputError } from '../../sources/input-error.js';
import type { SimCluster } from '../cluster.js';
import { lookupResource, resourceByKind } from '../resources.js';
import type { Scenario, ScenarioNode, ScenarioStep } from './scenario.js';

const NODES = lookupResource('nodes')!;

function nodeManifest(node: ScenarioNode): KubeObject {
  const labels = { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...(node.labels ?? {}) };
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: node.name, labels } };
  if (node.taints) obj.spec = { taints: node.taints };
  if (node.capacity) obj.status = { capacity: node.capacity, allocatable: node.capacity };
  return obj;
}

function nodesOf(scenario: Scenario): ScenarioNode[] {
  if (scenario.nodes === undefined) return [];
  if (typeof scenario.nodes !== 'number') return scenario.nodes;
  return Array.from({ length: scenario.nodes }, (_, i) => ({ name: `sim-worker-${i + 1}` }));
}

/** A scenario put into a cluster, with the steps still to come. */
export interface AppliedScenario {
  /**
   * Settles once every step has run; rejects with an InputError (file and step named) when the API
   * refuses a step's object. Already handled: awaiting it is optional.
   */
  steps: Promise<void>;
  /** Cancels the steps that have not run yet (the cluster is closing). */
  cancel(): void;
}

type Target = Pick<SimCluster, 'store' | 'catalog' | 'clock' | 'stopKubelet' | 'startKubelet'>;

/**
 * Creates the scenario's nodes (those not already present) and objects, and schedules its steps on
 * the cluster's clock. An object the API refuses is an InputError naming the file and the manifest.
 */
export function applyScenario(cluster: Target, scenario: Scenario): AppliedScenario {
  // Kubelets take their catalog when the cluster starts: start it with `catalog: scenario.catalog`.
  const missing = Object.keys(scenario.catalog).filter((image) => cluster.catalog[image] !== scenario.catalog[image]);
  if (missing.length > 0) {
    throw new InputError(scenario.file, `catalog: the cluster was started without these images: ${missing.join(', ')}`);
  }
  for (const node of nodesOf(scenario)) {
    if (exists(cluster, node.name)) continue;
    create(cluster, scenario, nodeManifest(node), `nodes[${node.name}]`);
  }
  const indexed = scenario.manifests.map((obj, i) => ({ obj, i }));
  const ordered = [...indexed.filter((m) => m.obj.kind === 'Namespace'), ...indexed.filter((m) => m.obj.kind !== 'Namespace')];
  for (const { obj, i } of ordered) create(cluster, scenario, obj, `manifests[${i}] (${obj.kind} ${obj.metadata.name})`);
  return scheduleSteps(cluster, scenario);
}

/** Runs each step when the clock reaches it (times count from now); one that fails stops the rest. */
function scheduleSteps(cluster: Target, scenario: Scenario): AppliedScenario {
  const cancels: (() => void)[] = [];
  let cancelled = false;
  let settle = (): void => undefined;
  const steps = new Promise<void>((resolve, reject) => {
    settle = resolve;
    const run = (index: number): void => {
      const step = scenario.steps[index];
      if (step === undefined || cancelled) return resolve();
      const previousMs = index === 0 ? 0 : scenario.steps[index - 1]!.afterMs;
      cancels.push(cluster.clock.after(step.afterMs - previousMs, () => {
        try {
          applyStep(cluster, scenario, step, index);
        } catch (err) {
          reject(err);
          return;
        }
        run(index + 1);
      }));
    };
    run(0);
  });
  steps.catch(() => undefined);
  return {
    steps,
    cancel: () => {
      cancelled = true;
      for (const cancel of cancels) cancel();
      settle();
    },
  };
}

/**
 * One step: each object replaces the stored one of its kind, namespace and name, as `kubectl apply`
 * of a whole manifest does: the fields it gives (spec, data ...) become the object's, labels and
 * annotations are merged with the stored ones, status and system metadata stay. Absent objects are created.
 */
function applyStep(cluster: Target, scenario: Scenario, step: ScenarioStep, index: number): void {
  applyKubeletStep(cluster, scenario, step, index);
  step.manifests.forEach((obj, i) => {
    const field = `steps[${index}].manifests[${i}] (${obj.kind} ${obj.metadata.name})`;
    const resource = resourceByKind(obj.apiVersion ?? '', obj.kind);
    if (!resource) throw new InputError(scenario.file, `${field}: the simulator does not serve ${obj.apiVersion}/${obj.kind}`);
    const namespace = resource.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
    let stored: KubeObject;
    try {
      stored = cluster.store.get(resource, namespace, obj.metadata.name);
    } catch {
      create(cluster, scenario, obj, field);
      return;
    }
    const metadata = {
      ...stored.metadata,
      labels: { ...stored.metadata.labels, ...obj.metadata.labels },
      annotations: { ...stored.metadata.annotations, ...obj.metadata.annotations },
    };
    const next: KubeObject = { ...obj, metadata, ...(stored.status !== undefined ? { status: stored.status } : {}) };
    try {
      cluster.store.update(resource, next, { namespace, name: obj.metadata.name });
    } catch (err) {
      throw new InputError(scenario.file, `${field}: ${(err as Error).message}`, { cause: err });
    }
  });
}

/** Stops or starts the kubelet a step names; an unknown node is the file's error. */
function applyKubeletStep(cluster: Target, scenario: Scenario, step: ScenarioStep, index: number): void {
  try {
    if (step.stopKubelet !== undefined) cluster.stopKubelet(step.stopKubelet);
    if (step.startKubelet !== undefined) cluster.startKubelet(step.startKubelet);
  } catch (err) {
    const field = step.stopKubelet !== undefined ? 'stopKubelet' : 'startKubelet';
    throw new InputError(scenario.file, `steps[${index}].${field}: ${(err as Error).message}`, { cause: err });
  }
}

function exists(cluster: Pick<SimCluster, 'store'>, name: string): boolean {
  try {
    cluster.store.get(NODES, undefined, name);
    return true;
  } catch {
    return false;
  }
}

function create(cluster: Pick<SimCluster, 'store'>, scenario: Scenario, obj: KubeObject, field: string): void {
  const resource = resourceByKind(obj.apiVersion ?? '', obj.kind);
  if (!resource) throw new InputError(scenario.file, `${field}: the simulator does not serve ${obj.apiVersion}/${obj.kind}`);
  const namespace = resource.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
  try {
    cluster.store.create(resource, { ...obj, metadata: { ...obj.metadata, ...(namespace !== undefined ? { namespace } : {}) } }, { namespace });
  } catch (err) {
    throw new InputError(scenario.file, `${field}: ${(err as Error).message}`, { cause: err });
  }
}
