/**
 * The HTTP surface of the simulated apiserver, over real HTTP: Status errors, discovery, OpenAPI,
 * content negotiation, watch streams, dry runs, subresources and the speed of large lists.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { type SimServer, startSimServer } from './server.js';

let sim: SimServer;
beforeEach(async () => { sim = await startSimServer({ storeOptions: { historySize: 20 } }); });
afterEach(async () => { await sim.close(); });

interface Answer { status: number; type: string; body: Record<string, unknown> }

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${sim.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text.startsWith('{') ? JSON.parse(text) as Record<string, unknown> : { text } };
}

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const CMS = '/api/v1/namespaces/default/configmaps';

describe('Status errors', () => {
  it('answers NotFound, AlreadyExists and Conflict exactly as the apiserver', async () => {
    expect(await call('GET', `${CMS}/nope`)).toMatchObject({ status: 404, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'configmaps' }, code: 404 } });
    const created = await call('POST', CMS, cm('a'));
    expect(created.status).toBe(201);
    expect((await call('POST', CMS, cm('a'))).body).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "a" already exists', code: 409 });
    const stale = { ...(created.body as object), data: { k: 'v' }, metadata: { ...(created.body['metadata'] as object), resourceVersion: '1' } };
    expect((await call('PUT', `${CMS}/a`, stale)).body).toMatchObject({ reason: 'Conflict', code: 409, message: 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again' });
    expect((await call('GET', '/apis/apps/v1/namespaces/default/deployments/web')).body).toMatchObject({ message: 'deployments.apps "web" not found', details: { name: 'web', group: 'apps', kind: 'deployments' } });
  });

  it('answers Invalid with causes, BadRequest for mismatched URLs and MethodNotAllowed', async () => {
    const invalid = await call('POST', CMS, cm('Bad_Name'));
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ reason: 'Invalid', details: { name: 'Bad_Name', kind: 'ConfigMap', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] } });
    await call('POST', CMS, cm('a'));
    expect((await call('PUT', `${CMS}/a`, cm('b'))).body).toMatchObject({ code: 400, reason: 'BadRequest', message: 'the name of the object (b) does not match the name on the URL (a)' });
    expect((await call('POST', CMS, { ...cm('c'), metadata: { name: 'c', namespace: 'kube-system' } })).body).toMatchObject({ code: 400, message: 'the namespace of the provided object does not match the namespace sent on the request' });
    expect((await call('DELETE', '/api/v1/namespaces')).body).toMatchObject({ code: 405, reason: 'MethodNotAllowed', message: 'deletecollection is not supported on resources of kind "namespaces"' });
    expect((await call('POST', `${CMS}/a`, cm('a'))).body).toMatchObject({ code: 405, reason: 'MethodNotAllowed' });
    expect((await call('GET', '/api/v1/widgets')).body).toMatchObject({ code: 404, message: 'the server could not find the requested resource' });
  });

  it('refuses bodies and accept headers it cannot handle', async () => {
    expect((await call('POST', CMS, 'a=b', { 'content-type': 'text/plain' })).body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    expect((await call('POST', CMS, '{"kind":', {})).body).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect((await call('GET', CMS, undefined, { accept: 'application/vnd.kubernetes.protobuf' })).status).toBe(406);
    expect((await call('PATCH', `${CMS}/a`, '{}', { 'content-type': 'application/json' })).body).toMatchObject({ code: 415 });
  });
});

describe('discovery, version and OpenAPI', () => {
  it('serves the legacy discovery documents', async () => {
    expect((await call('GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call('GET', '/apis')).body as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
    expect(groups.groups.find((g) => g.name === 'autoscaling')?.preferredVersion.groupVersion).toBe('autoscaling/v2');
    const core = (await call('GET', '/api/v1')).body as { groupVersion: string; resources: Record<string, unknown>[] };
    expect(core.groupVersion).toBe('v1');
    expect(core.resources).toContainEqual({ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'] });
    expect(core.resources).toContainEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    const apps = (await call('GET', '/apis/apps/v1')).body as { apiVersion: string; resources: Record<string, unknown>[] };
    expect(apps.apiVersion).toBe('v1');
    expect(apps.resources).toContainEqual({ name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  });

  it('serves aggregated discovery to clients that ask for it first', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const apis = await call('GET', '/apis', undefined, { accept });
    expect(apis.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const items = apis.body['items'] as { metadata: { name: string }; versions: { version: string; resources: Record<string, unknown>[] }[] }[];
    const apps = items.find((i) => i.metadata.name === 'apps')!;
    expect(apps.versions[0]!.resources.find((x) => x['resource'] === 'deployments')).toMatchObject({
      responseKind: { group: '', version: '', kind: 'Deployment' }, scope: 'Namespaced', singularResource: 'deployment', shortNames: ['deploy'],
      subresources: [{ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } }, { subresource: 'status' }],
    });
    const core = await call('GET', '/api', undefined, { accept });
    expect((core.body['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['']);
  });

  it('serves /version, OpenAPI v3 with fieldValidation on PATCH, and no OpenAPI v2', async () => {
    expect((await call('GET', '/version')).body).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
    const index = (await call('GET', '/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    expect(index.paths['apis/apps/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const doc = (await call('GET', '/openapi/v3/apis/apps/v1')).body as { paths: Record<string, { patch: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': object } }> };
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!.patch;
    expect(patch.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect((await call('GET', '/openapi/v2')).status).toBe(404);
    expect((await fetch(`${sim.url}/readyz`)).status).toBe(200);
  });
});

describe('reads', () => {
  it('answers a Table when asked for one, with the list metadata and the chosen embedded object', async () => {
    await call('POST', CMS, cm('a', { k: 'v' }));
    await call('POST', CMS, cm('b'));
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const table = await call('GET', `${CMS}?limit=1`, undefined, { accept });
    expect(table.type).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(table.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: sim.store.resourceVersion(), remainingItemCount: 1 } });
    expect((table.body['metadata'] as { continue?: string }).continue).toBeDefined();
    const rows = table.body['rows'] as { cells: unknown[]; object: { kind: string } }[];
    expect(rows[0]!.cells[0]).toBe('a');
    expect(rows[0]!.object.kind).toBe('PartialObjectMetadata');
    const bare = await call('GET', `${CMS}/a?includeObject=None`, undefined, { accept });
    expect((bare.body['rows'] as { object: unknown }[])[0]!.object).toBeNull();
  });

  it('streams a watch as JSON lines, and answers a too-old resourceVersion with an Expired ERROR event', async () => {
    const first = await call('POST', CMS, cm('first'));
    const rv = (first.body['metadata'] as { resourceVersion: string }).resourceVersion;
    for (let i = 0; i < 30; i++) await call('POST', CMS, cm(`c${i}`));
    const expired = await fetch(`${sim.url}${CMS}?watch=true&resourceVersion=${rv}`);
    expect(expired.status).toBe(200);
    const line = JSON.parse((await expired.text()).trim()) as { type: string; object: Record<string, unknown> };
    expect(line.type).toBe('ERROR');
    expect(line.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });

    const controller = new AbortController();
    const res = await fetch(`${sim.url}${CMS}?watch=1&resourceVersion=${sim.store.resourceVersion()}&fieldSelector=metadata.name%3Dlive`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await call('POST', CMS, cm('other'));
    await call('POST', CMS, cm('live'));
    const { value } = await reader.read();
    controller.abort();
    const event = JSON.parse(new TextDecoder().decode(value).split('\n')[0]!) as { type: string; object: KubeObject };
    expect(event.type).toBe('ADDED');
    expect(event.object.metadata.name).toBe('live');
  });

  it('ends a watch after timeoutSeconds', async () => {
    const started = Date.now();
    const res = await fetch(`${sim.url}${CMS}?watch=true&timeoutSeconds=1&resourceVersion=${sim.store.resourceVersion()}`);
    expect(await res.text()).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('writes', () => {
  it('runs dryRun=All writes without storing them', async () => {
    expect((await call('POST', `${CMS}?dryRun=All`, cm('dry'))).status).toBe(201);
    expect((await call('GET', `${CMS}/dry`)).status).toBe(404);
    const real = await call('POST', CMS, cm('real', { k: '1' }));
    const changed = await call('PUT', `${CMS}/real?dryRun=All`, { ...real.body, data: { k: '2' } });
    expect(changed.body['data']).toEqual({ k: '2' });
    expect((await call('GET', `${CMS}/real`)).body['data']).toEqual({ k: '1' });
    expect((await call('DELETE', `${CMS}/real?dryRun=All`)).status).toBe(200);
    expect((await call('GET', `${CMS}/real`)).status).toBe(200);
    expect((await call('POST', `${CMS}?dryRun=Yes`, cm('x'))).status).toBe(400);
  });

  it('answers a delete with a Status, or with the object for kinds that return it', async () => {
    const created = await call('POST', CMS, cm('a'));
    expect((await call('DELETE', `${CMS}/a`)).body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
      details: { name: 'a', kind: 'configmaps', uid: (created.body['metadata'] as { uid: string }).uid },
    });
    await call('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    expect((await call('DELETE', '/api/v1/namespaces/default/pods/p', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' })).body).toMatchObject({ kind: 'Pod', metadata: { name: 'p' } });
  });

  it('scales through /scale, updates /status, and evicts pods', async () => {
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploy);
    const scale = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(scale.body).toMatchObject({ kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 0, selector: 'app=web' } });
    const put = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale', { ...scale.body, spec: { replicas: 4 } });
    expect(put.body).toMatchObject({ spec: { replicas: 4 } });
    expect((await call('PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale', { kind: 'Scale', spec: { replicas: -1 } })).body).toMatchObject({ code: 422, message: 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' });
    const current = (await call('GET', '/apis/apps/v1/namespaces/default/deployments/web')).body;
    const status = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/web/status', { ...current, status: { replicas: 4, readyReplicas: 2 } });
    expect(status.body).toMatchObject({ spec: { replicas: 4 }, status: { replicas: 4, readyReplicas: 2 } });
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/x/scale')).status).toBe(404);

    await call('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const evicted = await call('POST', '/api/v1/namespaces/default/pods/p/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'default' } });
    expect(evicted.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    expect((await call('GET', '/api/v1/namespaces/default/pods/p')).status).toBe(404);
  });

  it('decodes a Kubernetes protobuf body', async () => {
    // What kubectl 1.32 sends for `kubectl create namespace shop`.
    const body = Buffer.from('6b3873000a0f0a02763112094e616d657370616365121c0a140a0473686f7012001a0022002a0032003800420012001a020a001a002200', 'hex');
    const res = await fetch(`${sim.url}/api/v1/namespaces`, { method: 'POST', body, headers: { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/vnd.kubernetes.protobuf,application/json' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ kind: 'Namespace', metadata: { name: 'shop' }, status: { phase: 'Active' } });
  });
});

describe('scale of lists', () => {
  it('serves a list of 10,000 pods over HTTP quickly', async () => {
    const pods = lookupResource('pods')!;
    for (let i = 0; i < 10_000; i++) {
      sim.store.create(pods, { metadata: { name: `p-${i}`, namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } });
    }
    const started = performance.now();
    const res = await fetch(`${sim.url}/api/v1/pods`);
    const list = await res.json() as { kind: string; items: unknown[] };
    const elapsed = performance.now() - started;
    expect(list.kind).toBe('PodList');
    expect(list.items).toHaveLength(10_000);
    expect(elapsed).toBeLessThan(2_000);
  });
});
