/**
 * The verbs on resource paths: get, list, watch, create, update, patch, delete and deletecollection,
 * with `/status`, `/scale`, `/finalize` and `/eviction`, `dryRun=All`, and Tables when asked for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../cluster/objects.js';
import { jsonOf } from '../store/frozen.js';
import type { ListResult, ObjectStore, WatchOptions } from '../store/object-store.js';
import {
  type Status, StatusError, applyConflict, badRequest, deletedStatus, methodNotAllowed, methodNotSupported, notYet,
  pathNotFound, unsupportedMediaType, notAcceptable,
} from '../store/status-error.js';
import { PatchError, applyPatch, serverSideApply } from '../patch/index.js';
import { type ResourceInfo, apiVersionOf } from '../resources.js';
import { decodeBody, mediaType, readBody, sendJson, sendText, successStatus } from './http-io.js';
import { evictFromRequest } from './eviction.js';
import { podLog, type PodLogSource } from './pod-log.js';
import { negotiateResource } from './negotiate.js';
import { toTable as printTable } from './tables.js';
import { boolParam, deleteOptions, includeObject, isDryRun, listOptions } from './query.js';
import type { ResourceTarget } from './routes.js';
import type { MetricsSource } from '../metrics/metrics-handler.js';
import { applyScale, toScale } from './scale.js';
import { type ActiveWatch, serveWatch } from './watch-stream.js';

/** What the handlers share with the server. */
export interface HandlerContext {
  store: ObjectStore;
  watches: Set<ActiveWatch>;
  podLogs?: PodLogSource;
  /** Usage for the metrics.k8s.io API (the simulated kubelets'); without it that API answers 503. */
  metrics?: MetricsSource;
}

interface Request {
  ctx: HandlerContext;
  target: ResourceTarget;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
}

/**
 * The field manager of a write: `fieldManager` when given, else the client's User-Agent up to its
 * first `/` (`kubectl` for kubectl), as the apiserver names managers.
 */
function fieldManager(r: Request): string {
  const given = r.query.get('fieldManager');
  if (given) {
    if (given.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return given;
  }
  const agent = r.req.headers['user-agent'] ?? '';
  return agent.split('/')[0] || 'unknown';
}

const TABLE_MEDIA_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
/** The patch media types, in the order the apiserver lists them in a 415. */
const PATCH_TYPES: Record<string, 'json' | 'merge' | 'strategic' | 'apply'> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/apply-patch+yaml': 'apply',
  'application/strategic-merge-patch+json': 'strategic',
};

/** Answers one request on a resource path. */
export async function handleResource(ctx: HandlerContext, target: ResourceTarget, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const r: Request = { ctx, target, query, req, res };
  const method = req.method ?? 'GET';
  const { name, subresource } = target;
  if (subresource !== undefined) return handleSubresource(r, method, name!, subresource);
  if (name === undefined) {
    if (method === 'GET') return target.watchPath || boolParam(query, 'watch') ? watch(r) : list(r);
    if (method === 'POST') return create(r);
    if (method === 'DELETE') return deleteCollection(r);
    throw methodNotAllowed();
  }
  if (target.watchPath && method === 'GET') return watch(r, name);
  switch (method) {
    case 'GET': return get(r, name);
    case 'PUT': return update(r, name, undefined);
    case 'PATCH': return patch(r, name, undefined);
    case 'DELETE': return remove(r, name);
    default: throw methodNotAllowed();
  }
}

async function handleSubresource(r: Request, method: string, name: string, sub: string): Promise<void> {
  const resource = r.target.resource;
  const has = (s: string) => (resource.subresources as readonly string[]).includes(s);
  if (!has(sub)) throw pathNotFound();
  switch (sub) {
    case 'status':
      if (method === 'GET') return get(r, name);
      if (method === 'PUT') return update(r, name, 'status');
      if (method === 'PATCH') return patch(r, name, 'status');
      throw methodNotSupported(resource, method.toLowerCase());
    case 'finalize':
      if (method === 'PUT') return update(r, name, 'finalize');
      throw methodNotSupported(resource, method.toLowerCase());
    case 'scale':
      if (method === 'GET') return sendJson(r.res, 200, toScale(r.ctx.store.get(resource, r.target.namespace, name)));
      if (method === 'PUT') return updateScale(r, name, await body(r));
      if (method === 'PATCH') return patchScale(r, name);
      throw methodNotSupported(resource, method.toLowerCase());
    case 'eviction':
      if (method === 'POST') return evict(r, name);
      throw methodNotSupported(resource, method.toLowerCase());
    case 'log':
      if (method === 'GET') {
        const pod = r.ctx.store.get(resource, r.target.namespace, name);
        const tail = r.query.get('tailLines');
        const container = r.query.get('container');
        const text = podLog(pod, {
          previous: boolParam(r.query, 'previous'),
          ...(container ? { container } : {}), ...(tail !== null ? { tailLines: Number(tail) } : {}),
        }, r.ctx.podLogs);
        return sendText(r.res, 200, text);
      }
      throw methodNotSupported(resource, method.toLowerCase());
    default:
      throw pathNotFound();
  }
}

