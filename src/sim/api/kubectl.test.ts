/**
 * The simulated API server driven by the real kubectl (v1.32 on PATH): discovery, the typed create
 * commands (which send protobuf), apply, get in every output format, selectors, paging, watch,
 * delete and namespace termination, with kubectl's own output and exit codes asserted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource, type ResourceInfo } from '../resources.js';
import { type SimKubectl, eventually, startSimKubectl } from './kubectl.test-support.js';

const res = (name: string): ResourceInfo => lookupResource(name)!;

let sim: SimKubectl;
const kubectl = (...args: string[]) => sim.kubectl(args);

beforeEach(async () => { sim = await startSimKubectl(); });
afterEach(async () => { await sim.close(); });

function stored(resource: string, namespace: string | undefined, name: string): KubeObject {
  return sim.store.get(res(resource), namespace, name);
}

function names(resource: string, namespace?: string): string[] {
  return sim.store.list(res(resource), namespace === undefined ? {} : { namespace }).items.map((o) => o.metadata.name);
}

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {app: web}
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe('discovery and version', () => {
  it('kubectl version shows the server version', async () => {
    const r = await kubectl('version');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Server Version: v1\.32\.0$/m);
  });

  it('kubectl api-resources lists the kinds with short names, versions and scope', async () => {
    const r = await kubectl('api-resources');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((line) => line.split(/\s+/));
    expect(rows[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(rows).toContainEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(rows).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(rows).toContainEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    expect(rows).toContainEqual(['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler']);
    expect(rows).toContainEqual(['clusterroles', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole']);
  });

  it('kubectl falls back to per-group discovery when the server has no aggregated discovery', async () => {
    await sim.close();
    sim = await startSimKubectl({ aggregatedDiscovery: false });
    const resources = await kubectl('api-resources', '--api-group=apps', '-o', 'name');
    expect(resources.stdout.trim().split('\n').sort()).toEqual(['daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps']);
    expect((await kubectl('create', 'configmap', 'plain', '--from-literal=a=b')).code).toBe(0);
    expect((await kubectl('get', 'cm', 'plain', '-o', 'name')).stdout).toBe('configmap/plain\n');
  });
});

describe('typed create commands (protobuf bodies)', () => {
  it('creates a namespace, configmap, deployment, serviceaccount, role and rolebinding as stored objects', async () => {
    expect((await kubectl('create', 'namespace', 'shop')).stdout).toBe('namespace/shop created\n');
    expect((await kubectl('create', 'configmap', 'x', '--from-literal=a=b', '-n', 'shop')).stdout).toBe('configmap/x created\n');
    expect((await kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=0', '-n', 'shop')).stdout).toBe('deployment.apps/web created\n');
    expect((await kubectl('create', 'serviceaccount', 'builder', '-n', 'shop')).code).toBe(0);
    expect((await kubectl('create', 'role', 'reader', '--verb=get,list', '--resource=pods', '-n', 'shop')).code).toBe(0);
    const binding = await kubectl('create', 'rolebinding', 'reader', '--role=reader', '--serviceaccount=shop:builder', '-n', 'shop');
    expect(binding.stdout).toBe('rolebinding.rbac.authorization.k8s.io/reader created\n');

    expect(stored('namespaces', undefined, 'shop')).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    expect(stored('configmaps', 'shop', 'x')['data']).toEqual({ a: 'b' });
    const web = stored('deployments', 'shop', 'web');
    // replicas 0 is a pointer field on the wire: the explicit zero must survive decoding.
    expect(web.spec).toMatchObject({
      replicas: 0, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate' },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }] } },
    });
    expect(web.metadata.generation).toBe(1);
    expect(web.metadata.managedFields?.[0]).toMatchObject({ manager: 'kubectl-create', operation: 'Update' });
    expect(stored('roles', 'shop', 'reader')['rules']).toEqual([{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
    expect(stored('rolebindings', 'shop', 'reader')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'shop' }],
    });
  });

  it('refuses an existing name with AlreadyExists, as kubectl prints it', async () => {
    await kubectl('create', 'configmap', 'dup');
    const again = await kubectl('create', 'configmap', 'dup');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: failed to create configmap: configmaps "dup" already exists\n');
    const fromFile = await kubectl('create', '-f', sim.file('dup.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\n'));
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(fromFile.stderr).toContain('configmaps "dup" already exists');
  });

  it('refuses an invalid name with the apiserver\'s Invalid message', async () => {
    const r = await kubectl('create', 'configmap', 'Bad_Name');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters');
  });

  it('refuses content in a namespace that does not exist', async () => {
    const r = await kubectl('create', 'configmap', 'x', '-n', 'nowhere');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: failed to create configmap: namespaces "nowhere" not found\n');
  });
});

describe('get', () => {
  beforeEach(async () => {
    expect((await kubectl('apply', '-f', sim.file('m.yaml', MANIFEST))).code).toBe(0);
    await kubectl('create', 'configmap', 'extra', '-n', 'shop', '--from-literal=k=v');
    await kubectl('create', 'configmap', 'alpha', '-n', 'default');
  });

  it('prints namespaces as a table', async () => {
    const r = await kubectl('get', 'ns');
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(r.stdout).toMatch(/^shop\s+Active\s+\d+s$/m);
    expect(r.stdout).toMatch(/^kube-system\s+Active/m);
  });

  it('prints -o json, -o yaml, -o jsonpath and -o name', async () => {
    const json = JSON.parse((await kubectl('get', 'cm', '-n', 'shop', '-o', 'json')).stdout) as { kind: string; items: KubeObject[] };
    expect(json.kind).toBe('List');
    expect(json.items.map((i) => i.metadata.name)).toEqual(['extra', 'settings']);
    expect(json.items[1]!['data']).toEqual({ mode: 'fast' });
    const yaml = (await kubectl('get', 'cm', 'settings', '-n', 'shop', '-o', 'yaml')).stdout;
    expect(yaml).toContain('kind: ConfigMap');
    expect(yaml).toMatch(/resourceVersion: "\d+"/);
    expect(yaml).toMatch(/uid: [0-9a-f-]{36}/);
    expect((await kubectl('get', 'cm', '-n', 'shop', '-o', 'jsonpath={.items[*].metadata.name}')).stdout).toBe('extra settings');
    expect((await kubectl('get', 'cm', '-n', 'shop', '-o', 'name')).stdout).toBe('configmap/extra\nconfigmap/settings\n');
  });

  it('lists across namespaces, by label, by field and sorted', async () => {
    const all = (await kubectl('get', 'cm', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}')).stdout.trim().split(' ');
    expect(all).toEqual(['default/alpha', 'shop/extra', 'shop/settings']);
    expect((await kubectl('get', 'cm', '-A', '-l', 'app=web', '-o', 'name')).stdout).toBe('configmap/settings\n');
    expect((await kubectl('get', 'cm', '-A', '-l', 'app!=web', '-o', 'name')).stdout).toBe('configmap/alpha\nconfigmap/extra\n');
    expect((await kubectl('get', 'cm', '-n', 'shop', '--field-selector', 'metadata.name=extra', '-o', 'name')).stdout).toBe('configmap/extra\n');
    const sorted = await kubectl('get', 'cm', '-A', '--sort-by=.metadata.name', '--no-headers');
    expect(sorted.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1])).toEqual(['alpha', 'extra', 'settings']);
    const badField = await kubectl('get', 'cm', '--field-selector', 'spec.nodeName=n1');
    expect(badField.code).toBe(1);
    expect(badField.stderr).toContain('Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", field selector "spec.nodeName=n1": field label not supported: spec.nodeName');
  });

  it('prints pods with the apiserver\'s columns, and the wide ones with -o wide', async () => {
    expect((await kubectl('run', 'api', '--image=nginx:1.27', '-n', 'shop')).code).toBe(0);
    const table = (await kubectl('get', 'pods', '-n', 'shop')).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(table[1]).toMatch(/^api\s+0\/1\s+Pending\s+0\s+\d+s$/);
    const wide = (await kubectl('get', 'pods', '-n', 'shop', '-o', 'wide')).stdout.split('\n');
    expect(wide[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
  });

  it('fails on a missing object with NotFound and exit code 1', async () => {
    const r = await kubectl('get', 'pod', 'missing');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error from server (NotFound): pods "missing" not found\n');
  });

  it('pages a raw list with limit and an opaque continue token the next page accepts', async () => {
    const first = JSON.parse((await kubectl('get', '--raw', '/api/v1/namespaces/shop/configmaps?limit=1')).stdout) as { metadata: { continue: string; remainingItemCount: number }; items: KubeObject[] };
    expect(first.items.map((i) => i.metadata.name)).toEqual(['extra']);
    expect(first.metadata.remainingItemCount).toBe(1);
    expect(first.metadata.continue).toMatch(/^[A-Za-z0-9_-]+$/);
    const next = JSON.parse((await kubectl('get', '--raw', `/api/v1/namespaces/shop/configmaps?limit=1&continue=${first.metadata.continue}`)).stdout) as { metadata: { continue?: string }; items: KubeObject[] };
    expect(next.items.map((i) => i.metadata.name)).toEqual(['settings']);
    expect(next.metadata.continue).toBeUndefined();
  });
});

describe('apply, patch, scale', () => {
  it('creates a multi-document manifest, then configures what changed', async () => {
    const file = sim.file('m.yaml', MANIFEST);
    const first = await kubectl('apply', '-f', file);
    expect(first.stdout).toBe('namespace/shop created\nconfigmap/settings created\ndeployment.apps/web created\n');
    const unchanged = await kubectl('apply', '-f', file);
    expect(unchanged.stdout).toBe('namespace/shop unchanged\nconfigmap/settings unchanged\ndeployment.apps/web unchanged\n');
    const changed = await kubectl('apply', '-f', sim.file('m2.yaml', MANIFEST.replace('mode: fast', 'mode: safe').replace('replicas: 2', 'replicas: 3')));
    expect(changed.stdout).toBe('namespace/shop unchanged\nconfigmap/settings configured\ndeployment.apps/web configured\n');
    expect(stored('configmaps', 'shop', 'settings')['data']).toEqual({ mode: 'safe' });
    const web = stored('deployments', 'shop', 'web');
    expect(web.spec).toMatchObject({ replicas: 3 });
    expect(web.metadata.generation).toBe(2);
  });

  it('validates a server-side dry run without storing anything', async () => {
    const onlyContent = MANIFEST.slice(MANIFEST.indexOf('---\n') + 4);
    // The namespace is not stored either, so a dry run of content inside it fails as on a real cluster.
    const missing = await kubectl('apply', '-f', sim.file('m.yaml', MANIFEST), '--dry-run=server');
    expect(missing.stdout).toBe('namespace/shop created (server dry run)\n');
    expect(missing.stderr).toContain('namespaces "shop" not found');
    await kubectl('create', 'namespace', 'shop');
    const r = await kubectl('apply', '-f', sim.file('content.yaml', onlyContent), '--dry-run=server');
    expect(r.stdout).toBe('configmap/settings created (server dry run)\ndeployment.apps/web created (server dry run)\n');
    expect(names('configmaps', 'shop')).toEqual([]);
    expect(names('deployments')).toEqual([]);
  });

  it('patches with strategic merge, merge and JSON patches, and scales through /scale', async () => {
    await kubectl('apply', '-f', sim.file('m.yaml', MANIFEST));
    expect((await kubectl('patch', 'deploy', 'web', '-n', 'shop', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}')).stdout).toBe('deployment.apps/web patched\n');
    expect((await kubectl('patch', 'cm', 'settings', '-n', 'shop', '--type=merge', '-p', '{"data":{"extra":"1"}}')).code).toBe(0);
    expect((await kubectl('patch', 'cm', 'settings', '-n', 'shop', '--type=json', '-p', '[{"op":"remove","path":"/data/mode"}]')).code).toBe(0);
    expect(stored('configmaps', 'shop', 'settings')['data']).toEqual({ extra: '1' });
    expect((await kubectl('scale', 'deploy', 'web', '-n', 'shop', '--replicas=5')).stdout).toBe('deployment.apps/web scaled\n');
    const web = stored('deployments', 'shop', 'web');
    expect(web.spec).toMatchObject({ replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } });
    const scale = JSON.parse((await kubectl('get', '--raw', '/apis/apps/v1/namespaces/shop/deployments/web/scale')).stdout) as object;
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 }, status: { replicas: 0, selector: 'app=web' } });
  });
});

describe('watch', () => {
  it('kubectl get -w sees an object created after it started', async () => {
    await kubectl('create', 'configmap', 'before');
    const watch = sim.background(['get', 'cm', '-w', '--output-watch-events']);
    await watch.waitFor(/ADDED\s+before/);
    await kubectl('create', 'configmap', 'after', '--from-literal=k=v');
    const out = await watch.waitFor(/ADDED\s+after\s+1\s/);
    watch.stop();
    expect(out.split('\n')[0]).toMatch(/^EVENT\s+NAME\s+DATA\s+AGE$/);
  });
});

describe('delete', () => {
  beforeEach(async () => {
    await kubectl('apply', '-f', sim.file('m.yaml', MANIFEST));
  });

  it('deletes a configmap', async () => {
    const r = await kubectl('delete', 'cm', 'settings', '-n', 'shop');
    expect(r.stdout).toBe('configmap "settings" deleted\n');
    expect(names('configmaps', 'shop')).toEqual([]);
    expect((await kubectl('delete', 'cm', 'settings', '-n', 'shop')).stderr).toBe('Error from server (NotFound): configmaps "settings" not found\n');
  });

  it('deletes a namespace: Terminating, its objects gone, then the namespace gone', async () => {
    const started = Date.now();
    const r = await kubectl('delete', 'ns', 'shop');
    expect(r.stdout).toBe('namespace "shop" deleted\n');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(names('namespaces')).not.toContain('shop');
    expect(names('configmaps', 'shop')).toEqual([]);
    expect(names('deployments', 'shop')).toEqual([]);
    expect((await kubectl('get', 'ns', 'shop')).stderr).toBe('Error from server (NotFound): namespaces "shop" not found\n');
  });

  it('keeps a namespace Terminating while a finalizer holds its content, refusing new content', async () => {
    await kubectl('patch', 'cm', 'settings', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}');
    expect((await kubectl('delete', 'ns', 'shop', '--wait=false')).code).toBe(0);
    await eventually(() => names('deployments', 'shop').length === 0, 5_000, 'deployment removed');
    expect((await kubectl('get', 'ns', 'shop', '--no-headers')).stdout).toMatch(/^shop\s+Terminating\s/);
    const late = await kubectl('create', 'configmap', 'late', '-n', 'shop');
    expect(late.stderr).toBe('error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace shop because it is being terminated\n');
    await eventually(() => JSON.stringify(stored('namespaces', undefined, 'shop').status).includes('SomeFinalizersRemain'), 5_000, 'namespace conditions');
    expect(stored('configmaps', 'shop', 'settings').metadata.deletionTimestamp).toBeDefined();
    await kubectl('patch', 'cm', 'settings', '-n', 'shop', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]');
    await eventually(() => !names('namespaces').includes('shop'), 5_000, 'namespace removed');
  });

  it('deletes the objects a deleted owner owned (background garbage collection)', async () => {
    const web = stored('deployments', 'shop', 'web');
    const owned = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-1
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: ${web.metadata.uid}, controller: true, blockOwnerDeletion: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`;
    expect((await kubectl('create', '-f', sim.file('rs.yaml', owned))).code).toBe(0);
    expect((await kubectl('delete', 'deploy', 'web', '-n', 'shop')).code).toBe(0);
    await eventually(() => names('replicasets', 'shop').length === 0, 5_000, 'replicaset collected');
  });
});
