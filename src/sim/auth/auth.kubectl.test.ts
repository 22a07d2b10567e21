import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimKubectl, startSimKubectl } from '../api/kubectl.test-support.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/object-store.js';
import { bootstrapRbac } from './bootstrap-rbac.js';

const SA = 'system:serviceaccount:shop:builder';
let sim: SimKubectl;
let store: ObjectStore;

const kubectl = (...args: string[]) => sim.kubectl(args);
const asBuilder = (...args: string[]) => sim.kubectl([...args, '--as', SA]);

beforeAll(async () => {
  store = new ObjectStore();
  bootstrapRbac(store);
  sim = await startSimKubectl({ store });
  for (const ns of ['shop', 'other']) expect((await kubectl('create', 'namespace', ns)).code).toBe(0);
  expect((await kubectl('create', 'serviceaccount', 'builder', '-n', 'shop')).code).toBe(0);
  store.create(lookupResource('pods')!, { metadata: { name: 'checkout' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } }, { namespace: 'shop' });
}, 60_000);

afterAll(async () => {
  await sim.close();
  store.close();
});

describe('kubectl auth can-i answered by RBAC', () => {
  it('says no before a RoleBinding and yes after kubectl create role/rolebinding', async () => {
    const before = await asBuilder('auth', 'can-i', 'list', 'pods', '-n', 'shop');
    expect(before.stdout.trim()).toBe('no');
    expect(before.code).toBe(1);
    expect((await kubectl('create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', 'shop')).code).toBe(0);
    expect((await kubectl('create', 'rolebinding', 'pod-reader', '--role=pod-reader', '--serviceaccount=shop:builder', '-n', 'shop')).code).toBe(0);
    const after = await asBuilder('auth', 'can-i', 'list', 'pods', '-n', 'shop');
    expect(after.stdout.trim()).toBe('yes');
    expect(after.code).toBe(0);
    expect((await asBuilder('auth', 'can-i', 'delete', 'pods', '-n', 'shop')).stdout.trim()).toBe('no');
  });

  it('grants only in the RoleBinding namespace, never at the cluster scope', async () => {
    expect((await asBuilder('auth', 'can-i', 'list', 'pods', '-n', 'shop')).code).toBe(0);
    expect((await asBuilder('auth', 'can-i', 'list', 'pods', '-n', 'other')).stdout.trim()).toBe('no');
    expect((await asBuilder('auth', 'can-i', 'list', 'pods', '--all-namespaces')).stdout.trim()).toBe('no');
  });

  it('view cannot read secrets and edit can, each bound by a RoleBinding', async () => {
    expect((await kubectl('create', 'namespace', 'ledger')).code).toBe(0);
    expect((await kubectl('create', 'rolebinding', 'viewers', '--clusterrole=view', '--serviceaccount=shop:builder', '-n', 'ledger')).code).toBe(0);
    expect((await asBuilder('auth', 'can-i', 'get', 'secrets', '-n', 'ledger')).stdout.trim()).toBe('no');
    expect((await asBuilder('auth', 'can-i', 'get', 'deployments.apps', '-n', 'ledger')).stdout.trim()).toBe('yes');
    expect((await kubectl('create', 'rolebinding', 'editors', '--clusterrole=edit', '--serviceaccount=shop:builder', '-n', 'ledger')).code).toBe(0);
    expect((await asBuilder('auth', 'can-i', 'get', 'secrets', '-n', 'ledger')).stdout.trim()).toBe('yes');
    expect((await asBuilder('auth', 'can-i', 'create', 'rolebindings', '-n', 'ledger')).stdout.trim()).toBe('no');
  });

  it('lists the rules that apply with --list', async () => {
    const r = await asBuilder('auth', 'can-i', '--list', '-n', 'shop');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
    expect(rows).toContainEqual(['pods', '[]', '[]', '[get list]']);
    expect(rows).toContainEqual(['selfsubjectaccessreviews.authorization.k8s.io', '[]', '[]', '[create]']);
    // A non-resource row has an empty first column, which trimming the line drops.
    expect(rows).toContainEqual(['[/api/*]', '[]', '[get]']);
    expect(rows.some((row) => row[0] === 'secrets')).toBe(false);
  });
});

describe('requests refused as the real apiserver refuses them', () => {
  it('refuses a namespaced list with the exact Forbidden text and exit 1', async () => {
    const r = await asBuilder('get', 'configmaps', '-n', 'shop');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`Error from server (Forbidden): configmaps is forbidden: User "${SA}" cannot list resource "configmaps" in API group "" in the namespace "shop"`);
  });

  it('words cluster-scoped and subresource refusals', async () => {
    const nodes = await asBuilder('get', 'nodes');
    expect(nodes.stderr.trim()).toBe(`Error from server (Forbidden): nodes is forbidden: User "${SA}" cannot list resource "nodes" in API group "" at the cluster scope`);
    const logs = await asBuilder('logs', 'checkout', '-n', 'shop');
    expect(logs.code).toBe(1);
    expect(logs.stderr.trim()).toBe(`Error from server (Forbidden): pods "checkout" is forbidden: User "${SA}" cannot get resource "pods/log" in API group "" in the namespace "shop"`);
  });

  it('lets the admin kubeconfig do anything', async () => {
    expect((await kubectl('get', 'secrets', '-n', 'shop')).code).toBe(0);
    expect((await kubectl('auth', 'can-i', '*', '*', '--all-namespaces')).stdout.trim()).toBe('yes');
  });
});