async function body(r: Request): Promise<unknown> {
  return decodeBody(await readBody(r.req), r.req.headers['content-type']);
}

// ---- reads ----

function representation(r: Request): 'json' | 'table' {
  const chosen = negotiateResource(r.req.headers.accept, true);
  if (chosen === 'none') throw notAcceptable(`application/json, application/yaml, ${TABLE_MEDIA_TYPE}`);
  return chosen;
}

function toTable(r: Request, objects: readonly KubeObject[], listMeta: Record<string, unknown>): object {
  const resource = r.target.resource;
  const table = printTable({ kind: resource.kind, group: resource.group }, [...objects], {
    // Ages against the simulated clock that stamped the objects, not the host's.
    wide: true, now: r.ctx.store.now(), includeObject: includeObject(r.query),
  });
  return { ...table, metadata: { ...table.metadata, ...listMeta } };
}

async function get(r: Request, name: string): Promise<void> {
  const as = representation(r);
  const obj = r.ctx.store.get(r.target.resource, r.target.namespace, name);
  if (as === 'table') return sendJson(r.res, 200, toTable(r, [obj], { resourceVersion: obj.metadata.resourceVersion }), TABLE_MEDIA_TYPE);
  sendJson(r.res, 200, jsonOf(obj));
}

function listMetadata(result: ListResult): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue !== undefined) meta['continue'] = result.continue;
  if (result.remainingItemCount !== undefined) meta['remainingItemCount'] = result.remainingItemCount;
  return meta;
}

/** A List, serialised from the objects' cached JSON (one string join for thousands of items). */
export function listJson(resource: ResourceInfo, metadata: Record<string, unknown>, items: readonly KubeObject[]): string {
  const head = `{"kind":${JSON.stringify(`${resource.kind}List`)},"apiVersion":${JSON.stringify(apiVersionOf(resource))},"metadata":${JSON.stringify(metadata)},"items":[`;
  return `${head}${items.map(jsonOf).join(',')}]}`;
}

async function list(r: Request): Promise<void> {
  const as = representation(r);
  const result = r.ctx.store.list(r.target.resource, listOptions(r.query, r.target.namespace));
  const meta = listMetadata(result);
  if (as === 'table') return sendJson(r.res, 200, toTable(r, result.items, meta), TABLE_MEDIA_TYPE);
  sendJson(r.res, 200, listJson(r.target.resource, meta, result.items));
}

async function watch(r: Request, name?: string): Promise<void> {
  const as = representation(r);
  const q = r.query;
  const base = listOptions(q, r.target.namespace);
  const options: WatchOptions = {};
  if (base.namespace !== undefined) options.namespace = base.namespace;
  if (base.labelSelector !== undefined) options.labelSelector = base.labelSelector;
  const fieldSelector = [name === undefined ? undefined : `metadata.name=${name}`, base.fieldSelector].filter(Boolean).join(',');
  if (fieldSelector) options.fieldSelector = fieldSelector;
  const rv = q.get('resourceVersion');
  if (rv !== null) options.resourceVersion = rv;
  if (boolParam(q, 'allowWatchBookmarks')) options.allowBookmarks = true;
  if (boolParam(q, 'sendInitialEvents')) options.sendInitialEvents = true;
  const timeout = q.get('timeoutSeconds');
  const timeoutSeconds = timeout !== null && /^\d+$/.test(timeout) ? Number(timeout) : undefined;
  const encode = as === 'table' ? (o: KubeObject) => JSON.stringify(toTable(r, [o], {})) : jsonOf;
  serveWatch(r.ctx.store, r.target.resource, options, r.res, encode, as === 'table' ? TABLE_MEDIA_TYPE : 'application/json', timeoutSeconds, r.ctx.watches);
}

// ---- writes ----

function resultCode(created: boolean): number {
  return created ? 201 : 200;
}

async function create(r: Request): Promise<void> {
  const input = await body(r);
  const obj = r.ctx.store.create(r.target.resource, input, { namespace: r.target.namespace, dryRun: isDryRun(r.query), fieldManager: fieldManager(r) });
  sendJson(r.res, 201, jsonOf(obj));
}

async function update(r: Request, name: string, subresource: 'status' | 'finalize' | undefined): Promise<void> {
  const input = await body(r);
  const dryRun = isDryRun(r.query);
  const existed = exists(r, name);
  const obj = r.ctx.store.update(r.target.resource, input, { namespace: r.target.namespace, name, subresource, dryRun, fieldManager: fieldManager(r) });
  sendJson(r.res, resultCode(!existed), jsonOf(obj));
}

