/**
 * Who a request is, as the apiserver's authenticators name it (`user.Info`): a user name, an
 * optional uid, groups and extra attributes. The well-known names here are Kubernetes' own.
 */

/** The identity a request runs as. */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** The group every authenticated request carries. */
export const ALL_AUTHENTICATED = 'system:authenticated';
/** The group of requests without credentials. */
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
/** The group the apiserver lets do anything, before any authorizer is asked. */
export const SYSTEM_MASTERS = 'system:masters';
/** The user of requests without credentials. */
export const ANONYMOUS_USER = 'system:anonymous';

const SA_PREFIX = 'system:serviceaccount:';
const SA_GROUP = 'system:serviceaccounts';

/** The identity of the simulator's own kubeconfig: kubeadm's admin. */
export const ADMIN: UserInfo = { name: 'kubernetes-admin', groups: [SYSTEM_MASTERS, ALL_AUTHENTICATED] };

/** A request without credentials when anonymous requests are not treated as the admin. */
export const ANONYMOUS: UserInfo = { name: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED] };

/** `system:serviceaccount:NS:NAME`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** The groups a service account is in (without `system:authenticated`, which the authenticator adds). */
export function serviceAccountGroups(namespace: string): string[] {
  return [SA_GROUP, `${SA_GROUP}:${namespace}`];
}

/**
 * Splits a service-account user name into namespace and name; undefined for any other name (and
 * for malformed ones, as the apiserver's `SplitUsername` refuses them).
 * @example parseServiceAccountUsername('system:serviceaccount:shop:builder') // { namespace: 'shop', name: 'builder' }
 */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/**
 * A service account as its token authenticates it: the user name, the SA's uid, its groups and
 * `system:authenticated`.
 */
export function serviceAccountUser(namespace: string, name: string, uid?: string, extra?: Record<string, string[]>): UserInfo {
  const groups = [...serviceAccountGroups(namespace), ALL_AUTHENTICATED];
  const user: { name: string; groups: string[]; uid?: string; extra?: Record<string, string[]> } = { name: serviceAccountUsername(namespace, name), groups };
  if (uid) user.uid = uid;
  if (extra) user.extra = extra;
  return user;
}
