/**
 * The opaque `continue` token of paged lists, in the apiserver's own format: base64url (no padding)
 * of `{"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<next key>\u0000"}`.
 */
import { badRequest } from './status-error.js';

/** Where the next page starts and at which resourceVersion the list began. */
export interface ContinuePoint {
  resourceVersion: number;
  /** The first key the next page may hold (the last key served, then `\0`). */
  start: string;
}

/** @example encodeContinue({ resourceVersion: 12, start: 'shop/web\u0000' }) */
export function encodeContinue(point: ContinuePoint): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: point.resourceVersion, start: point.start })).toString('base64url');
}

/** Reads a token; a malformed one is a 400. */
export function decodeContinue(token: string): ContinuePoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken('continue key is not valid: illegal base64 data or JSON');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== 'meta.k8s.io/v1') throw invalidToken('continue key is not valid: server does not recognize this encoded key');
  if (typeof p.rv !== 'number' || !Number.isInteger(p.rv) || p.rv <= 0) throw invalidToken('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.start !== 'string' || p.start === '') throw invalidToken('continue key is not valid: encoded start key empty');
  return { resourceVersion: p.rv, start: p.start };
}

function invalidToken(why: string) {
  return badRequest(`invalid continue token: ${why}`);
}

/** The message of a 410 for a token older than the history kept (etcd's compaction). */
export const INCONSISTENT_CONTINUE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';
