/**
 * What the graph knows about an admission webhook named in a refusal: the Validating- or
 * MutatingWebhookConfiguration that declares it (failurePolicy, timeout, where it is served), the
 * Service it calls, and whether that Service has ready endpoints and ready pods behind it.
 */
import type { MutatingWebhook, ValidatingWebhook } from 'kubernetes-types/admissionregistration/v1.js';
import type { ClusterGraph, Obj } from '../cluster/graph.js';
import type { KubeObject, ObjectRef, Service } from '../cluster/objects.js';
import { selectorMatches } from '../cluster/selectors.js';
import { isPodReady } from './pod-state.js';

export const WEBHOOK_CONFIGURATION_KINDS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const;

/** One webhook of a configuration object. */
export interface DeclaredWebhook {
  configuration: KubeObject;
  webhook: ValidatingWebhook | MutatingWebhook;
  /** `Fail` unless the webhook says otherwise (the v1 default). */
  failurePolicy: string;
}

/** The Service a webhook is served by, and what stands behind it. */
export interface WebhookService {
  ref: ObjectRef;
  service?: Obj<Service>;
  port?: number;
  path?: string;
  /** Ready and not-ready endpoint addresses, when the input holds the Endpoints or EndpointSlices. */
  endpoints?: { source: KubeObject; ready: string[]; notReady: string[] };
  /** Pods the Service selects, and how many are ready. */
  pods?: { selected: number; ready: number };
  /** Deployments and StatefulSets whose pod template the Service selects, with their desired replicas. */
  workloads: { obj: KubeObject; replicas: number }[];
}

/** The webhook named `name` in any webhook configuration of the input. */
export function declaredWebhook(graph: ClusterGraph, name: string): DeclaredWebhook | undefined {
  for (const kind of WEBHOOK_CONFIGURATION_KINDS) {
    for (const configuration of graph.ofKind<{ webhooks?: (ValidatingWebhook | MutatingWebhook)[] }>(kind)) {
      const webhook = configuration.webhooks?.find((w) => w.name === name);
      if (webhook) return { configuration, webhook, failurePolicy: webhook.failurePolicy ?? 'Fail' };
    }
  }
  return undefined;
}

/** `https://<service>.<namespace>.svc:<port>/...` as the API server dials it, in a webhook call error. */
const SERVICE_URL = /https:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?(?::(\d+))?(\/[^\s"?]*)?/;

/**
 * The Service behind a webhook: from its configuration's `clientConfig.service`, else from the URL the
 * API server's error names. Undefined for a webhook served from a URL outside the cluster.
 */
export function webhookService(graph: ClusterGraph, declared: DeclaredWebhook | undefined, error: string): WebhookService | undefined {
  const fromConfig = declared?.webhook.clientConfig.service;
  const fromUrl = fromConfig || declared?.webhook.clientConfig.url ? undefined : SERVICE_URL.exec(error);
  const namespace = fromConfig?.namespace ?? fromUrl?.[2];
  const name = fromConfig?.name ?? fromUrl?.[1];
  if (!namespace || !name) return undefined;
  const out: WebhookService = { ref: { kind: 'Service', namespace, name }, workloads: [] };
  const port = fromConfig?.port ?? (fromUrl?.[3] ? Number(fromUrl[3]) : undefined);
  const path = fromConfig?.path ?? fromUrl?.[4];
  if (port !== undefined) out.port = port;
  if (path) out.path = path;
  const service = graph.get<Service>('Service', namespace, name);
  if (!service) return out;
  out.service = service;
  const endpoints = endpointState(graph, service);
  if (endpoints) out.endpoints = endpoints;
  if (service.spec?.selector && Object.keys(service.spec.selector).length) {
    const pods = graph.servicePods(service).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    out.pods = { selected: pods.length, ready: pods.filter(isPodReady).length };
    out.workloads = workloadsSelected(graph, service);
  }
  return out;
}

/** Workloads of the Service's namespace whose pod template carries every label of its selector. */
function workloadsSelected(graph: ClusterGraph, service: Obj<Service>): WebhookService['workloads'] {
  const out: WebhookService['workloads'] = [];
  for (const kind of ['Deployment', 'StatefulSet']) {
    for (const obj of graph.ofKindIn<{ spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } } }>(kind, service.metadata.namespace ?? '')) {
      const labels = obj.spec?.template?.metadata?.labels;
      if (labels && selectorMatches(service.spec?.selector, labels)) out.push({ obj, replicas: obj.spec?.replicas ?? 1 });
    }
  }
  return out;
}

/** Ready and not-ready addresses of a Service, from its Endpoints object or else its EndpointSlices. */
function endpointState(graph: ClusterGraph, service: Obj<Service>): WebhookService['endpoints'] {
  const { endpoints, slices } = graph.endpointsOf(service);
  if (endpoints) {
    const ready: string[] = [];
    const notReady: string[] = [];
    for (const subset of endpoints.subsets ?? []) {
      const ports = (subset.ports ?? []).map((p) => p.port).join(',');
      const at = (ip: string): string => (ports ? `${ip}:${ports}` : ip);
      for (const a of subset.addresses ?? []) ready.push(at(a.ip));
      for (const a of subset.notReadyAddresses ?? []) notReady.push(at(a.ip));
    }
    return { source: endpoints, ready, notReady };
  }
  const slice = slices[0];
  if (!slice) return undefined;
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const s of slices) {
    const ports = (s.ports ?? []).map((p) => p.port).filter((p) => p !== undefined).join(',');
    for (const e of s.endpoints ?? []) {
      const address = `${e.addresses[0] ?? '?'}${ports ? `:${ports}` : ''}`;
      (e.conditions?.ready === false ? notReady : ready).push(address);
    }
  }
  return { source: slice, ready, notReady };
}

/** `Endpoints: 10.0.1.5:8443 (not ready: 10.0.2.7:8443)`, or `Endpoints: <none>`, as describe shows it. */
export function describeEndpoints(endpoints: NonNullable<WebhookService['endpoints']>): string {
  const ready = endpoints.ready.length ? endpoints.ready.slice(0, 5).join(',') : '<none>';
  const notReady = endpoints.notReady.length ? ` (not ready: ${endpoints.notReady.slice(0, 5).join(',')})` : '';
  return `Endpoints: ${ready}${notReady}`;
}
