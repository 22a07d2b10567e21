/**
 * The `token` subresource of serviceaccounts (TokenRequest, authentication.k8s.io/v1; `kubectl
 * create token`): a signed token for an existing service account, valid for
 * `spec.expirationSeconds` (one hour by default, ten minutes at least).
 */
import { formatTime } from '../store/object-store.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { invalidValue, type FieldError } from '../store/field-error.js';
import { badRequest, invalid } from '../store/status-error.js';
import { DEFAULT_ISSUER, type TokenIssuer } from './service-account-token.js';

type Obj = Record<string, unknown>;

/** The apiserver's default and bounds for a requested token lifetime. */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

const serviceAccounts = lookupResource('serviceaccounts')!;
const TOKEN_REQUEST = { ...serviceAccounts, group: 'authentication.k8s.io', kind: 'TokenRequest' };

function specOf(body: unknown): Obj {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null) throw badRequest('the object provided is unrecognized: expected a TokenRequest');
  const kind = (body as Obj)['kind'];
  if (kind !== undefined && kind !== 'TokenRequest') throw badRequest(`${String(kind)} in version "v1" cannot be handled as a TokenRequest`);
  const spec = (body as Obj)['spec'];
  return typeof spec === 'object' && spec !== null ? (spec as Obj) : {};
}

function expirationErrors(seconds: unknown): FieldError[] {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) return [invalidValue('spec.expirationSeconds', seconds, 'must be an integer')];
  if (seconds < MIN_EXPIRATION_SECONDS) return [invalidValue('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes')];
  if (seconds > MAX_EXPIRATION_SECONDS) return [invalidValue('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds')];
  return [];
}

/**
 * Issues a token for `namespace/name` (404 when the service account does not exist) and answers
 * with the TokenRequest, its `status.token` and `status.expirationTimestamp` set.
 */
export function requestToken(store: ObjectStore, issuer: TokenIssuer, now: Date, namespace: string, name: string, body: unknown): object {
  const spec = specOf(body);
  const expirationSeconds = spec['expirationSeconds'] ?? DEFAULT_EXPIRATION_SECONDS;
  const account = store.get(serviceAccounts, namespace, name);
  // The apiserver reads the account first and names no object in the Invalid it answers with.
  const errors = expirationErrors(expirationSeconds);
  if (errors.length) throw invalid(TOKEN_REQUEST, '', errors);
  const given = spec['audiences'];
  const audiences = Array.isArray(given) && given.length ? given.map(String) : [DEFAULT_ISSUER];
  const { token, expirationTimestamp } = issuer.issue({
    namespace, name, uid: account.metadata.uid ?? '', audiences, expirationSeconds: expirationSeconds as number, now,
  });
  return {
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: spec['boundObjectRef'] ?? null },
    status: { token, expirationTimestamp: formatTime(expirationTimestamp) },
  };
}
