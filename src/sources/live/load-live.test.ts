/**
 * The live source against the simulator over HTTP: what it reads, what it costs the API server
 * (counted by the server), and how it survives throttling, errors, timeouts and a dead server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { writeKubeconfig } from '../../sim/api/kubeconfig.js';
import { RealClock } from '../../sim/clock.js';
import { startSimCluster, type SimCluster } from '../../sim/cluster.js';
import { lookupResource } from '../../sim/resources.js';
import { InputError } from '../input-error.js';
import { ApiClient, ApiError, type ApiClientOptions } from './api-client.js';
import { LIVE_KINDS } from './kinds.js';
import { loadKubeConfig } from './kubeconfig.js';
import { loadLive } from './load-live.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetriage-live-'));
let sim: SimCluster;
let kubeconfig: string;

const noWait: ApiClientOptions = { sleep: async () => undefined };
const client = (options: ApiClientOptions = noWait): ApiClient => new ApiClient(loadKubeConfig({ kubeconfig }), options);
const create = (plural: string, obj: KubeObject): void => {
  sim.store.create(lookupResource(plural)!, obj);
};

/** A pod bound to a node no kubelet runs: it stays as created, and costs nothing but its bytes. */
function parkedPod(namespace: string, name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: 'batch' } }, spec: { nodeName: 'parked', containers: [{ name: 'main', image: 'busybox:1.36' }] } };
}

beforeAll(async () => {
  sim = await startSimCluster({ clock: new RealClock(20), nodes: 1 });
  kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, sim.url);
  create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: Buffer.from('hunter2-very-secret').toString('base64') } });
  create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'worker', namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo connecting to db; echo fatal: db refused; exit 3'] }] } });
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadLive', () => {
  it('reads every kind with its kind and apiVersion, and never keeps a Secret\'s values', async () => {
    const snapshot = await loadLive(client());
    const secret = snapshot.objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'db') as KubeObject & { data: Record<string, string> };
    expect(secret.apiVersion).toBe('v1');
    expect(secret.data).toEqual({ password: '' });
    expect(JSON.stringify(snapshot)).not.toContain(Buffer.from('hunter2-very-secret').toString('base64'));
    const node = snapshot.objects.find((o) => o.kind === 'Node');
    expect(node?.metadata.name).toBe('sim-worker-1');
    expect(snapshot.capturedAt).toBeDefined();
    expect(snapshot.gaps).toBeUndefined();
  });

  it('costs one paginated list per kind, counted by the server, however many pods there are', async () => {
    const cost = async (): Promise<{ server: number; client: number; pods: number; events: number }> => {
      const c = client();
      sim.faults.resetCount();
      const snapshot = await loadLive(c, { namespace: 'batch', logs: { maxContainers: 0 }, pageSize: 100 });
      const count = (kind: string): number => snapshot.objects.filter((o) => o.kind === kind).length;
      return { server: sim.faults.requests, client: c.requests, pods: count('Pod'), events: count('Event') };
    };
    create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'batch' } });
    for (let i = 0; i < 5; i++) create('pods', parkedPod('batch', `job-${i}`));
    const few = await cost();
    for (let i = 5; i < 450; i++) create('pods', parkedPod('batch', `job-${i}`));
    const many = await cost();
    expect([few.pods, many.pods]).toEqual([5, 450]);
    expect(few.server).toBe(few.client);
    expect(many.server).toBe(many.client);
    // One request per kind, plus one per further page of 100 pods: 450 pods take 5 pages.
    expect(few.server).toBe(LIVE_KINDS.length);
    expect(many.server - few.server).toBe(4);
    expect(sim.faults.log.filter((line) => line.includes('/pods/')).length).toBe(0);
  });

  it('narrows the workload kinds with a label selector and keeps the rest whole', async () => {
    const snapshot = await loadLive(client(), { namespace: 'batch', labelSelector: 'app=other', logs: { maxContainers: 0 } });
    expect(snapshot.objects.filter((o) => o.kind === 'Pod')).toHaveLength(0);
    expect(snapshot.objects.some((o) => o.kind === 'Node')).toBe(true);
  });

  it('reads the previous log of a crashed container, within the log budget', async () => {
    let logs: Awaited<ReturnType<typeof loadLive>>['logs'] = [];
    for (let i = 0; i < 60 && !logs.some((l) => l.previous); i++) {
      await new Promise((r) => setTimeout(r, 250));
      logs = (await loadLive(client(), { namespace: 'shop' })).logs;
    }
    const previous = logs.find((l) => l.previous && l.pod === 'worker');
    expect(previous?.container).toBe('app');
    expect(previous?.text).toContain('fatal: db refused');
    sim.faults.resetCount();
    await loadLive(client(), { namespace: 'shop', logs: { maxContainers: 0 } });
    expect(sim.faults.log.some((line) => line.includes('/log'))).toBe(false);
  });

  it('retries 429 (after the server\'s Retry-After) and 503, then succeeds', async () => {
    const waits: number[] = [];
    sim.faults.inject({ path: '/api/v1/nodes', status: 429, retryAfterSeconds: 1, times: 1 });
    sim.faults.inject({ path: '/api/v1/nodes', status: 503, times: 1 });
    const c = client({ sleep: async (ms) => { waits.push(ms); }, backoffMs: 10 });
    const nodes = await c.getJson<{ items: unknown[] }>('/api/v1/nodes');
    expect(nodes.items.length).toBe(1);
    expect(waits).toEqual([1000, 20]);
    expect(c.requests).toBe(3);
  });

  it('gives up after its attempts with the server\'s own message', async () => {
    sim.faults.inject({ path: '/api/v1/nodes', status: 500, times: 3 });
    const failure = await client({ ...noWait, attempts: 3 }).getJson('/api/v1/nodes').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(500);
    expect((failure as ApiError).message).toBe('Internal error occurred: injected fault');
  });

  it('bounds a request in time', async () => {
    sim.faults.inject({ path: '/api/v1/nodes', delayMs: 1_000, times: 1 });
    const failure = await client({ ...noWait, attempts: 1, timeoutMs: 100 }).getJson('/api/v1/nodes').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(InputError);
    expect(String(failure)).toContain('no answer to GET /api/v1/nodes within 0.1 s');
  });

  it('writes with a JSON body, retrying a 429 but never a 5xx (the write may have been applied)', async () => {
    const path = '/api/v1/namespaces/shop/configmaps';
    const c = client({ ...noWait, backoffMs: 1 });
    sim.faults.inject({ path, method: 'POST', status: 429, times: 1 });
    const created = await c.writeJson<KubeObject>('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags' }, data: { a: '1' } });
    expect(created.metadata.uid).toBeDefined();
    expect(c.requests).toBe(2);
    const dry = await c.writeJson<KubeObject & { data: Record<string, string> }>('PATCH', `${path}/flags`, { data: { a: '2' } }, { contentType: 'application/merge-patch+json', query: { dryRun: 'All' } });
    expect(dry.data.a).toBe('2');
    expect((await c.getJson<{ data: Record<string, string> }>(`${path}/flags`)).data.a).toBe('1');
    sim.faults.inject({ path, method: 'PATCH', status: 503, times: 1 });
    const failure = await c.writeJson('PATCH', `${path}/flags`, { data: { a: '3' } }, { contentType: 'application/merge-patch+json' }).catch((err: unknown) => err);
    expect((failure as ApiError).status).toBe(503);
    expect((await c.getJson<{ data: Record<string, string> }>(`${path}/flags`)).data.a).toBe('1');
  });

  it('keeps one connection alive across requests, while applying credentials to each', async () => {
    const c = client();
    for (let i = 0; i < 20; i++) await c.getJson('/api/v1/nodes');
    const agent = (c as unknown as { agent: { freeSockets: Record<string, unknown[]> } }).agent;
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
    c.close();
  });

  it('restarts a list once when its continue token has expired', async () => {
    sim.faults.inject({ path: /\/namespaces\/batch\/pods\?.*continue=/, status: 410, times: 1 });
    const snapshot = await loadLive(client(), { namespace: 'batch', pageSize: 200, logs: { maxContainers: 0 } });
    expect(snapshot.objects.filter((o) => o.kind === 'Pod')).toHaveLength(450);
  });
});

