/**
 * Errors shaped as the apiserver's `Status` objects (apimachinery `api/errors`): the same reasons,
 * codes, messages and details, so that kubectl prints `Error from server (NotFound): pods "x" not
 * found` for the simulator exactly as for a real cluster.
 */
import type { ResourceInfo } from '../resources.js';
import { groupKind, groupResource } from '../resources.js';
import { type FieldError, aggregateMessage, fieldErrorBody } from './field-error.js';

/** A cause inside a Status's details. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The `details` of a Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A meta/v1 `Status`, as the apiserver serialises it. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** An API failure carrying the Status the server answers with. */
export class StatusError extends Error {
  readonly code: number;

  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'StatusError';
    this.code = status.code ?? 500;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

function failure(code: number, reason: string | undefined, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message };
  if (reason !== undefined) status.reason = reason;
  if (details !== undefined) status.details = details;
  status.code = code;
  return new StatusError(status);
}

function resourceDetails(r: ResourceInfo, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (r.group) details.group = r.group;
  details.kind = r.plural;
  return details;
}

/** @example notFound(pods, 'x').message // 'pods "x" not found' */
export function notFound(r: ResourceInfo, name: string): StatusError {
  return failure(404, 'NotFound', `${groupResource(r)} ${JSON.stringify(name)} not found`, resourceDetails(r, name));
}

/** @example alreadyExists(pods, 'x').message // 'pods "x" already exists' */
export function alreadyExists(r: ResourceInfo, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${groupResource(r)} ${JSON.stringify(name)} already exists`, resourceDetails(r, name));
}

/** The optimistic-concurrency failure of an update with a stale resourceVersion. */
export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

/** @example conflict(pods, 'x').message // 'Operation cannot be fulfilled on pods "x": the object has been modified; …' */
export function conflict(r: ResourceInfo, name: string, why: string = STALE_OBJECT): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${groupResource(r)} ${JSON.stringify(name)}: ${why}`, resourceDetails(r, name));
}

/** A server-side apply refused because other managers own fields it sets (`NewApplyConflict`). */
export function applyConflict(message: string, causes: readonly { message: string; field: string }[]): StatusError {
  return failure(409, 'Conflict', message, { causes: causes.map((c) => ({ reason: 'FieldManagerConflict', message: c.message, field: c.field })) });
}

/** A validation failure, 422 Invalid, with one cause per field error. */
export function invalid(r: ResourceInfo, name: string, errors: readonly FieldError[]): StatusError {
  const details: StatusDetails = { name };
  if (r.group) details.group = r.group;
  details.kind = r.kind;
  details.causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return failure(422, 'Invalid', `${groupKind(r)} ${JSON.stringify(name)} is invalid: ${aggregateMessage(errors)}`, details);
}

/** 403 Forbidden for this resource (and name, when known). */
export function forbidden(r: ResourceInfo, name: string, why: string, causes?: StatusCause[]): StatusError {
  const subject = name ? `${groupResource(r)} ${JSON.stringify(name)}` : groupResource(r);
  const details = resourceDetails(r, name);
  if (causes) details.causes = causes;
  return failure(403, 'Forbidden', `${subject} is forbidden: ${why}`, details);
}

/** 400 BadRequest with a free message. */
export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

/** 410 Gone with reason Expired: a resourceVersion or continue token older than the history kept. */
export function expired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

/** 405 for a verb the resource does not serve (`NewMethodNotSupported`). */
export function methodNotSupported(r: ResourceInfo, action: string): StatusError {
  const details: StatusDetails = {};
  if (r.group) details.group = r.group;
  details.kind = r.plural;
  return failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${JSON.stringify(groupResource(r))}`, details);
}

/** 405 for an HTTP method no route takes. */
export function methodNotAllowed(): StatusError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

/** 404 for a path that names no resource. */
export function pathNotFound(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 406 when the Accept header names nothing the server can produce. */
export function notAcceptable(accepted: string): StatusError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted}`);
}

/** 415 for a request body in a media type the server does not read. */
export function unsupportedMediaType(supported: readonly string[]): StatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`);
}

/** 413 for a body over the apiserver's 3 MiB limit. */
export function entityTooLarge(limit: number): StatusError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** 500 InternalError wrapping an unexpected failure. */
export function internalError(err: unknown): StatusError {
  const text = err instanceof Error ? err.message : String(err);
  return failure(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
}

/**
 * 501 for a path of the simulator that is not built yet. The apiserver has no such reason; the code
 * tells a client the server, not the request, is lacking.
 */
export function notYet(what: string): StatusError {
  return failure(501, undefined, `not yet: ${what} is not implemented by the kubetriage simulator`);
}

/** The `Status` a delete answers with when the resource does not return the deleted object. */
export function deletedStatus(r: ResourceInfo, name: string, uid: string | undefined): Status {
  const details: StatusDetails = { name };
  if (r.group) details.group = r.group;
  details.kind = r.plural;
  if (uid) details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
