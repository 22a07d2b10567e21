/**
 * The access reviews of authorization.k8s.io/v1, answered by the authorizer: SelfSubjectAccessReview
 * (`kubectl auth can-i`), SubjectAccessReview and LocalSubjectAccessReview (about any user, for
 * whoever may create them), and SelfSubjectRulesReview (`kubectl auth can-i --list`).
 */
import { lookupResource } from '../resources.js';
import { type FieldError, invalidValue } from '../store/field-error.js';
import { badRequest, invalid } from '../store/status-error.js';
import type { Authorizer } from './authorizer.js';
import type { PolicyRule } from './rbac-rules.js';
import type { RequestAttributes } from './request-attributes.js';
import type { UserInfo } from './user-info.js';

type Obj = Record<string, unknown>;
const API_VERSION = 'authorization.k8s.io/v1';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface ReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  namespace?: string;
}

function specOf(body: unknown, kind: string): ReviewSpec {
  if (typeof body !== 'object' || body === null) throw badRequest(`the object provided is unrecognized: expected a ${kind}`);
  const given = (body as Obj)['kind'];
  if (given !== undefined && given !== kind) throw badRequest(`${String(given)} in version "v1" cannot be handled as a ${kind}`);
  const spec = (body as Obj)['spec'];
  return (typeof spec === 'object' && spec !== null ? spec : {}) as ReviewSpec;
}

function attributesOf(user: UserInfo, spec: ReviewSpec): RequestAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user, verb: r.verb ?? '', resourceRequest: true, path: '', apiGroup: r.group ?? '', apiVersion: r.version ?? '',
      namespace: r.namespace ?? '', resource: r.resource ?? '', subresource: r.subresource ?? '', name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', resourceRequest: false, path: n.path ?? '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '' };
}

function attributeErrors(spec: ReviewSpec): FieldError[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [invalidValue('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [invalidValue('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

function refuse(plural: string, errors: FieldError[]): void {
  if (errors.length) throw invalid(lookupResource(`${plural}.authorization.k8s.io`)!, '', errors);
}

function review(kind: string, spec: ReviewSpec, decision: { allowed: boolean; reason: string }, namespace?: string): object {
  const status: Obj = { allowed: decision.allowed };
  if (decision.reason) status['reason'] = decision.reason;
  const metadata: Obj = { creationTimestamp: null };
  if (namespace) metadata['namespace'] = namespace;
  return { kind, apiVersion: API_VERSION, metadata, spec, status };
}

/** SelfSubjectAccessReview: may the requesting user do this? */
export function selfSubjectAccessReview(authorizer: Authorizer, user: UserInfo, body: unknown): object {
  const spec = specOf(body, 'SelfSubjectAccessReview');
  refuse('selfsubjectaccessreviews', attributeErrors(spec));
  return review('SelfSubjectAccessReview', spec, authorizer.authorize(attributesOf(user, spec)));
}

function subjectOf(spec: ReviewSpec): UserInfo {
  const subject: { name: string; groups: string[]; uid?: string; extra?: Record<string, string[]> } = { name: spec.user ?? '', groups: spec.groups ?? [] };
  if (spec.uid) subject.uid = spec.uid;
  if (spec.extra) subject.extra = spec.extra;
  return subject;
}

function subjectErrors(spec: ReviewSpec): FieldError[] {
  const errors = attributeErrors(spec);
  if (!spec.user && !(spec.groups ?? []).length) errors.unshift(invalidValue('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errors;
}

/** SubjectAccessReview: may the user in the spec do this? */
export function subjectAccessReview(authorizer: Authorizer, body: unknown): object {
  const spec = specOf(body, 'SubjectAccessReview');
  refuse('subjectaccessreviews', subjectErrors(spec));
  return review('SubjectAccessReview', spec, authorizer.authorize(attributesOf(subjectOf(spec), spec)));
}

/** LocalSubjectAccessReview: the same, confined to the namespace of the request path. */
export function localSubjectAccessReview(authorizer: Authorizer, namespace: string, body: unknown): object {
  const spec = specOf(body, 'LocalSubjectAccessReview');
  const errors = subjectErrors(spec);
  if (spec.resourceAttributes && spec.resourceAttributes.namespace !== namespace) {
    errors.push(invalidValue('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', `must match metadata.namespace`));
  }
  if (spec.nonResourceAttributes) errors.push(invalidValue('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  refuse('localsubjectaccessreviews', errors);
  return review('LocalSubjectAccessReview', spec, authorizer.authorize(attributesOf(subjectOf(spec), spec)), namespace);
}

/** SelfSubjectRulesReview: every rule that applies to the requesting user in a namespace. */
export function selfSubjectRulesReview(authorizer: Authorizer, user: UserInfo, body: unknown): object {
  const spec = specOf(body, 'SelfSubjectRulesReview');
  const namespace = spec.namespace ?? '';
  const { rules, errors } = authorizer.rulesFor(user, namespace);
  const status: Obj = {
    resourceRules: rules.filter((r) => (r.resources ?? []).length > 0).map(resourceRule),
    nonResourceRules: rules.filter((r) => (r.nonResourceURLs ?? []).length > 0).map((r) => ({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] })),
    incomplete: errors.length > 0,
  };
  if (errors.length) status['evaluationError'] = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  return { kind: 'SelfSubjectRulesReview', apiVersion: API_VERSION, metadata: { creationTimestamp: null }, spec: { namespace }, status };
}

function resourceRule(r: PolicyRule): Obj {
  const rule: Obj = { verbs: r.verbs ?? [], apiGroups: r.apiGroups ?? [], resources: r.resources ?? [] };
  if ((r.resourceNames ?? []).length) rule['resourceNames'] = r.resourceNames;
  return rule;
}
