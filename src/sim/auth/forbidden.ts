/**
 * The refusals of the authentication and authorization filters, worded as the apiserver words them
 * (responsewriters `forbiddenMessage` wrapped by `NewForbidden`; the authentication filter's 401).
 */
import { type Status, StatusError } from '../store/status-error.js';
import type { RequestAttributes } from './request-attributes.js';

/**
 * What the user cannot do, without the `X is forbidden:` head.
 * @example 'User "system:serviceaccount:shop:builder" cannot list resource "pods" in API group "" in the namespace "shop"'
 */
export function forbiddenMessage(attrs: RequestAttributes): string {
  const user = JSON.stringify(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const head = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return attrs.namespace ? `${head} in the namespace ${JSON.stringify(attrs.namespace)}` : `${head} at the cluster scope`;
}

/**
 * 403 Forbidden for a refused request: `pods is forbidden: …`, `pods "web" is forbidden: …`
 * (`forbidden: …` for a path), with the authorizer's reason appended after a colon when it gave one.
 */
export function forbiddenError(attrs: RequestAttributes, reason: string): StatusError {
  const why = reason ? `${forbiddenMessage(attrs)}: ${reason}` : forbiddenMessage(attrs);
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  const subject = attrs.name ? `${qualified} ${JSON.stringify(attrs.name)}` : qualified;
  const details: NonNullable<Status['details']> = {};
  if (attrs.name) details.name = attrs.name;
  if (attrs.apiGroup) details.group = attrs.apiGroup;
  if (attrs.resource) details.kind = attrs.resource;
  const status: Status = {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: qualified ? `${subject} is forbidden: ${why}` : `forbidden: ${why}`, reason: 'Forbidden', details, code: 403,
  };
  return new StatusError(status);
}

/** 401 for credentials the server does not accept. */
export function unauthorized(): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
}
