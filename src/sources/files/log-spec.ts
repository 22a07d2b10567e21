/**
 * Container logs given beside the cluster state, as `[NAMESPACE/]POD[/CONTAINER]=FILE` where FILE
 * holds what `kubectl logs [--previous]` printed.
 */
import { open, stat } from 'node:fs/promises';
import type { ContainerLog } from '../../cluster/snapshot.js';
import { InputError } from '../input-error.js';

export interface LogSpec {
  /** The spec as given, for errors. */
  spec: string;
  namespace?: string;
  pod: string;
  container?: string;
  file: string;
}

/** Only the end of a log matters (a snapshot keeps its last lines); longer files are read from here. */
export const LOG_TAIL_BYTES = 8 * 1024 * 1024;

const SPEC_FORMAT = 'expected [NAMESPACE/]POD[/CONTAINER]=FILE, e.g. shop/web-1/app=web-1.log';
/** RFC 1123 label (namespaces, containers) and subdomain (pods), as the API server validates them. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Reads a log spec. Two names are NAMESPACE/POD (kubectl's habit); name the container with all three.
 * @throws InputError naming the spec when it is malformed
 * @example parseLogSpec('shop/web-1/app=web.log') // { namespace: 'shop', pod: 'web-1', container: 'app', file: 'web.log', spec: … }
 */
export function parseLogSpec(spec: string): LogSpec {
  const equals = spec.indexOf('=');
  if (equals === -1) throw new InputError(spec, `not a log spec: ${SPEC_FORMAT}`);
  const target = spec.slice(0, equals);
  const file = spec.slice(equals + 1);
  if (file === '') throw new InputError(spec, `no log file after '=': ${SPEC_FORMAT}`);
  if (file === '-') throw new InputError(spec, 'a log must come from a file, not stdin');
  const names = target.split('/');
  if (names.length > 3 || names.some((name) => name === '')) throw new InputError(spec, `bad pod name "${target}": ${SPEC_FORMAT}`);
  const [first = '', second, third] = names;
  const parsed: LogSpec = names.length === 1 ? { spec, pod: first, file } : { spec, namespace: first, pod: second as string, file };
  if (third !== undefined) parsed.container = third;
  checkName(spec, 'namespace', parsed.namespace, LABEL, 63);
  checkName(spec, 'pod', parsed.pod, SUBDOMAIN, 253);
  checkName(spec, 'container', parsed.container, LABEL, 63);
  return parsed;
}

function checkName(spec: string, what: string, name: string | undefined, pattern: RegExp, max: number): void {
  if (name === undefined || (pattern.test(name) && name.length <= max)) return;
  throw new InputError(spec, `"${name}" is not a valid ${what} name (lowercase letters, digits and '-'${what === 'pod' ? ", '.'" : ''}, at most ${max})`);
}

/**
 * Reads the log a spec names (its last {@link LOG_TAIL_BYTES} when longer).
 * @throws InputError naming the file and the spec when the file cannot be read
 */
export async function readLogSpec(spec: LogSpec, previous: boolean): Promise<ContainerLog> {
  const text = await readTail(spec);
  const log: ContainerLog = { pod: spec.pod, previous, text, origin: spec.file };
  if (spec.namespace !== undefined) log.namespace = spec.namespace;
  if (spec.container !== undefined) log.container = spec.container;
  return log;
}

/** Fails early, before any large input is read, when a log file is missing. */
export async function assertLogFileExists(spec: LogSpec): Promise<void> {
  try {
    if ((await stat(spec.file)).isFile()) return;
  } catch (error) {
    throw notReadable(spec, error);
  }
  throw new InputError(spec.file, `not a file (log of pod ${spec.pod}, from "${spec.spec}")`);
}

function notReadable(spec: LogSpec, error: unknown): InputError {
  const code = (error as { code?: unknown }).code;
  const reason = code === 'ENOENT' ? 'no such log file' : `cannot read the log file (${String(code ?? error)})`;
  return new InputError(spec.file, `${reason} (log of pod ${spec.pod}, from "${spec.spec}")`, { cause: error });
}

async function readTail(spec: LogSpec): Promise<string> {
  let file;
  try {
    file = await open(spec.file, 'r');
  } catch (error) {
    throw notReadable(spec, error);
  }
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    const bytes = buffer.subarray(0, bytesRead);
    // A tail read from the middle starts mid-line: drop that partial line.
    return (start > 0 ? bytes.subarray(bytes.indexOf(0x0a) + 1) : bytes).toString('utf8');
  } finally {
    await file.close();
  }
}
