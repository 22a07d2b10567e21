/**
 * Reads from a Kubernetes API server as raw JSON. `@kubernetes/client-node` supplies what it does
 * well (kubeconfig, credentials, TLS: `applyToHTTPSOptions`); the bytes are read here because its
 * typed clients turn timestamps into Dates and drop fields their models do not know, and evidence
 * must quote the object as the server wrote it (ADR 0008).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../input-error.js';

export interface ApiClientOptions {
  /** Per request, headers to end of body. */
  timeoutMs?: number;
  /** Attempts for 429 and 5xx answers and dropped connections, the first included. */
  attempts?: number;
  /** First back-off; doubled per attempt, and a server's Retry-After wins. */
  backoffMs?: number;
  /** Waits between attempts; tests shorten it. */
  sleep?: (ms: number) => Promise<void>;
}

/** An answer other than 2xx, with the apiserver's Status reason and message when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string, readonly path: string) {
    super(message);
    this.name = 'ApiError';
  }
}

const RETRIABLE = (status: number): boolean => status === 429 || status >= 500;

type Query = Record<string, string | number | boolean | undefined>;
const DEFAULTS = { timeoutMs: 30_000, attempts: 4, backoffMs: 250 };

/** One API server, as a kubeconfig's current context names it; counts the requests it sends. */
export class ApiClient {
  /** Requests sent, retries included: what a diagnose costs the API server. */
  requests = 0;
  /** The server's clock at its last answer (its Date header): ages are judged by the clock that wrote the timestamps. */
  serverTime: Date | undefined;
  /** Local time (ms) at which {@link serverTime} was read. */
  private serverTimeSeenAt = 0;
  readonly server: string;
  private readonly options: Required<ApiClientOptions>;
  /** client-node makes a new agent per request: one kept-alive agent of the same TLS settings serves them all. */
  private agent: HttpAgent | HttpsAgent | undefined;

