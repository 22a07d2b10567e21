/**
 * Reads of the live cluster for the tools: a fresh snapshot, its graph and diagnosis, and the errors
 * an agent can act on when what it names is not there.
 */
import { kindOf } from '../actions/api-paths.js';
import { ClusterGraph } from '../cluster/graph.js';
import { diagnose, type Diagnosis } from '../diagnose/diagnose.js';
import type { Finding } from '../diagnose/finding.js';
import type { ApiClient } from '../sources/live/api-client.js';
import { LIVE_KINDS, type LiveKind } from '../sources/live/kinds.js';
import { loadLive } from '../sources/live/load-live.js';
import { ToolError } from './tool-result.js';

export interface ClusterView {
  graph: ClusterGraph;
  diagnosis: Diagnosis;
}

/** Reads the cluster (one namespace, or all) and diagnoses it. */
export async function readCluster(client: ApiClient, namespace: string | undefined): Promise<ClusterView> {
  const scope = namespace !== undefined ? { namespace } : {};
  const graph = new ClusterGraph(await loadLive(client, scope));
  return { graph, diagnosis: diagnose(graph, scope) };
}

/** Every finding of a diagnosis, causes and symptoms. */
export function allFindings(diagnosis: Diagnosis): Finding[] {
  return diagnosis.incidents.flatMap((i) => [i.cause, ...i.symptoms]);
}

/** The finding with this id, read fresh; a ToolError saying how to find a current one when it is gone. */
export async function findingById(client: ApiClient, id: string, namespace: string | undefined): Promise<Finding> {
  const { diagnosis } = await readCluster(client, namespace);
  const found = allFindings(diagnosis).find((f) => f.id === id);
  if (!found) {
    throw new ToolError(`no current finding has id ${id}${namespace ? ` in namespace ${namespace}` : ''}: it may be resolved, or the id was mistyped`,
      'call list_incidents (or diagnose_namespace) for the findings present now, and use an id it returns');
  }
  return found;
}

/** The kind a tool argument names (`deployment`, `Deployment`), or a ToolError listing the kinds known. */
export function knownKind(kind: string): LiveKind {
  const k = kindOf(kind);
  if (!k) throw new ToolError(`kind "${kind}" is not one kubetriage reads`, `use one of: ${LIVE_KINDS.map((l) => l.kind).join(', ')}`);
  return k;
}

/** A namespaced kind needs a namespace; a cluster-scoped one must not have one. */
export function scopeOf(k: LiveKind, namespace: string | undefined): string | undefined {
  if (k.namespaced && namespace === undefined) throw new ToolError(`${k.kind} is namespaced and no namespace was given`, 'pass namespace (list_incidents shows where the objects live)');
  return k.namespaced ? namespace : undefined;
}
