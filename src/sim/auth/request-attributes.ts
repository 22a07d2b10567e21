/**
 * The authorization attributes of a request, derived from its method and URL the way the
 * apiserver's `RequestInfoFactory` derives them: `/api/v1/...` and `/apis/{group}/{version}/...`
 * are resource requests (verb from the method: get/list/watch/create/update/patch/delete/
 * deletecollection; the `/watch/` prefix; the namespace, name and subresource from the path);
 * everything else (discovery, /version, /healthz) is a non-resource request whose verb is the
 * lower-cased method.
 */
import { boolParam } from '../api/query.js';
import type { UserInfo } from './user-info.js';

/** What the authorizer decides on (`authorizer.Attributes`); empty strings where Go has them. */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path (what non-resource rules match). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
/** Subresources of a namespace, which keep `namespaces/{name}/{sub}` one resource path. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * The attributes of one request.
 * @example requestAttributes(admin, 'GET', new URL('http://x/api/v1/namespaces/shop/pods?watch=true')).verb // 'watch'
 */
export function requestAttributes(user: UserInfo, method: string, url: URL): RequestAttributes {
  const path = url.pathname;
  const base: RequestAttributes = {
    user, verb: method.toLowerCase(), resourceRequest: false, path,
    apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '',
  };
  let parts = path.split('/').filter((p) => p !== '').map(safeDecode);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return base;
  const grouped = parts[0] === 'apis';
  parts = parts.slice(1);
  if (grouped) {
    if (parts.length < 3) return base;
    base.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const attrs: RequestAttributes = { ...base, resourceRequest: true, apiVersion: parts[0]!, verb: METHOD_VERBS[method.toUpperCase()] ?? '' };
  parts = parts.slice(1);
  if (parts[0] === 'watch' && parts.length >= 2) {
    attrs.verb = 'watch';
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    attrs.namespace = parts[1]!;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  attrs.resource = parts[0] ?? '';
  attrs.name = parts[1] ?? '';
  attrs.subresource = parts[2] ?? '';
  if (attrs.name === '' && attrs.verb === 'get') collectionVerb(attrs, url.searchParams);
  if (attrs.name === '' && attrs.verb === 'delete') attrs.verb = 'deletecollection';
  return attrs;
}

/** A GET without a name lists or watches; an exact `metadata.name` field selector names the object. */
function collectionVerb(attrs: RequestAttributes, query: URLSearchParams): void {
  attrs.verb = boolParam(query, 'watch') ? 'watch' : 'list';
  const name = exactName(query.get('fieldSelector'));
  if (name !== undefined && validPathSegment(name)) attrs.name = name;
}

function exactName(selector: string | null): string | undefined {
  if (!selector) return undefined;
  for (const term of selector.split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (match) return match[1];
  }
  return undefined;
}

function validPathSegment(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
