/** Reading request bodies and writing JSON and Status answers, as the apiserver frames them. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { type Status, type StatusError, badRequest, entityTooLarge, unsupportedMediaType } from '../store/status-error.js';
import { decodeKubernetesProtobuf } from './protobuf/decode.js';

/** The apiserver's limit on a request body (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The whole request body, refused past the limit. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw entityTooLarge(MAX_BODY_BYTES);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type of a Content-Type header, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body media types the server reads (its 415 lists them). */
const READABLE = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** A JSON, YAML or Kubernetes protobuf body as a value (an empty body is `undefined`). */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  const type = mediaType(contentType);
  if (type === '' || type === 'application/json' || type.endsWith('+json')) return parseJson(body.toString('utf8'));
  if (type === 'application/vnd.kubernetes.protobuf') return decodeKubernetesProtobuf(body);
  if (type === 'application/yaml' || type.endsWith('+yaml')) {
    try {
      return parseYaml(body.toString('utf8'));
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw unsupportedMediaType(READABLE);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Writes a JSON answer (an already serialised string is sent as is). */
export function sendJson(res: ServerResponse, code: number, body: object | string, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Writes a Status for a failure. */
export function sendError(res: ServerResponse, err: StatusError): void {
  sendJson(res, err.code, err.status);
}

/** Writes a plain-text answer (health checks). */
export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A success Status (eviction). */
export function successStatus(code: number): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}