// kubectl (clientcmd) sends a kubeconfig's or --token's credentials only over https, and the
// simulator serves plain http: the token is made with kubectl and presented with fetch.
describe('service-account tokens', () => {
  const bearer = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${sim.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });

  it('kubectl create token gives a bearer token that is the service account, authorized by RBAC', async () => {
    const created = await kubectl('create', 'token', 'builder', '-n', 'shop');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const allowed = await bearer(token, '/api/v1/namespaces/shop/pods');
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name)).toEqual(['checkout']);
    const refused = await bearer(token, '/api/v1/namespaces/other/pods');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
      message: `pods is forbidden: User "${SA}" cannot list resource "pods" in API group "" in the namespace "other"`,
      details: { kind: 'pods' },
    });
    const review = await bearer(token, '/apis/authentication.k8s.io/v1/selfsubjectreviews', { method: 'POST', body: '{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1"}' });
    const userInfo = ((await review.json()) as { status: { userInfo: { username: string; uid: string; groups: string[]; extra: Record<string, string[]> } } }).status.userInfo;
    expect(userInfo.username).toBe(SA);
    expect(userInfo.uid).toBe(store.get(lookupResource('serviceaccounts')!, 'shop', 'builder').metadata.uid);
    expect(userInfo.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated']);
    expect(userInfo.extra['authentication.kubernetes.io/credential-id']![0]).toMatch(/^JTI=/);
  });

  it('refuses an unknown token with 401 and a missing service account with NotFound', async () => {
    const r = await bearer('not-a-token', '/api/v1/namespaces/shop/pods');
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    const missing = await kubectl('create', 'token', 'nobody', '-n', 'shop');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: failed to create token: serviceaccounts "nobody" not found');
  });

  it('stops authenticating a token once its service account is recreated', async () => {
    expect((await kubectl('create', 'serviceaccount', 'runner', '-n', 'shop')).code).toBe(0);
    const token = (await kubectl('create', 'token', 'runner', '-n', 'shop')).stdout.trim();
    expect((await bearer(token, '/version')).status).toBe(200);
    expect((await kubectl('delete', 'serviceaccount', 'runner', '-n', 'shop')).code).toBe(0);
    expect((await kubectl('create', 'serviceaccount', 'runner', '-n', 'shop')).code).toBe(0);
    expect((await bearer(token, '/version')).status).toBe(401);
  });

  it('honours --duration in expirationTimestamp and refuses less than ten minutes', async () => {
    const r = await kubectl('create', 'token', 'builder', '-n', 'shop', '--duration=2h', '-o', 'json');
    expect(r.code).toBe(0);
    const request = JSON.parse(r.stdout) as { spec: { expirationSeconds: number }; status: { expirationTimestamp: string } };
    expect(request.spec.expirationSeconds).toBe(7200);
    const remaining = Date.parse(request.status.expirationTimestamp) - Date.now();
    expect(remaining).toBeGreaterThan(7_100_000);
    expect(remaining).toBeLessThanOrEqual(7_200_000);
    const short = await kubectl('create', 'token', 'builder', '-n', 'shop', '--duration=5m');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes');
  });

  it('refuses impersonation by a service account that may not impersonate', async () => {
    const token = (await kubectl('create', 'token', 'builder', '-n', 'shop')).stdout.trim();
    const r = await bearer(token, '/api/v1/namespaces/shop/pods', { headers: { 'impersonate-user': 'someone' } });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toBe(`users "someone" is forbidden: User "${SA}" cannot impersonate resource "users" in API group "" at the cluster scope`);
  });
});

describe('kubectl auth whoami', () => {
  it('shows the impersonated service account with the groups the authenticator adds', async () => {
    const r = await asBuilder('auth', 'whoami');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Username\\s+${SA}`));
    expect(r.stdout).toMatch(/Groups\s+\[system:serviceaccounts system:serviceaccounts:shop system:authenticated\]/);
  });

  it('keeps every repeated --as-group', async () => {
    const r = await kubectl('auth', 'whoami', '--as', 'jane', '--as-group', 'devs', '--as-group', 'ops');
    expect(r.stdout).toMatch(/Username\s+jane/);
    expect(r.stdout).toMatch(/Groups\s+\[devs ops system:authenticated\]/);
  });

  it('answers a SubjectAccessReview about another user for the admin', async () => {
    const body = { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: { user: SA, groups: ['system:serviceaccounts', 'system:authenticated'], resourceAttributes: { namespace: 'shop', verb: 'get', resource: 'pods' } } };
    const res = await fetch(`${sim.url}/apis/authorization.k8s.io/v1/subjectaccessreviews`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { status: object }).status).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "pod-reader/shop" of Role "pod-reader" to ServiceAccount "builder/shop"' });
    const denied = await asBuilder('create', '-f', sim.file('sar.json', JSON.stringify(body)));
    expect(denied.stderr.trim()).toBe(`Error from server (Forbidden): error when creating "${sim.dir}/sar.json": subjectaccessreviews.authorization.k8s.io is forbidden: User "${SA}" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope`);
  });

  it('shows the admin for the simulator kubeconfig', async () => {
    const r = await kubectl('auth', 'whoami');
    expect(r.stdout).toMatch(/Username\s+kubernetes-admin/);
    expect(r.stdout).toMatch(/Groups\s+\[system:masters system:authenticated\]/);
  });
});
