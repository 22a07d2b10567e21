/**
 * Discovery documents: /api (APIVersions), /apis (APIGroupList), /apis/{group} (APIGroup),
 * /api/v1 and /apis/{group}/{version} (APIResourceList), and the aggregated form
 * (apidiscovery.k8s.io APIGroupDiscoveryList) that kubectl 1.32 asks for first.
 */
import { API_GROUPS, type ResourceInfo, type Subresource, resourcesOf } from '../resources.js';

const SUBRESOURCE_VERBS: Record<Subresource, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  log: ['get'],
  eviction: ['create'],
  finalize: ['update'],
  token: ['create'],
};

/** The kind a subresource answers with, when it is not the resource's own. */
function subresourceKind(sub: Subresource): { group: string; version: string; kind: string } | undefined {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'eviction') return { group: 'policy', version: 'v1', kind: 'Eviction' };
  if (sub === 'token') return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
  return undefined;
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** APIVersions for /api. */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string, versions: readonly string[]): object {
  const list = versions.map((v) => ({ groupVersion: groupVersion(group, v), version: v }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

/** APIGroupList for /apis: every named group, preferred version first. */
export function apiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: API_GROUPS.filter((g) => g.group !== '').map((g) => apiGroup(g.group, g.versions)) };
}

/** APIGroup for /apis/{group}. */
export function apiGroupDocument(group: string): object | undefined {
  const g = API_GROUPS.find((x) => x.group === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.group, g.versions) };
}

/** APIResourceList for one group/version: resources and their subresources, sorted by name. */
export function apiResourceList(group: string, version: string): object {
  const entries: object[] = [];
  for (const r of resourcesOf(group, version)) {
    const main: Record<string, unknown> = {
      name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs],
    };
    if (r.shortNames.length) main['shortNames'] = [...r.shortNames];
    if (r.categories.length) main['categories'] = [...r.categories];
    entries.push(main);
    for (const sub of r.subresources) {
      const kind = subresourceKind(sub);
      entries.push({
        name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced,
        ...(kind ? { group: kind.group, version: kind.version, kind: kind.kind } : { kind: r.kind }),
        verbs: SUBRESOURCE_VERBS[sub],
      });
    }
  }
  entries.sort((a, b) => ((a as { name: string }).name < (b as { name: string }).name ? -1 : 1));
  const doc: Record<string, unknown> = { kind: 'APIResourceList' };
  // The core group's list carries no apiVersion, the named groups' lists do (as the apiserver writes them).
  if (group !== '') doc['apiVersion'] = 'v1';
  doc['groupVersion'] = groupVersion(group, version);
  doc['resources'] = entries;
  return doc;
}

function discoveryResource(r: ResourceInfo): object {
  const entry: Record<string, unknown> = {
    resource: r.plural, responseKind: { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster', singularResource: r.singular, verbs: [...r.verbs],
  };
  if (r.shortNames.length) entry['shortNames'] = [...r.shortNames];
  if (r.categories.length) entry['categories'] = [...r.categories];
  if (r.subresources.length) {
    entry['subresources'] = r.subresources.map((sub) => ({
      subresource: sub, responseKind: subresourceKind(sub) ?? { group: '', version: '', kind: r.kind }, verbs: SUBRESOURCE_VERBS[sub],
    }));
  }
  return entry;
}

/** The media type an aggregated document is served as. */
export function aggregatedMediaType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/**
 * APIGroupDiscoveryList: for /api the core group only, for /apis every named group, each with all
 * its versions and resources in one document.
 */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): object {
  const groups = API_GROUPS.filter((g) => (g.group === '') === core);
  return {
    kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: resourcesOf(g.group, v).map(discoveryResource).sort((a, b) => ((a as { resource: string }).resource < (b as { resource: string }).resource ? -1 : 1)),
        freshness: 'Current',
      })),
    })),
  };
}

/** `/version`: a v1.32 server. */
export const SERVER_VERSION = {
  major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean', buildDate: '2024-12-11T17:59:15Z', goVersion: 'go1.23.3', compiler: 'gc', platform: 'linux/amd64',
} as const;
