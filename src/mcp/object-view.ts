/**
 * One object and its neighbourhood, as explain_object answers: its owner chain, its pods, the
 * Services in front of them, their nodes, the events about them, and the last lines of their logs.
 * Everything the cluster wrote in free text (events, logs, annotations) comes back quoted.
 */
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import { eventTimestamp } from '../cluster/graph.js';
import { keyOf, refOf, type CoreEvent, type KubeObject, type ObjectRef, type Pod } from '../cluster/objects.js';
import { ApiError, type ApiClient } from '../sources/live/api-client.js';
import { quoted, type Quoted } from './quoted.js';

export interface ExplainLimits {
  /** Log lines per container, from the end. */
  logLines: number;
  /** Pods whose logs are read. */
  logPods: number;
  events: number;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The neighbourhood of `obj` in the graph, with the last log lines read from the API. */
export async function explainObject(graph: ClusterGraph, client: ApiClient, obj: KubeObject, limits: ExplainLimits): Promise<Record<string, unknown>> {
  const pods = podsAround(graph, obj);
  const services = unique(pods.flatMap((p) => graph.servicesSelecting(p)).map(refOf));
  const nodes = unique(pods.map((p) => graph.nodeOf(p)).filter((n): n is NonNullable<typeof n> => n !== undefined).map(refOf));
  const about = [refOf(obj), ...pods.filter((p) => p !== obj).map(refOf)];
  const events = about.flatMap((ref) => graph.eventsFor(ref)).sort((a, b) => (eventTimestamp(a) ?? '').localeCompare(eventTimestamp(b) ?? ''));
  return {
    object: refOf(obj),
    ...(obj.metadata.creationTimestamp ? { created: obj.metadata.creationTimestamp } : {}),
    ...(obj.metadata.labels ? { labels: obj.metadata.labels } : {}),
    annotations: annotationsOf(obj),
    ownerChain: graph.ownerChain(obj).map(refOf),
    pods: pods.slice(0, 20).map(podSummary),
    ...(pods.length > 20 ? { morePods: pods.length - 20 } : {}),
    services, nodes,
    events: events.slice(-limits.events).map(eventView),
    logs: await lastLogs(client, pods.slice(0, limits.logPods), limits.logLines),
  };
}

/** The pods an object stands for: itself, a workload's, a Service's, a node's. */
function podsAround(graph: ClusterGraph, obj: KubeObject): Obj<Pod>[] {
  switch (obj.kind) {
    case 'Pod': return [obj as Obj<Pod>];
    case 'Service': return graph.servicePods(obj as Parameters<ClusterGraph['servicePods']>[0]);
    case 'Node': return graph.podsOnNode(obj.metadata.name);
    default: return graph.podsOf(obj);
  }
}

function podSummary(pod: Obj<Pod>): Record<string, unknown> {
  const statuses = pod.status?.containerStatuses ?? [];
  return {
    name: pod.metadata.name, phase: pod.status?.phase ?? 'Unknown', node: pod.spec?.nodeName ?? null,
    containers: statuses.map((s) => ({
      name: s.name, ready: s.ready, restarts: s.restartCount,
      state: s.state?.waiting ? `waiting: ${s.state.waiting.reason ?? ''}` : s.state?.terminated ? `terminated: ${s.state.terminated.reason ?? ''} (exit ${s.state.terminated.exitCode})` : s.state?.running ? 'running' : 'unknown',
      ...(s.lastState?.terminated ? { lastTerminated: `${s.lastState.terminated.reason ?? ''} (exit ${s.lastState.terminated.exitCode})` } : {}),
    })),
  };
}

function eventView(ev: Obj<CoreEvent>): Record<string, unknown> {
  const count = Math.max(ev.count ?? 1, ev.series?.count ?? 1);
  return { at: eventTimestamp(ev) ?? null, type: ev.type ?? 'Normal', reason: ev.reason ?? '', count, about: `${ev.involvedObject.kind ?? ''}/${ev.involvedObject.name ?? ''}`, message: quoted(ev.message ?? '') };
}

function annotationsOf(obj: KubeObject): Record<string, Quoted> {
  const out: Record<string, Quoted> = {};
  for (const [key, value] of Object.entries(obj.metadata.annotations ?? {})) if (key !== LAST_APPLIED) out[key] = quoted(value, 300);
  return out;
}

interface LogView { pod: string; container: string; previous: boolean; lines: Quoted[] }

/** The last lines of each container of these pods, the previous instance's too when it restarted; a log the server cannot give is skipped. */
async function lastLogs(client: ApiClient, pods: Obj<Pod>[], lines: number): Promise<LogView[]> {
  if (lines === 0) return [];
  const out: LogView[] = [];
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      for (const previous of status.lastState?.terminated ? [true, false] : [false]) {
        const text = await readLog(client, pod, status.name, previous, lines);
        if (text !== undefined) out.push({ pod: pod.metadata.name, container: status.name, previous, lines: text.split('\n').filter((l) => l.trim()).slice(-lines).map((l) => quoted(l)) });
      }
    }
  }
  return out;
}

async function readLog(client: ApiClient, pod: Obj<Pod>, container: string, previous: boolean, lines: number): Promise<string | undefined> {
  const path = `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? 'default')}/pods/${encodeURIComponent(pod.metadata.name)}/log`;
  try {
    return await client.getText(path, { container, tailLines: lines, ...(previous ? { previous: true } : {}) });
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}

function unique(refs: ObjectRef[]): ObjectRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(keyOf(r)) && seen.add(keyOf(r)));
}
