/**
 * The URL space of the simulated apiserver: discovery, version, OpenAPI, health, and the resource
 * paths `/api/v1/...` and `/apis/{group}/{version}/...` (namespaced, cluster-scoped, all
 * namespaces, subresources, and the legacy `/watch/` prefix).
 */
import { API_GROUPS, type ResourceInfo, resourceByPath, resourcesOf } from '../resources.js';

/** What a path addresses. */
export type Route =
  | { kind: 'version' }
  | { kind: 'health' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'resource-list'; group: string; version: string }
  | { kind: 'openapi-v2' }
  | { kind: 'openapi-v3-index' }
  | { kind: 'openapi-v3'; group: string; version: string }
  | { kind: 'resource'; target: ResourceTarget }
  | { kind: 'not-found' };

/** A resource path, parsed. */
export interface ResourceTarget {
  resource: ResourceInfo;
  /** The namespace in the path (absent for cluster-scoped resources and lists across namespaces). */
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Reached through the legacy `/watch/` prefix. */
  watchPath: boolean;
}

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

/** Parses a request path (without the query). */
export function route(path: string): Route {
  const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (clean === '/version') return { kind: 'version' };
  if (HEALTH.has(clean)) return { kind: 'health' };
  if (clean === '/api') return { kind: 'api' };
  if (clean === '/apis') return { kind: 'apis' };
  if (clean === '/openapi/v2') return { kind: 'openapi-v2' };
  if (clean === '/openapi/v3') return { kind: 'openapi-v3-index' };
  const segments = clean.split('/').slice(1).map(decodeURIComponent);
  if (segments[0] === 'openapi' && segments[1] === 'v3') return openapiRoute(segments.slice(2));
  if (segments[0] === 'api') {
    if (segments[1] !== 'v1') return { kind: 'not-found' };
    return groupVersionRoute('', 'v1', segments.slice(2));
  }
  if (segments[0] === 'apis' && segments[1] !== undefined) {
    const group = segments[1];
    if (!API_GROUPS.some((g) => g.group === group)) return { kind: 'not-found' };
    if (segments[2] === undefined) return { kind: 'group', group };
    return groupVersionRoute(group, segments[2], segments.slice(3));
  }
  return { kind: 'not-found' };
}

function openapiRoute(rest: string[]): Route {
  if (rest[0] === 'api' && rest[1] === 'v1' && rest.length === 2) return { kind: 'openapi-v3', group: '', version: 'v1' };
  if (rest[0] === 'apis' && rest.length === 3 && served(rest[1]!, rest[2]!)) return { kind: 'openapi-v3', group: rest[1]!, version: rest[2]! };
  return { kind: 'not-found' };
}

function served(group: string, version: string): boolean {
  return API_GROUPS.some((g) => g.group === group && g.versions.includes(version));
}

function groupVersionRoute(group: string, version: string, rest: string[]): Route {
  if (!served(group, version)) return { kind: 'not-found' };
  if (rest.length === 0) return { kind: 'resource-list', group, version };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  const target = resourceTarget(group, version, rest, watchPath);
  return target ? { kind: 'resource', target } : { kind: 'not-found' };
}

function resourceTarget(group: string, version: string, s: string[], watchPath: boolean): ResourceTarget | undefined {
  const find = (plural: string | undefined) => (plural === undefined ? undefined : resourceByPath(group, version, plural));
  // namespaces/{ns}/{plural}[/{name}[/{sub}]]: a namespaced resource inside one namespace.
  if (s[0] === 'namespaces' && s.length >= 3) {
    const inNamespace = find(s[2]);
    if (inNamespace?.namespaced && s.length <= 5) {
      return withParts({ resource: inNamespace, namespace: s[1]!, watchPath }, s[3], s[4]);
    }
  }
  const resource = find(s[0]);
  if (!resource || s.length > 3) return undefined;
  if (resource.namespaced && s.length > 1) return undefined;
  return withParts({ resource, watchPath }, s[1], s[2]);
}

function withParts(target: ResourceTarget, name: string | undefined, subresource: string | undefined): ResourceTarget | undefined {
  if (name !== undefined) {
    if (name === '') return undefined;
    target.name = name;
  }
  if (subresource !== undefined) target.subresource = subresource;
  return target;
}

/** The group/versions with at least one resource, for the OpenAPI index. */
export function servedGroupVersions(): { group: string; version: string; resources: ResourceInfo[] }[] {
  return API_GROUPS.flatMap((g) => g.versions.map((version) => ({ group: g.group, version, resources: resourcesOf(g.group, version) })));
}