  constructor(private readonly kubeConfig: KubeConfig, options: ApiClientOptions = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new InputError('kubeconfig', `context "${kubeConfig.getCurrentContext()}" names no cluster`);
    this.server = cluster.server.replace(/\/+$/, '');
    this.options = { ...DEFAULTS, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), ...options };
  }

  /** GETs `path` (with `query`) and parses its JSON body. */
  async getJson<T>(path: string, query: Query = {}): Promise<T> {
    return JSON.parse(await this.send('GET', path, { query })) as T;
  }

  /**
   * The server's clock now. A watch carries no Date header after it opens, so a long-running reader
   * asks with one cheap request (`/version`); when that fails, the last time the server told, moved
   * on by the local clock. A simulated cluster's clock may run faster than the local one: asking is
   * what keeps the two apart.
   */
  async serverNow(): Promise<Date> {
    try {
      await this.send('GET', '/version', { query: {} });
    } catch {
      // A server that does not answer now: judge by what it said last.
    }
    return this.serverTime ? new Date(this.serverTime.getTime() + (Date.now() - this.serverTimeSeenAt)) : new Date();
  }

  /** GETs `path` as text (a container log). */
  async getText(path: string, query: Query = {}): Promise<string> {
    return this.send('GET', path, { query, accept: '*/*' });
  }

  /**
   * Sends a write (POST, PUT, PATCH, DELETE) with a JSON body and parses the answer. Only a 429 is
   * retried: after a 5xx or a dropped connection the write may have been applied.
   * @example await client.writeJson('PATCH', path, patch, { contentType: 'application/merge-patch+json', query: { dryRun: 'All' } })
   */
  async writeJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body: unknown, options: { query?: Query; contentType?: string } = {}): Promise<T> {
    const text = await this.send(method, path, { query: options.query ?? {}, body: JSON.stringify(body), contentType: options.contentType ?? 'application/json' });
    return JSON.parse(text) as T;
  }

  private async send(method: string, path: string, request: { query: Query; accept?: string; body?: string; contentType?: string }): Promise<string> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(request.query)) if (value !== undefined) url.searchParams.set(key, String(value));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, url, request);
      } catch (err) {
        const retryIn = this.retryDelay(err, attempt, method === 'GET');
        if (retryIn === undefined) throw this.explained(err, `${method} ${path}`);
        await this.options.sleep(retryIn);
      }
    }
  }

  private pooled(made: RequestOptions['agent']): HttpAgent | HttpsAgent | undefined {
    if (this.agent) return this.agent;
    if (!(made instanceof HttpAgent)) return undefined;
    const settings = (made as HttpAgent & { options?: object }).options ?? {};
    this.agent = made instanceof HttpsAgent ? new HttpsAgent({ ...settings, keepAlive: true }) : new HttpAgent({ ...settings, keepAlive: true });
    return this.agent;
  }

  /** Closes the kept-alive connections (a process that ends does not need it). */
  close(): void {
    this.agent?.destroy();
  }

  private retryDelay(err: unknown, attempt: number, idempotent: boolean): number | undefined {
    if (attempt >= this.options.attempts) return undefined;
    const backoff = this.options.backoffMs * 2 ** (attempt - 1);
    if (err instanceof HttpFailure) {
      if (!(err.status === 429 || (idempotent && RETRIABLE(err.status)))) return undefined;
      return err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : backoff;
    }
    if (!idempotent) return undefined;
    // A connection reset mid-answer is worth another try; a refused one means nothing listens.
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ECONNRESET' || code === 'EPIPE' || err instanceof TimeoutFailure ? backoff : undefined;
  }

  private async once(method: string, url: URL, request: { accept?: string; body?: string; contentType?: string }): Promise<string> {
    const headers: Record<string, string> = { Accept: request.accept ?? 'application/json' };
    if (request.body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(request.body));
    }
    const options: RequestOptions = { method, headers };
    // Credentials are applied per request (an exec plugin's token may be renewed); the connection pool is not.
    await this.kubeConfig.applyToHTTPSOptions(options);
    options.agent = this.pooled(options.agent);
    this.requests++;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<string>((resolve, reject) => {
      const req = send(url, options, (res) => collect(res).then((body) => {
        const date = Date.parse(res.headers.date ?? '');
        if (!Number.isNaN(date)) {
          this.serverTime = new Date(date);
          this.serverTimeSeenAt = Date.now();
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(body);
        else reject(new HttpFailure(status, body, retryAfter(res)));
      }, reject));
      req.setTimeout(this.options.timeoutMs, () => req.destroy(new TimeoutFailure(this.options.timeoutMs)));
      req.on('error', reject);
      req.end(request.body);
    });
  }

  private explained(err: unknown, path: string): Error {
    if (err instanceof HttpFailure) return statusError(err, path);
    if (err instanceof TimeoutFailure) return new InputError(this.server, `no answer to ${path} within ${err.ms / 1000} s`);
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ECONNREFUSED' ? 'connection refused: is the API server running, and is this the right kubeconfig context?'
      : code === 'ENOTFOUND' ? 'host not found' : (err as Error).message;
    return new InputError(this.server, `cannot reach the API server: ${why}`, { cause: err });
  }
}

class HttpFailure extends Error {
  constructor(readonly status: number, readonly body: string, readonly retryAfterSeconds: number | undefined) {
    super(`HTTP ${status}`);
  }
}

class TimeoutFailure extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

function statusError(failure: HttpFailure, path: string): ApiError {
  let reason = '';
  let message = failure.body.slice(0, 500).trim();
  try {
    const status = JSON.parse(failure.body) as { reason?: string; message?: string };
    reason = status.reason ?? '';
    message = status.message ?? message;
  } catch {
    // Not a Status: a proxy's page or plain text, quoted as it came.
  }
  return new ApiError(failure.status, reason, message || `HTTP ${failure.status}`, path);
}

function retryAfter(res: IncomingMessage): number | undefined {
  const value = Number(res.headers['retry-after']);
  return Number.isFinite(value) && value >= 0 ? Math.min(value, 30) : undefined;
}

async function collect(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
