/**
 * The simulated Kubernetes API server on node:http: discovery, version, OpenAPI, health, and every
 * verb on the resources of the resource table, backed by one {@link ObjectStore}.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { type MetricsSource, handleMetrics } from '../metrics/metrics-handler.js';
import { handleScrape, scrapeTarget } from '../metrics/scrape-endpoints.js';
import { type SimAuth, createSimAuth } from '../auth/sim-auth.js';
import { ObjectStore, type StoreOptions } from '../store/object-store.js';
import { StatusError, internalError, notAcceptable, pathNotFound } from '../store/status-error.js';
import {
  SERVER_VERSION, aggregatedDiscovery, aggregatedMediaType, apiGroupDocument, apiGroupList, apiResourceList, apiVersions,
} from './discovery.js';
import { ApiFaults } from './fault-injection.js';
import { sendError, sendJson, sendText } from './http-io.js';
import { negotiateDiscovery } from './negotiate.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import type { PodLogSource } from './pod-log.js';
import type { ServingCertificate } from './tls.js';
import { type HandlerContext, handleResource } from './resource-handler.js';
import { route } from './routes.js';
import type { ActiveWatch } from './watch-stream.js';

/** Where and how to serve. */
export interface SimServerOptions {
  /** 0 (the default) takes a free port. */
  port?: number;
  /** Loopback unless told otherwise. */
  host?: string;
  /** Serve this store instead of a new one (the caller then closes it). */
  store?: ObjectStore;
  /** Options of the store created when none is given. */
  storeOptions?: StoreOptions;
  /**
   * Serve aggregated discovery (apidiscovery.k8s.io/v2) when asked for it; true by default. With
   * false the server answers as one without it, and clients fall back to the per-group documents.
   */
  aggregatedDiscovery?: boolean;
  /** Container logs for `pods/log` (the simulated kubelets'); without it every log read is refused as waiting. */
  podLogs?: PodLogSource;
  /** Usage for `metrics.k8s.io` (`kubectl top`, the HPA); without it that API answers 503 as an unavailable metrics-server. */
  metrics?: MetricsSource;
  /**
   * Who a request without credentials is: the admin (the default: the kubeconfig the simulator
   * writes carries none) or `system:anonymous`, as a real apiserver treats it (see ADR 0007).
   */
  unauthenticated?: 'admin' | 'anonymous';
  /** Serve HTTPS with this key and certificate (see tls.ts); plain HTTP without. */
  tls?: ServingCertificate;
}

/** A running server. */
export interface SimServer {
  /** `http://host:port` (https with TLS), what a kubeconfig points at. */
  url: string;
  store: ObjectStore;
  /** Counts requests; injects errors, delays and dropped connections. */
  faults: ApiFaults;
  /** Authentication and authorization: the admin bearer token, the authorizer. */
  auth: SimAuth;
  /** Ends watches, closes connections and stops the server (and the store it created). */
  close(): Promise<void>;
}

/**
 * Starts the server and resolves once it listens.
 * @example const sim = await startSimServer(); await writeKubeconfig(file, sim.url); … await sim.close();
 */
export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const ownsStore = options.store === undefined;
  const store = options.store ?? new ObjectStore(options.storeOptions);
  const watches = new Set<ActiveWatch>();
  const sockets = new Set<Socket>();
  const host = options.host ?? '127.0.0.1';
  let address = '';
  const ctx: HandlerContext = options.podLogs ? { store, watches, podLogs: options.podLogs } : { store, watches };
  if (options.metrics) ctx.metrics = options.metrics;
  const aggregated = options.aggregatedDiscovery ?? true;
  const faults = new ApiFaults();
  const auth = createSimAuth({ store, now: () => store.now(), ...(options.unauthenticated ? { unauthenticated: options.unauthenticated } : {}) });
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    // The simulated clock's time, as a real server's Date header carries its own: clients judge ages by it.
    res.setHeader('Date', store.now().toUTCString());
    faults.intercept(req, res).then((answered) => (answered ? undefined : serve(ctx, auth, address, aggregated, req, res))).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, err instanceof StatusError ? err : internalError(err));
    });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : options.port ?? 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  address = `${urlHost}:${port}`;
  return {
    url: `${options.tls ? 'https' : 'http'}://${address}`,
    store,
    faults,
    auth,
    close: async () => {
      for (const w of [...watches]) w.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      if (ownsStore) store.close();
    },
  };
}

async function serve(ctx: HandlerContext, auth: SimAuth, address: string, aggregated: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  // As the apiserver's filters: authenticate and authorize before the request is routed.
  const user = auth.admit(req, url);
  const target = route(url.pathname);
  const method = req.method ?? 'GET';
  const scrape = method === 'GET' ? scrapeTarget(url.pathname) : undefined;
  if (scrape) return handleScrape(scrape, ctx.metrics, ctx.store, res);
  if (target.kind === 'resource' && auth.answers(target.target)) return auth.answer(user, target.target, req, res);
  if (target.kind === 'resource' && target.target.resource.group === 'metrics.k8s.io') return handleMetrics(ctx.metrics, ctx.store, target.target, url.searchParams, req, res);
  if (target.kind === 'resource') return handleResource(ctx, target.target, url.searchParams, req, res);
  if (method !== 'GET' && method !== 'HEAD') throw pathNotFound();
  switch (target.kind) {
    case 'version': return sendJson(res, 200, SERVER_VERSION);
    case 'health': return sendText(res, 200, 'ok');
    case 'api': return discovery(req, res, aggregated, true, () => apiVersions(address));
    case 'apis': return discovery(req, res, aggregated, false, apiGroupList);
    case 'group': return sendJson(res, 200, apiGroupDocument(target.group)!);
    case 'resource-list': return sendJson(res, 200, apiResourceList(target.group, target.version));
    case 'openapi-v3-index': return sendJson(res, 200, openapiIndex());
    case 'openapi-v3': return sendJson(res, 200, openapiDocument(target.group, target.version));
    case 'openapi-v2': case 'not-found': throw pathNotFound();
  }
}

function discovery(req: IncomingMessage, res: ServerResponse, aggregated: boolean, core: boolean, legacy: () => object): void {
  const chosen = negotiateDiscovery(req.headers.accept, aggregated);
  if (chosen === 'aggregated-v2') return sendJson(res, 200, aggregatedDiscovery(core, 'v2'), aggregatedMediaType('v2'));
  if (chosen === 'aggregated-v2beta1') return sendJson(res, 200, aggregatedDiscovery(core, 'v2beta1'), aggregatedMediaType('v2beta1'));
  if (chosen === 'legacy') return sendJson(res, 200, legacy());
  throw notAcceptable('application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
}
