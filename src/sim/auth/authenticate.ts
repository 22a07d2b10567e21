/**
 * Who sent a request, from its credentials: a bearer token the simulator issued (a service
 * account's, or the admin token) or none. A token the simulator did not issue, one that expired,
 * or one whose service account is gone (or was recreated with a new uid) is refused with 401.
 */
import { timingSafeEqual } from 'node:crypto';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { unauthorized } from './forbidden.js';
import type { TokenIssuer } from './service-account-token.js';
import { ADMIN, type UserInfo, serviceAccountUser } from './user-info.js';

/** What authentication needs from the server. */
export interface AuthenticationContext {
  store: ObjectStore;
  issuer: TokenIssuer;
  /** A static token that authenticates as the admin (what a kubeconfig may carry). */
  adminToken: string;
  /** Who a request without credentials is: the admin (the simulator's default) or `system:anonymous`. */
  anonymous: UserInfo;
  now: () => Date;
}

/** The extra attribute the service-account authenticator sets from the token's `jti`. */
export const CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

const serviceAccounts = lookupResource('serviceaccounts')!;

/**
 * The identity behind an `Authorization` header value (absent: the anonymous identity).
 * @example authenticate(ctx, 'Bearer eyJ…') // { name: 'system:serviceaccount:shop:builder', … }
 */
export function authenticate(ctx: AuthenticationContext, authorization: string | undefined): UserInfo {
  if (authorization === undefined || authorization.trim() === '') return ctx.anonymous;
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw unauthorized();
  const token = match[1]!;
  if (sameString(token, ctx.adminToken)) return ADMIN;
  const claims = ctx.issuer.verify(token, ctx.now());
  if (!claims) throw unauthorized();
  const { namespace, serviceaccount } = claims['kubernetes.io'];
  if (currentUid(ctx.store, namespace, serviceaccount.name) !== serviceaccount.uid) throw unauthorized();
  return serviceAccountUser(namespace, serviceaccount.name, serviceaccount.uid, { [CREDENTIAL_ID]: [`JTI=${claims.jti}`] });
}

function currentUid(store: ObjectStore, namespace: string, name: string): string | undefined {
  try {
    return store.get(serviceAccounts, namespace, name).metadata.uid;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return undefined;
    throw err;
  }
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
