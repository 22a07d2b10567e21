/** A simulated cluster over HTTP for the gateway's tests: the sim, a kubeconfig, a client, a database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../cluster/objects.js';
import { writeKubeconfig } from '../sim/api/kubeconfig.js';
import { RealClock } from '../sim/clock.js';
import { startSimCluster, type SimCluster } from '../sim/cluster.js';
import { lookupResource } from '../sim/resources.js';
import type { ImageCatalog } from '../sim/kubelet/index.js';
import { ApiClient } from '../sources/live/api-client.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import { openDatabase, type Db } from '../store/database.js';

export interface TestCluster {
  sim: SimCluster;
  dir: string;
  kubeconfig: string;
  dbPath: string;
  client: ApiClient;
  db: Db;
  create(plural: string, obj: KubeObject): void;
  get(plural: string, namespace: string | undefined, name: string): KubeObject;
  close(): Promise<void>;
}

export async function startTestCluster(options: { speed?: number; nodes?: number; catalog?: ImageCatalog } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetriage-gateway-'));
  const sim = await startSimCluster({ clock: new RealClock(options.speed ?? 20), nodes: options.nodes ?? 2, ...(options.catalog ? { catalog: options.catalog } : {}) });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, sim.url);
  const dbPath = join(dir, 'kubetriage.db');
  const db = openDatabase(dbPath);
  return {
    sim, dir, kubeconfig, dbPath, db,
    client: new ApiClient(loadKubeConfig({ kubeconfig }), { sleep: async () => undefined }),
    create: (plural, obj) => { sim.store.create(lookupResource(plural)!, obj, { namespace: obj.metadata.namespace }); },
    get: (plural, namespace, name) => sim.store.get(lookupResource(plural)!, namespace, name) as KubeObject,
    close: async () => {
      db.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Namespace `shop` with Deployment `web` (nginx, `replicas` pods) behind Service `web`. */
export function createShop(cluster: TestCluster, replicas = 4): void {
  cluster.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  cluster.create('deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
  });
  cluster.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
}

/** Polls until `probe` returns a value, or fails after `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms = 20_000, what = 'the condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
