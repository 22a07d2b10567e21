/**
 * Calling a webhook's Service, as far as the simulator can tell whether the call would connect: the
 * URL the apiserver posts to (util/webhook/client.go: `https://NAME.NAMESPACE.svc:PORT/PATH`, with
 * the `?timeout=10s` the rest client adds) and why the service resolver finds nowhere to send it
 * (util/proxy/proxy.go ResolveEndpoint: no Service, no such port, an ExternalName Service, no
 * Endpoints, or no ready address). The error reads as Go's `*url.Error` prints it:
 * `Post "https://guard.policy.svc:443/validate?timeout=10s": no endpoints available for service "guard"`.
 */
import { lookupResource } from '../resources.js';
import { type ClusterReader, type Obj, arr, rec, str } from './admission-plugin.js';

const SERVICES = lookupResource('services')!;
const ENDPOINTS = lookupResource('endpoints')!;

/** A webhook's `clientConfig.service`. */
export interface WebhookService {
  namespace: string;
  name: string;
  port: number;
  path: string;
}

/** The service a webhook calls, or undefined when it calls a URL. */
export function webhookService(hook: Obj): WebhookService | undefined {
  const service = rec(rec(hook['clientConfig'])?.['service']);
  if (!service) return undefined;
  const port = service['port'];
  return {
    namespace: str(service['namespace']) ?? '', name: str(service['name']) ?? '',
    port: typeof port === 'number' ? port : 443, path: str(service['path']) ?? '',
  };
}

/** Go's path.Join("/", p): rooted, cleaned, without a trailing slash. */
function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop(); else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * The URL the apiserver posts the AdmissionReview to.
 * @example webhookUrl({ namespace: 'policy', name: 'guard', port: 443, path: '/validate' }, 10)
 *   // 'https://guard.policy.svc:443/validate?timeout=10s'
 */
export function webhookUrl(service: WebhookService, timeoutSeconds: number): string {
  return `https://${service.name}.${service.namespace}.svc:${service.port}${cleanPath(service.path)}?timeout=${timeoutSeconds}s`;
}

function noEndpoints(name: string): string {
  return `no endpoints available for service ${JSON.stringify(name)}`;
}

/** Why the service resolver finds no endpoint for the service, or undefined when it finds one. */
export function resolveFailure(service: WebhookService, cluster: ClusterReader): string | undefined {
  const svc = cluster.get(SERVICES, service.namespace, service.name);
  if (!svc) return `service ${JSON.stringify(service.name)} not found`;
  const spec = rec(svc.spec) ?? {};
  const svcPort = arr(spec['ports']).find((p) => p['port'] === service.port);
  if (!svcPort) return `no service port ${service.port} found for service ${JSON.stringify(service.name)}`;
  const type = str(spec['type']) ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) return `unsupported service type ${JSON.stringify(type)}`;
  const endpoints = cluster.get(ENDPOINTS, service.namespace, service.name);
  if (!endpoints) return `endpoints ${JSON.stringify(service.name)} not found`;
  const portName = str(svcPort['name']) ?? '';
  const ready = arr(endpoints['subsets']).some((subset) => arr(subset['addresses']).length > 0
    && arr(subset['ports']).some((p) => (str(p['name']) ?? '') === portName));
  return ready ? undefined : noEndpoints(service.name);
}

/**
 * What the failed call of a webhook reports (the `Reason` of ErrCallingWebhook), or undefined when
 * its service has a ready endpoint. A webhook called by URL is taken to be reachable.
 */
export function callFailure(hook: Obj, cluster: ClusterReader): string | undefined {
  const service = webhookService(hook);
  if (!service) return undefined;
  const failure = resolveFailure(service, cluster);
  if (failure === undefined) return undefined;
  const timeout = typeof hook['timeoutSeconds'] === 'number' ? hook['timeoutSeconds'] : 10;
  return `failed to call webhook: Post ${JSON.stringify(webhookUrl(service, timeout))}: ${failure}`;
}
