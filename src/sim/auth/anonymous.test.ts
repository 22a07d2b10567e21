import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimServer, startSimServer } from '../api/server.js';
import { ObjectStore } from '../store/object-store.js';
import { bootstrapRbac } from './bootstrap-rbac.js';

let sim: SimServer;
let store: ObjectStore;

beforeAll(async () => {
  store = new ObjectStore();
  bootstrapRbac(store);
  sim = await startSimServer({ store, unauthenticated: 'anonymous' });
});
afterAll(async () => {
  await sim.close();
  store.close();
});

describe('a server that treats requests without credentials as system:anonymous', () => {
  it('lets anonymous read only the public info the default policy allows', async () => {
    expect((await fetch(`${sim.url}/version`)).status).toBe(200);
    expect((await fetch(`${sim.url}/healthz`)).status).toBe(200);
    const apis = await fetch(`${sim.url}/apis`);
    expect(apis.status).toBe(403);
    expect(await apis.json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', details: {}, code: 403,
      message: 'forbidden: User "system:anonymous" cannot get path "/apis"',
    });
    const pods = (await (await fetch(`${sim.url}/api/v1/namespaces/default/pods`)).json()) as { message: string };
    expect(pods.message).toBe('pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  it('takes the admin token as the admin, and lets the admin impersonate', async () => {
    const auth = { authorization: `Bearer ${sim.auth.adminToken}` };
    expect((await fetch(`${sim.url}/api/v1/namespaces/default/pods`, { headers: auth })).status).toBe(200);
    const review = await fetch(`${sim.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: 'POST', body: '{}', headers: { ...auth, 'content-type': 'application/json', 'impersonate-user': 'jane', 'impersonate-group': 'devs' },
    });
    expect(((await review.json()) as { status: { userInfo: object } }).status.userInfo).toEqual({ username: 'jane', groups: ['devs', 'system:authenticated'] });
  });
});
