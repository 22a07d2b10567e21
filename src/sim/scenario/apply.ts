/**
 * Puts a scenario into a running simulated cluster: its nodes, then its objects (namespaces first,
 * the rest in file order), all through the store, as `kubectl apply` would through the API.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { InputError } from '../../sources/input-error.js';
import type { SimCluster } from '../cluster.js';
import { lookupResource, resourceByKind } from '../resources.js';
import type { Scenario, ScenarioNode } from './scenario.js';

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

/**
 * Creates the scenario's nodes (those not already present) and objects. An object the API refuses
 * is an InputError naming the file and the manifest.
 */
export function applyScenario(cluster: Pick<SimCluster, 'store' | 'catalog'>, scenario: Scenario): void {
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
