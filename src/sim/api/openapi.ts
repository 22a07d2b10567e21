/**
 * OpenAPI v3 as far as kubectl needs it. kubectl 1.32 validates `create -f` and `apply` by asking
 * whether the server takes the `fieldValidation` parameter: it reads `/openapi/v3`, then the
 * group/version document, and looks for that query parameter on the PATCH operation of the kind.
 * With it present kubectl leaves validation to the server and fetches nothing else.
 *
 * The PATCH operations list JSON patch, merge patch and apply, not strategic merge patch: kubectl's
 * client-side apply then builds its strategic merge patch from its compiled-in types instead of
 * looking for schemas, which these documents do not carry. `/openapi/v2` is not served (404).
 */
import { createHash } from 'node:crypto';
import { type ResourceInfo, resourcesOf } from '../resources.js';
import { SERVER_VERSION } from './discovery.js';
import { servedGroupVersions } from './routes.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const query = (name: string, type: 'string' | 'boolean') => ({ name, in: 'query', schema: { type, uniqueItems: true } });

function patchOperation(r: ResourceInfo): object {
  const schema = { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' };
  return {
    description: `partially update the specified ${r.kind}`,
    operationId: `patch${r.namespaced ? 'Namespaced' : ''}${r.kind}`,
    parameters: [query('dryRun', 'string'), query('fieldManager', 'string'), query('fieldValidation', 'string'), query('force', 'boolean')],
    requestBody: {
      content: {
        'application/json-patch+json': { schema },
        'application/merge-patch+json': { schema },
        'application/apply-patch+yaml': { schema },
      },
      required: true,
    },
    responses: { 200: { description: 'OK' }, 201: { description: 'Created' } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: r.group, kind: r.kind, version: r.version },
  };
}

function itemPath(r: ResourceInfo): string {
  const base = `/${gvPath(r.group, r.version)}`;
  return r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}/{name}` : `${base}/${r.plural}/{name}`;
}

/** The OpenAPI v3 document of one group/version. */
export function openapiDocument(group: string, version: string): object {
  const paths: Record<string, object> = {};
  for (const r of resourcesOf(group, version)) {
    const parameters = [
      { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
      ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
    ];
    paths[itemPath(r)] = { parameters, patch: patchOperation(r) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: { 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' } } },
  };
}

const hashes = new Map<string, string>();

function documentHash(group: string, version: string): string {
  const key = `${group}/${version}`;
  let hash = hashes.get(key);
  if (!hash) {
    hash = createHash('sha512').update(JSON.stringify(openapiDocument(group, version))).digest('hex').toUpperCase();
    hashes.set(key, hash);
  }
  return hash;
}

/** `/openapi/v3`: where each group/version's document is, with a content hash clients cache by. */
export function openapiIndex(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of servedGroupVersions()) {
    const path = gvPath(group, version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(group, version)}` };
  }
  return { paths };
}
