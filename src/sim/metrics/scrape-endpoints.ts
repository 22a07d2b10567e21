/**
 * The scrape endpoints the simulator serves for Prometheus: the kubelet's cAdvisor metrics through
 * the apiserver's node proxy (`/api/v1/nodes/{node}/proxy/metrics/cadvisor`, what the
 * kubernetes-cadvisor job of Prometheus's example Kubernetes config scrapes), the same for every
 * node at once (`/metrics/cadvisor`: one static target, what the tests' Prometheus scrapes), and
 * container restarts as kube-state-metrics exposes them (`/metrics/kube-state-metrics`).
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { cadvisorMetricsText } from './cadvisor-metrics.js';
import { kubeStateMetricsText } from './kube-state-metrics.js';
import type { MetricsSource } from './metrics-handler.js';

const NODES = lookupResource('nodes')!;
const PODS = lookupResource('pods')!;

/** The media type of the text exposition format, as client_golang answers. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Which scrape endpoint a request addresses. */
export type ScrapeTarget = { kind: 'cadvisor'; node?: string } | { kind: 'kube-state-metrics' };

/** The scrape endpoint a path names, if any. */
export function scrapeTarget(path: string): ScrapeTarget | undefined {
  if (path === '/metrics/cadvisor') return { kind: 'cadvisor' };
  if (path === '/metrics/kube-state-metrics') return { kind: 'kube-state-metrics' };
  const proxied = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/metrics\/cadvisor$/.exec(path);
  return proxied ? { kind: 'cadvisor', node: decodeURIComponent(proxied[1]!) } : undefined;
}

/** Answers a scrape; 503 while the kubelets have no usage, 404 (`nodes "x" not found`) for an unknown node. */
export function handleScrape(target: ScrapeTarget, source: MetricsSource | undefined, store: ObjectStore, res: ServerResponse): void {
  const pods = store.list(PODS, {}).items;
  if (target.kind === 'kube-state-metrics') return send(res, kubeStateMetricsText(pods));
  // The node itself first, as the apiserver's proxy looks it up before dialling the kubelet.
  if (target.node !== undefined) store.get(NODES, undefined, target.node);
  const usage = source?.();
  if (!usage) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the kubelet is not reporting usage yet', reason: 'ServiceUnavailable', code: 503 });
  const index = new Map<string, KubeObject>(pods.map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name}`, p]));
  send(res, cadvisorMetricsText(usage, (namespace, name) => index.get(`${namespace}/${name}`), target.node));
}

function send(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