function exists(r: Request, name: string): boolean {
  try {
    r.ctx.store.get(r.target.resource, r.target.namespace, name);
    return true;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return false;
    throw err;
  }
}

function patchType(r: Request): 'json' | 'merge' | 'strategic' | 'apply' {
  const type = PATCH_TYPES[mediaType(r.req.headers['content-type'])];
  if (!type) throw unsupportedMediaType(Object.keys(PATCH_TYPES));
  return type;
}

/** Runs a patch function, turning a PatchError into the Status the apiserver answers with. */
function patching<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof PatchError)) throw err;
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message };
    if (err.reason) status.reason = err.reason;
    status.code = err.code;
    throw new StatusError(status);
  }
}

async function patch(r: Request, name: string, subresource: 'status' | undefined): Promise<void> {
  const type = patchType(r);
  const raw = await readBody(r.req);
  const patchBody = decodeBody(raw, type === 'apply' ? 'application/yaml' : 'application/json');
  const { store } = r.ctx;
  const resource = r.target.resource;
  const dryRun = isDryRun(r.query);
  if (type === 'apply') return apply(r, name, patchBody, subresource, dryRun);
  const live = store.get(resource, r.target.namespace, name);
  const patched = patching(() => applyPatch(structuredClone(live), patchBody, type, resource.kind));
  const obj = store.update(resource, patched, { namespace: r.target.namespace, name, subresource, dryRun, fieldManager: fieldManager(r) });
  sendJson(r.res, 200, jsonOf(obj));
}

async function apply(r: Request, name: string, applied: unknown, subresource: 'status' | undefined, dryRun: boolean): Promise<void> {
  const manager = r.query.get('fieldManager');
  if (!manager) throw badRequest('fieldManager is required for apply requests');
  if (typeof applied !== 'object' || applied === null) throw badRequest('the object provided is unrecognized: expected an object');
  const { store } = r.ctx;
  const resource = r.target.resource;
  const live = exists(r, name) ? store.get(resource, r.target.namespace, name) : undefined;
  const appliedName = (applied as { metadata?: { name?: unknown } }).metadata?.name;
  if (appliedName !== undefined && appliedName !== name) throw badRequest(`the name of the object (${String(appliedName)}) does not match the name on the URL (${name})`);
  const options = subresource === undefined ? { force: boolParam(r.query, 'force') } : { force: boolParam(r.query, 'force'), subresource };
  const result = patching(() => serverSideApply(live && structuredClone(live), applied, manager, options));
  if (result.conflicts.length > 0) throw applyConflict(result.message, result.causes);
  const write = { namespace: r.target.namespace, name, dryRun };
  const obj = live ? store.update(resource, result.object, { ...write, subresource }) : store.create(resource, result.object, write);
  sendJson(r.res, live ? 200 : 201, jsonOf(obj));
}

async function remove(r: Request, name: string): Promise<void> {
  const input = await body(r);
  const resource = r.target.resource;
  const { object, gone } = r.ctx.store.delete(resource, r.target.namespace, name, deleteOptions(r.query, input));
  if (!gone || resource.returnsDeletedObject) return sendJson(r.res, 200, jsonOf(object));
  sendJson(r.res, 200, deletedStatus(resource, name, object.metadata.uid));
}

async function deleteCollection(r: Request): Promise<void> {
  const input = await body(r);
  const resource = r.target.resource;
  const selection = listOptions(r.query, r.target.namespace);
  const deleted = r.ctx.store.deleteCollection(resource, { ...selection, ...deleteOptions(r.query, input) });
  sendJson(r.res, 200, listJson(resource, { resourceVersion: r.ctx.store.resourceVersion() }, deleted));
}

// ---- subresources ----

async function updateScale(r: Request, name: string, scale: unknown): Promise<void> {
  const resource = r.target.resource;
  const workload = r.ctx.store.get(resource, r.target.namespace, name);
  const next = applyScale(workload, scale, resource);
  const stored = r.ctx.store.update(resource, next, { namespace: r.target.namespace, name, dryRun: isDryRun(r.query), fieldManager: fieldManager(r), subresource: 'scale' });
  sendJson(r.res, 200, toScale(stored));
}

async function patchScale(r: Request, name: string): Promise<void> {
  const type = patchType(r);
  if (type === 'apply') throw notYet('server-side apply of a Scale');
  const patchBody = decodeBody(await readBody(r.req), 'application/json');
  const workload = r.ctx.store.get(r.target.resource, r.target.namespace, name);
  const scale = patching(() => applyPatch(toScale(workload), patchBody, type, 'Scale'));
  return updateScale(r, name, scale);
}

async function evict(r: Request, name: string): Promise<void> {
  evictFromRequest(r.ctx.store, r.target.namespace, name, await body(r), r.query);
  sendJson(r.res, 201, successStatus(201));
}
