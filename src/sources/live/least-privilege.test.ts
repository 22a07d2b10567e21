/**
 * The read-only identity shipped in deploy/rbac.yaml, enforced by the simulator's RBAC: a live
 * diagnosis under it reads everything it needs, notes the one kind it is not granted (Secrets) as a
 * gap, and never fails. The token is the simulator's own TokenRequest answer, sent as kubectl would.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../../cluster/objects.js';
import { writeKubeconfig } from '../../sim/api/kubeconfig.js';
import { startSimCluster, type SimCluster } from '../../sim/cluster.js';
import { resourceByKind } from '../../sim/resources.js';
import { ApiClient } from './api-client.js';
import { loadKubeConfig } from './kubeconfig.js';
import { loadLive } from './load-live.js';

const RBAC = fileURLToPath(new URL('../../../deploy/rbac.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubetriage-rbac-'));
let sim: SimCluster;
let readerConfig: string;

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 1 });
  const admin = join(dir, 'admin');
  await writeKubeconfig(admin, sim.url);
  for (const doc of parseAllDocuments(readFileSync(RBAC, 'utf8'))) {
    const obj = doc.toJS() as KubeObject;
    sim.store.create(resourceByKind(obj.apiVersion!, obj.kind)!, obj);
  }
  sim.store.create(resourceByKind('v1', 'Namespace')!, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  sim.store.create(resourceByKind('v1', 'Secret')!, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: 'aHVudGVyMg==' } });
  const token = await new ApiClient(loadKubeConfig({ kubeconfig: admin })).writeJson<{ status: { token: string } }>(
    'POST', '/api/v1/namespaces/kubetriage/serviceaccounts/kubetriage/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
  readerConfig = join(dir, 'reader');
  writeFileSync(readerConfig, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'reader',
    clusters: [{ name: 'sim', cluster: { server: sim.url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'kubetriage', user: { token: token.status.token } }],
    contexts: [{ name: 'reader', context: { cluster: 'sim', user: 'kubetriage' } }],
  }));
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the read-only ClusterRole of deploy/rbac.yaml', () => {
  it('reads every kind a diagnosis needs but Secrets, which it notes as a gap', async () => {
    const snapshot = await loadLive(new ApiClient(loadKubeConfig({ kubeconfig: readerConfig })));
    expect(snapshot.gaps).toEqual(['cannot list secrets at the cluster scope: forbidden']);
    expect(snapshot.objects.some((o) => o.kind === 'Node')).toBe(true);
    expect(snapshot.objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'shop')).toBe(true);
    expect(snapshot.objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('cannot write: the identity is read-only', async () => {
    const client = new ApiClient(loadKubeConfig({ kubeconfig: readerConfig }));
    const failure = await client.writeJson('POST', '/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }).catch((err: unknown) => err);
    expect(String(failure)).toContain('configmaps is forbidden: User "system:serviceaccount:kubetriage:kubetriage" cannot create resource "configmaps" in API group "" in the namespace "shop"');
  });

  it('fails the run on an invalid token (401), rather than reading it as a gap', async () => {
    const file = join(dir, 'bad-token');
    writeFileSync(file, readFileSync(readerConfig, 'utf8').replace(/token: .*/, 'token: not-a-token'));
    const failure = await loadLive(new ApiClient(loadKubeConfig({ kubeconfig: file }))).catch((err: unknown) => err);
    expect(String(failure)).toContain('Unauthorized');
  });
});
