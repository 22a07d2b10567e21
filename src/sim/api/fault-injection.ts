/**
 * Faults a test or a rehearsal injects into the simulated API server: error answers (429 with
 * Retry-After, 5xx), slow answers and dropped connections, for the requests whose path matches,
 * a given number of times. The server also counts the requests it receives, so tests can show what a
 * client cost it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Status } from '../store/status-error.js';
import { sendJson } from './http-io.js';

export interface ApiFault {
  /** Requests whose URL (path and query) contains this, or matches it; all when absent. */
  path?: string | RegExp;
  method?: string;
  /** Answer with this status instead of serving. */
  status?: 410 | 429 | 500 | 502 | 503 | 504;
  /** Sent with a 429 or 503. */
  retryAfterSeconds?: number;
  /** Wait this long (real milliseconds) before answering, or before the fault's error. */
  delayMs?: number;
  /** Close the connection without an answer. */
  drop?: boolean;
  /** Requests it applies to; then it is spent. */
  times: number;
}

/** The real apiserver's reason and message for each injected status. */
const STATUS_TEXT: Record<NonNullable<ApiFault['status']>, { reason: string; message: string }> = {
  410: { reason: 'Expired', message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.' },
  429: { reason: 'TooManyRequests', message: 'Too many requests, please try again later.' },
  500: { reason: 'InternalError', message: 'Internal error occurred: injected fault' },
  502: { reason: 'InternalError', message: 'the server responded with the status code 502 but did not return more information' },
  503: { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' },
  504: { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' },
};

export class ApiFaults {
  /** Requests received since start (or the last {@link resetCount}), faulted ones included. */
  requests = 0;
  /** Paths received, in order, query included. */
  readonly log: string[] = [];
  private readonly faults: ApiFault[] = [];

  inject(fault: ApiFault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults.length = 0;
  }

  resetCount(): void {
    this.requests = 0;
    this.log.length = 0;
  }

  /** Counts the request and applies the first matching fault; true when the fault answered for the server. */
  async intercept(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    this.requests++;
    this.log.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    const fault = this.take(req);
    if (!fault) return false;
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.drop) {
      req.socket.destroy();
      return true;
    }
    if (fault.status === undefined) return false;
    const text = STATUS_TEXT[fault.status];
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: text.message, reason: text.reason, code: fault.status };
    if (fault.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      status.details = { retryAfterSeconds: fault.retryAfterSeconds };
    }
    sendJson(res, fault.status, status);
    return true;
  }

  private take(req: IncomingMessage): ApiFault | undefined {
    const path = req.url ?? '/';
    const index = this.faults.findIndex((f) => (f.method === undefined || f.method === req.method)
      && (f.path === undefined || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))));
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (--fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }
}
