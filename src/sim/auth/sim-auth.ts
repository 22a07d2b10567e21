/**
 * The simulator's authentication and authorization front door, run on every request before it is
 * routed: it authenticates the credentials, applies impersonation headers, and asks the authorizer
 * chain (system:masters, then RBAC) about the request's attributes. It also answers the resources
 * that exist only as computations over identities: the access and rules reviews, SelfSubjectReview
 * and the `token` subresource of serviceaccounts.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeBody, readBody, sendJson } from '../api/http-io.js';
import type { ResourceTarget } from '../api/routes.js';
import type { ObjectStore } from '../store/object-store.js';
import { methodNotSupported } from '../store/status-error.js';
import { localSubjectAccessReview, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview } from './access-reviews.js';
import { authenticate } from './authenticate.js';
import { type Authorizer, createAuthorizer } from './authorizer.js';
import { forbiddenError } from './forbidden.js';
import { impersonate } from './impersonation.js';
import { requestAttributes } from './request-attributes.js';
import { selfSubjectReview } from './self-subject-review.js';
import { TokenIssuer } from './service-account-token.js';
import { requestToken } from './token-request.js';
import { ADMIN, ANONYMOUS, type UserInfo } from './user-info.js';

/** How the front door treats requests. */
export interface SimAuthOptions {
  store: ObjectStore;
  /** The time tokens are issued and checked at; the wall clock by default. */
  now?: () => Date;
  /**
   * Who a request without credentials is: `admin` (the default, so the credential-less kubeconfig the
   * simulator writes keeps full access) or `anonymous` (`system:anonymous`, as a real apiserver).
   */
  unauthenticated?: 'admin' | 'anonymous';
}

/** The front door of one server. */
export interface SimAuth {
  /** A bearer token that authenticates as the admin (for kubeconfigs of a server without anonymous admin). */
  readonly adminToken: string;
  readonly authorizer: Authorizer;
  /** The identity a request runs as once authenticated, impersonated and authorized; throws the 401 or 403 otherwise. */
  admit(req: IncomingMessage, url: URL): UserInfo;
  /** Whether this resource path is answered here rather than by the store. */
  answers(target: ResourceTarget): boolean;
  /** Answers a request on such a path. */
  answer(user: UserInfo, target: ResourceTarget, req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const REVIEW_GROUPS = new Set(['authorization.k8s.io', 'authentication.k8s.io']);

/** @example const auth = createSimAuth({ store }); const user = auth.admit(req, url); */
export function createSimAuth(options: SimAuthOptions): SimAuth {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const issuer = new TokenIssuer();
  const adminToken = randomBytes(32).toString('base64url');
  const authorizer = createAuthorizer(store);
  const anonymous = options.unauthenticated === 'anonymous' ? ANONYMOUS : ADMIN;
  const authentication = { store, issuer, adminToken, anonymous, now };
  return {
    adminToken,
    authorizer,
    admit: (req, url) => {
      const requestor = authenticate(authentication, req.headers.authorization);
      const user = impersonate(req.headersDistinct, requestor, url.pathname, (attrs) => authorizer.authorize(attrs));
      const attrs = requestAttributes(user, req.method ?? 'GET', url);
      const decision = authorizer.authorize(attrs);
      if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
      return user;
    },
    answers: (target) => REVIEW_GROUPS.has(target.resource.group) || (target.resource.plural === 'serviceaccounts' && target.subresource === 'token'),
    answer: async (user, target, req, res) => {
      if (req.method !== 'POST') throw methodNotSupported(target.resource, (req.method ?? 'GET').toLowerCase());
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      sendJson(res, 201, computeAnswer({ authorizer, store, issuer, now }, user, target, body));
    },
  };
}

interface AnswerContext {
  authorizer: Authorizer;
  store: ObjectStore;
  issuer: TokenIssuer;
  now: () => Date;
}

function computeAnswer(ctx: AnswerContext, user: UserInfo, target: ResourceTarget, body: unknown): object {
  switch (target.resource.plural) {
    case 'selfsubjectaccessreviews': return selfSubjectAccessReview(ctx.authorizer, user, body);
    case 'subjectaccessreviews': return subjectAccessReview(ctx.authorizer, body);
    case 'localsubjectaccessreviews': return localSubjectAccessReview(ctx.authorizer, target.namespace ?? '', body);
    case 'selfsubjectrulesreviews': return selfSubjectRulesReview(ctx.authorizer, user, body);
    case 'selfsubjectreviews': return selfSubjectReview(user);
    default: return requestToken(ctx.store, ctx.issuer, ctx.now(), target.namespace ?? '', target.name ?? '', body);
  }
}
