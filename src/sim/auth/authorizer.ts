/**
 * The simulator's authorizer chain, in the apiserver's order: members of `system:masters` are
 * allowed everything before any other authorizer is asked; then RBAC decides.
 */
import type { ObjectStore } from '../store/object-store.js';
import { type Decision, RbacAuthorizer } from './rbac-authorizer.js';
import type { PolicyRule } from './rbac-rules.js';
import type { RequestAttributes } from './request-attributes.js';
import { SYSTEM_MASTERS, type UserInfo } from './user-info.js';

/** Decides requests and lists what a user may do. */
export interface Authorizer {
  authorize(attrs: RequestAttributes): Decision;
  /** The rules that apply to a user in a namespace, the errors met reading them, and whether the user is privileged. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[]; privileged: boolean };
}

/** The rules `system:masters` holds, as the privileged-group authorizer reports them. */
const EVERYTHING: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** @example createAuthorizer(store).authorize(requestAttributes(user, 'GET', url)).allowed */
export function createAuthorizer(store: ObjectStore): Authorizer {
  const rbac = new RbacAuthorizer(store);
  return {
    authorize: (attrs) => (attrs.user.groups.includes(SYSTEM_MASTERS) ? { allowed: true, reason: '' } : rbac.authorize(attrs)),
    rulesFor: (user, namespace) => {
      if (user.groups.includes(SYSTEM_MASTERS)) return { rules: EVERYTHING, errors: [], privileged: true };
      return { ...rbac.rulesFor(user, namespace), privileged: false };
    },
  };
}
