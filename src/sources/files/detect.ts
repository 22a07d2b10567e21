/**
 * Tells which reader an input needs from its first bytes, so that a user never has to say
 * `--format` for what kubectl printed, and gets a useful error for what kubectl did not print.
 */
import { InputError } from '../input-error.js';
import { looksLikeDescribe } from '../describe/parse.js';

export type InputFormat = 'json' | 'yaml' | 'describe';

/** How much of an input detection looks at. */
export const HEAD_BYTES = 64 * 1024;

/** Share of undecodable or control characters above which text is taken for binary data. */
const BINARY_RATIO = 0.1;

const READ_FORMATS = 'JSON or YAML (kubectl get -o json|yaml, kubectl cluster-info dump) or kubectl describe text';

export interface DetectOptions {
  /** The describe-text test; the describe parser's own by default. */
  looksLikeDescribe?: (text: string) => boolean;
}

/**
 * The format of an input, from its head (the first {@link HEAD_BYTES} bytes).
 * @throws InputError for empty input, binary data, UTF-16 text and text in no format read here
 * @example detectFormat(Buffer.from('{"kind":"Pod"}'), 'pod.json') // 'json'
 */
export function detectFormat(head: Buffer, origin: string, options: DetectOptions = {}): InputFormat {
  assertReadableText(head, origin);
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  if (startsLikeYaml(text)) return 'yaml';
  if ((options.looksLikeDescribe ?? looksLikeDescribe)(text)) return 'describe';
  if (/^(apiVersion|kind)\s*:/m.test(text)) return 'yaml';
  throw new InputError(origin, `unrecognised input: expected ${READ_FORMATS}, but it begins with "${firstLine(text)}"`);
}

/**
 * Refuses what is not text at all: empty input, compressed or binary data, UTF-16 (which Windows
 * PowerShell writes for `>` redirection). Used also when the format is given, not detected.
 */
export function assertReadableText(head: Buffer, origin: string): void {
  if (head.length === 0 || isBlank(head)) {
    throw new InputError(origin, `empty input: expected ${READ_FORMATS}`);
  }
  if (isUtf16(head)) {
    throw new InputError(origin, 'UTF-16 text: save it as UTF-8 (in PowerShell: `kubectl ... | Out-File -Encoding utf8 FILE`)');
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new InputError(origin, 'gzip-compressed data: decompress it first (gunzip)');
  }
  if (head.includes(0) || undecodableShare(head) > BINARY_RATIO) {
    throw new InputError(origin, 'binary data, not JSON, YAML or kubectl describe text');
  }
}

function isBlank(head: Buffer): boolean {
  for (const byte of head) {
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  }
  return true;
}

/** A UTF-16 byte order mark, or ASCII text with every other byte zero. */
function isUtf16(head: Buffer): boolean {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return true;
  const sample = Math.min(head.length, 512) & ~1;
  if (sample < 8) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  return (oddZeros > pairs * 0.9 && evenZeros === 0) || (evenZeros > pairs * 0.9 && oddZeros === 0);
}

/** The share of replacement and control characters once decoded as UTF-8 (tabs and newlines are fine). */
function undecodableShare(head: Buffer): number {
  const text = head.toString('utf8');
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) || code === 0x7f) bad++;
  }
  return bad / text.length;
}

/** The first line that is not blank or a comment opens a document or names a top-level key kubectl prints. */
function startsLikeYaml(text: string): boolean {
  for (const line of text.split('\n', 200)) {
    const trimmed = line.trimEnd();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    return /^---(\s|$)/.test(trimmed) || /^(apiVersion|kind|items|metadata)\s*:/.test(trimmed);
  }
  return false;
}

function firstLine(text: string): string {
  const line = text.trimStart().split('\n', 1)[0] ?? '';
  // eslint-disable-next-line no-control-regex
  const printable = line.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}
