/**
 * User impersonation (`kubectl --as`, `--as-group`, `--as-uid`): the `Impersonate-User`,
 * `Impersonate-Group` (repeatable), `Impersonate-Uid` and `Impersonate-Extra-KEY` headers replace
 * the request's identity once the caller is authorized to `impersonate` each part, as the
 * apiserver's impersonation filter does.
 */
import { internalError } from '../store/status-error.js';
import type { Decision } from './rbac-authorizer.js';
import type { RequestAttributes } from './request-attributes.js';
import { forbiddenError } from './forbidden.js';
import {
  ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS_USER, type UserInfo, parseServiceAccountUsername, serviceAccountGroups,
} from './user-info.js';

/** Request headers with every value of repeated headers kept apart (node's `headersDistinct`). */
export type DistinctHeaders = Record<string, string[] | undefined>;

const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';

interface Requested {
  user?: string;
  uid?: string;
  groups: string[];
  extra: [key: string, value: string][];
}

function requested(headers: DistinctHeaders): Requested {
  const r: Requested = { groups: headers['impersonate-group'] ?? [], extra: [] };
  const user = headers['impersonate-user']?.[0];
  if (user) r.user = user;
  const uid = headers['impersonate-uid']?.[0];
  if (uid) r.uid = uid;
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    const key = unescapeKey(header.slice(EXTRA_PREFIX.length).toLowerCase());
    for (const value of values ?? []) r.extra.push([key, value]);
  }
  return r;
}

function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/**
 * The identity a request runs as: the requestor's own without impersonation headers, else the
 * impersonated one, after checking that the requestor may impersonate each part (403 otherwise).
 */
export function impersonate(headers: DistinctHeaders, requestor: UserInfo, path: string, authorize: (attrs: RequestAttributes) => Decision): UserInfo {
  const r = requested(headers);
  if (r.user === undefined) {
    if (r.groups.length || r.extra.length || r.uid !== undefined) throw internalError(new Error(`requested ${describe(r)} without impersonating a user`));
    return requestor;
  }
  const check = (attrs: Partial<RequestAttributes>) => {
    const full: RequestAttributes = {
      user: requestor, verb: 'impersonate', resourceRequest: true, path, apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', ...attrs,
    };
    const decision = authorize(full);
    if (!decision.allowed) throw forbiddenError(full, decision.reason);
  };
  const serviceAccount = parseServiceAccountUsername(r.user);
  let groups: string[] = [];
  if (serviceAccount) {
    check({ resource: 'serviceaccounts', namespace: serviceAccount.namespace, name: serviceAccount.name });
    if (r.groups.length === 0) groups = serviceAccountGroups(serviceAccount.namespace);
  } else {
    check({ resource: 'users', name: r.user });
  }
  for (const group of r.groups) {
    check({ resource: 'groups', name: group });
    groups.push(group);
  }
  const extra: Record<string, string[]> = {};
  for (const [key, value] of r.extra) {
    check({ apiGroup: AUTHENTICATION_GROUP, resource: 'userextras', subresource: key, name: value });
    (extra[key] ??= []).push(value);
  }
  if (r.uid !== undefined) check({ apiGroup: AUTHENTICATION_GROUP, resource: 'uids', name: r.uid });
  const user: { name: string; groups: string[]; uid?: string; extra?: Record<string, string[]> } = { name: r.user, groups: withAllGroup(r.user, groups) };
  if (r.uid !== undefined) user.uid = r.uid;
  if (r.extra.length) user.extra = extra;
  return user;
}

/** `system:authenticated` (or, for the anonymous user, `system:unauthenticated`) unless already given. */
function withAllGroup(username: string, groups: string[]): string[] {
  if (username === ANONYMOUS_USER) return groups.includes(ALL_UNAUTHENTICATED) ? groups : [...groups, ALL_UNAUTHENTICATED];
  if (groups.includes(ALL_AUTHENTICATED) || groups.includes(ALL_UNAUTHENTICATED)) return groups;
  return [...groups, ALL_AUTHENTICATED];
}

function describe(r: Requested): string {
  const parts = [...r.groups.map((g) => `{Group ${g}}`), ...r.extra.map(([k, v]) => `{UserExtra ${k}=${v}}`)];
  if (r.uid !== undefined) parts.push(`{UID ${r.uid}}`);
  return `[${parts.join(' ')}]`;
}
