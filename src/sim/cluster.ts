/**
 * A whole simulated cluster: the API server, the workload controllers, the scheduler and a
 * simulated kubelet per Node, all on one clock. This is what `kubetriage sim start` serves and what tests start.
 */
import { lookupResource } from './resources.js';
import { admissionChain, storeReader } from './admission/admission-chain.js';
import type { ApiFaults } from './api/fault-injection.js';
import { startSimServer, type SimServerOptions } from './api/server.js';
import { servingCertificate } from './api/tls.js';
import { startRbac } from './auth/bootstrap-rbac.js';
import { RealClock, type SimClock } from './clock.js';
import { startControllers } from './controllers/index.js';
import { createDefaultStorageClass } from './controllers/default-storage-class.js';
import { DEFAULT_CATALOG, startKubelets, type ImageCatalog } from './kubelet/index.js';
import { startScheduler } from './scheduler/index.js';
import { ObjectStore } from './store/object-store.js';

export interface SimClusterOptions {
  port?: number;
  host?: string;
  /** Real time by default; tests pass a faster or a manual clock. */
  clock?: SimClock;
  /** Worker nodes created at start (`sim-worker-1` ...); 0 for none. */
  nodes?: number;
  /** Images added to (or replacing entries of) the default catalog, e.g. a scenario's. */
  catalog?: ImageCatalog;
  /** Serve HTTPS with a certificate made at start (its CA in {@link SimCluster.tls}). */
  tls?: boolean;
}

export interface SimCluster {
  url: string;
  store: ObjectStore;
  /** The API server's request count and fault injection. */
  faults: ApiFaults;
  clock: SimClock;
  /** The images the kubelets know. */
  catalog: ImageCatalog;
  /** With TLS: the CA to trust and the admin's bearer token, for a kubeconfig. */
  readonly tls: { ca: string; token: string } | undefined;
  /**
   * Stops the API server (every connection and watch drops) and starts it again on the same port
   * after `downMs`, with the cluster's state and controllers untouched: an apiserver restart.
   */
  restartApi(downMs?: number): Promise<void>;
  /**
   * Stops the kubelet of a node (`systemctl stop kubelet`): it renews no Lease and posts no node or
   * pod status, so the node lifecycle controller marks the node NotReady and taints it unreachable.
   */
  stopKubelet(nodeName: string): void;
  /** Starts a stopped kubelet again: the node reports Ready and the controller removes its taints. */
  startKubelet(nodeName: string): void;
  close(): Promise<void>;
}

/** @example const sim = await startSimCluster({ nodes: 3 }); … await sim.close(); */
export async function startSimCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const clock = options.clock ?? new RealClock();
  let kubelets: ReturnType<typeof startKubelets> | undefined;
  const store = new ObjectStore({ now: () => clock.now() });
  store.useAdmission(admissionChain(storeReader(store)));
  const certificate = options.tls ? await servingCertificate(options.host) : undefined;
  const serverOptions: SimServerOptions = {
    store, ...(options.host !== undefined ? { host: options.host } : {}), ...(certificate ? { tls: certificate } : {}),
    podLogs: (namespace, pod, container, previous) => kubelets?.logs(namespace, pod, container, previous),
    metrics: () => kubelets?.usage(),
  };
  let server = await startSimServer({ ...serverOptions, ...(options.port !== undefined ? { port: options.port } : {}) });
  const port = Number(new URL(server.url).port);
  const stopRbac = startRbac(store, clock);
  createDefaultStorageClass(store);
  const controllers = startControllers({ store, clock, metrics: () => kubelets?.usage() });
  const catalog: ImageCatalog = { ...DEFAULT_CATALOG, ...options.catalog };
  kubelets = startKubelets({ store, clock, catalog });
  const scheduler = startScheduler({ store, clock });
  const nodes = lookupResource('nodes')!;
  for (let i = 1; i <= (options.nodes ?? 0); i++) {
    server.store.create(nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: `sim-worker-${i}`, labels: { 'kubernetes.io/hostname': `sim-worker-${i}`, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } } });
  }
  return {
    url: server.url, store, clock, catalog,
    // A restarted API server has a new admin token: read it when asked.
    get tls() { return certificate ? { ca: certificate.cert, token: server.auth.adminToken } : undefined; },
    get faults() { return server.faults; },
    restartApi: async (downMs = 0) => {
      await server.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await startSimServer({ ...serverOptions, port });
    },
    stopKubelet: (nodeName) => kubelets?.stopKubelet(nodeName),
    startKubelet: (nodeName) => kubelets?.startKubelet(nodeName),
    close: async () => {
      scheduler.stop();
      kubelets?.stop();
      controllers.stop();
      stopRbac();
      await server.close();
      store.close();
    },
  };
}
