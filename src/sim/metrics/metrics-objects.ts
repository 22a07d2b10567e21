/**
 * NodeMetrics and PodMetrics (metrics.k8s.io/v1beta1) as metrics-server writes them: the node's or
 * pod's name, namespace and labels with a creationTimestamp of now, the sample's `timestamp` and
 * `window`, and usage as quantities (CPU in nanocores, memory as a binary quantity), reduced to
 * their canonical form the way resource.Quantity prints them.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { binaryQuantity } from '../kubelet/eviction.js';
import type { NodeUsage, PodUsage } from '../kubelet/usage.js';
import { formatTime } from '../store/index.js';

/** The API group/version metrics-server serves. */
export const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';
/** metrics-server's resolution: usage is the rate over the last 15 s. */
export const METRICS_WINDOW = '15s';

type Obj = Record<string, unknown>;

/** CPU in millicores as metrics-server's nanocore quantity prints (`2m`, `1500m`, `2`). */
export function cpuQuantity(millis: number): string {
  let value = Math.round(millis * 1_000_000);
  const suffixes = ['n', 'u', 'm', '', 'k'];
  let i = 0;
  while (value !== 0 && value % 1000 === 0 && i < suffixes.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value}${suffixes[i]}`;
}

function usageOf(cpuMillis: number, memoryBytes: number): Obj {
  return { cpu: cpuQuantity(cpuMillis), memory: binaryQuantity(memoryBytes) };
}

function metadataOf(object: KubeObject, now: Date): Obj {
  const meta: Obj = { name: object.metadata.name };
  if (object.metadata.namespace !== undefined) meta['namespace'] = object.metadata.namespace;
  meta['creationTimestamp'] = formatTime(now);
  if (object.metadata.labels !== undefined) meta['labels'] = object.metadata.labels;
  return meta;
}

/** The NodeMetrics of a node. */
export function nodeMetrics(node: KubeObject, usage: NodeUsage, at: Date): Obj {
  return {
    kind: 'NodeMetrics', apiVersion: METRICS_API_VERSION, metadata: metadataOf(node, at),
    timestamp: formatTime(at), window: METRICS_WINDOW, usage: usageOf(usage.cpuMillis, usage.memoryBytes),
  };
}

/** The PodMetrics of a pod, one entry per running container. */
export function podMetrics(pod: KubeObject, usage: PodUsage, at: Date): Obj {
  return {
    kind: 'PodMetrics', apiVersion: METRICS_API_VERSION, metadata: metadataOf(pod, at),
    timestamp: formatTime(at), window: METRICS_WINDOW,
    containers: usage.containers.map((c) => ({ name: c.name, usage: usageOf(c.cpuMillis, c.memoryBytes) })),
  };
}

/** A list of metrics objects (`NodeMetricsList`, `PodMetricsList`). */
export function metricsList(kind: 'NodeMetricsList' | 'PodMetricsList', items: Obj[]): Obj {
  return { kind, apiVersion: METRICS_API_VERSION, metadata: {}, items };
}

/** One metrics object with its usage summed (a pod's over its containers), for a table row. */
export interface MetricsEntry {
  item: Obj;
  cpuMillis: number;
  memoryBytes: number;
}

/** The columns metrics-server's table convertor prints: Name, cpu, memory, Window. */
export function metricsTable(entries: MetricsEntry[]): Obj {
  const columnDefinitions = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
    { name: 'cpu', type: 'string', format: 'quantity', description: '', priority: 0 },
    { name: 'memory', type: 'string', format: 'quantity', description: '', priority: 0 },
    { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 },
  ];
  const rows = entries.map(({ item, cpuMillis, memoryBytes }) => {
    const metadata = item['metadata'] as Obj;
    const usage = usageOf(cpuMillis, memoryBytes);
    return { cells: [metadata['name'], usage['cpu'], usage['memory'], item['window']], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata } };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions, rows };
}
