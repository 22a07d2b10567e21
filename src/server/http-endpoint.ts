/**
 * The small HTTP endpoint of watch mode: `/metrics` for Prometheus, `/healthz` (the process serves)
 * and `/readyz` (the first analysis is done) for the kubelet's probes. Loopback unless told otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface Endpoint {
  url: string;
  close(): Promise<void>;
}

/** Parses `HOST:PORT` or `:PORT` (all interfaces, for a pod). */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw new Error(`--listen: "${value}" is not HOST:PORT or :PORT`);
  return { host: match[1] === '' ? '0.0.0.0' : match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

export async function startEndpoint(listen: { host: string; port: number }, registry: Registry, ready: () => boolean): Promise<Endpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then((text) => {
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(text);
      }, (err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(err));
      });
      return;
    }
    const ok = path === '/healthz' || (path === '/readyz' && ready());
    const known = path === '/healthz' || path === '/readyz';
    res.writeHead(ok ? 200 : known ? 503 : 404, { 'Content-Type': 'text/plain' });
    res.end(ok ? 'ok' : known ? 'not ready' : 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { url: `http://${host}:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
