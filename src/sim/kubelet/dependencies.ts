/**
 * Services a simulated server calls (its image's `dependsOn`): while one has no ready endpoint, the
 * server cannot do its work, so its HTTP paths answer 503 and it logs the failed call, as an app
 * whose health check covers its dependencies does. This is how one failing service cascades into
 * 503s upstream in a scenario.
 */
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';

const SERVICES = lookupResource('services')!;
const ENDPOINTS = lookupResource('endpoints')!;

interface ServiceShape {
  spec?: { clusterIP?: string; ports?: { port?: number }[] };
}

interface EndpointsShape {
  subsets?: { addresses?: unknown[] }[];
}

/** The first dependency without a ready endpoint, as the log line the caller writes about it; undefined when all answer. */
export function failingDependency(store: ObjectStore, namespace: string, dependsOn: readonly string[]): string | undefined {
  for (const name of dependsOn) {
    const service = find<ServiceShape>(store, SERVICES, namespace, name);
    if (!service) return `upstream ${name} unavailable: dial tcp: lookup ${name} on 10.96.0.10:53: no such host`;
    const port = service.spec?.ports?.[0]?.port ?? 80;
    const endpoints = find<EndpointsShape>(store, ENDPOINTS, namespace, name);
    const ready = (endpoints?.subsets ?? []).some((s) => (s.addresses ?? []).length > 0);
    if (!ready) return `upstream ${name}:${port} unavailable: dial tcp ${service.spec?.clusterIP ?? name}:${port}: connect: connection refused`;
  }
  return undefined;
}

function find<T>(store: ObjectStore, resource: typeof SERVICES, namespace: string, name: string): T | undefined {
  try {
    return store.get(resource, namespace, name) as T;
  } catch {
    return undefined;
  }
}
