/**
 * A whole simulated cluster: the API server, the workload controllers, the scheduler and a
 * simulated kubelet per Node, all on one clock. This is what `kubetriage sim start` serves and what tests start.
 */
import { lookupResource } from './resources.js';
import type { ApiFaults } from './api/fault-injection.js';
import { startSimServer } from './api/server.js';
import { startRbac } from './auth/bootstrap-rbac.js';
import { RealClock, type SimClock } from './clock.js';
import { startControllers } from './controllers/index.js';
import { createDefaultStorageClass } from './controllers/default-storage-class.js';
import { DEFAULT_CATALOG, startKubelets, type ImageCatalog } from './kubelet/index.js';
import { startScheduler } from './scheduler/index.js';
import type { ObjectStore } from './store/object-store.js';

export interface SimClusterOptions {
  port?: number;
  host?: string;
  /** Real time by default; tests pass a faster or a manual clock. */
  clock?: SimClock;
  /** Worker nodes created at start (`sim-worker-1` ...); 0 for none. */
  nodes?: number;
  /** Images added to (or replacing entries of) the default catalog, e.g. a scenario's. */
  catalog?: ImageCatalog;
}

export interface SimCluster {
  url: string;
  store: ObjectStore;
  /** The API server's request count and fault injection. */
  faults: ApiFaults;
  clock: SimClock;
  /** The images the kubelets know. */
  catalog: ImageCatalog;
  close(): Promise<void>;
}

/** @example const sim = await startSimCluster({ nodes: 3 }); … await sim.close(); */
export async function startSimCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const clock = options.clock ?? new RealClock();
  let kubelets: ReturnType<typeof startKubelets> | undefined;
  const server = await startSimServer({
    ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host !== undefined ? { host: options.host } : {}),
    storeOptions: { now: () => clock.now() },
    podLogs: (namespace, pod, container, previous) => kubelets?.logs(namespace, pod, container, previous),
    metrics: () => kubelets?.usage(),
  });
  const stopRbac = startRbac(server.store, clock);
  createDefaultStorageClass(server.store);
  const controllers = startControllers({ store: server.store, clock, metrics: () => kubelets?.usage() });
  const catalog: ImageCatalog = { ...DEFAULT_CATALOG, ...options.catalog };
  kubelets = startKubelets({ store: server.store, clock, catalog });
  const scheduler = startScheduler({ store: server.store, clock });
  const nodes = lookupResource('nodes')!;
  for (let i = 1; i <= (options.nodes ?? 0); i++) {
    server.store.create(nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: `sim-worker-${i}`, labels: { 'kubernetes.io/hostname': `sim-worker-${i}`, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } } });
  }
  return {
    url: server.url, store: server.store, faults: server.faults, clock, catalog,
    close: async () => {
      scheduler.stop();
      kubelets?.stop();
      controllers.stop();
      stopRbac();
      await server.close();
    },
  };
}
