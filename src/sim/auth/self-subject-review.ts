/** SelfSubjectReview (authentication.k8s.io/v1, `kubectl auth whoami`): the requesting user's identity. */
import type { UserInfo } from './user-info.js';

/** The review of `user`, as the apiserver answers a create of selfsubjectreviews. */
export function selfSubjectReview(user: UserInfo): object {
  const userInfo: Record<string, unknown> = { username: user.name };
  if (user.uid) userInfo['uid'] = user.uid;
  userInfo['groups'] = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) userInfo['extra'] = user.extra;
  return { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo } };
}
