/**
 * The resource metrics API (metrics.k8s.io/v1beta1) as metrics-server serves it behind the
 * apiserver: get and list of NodeMetrics (cluster-scoped) and PodMetrics (namespaced or across
 * namespaces), with label and field selectors, from the simulated kubelets' usage. Only Running
 * pods with a running container have metrics; without a usage source the API answers 503, as an
 * unavailable APIService does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../cluster/objects.js';
import type { ClusterUsage, NodeUsage, PodUsage } from '../kubelet/usage.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError, methodNotSupported, notAcceptable } from '../store/status-error.js';
import { sendJson } from '../api/http-io.js';
import { negotiateResource } from '../api/negotiate.js';
import type { ResourceTarget } from '../api/routes.js';
import { type MetricsEntry, metricsList, metricsTable, nodeMetrics, podMetrics } from './metrics-objects.js';

/** Where the usage comes from: the kubelets' `usage()`; undefined while none is available. */
export type MetricsSource = () => ClusterUsage | undefined;

const NODES = lookupResource('nodes')!;
const PODS = lookupResource('pods')!;
const TABLE_MEDIA_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

function failure(code: number, reason: string, message: string, details: Record<string, unknown>): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
}

/** 503 from the aggregator when metrics-server does not answer. */
function unavailable(plural: string): StatusError {
  return failure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', { group: 'metrics.k8s.io', kind: plural });
}

/** metrics-server's NotFound for an object it has no sample of (`podmetrics.metrics.k8s.io "shop/web" not found`). */
function noMetrics(kind: 'nodemetrics' | 'podmetrics', name: string): StatusError {
  return failure(404, 'NotFound', `${kind}.metrics.k8s.io ${JSON.stringify(name)} not found`, { name, group: 'metrics.k8s.io', kind });
}

function podUsageIndex(usage: ClusterUsage): Map<string, PodUsage> {
  const index = new Map<string, PodUsage>();
  for (const node of usage.nodes) for (const pod of node.pods) index.set(`${pod.namespace}/${pod.name}`, pod);
  return index;
}

function sums(usage: { containers: { cpuMillis: number; memoryBytes: number }[] }): { cpuMillis: number; memoryBytes: number } {
  return usage.containers.reduce((t, c) => ({ cpuMillis: t.cpuMillis + c.cpuMillis, memoryBytes: t.memoryBytes + c.memoryBytes }), { cpuMillis: 0, memoryBytes: 0 });
}

function isRunning(pod: KubeObject): boolean {
  return (pod.status as { phase?: string } | undefined)?.phase === 'Running';
}

function selectors(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
  const labelSelector = query.get('labelSelector');
  const fieldSelector = query.get('fieldSelector');
  return { ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
}

function nodeEntries(usage: ClusterUsage, nodes: KubeObject[]): MetricsEntry[] {
  const byName = new Map<string, NodeUsage>(usage.nodes.map((n) => [n.name, n]));
  const entries: MetricsEntry[] = [];
  for (const node of nodes) {
    const u = byName.get(node.metadata.name);
    if (u) entries.push({ item: nodeMetrics(node, u, usage.at), cpuMillis: u.cpuMillis, memoryBytes: u.memoryBytes });
  }
  return entries;
}

function podEntries(usage: ClusterUsage, pods: KubeObject[]): MetricsEntry[] {
  const index = podUsageIndex(usage);
  const entries: MetricsEntry[] = [];
  const sorted = [...pods].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1);
  for (const pod of sorted) {
    const u = index.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`);
    if (!u || !isRunning(pod)) continue;
    entries.push({ item: podMetrics(pod, u, usage.at), ...sums(u) });
  }
  return entries;
}

/** The metrics objects a request addresses, or the error metrics-server answers with. */
function resolve(store: ObjectStore, usage: ClusterUsage, target: ResourceTarget, query: URLSearchParams): { entries: MetricsEntry[]; single: boolean } {
  const isNodes = target.resource.kind === 'NodeMetrics';
  if (target.name !== undefined) {
    // The object itself first: a missing node or pod is the core NotFound (`pods "web" not found`).
    const object = store.get(isNodes ? NODES : PODS, target.namespace, target.name);
    const entries = isNodes ? nodeEntries(usage, [object]) : podEntries(usage, [object]);
    if (entries.length === 0) throw noMetrics(isNodes ? 'nodemetrics' : 'podmetrics', isNodes ? target.name : `${target.namespace ?? ''}/${target.name}`);
    return { entries, single: true };
  }
  const options = { ...selectors(query), ...(target.namespace !== undefined ? { namespace: target.namespace } : {}) };
  const objects = store.list(isNodes ? NODES : PODS, options).items;
  return { entries: isNodes ? nodeEntries(usage, objects) : podEntries(usage, objects), single: false };
}

/** Answers one request under /apis/metrics.k8s.io/v1beta1. */
export function handleMetrics(source: MetricsSource | undefined, store: ObjectStore, target: ResourceTarget, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  if (target.subresource !== undefined) throw failure(404, 'NotFound', 'the server could not find the requested resource', {});
  if (method !== 'GET' || target.watchPath || query.get('watch') === 'true' || query.get('watch') === '1') {
    const verb = method === 'GET' ? 'watch' : method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : method.toLowerCase();
    throw methodNotSupported(target.resource, verb);
  }
  const usage = source?.();
  if (!usage) throw unavailable(target.resource.plural);
  const { entries, single } = resolve(store, usage, target, query);
  const representation = negotiateResource(req.headers.accept, true);
  if (representation === 'none') throw notAcceptable('application/json, application/yaml');
  if (representation === 'table') return sendJson(res, 200, metricsTable(entries), TABLE_MEDIA_TYPE);
  if (single) return sendJson(res, 200, entries[0]!.item);
  const kind = target.resource.kind === 'NodeMetrics' ? 'NodeMetricsList' : 'PodMetricsList';
  return sendJson(res, 200, metricsList(kind, entries.map((e) => e.item)));
}
