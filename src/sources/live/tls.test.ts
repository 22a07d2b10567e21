/**
 * The simulator on TLS, as a real API server is reached: kubectl and the live source verify its
 * certificate against the kubeconfig's CA and authenticate with bearer tokens (client-go sends tokens
 * only over TLS), so a service account's token is held to its RBAC; and the in-cluster configuration
 * (a pod's service-account files and KUBERNETES_SERVICE_HOST) reads the cluster as that account.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../../sim/api/kubeconfig.js';
import { runKubectl, type KubectlResult } from '../../sim/api/kubectl.test-support.js';
import { startSimCluster, type SimCluster } from '../../sim/cluster.js';
import { ApiClient } from './api-client.js';
import { loadKubeConfig } from './kubeconfig.js';
import { loadLive } from './load-live.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetriage-tls-'));
const kubeconfig = join(dir, 'kubeconfig');
let sim: SimCluster;
const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(kubeconfig, args, { home: dir });

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 1, tls: true });
  await writeKubeconfig(kubeconfig, sim.url, sim.tls!);
  expect((await kubectl('create', 'namespace', 'shop')).code).toBe(0);
  expect((await kubectl('create', 'serviceaccount', 'builder', '-n', 'shop')).code).toBe(0);
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the simulator on TLS', () => {
  it('is verified by kubectl against the kubeconfig\'s CA, and refused when the CA is another', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await kubectl('get', 'nodes', '-o', 'name')).stdout).toBe('node/sim-worker-1\n');
    const other = join(dir, 'other-ca');
    const foreign = await startSimCluster({ tls: true });
    try {
      await writeKubeconfig(other, sim.url, { ca: foreign.tls!.ca, token: sim.tls!.token });
      const refused = await runKubectl(other, ['get', 'nodes'], { home: dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('certificate signed by unknown authority');
    } finally {
      await foreign.close();
    }
  });

  it('holds a service account\'s token, sent by kubectl --token, to its RBAC', async () => {
    const token = (await kubectl('create', 'token', 'builder', '-n', 'shop')).stdout.trim();
    const asBuilder = await kubectl('--token', token, 'get', 'pods', '-n', 'shop');
    expect(asBuilder.code).toBe(1);
    expect(asBuilder.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:shop:builder" cannot list resource "pods" in API group "" in the namespace "shop"');
    expect((await kubectl('create', 'rolebinding', 'builder-view', '--clusterrole=view', '--serviceaccount=shop:builder', '-n', 'shop')).code).toBe(0);
    expect((await kubectl('--token', token, 'get', 'pods', '-n', 'shop')).code).toBe(0);
  });

  it('is read in-cluster from a pod\'s service-account files, as that account', async () => {
    const token = (await kubectl('create', 'token', 'builder', '-n', 'shop')).stdout.trim();
    const root = join(dir, 'pod');
    const account = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(account, { recursive: true });
    writeFileSync(join(account, 'token'), token);
    writeFileSync(join(account, 'ca.crt'), sim.tls!.ca);
    writeFileSync(join(account, 'namespace'), 'shop');
    const { hostname, port } = new URL(sim.url);
    const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
    process.env['KUBERNETES_SERVICE_HOST'] = hostname;
    process.env['KUBERNETES_SERVICE_PORT'] = port;
    try {
      const config = loadKubeConfig({ env: { KUBERNETES_SERVICE_HOST: hostname, HOME: join(dir, 'nohome') }, podRoot: root });
      const snapshot = await loadLive(new ApiClient(config), { namespace: 'shop' });
      // The builder may view its namespace (the rolebinding above) and nothing at the cluster scope.
      expect(snapshot.objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'builder')).toBe(true);
      expect(snapshot.gaps).toContain('cannot list nodes at the cluster scope: forbidden');
    } finally {
      for (const [key, value] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