describe('a dead API server', () => {
  it('is a clear error naming the server', async () => {
    const gone = await startSimCluster();
    const file = join(dir, 'gone');
    await writeKubeconfig(file, gone.url);
    await gone.close();
    const failure = await loadLive(new ApiClient(loadKubeConfig({ kubeconfig: file }), noWait)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(InputError);
    expect(String(failure)).toContain(`${gone.url}: cannot reach the API server: connection refused`);
  });
});

describe('ApiClient.serverNow', () => {
  it('follows the server\'s clock, not the local one, with no other request between two readings', async () => {
    const c = client();
    const first = await c.serverNow();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const second = await c.serverNow();
    // The simulated clock runs 20 times faster: 0.6 s here is about 12 s there (whole seconds in the Date header).
    expect(second.getTime() - first.getTime()).toBeGreaterThanOrEqual(9_000);
    expect(Math.abs(second.getTime() - sim.clock.now().getTime())).toBeLessThan(3_000);
  });

  it('moves the last time the server told on by the local clock when the server does not answer', async () => {
    const c = client({ ...noWait, attempts: 1 });
    await c.serverNow();
    const told = c.serverTime!.getTime();
    sim.faults.inject({ path: '/version', drop: true, times: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const guessed = (await c.serverNow()).getTime() - told;
    expect(guessed).toBeGreaterThanOrEqual(250);
    expect(guessed).toBeLessThan(2_000);
    // Meanwhile the simulated clock went on 20 times faster: the guess is the local clock's.
    expect(sim.clock.now().getTime() - told).toBeGreaterThan(4_000);
  });
});
