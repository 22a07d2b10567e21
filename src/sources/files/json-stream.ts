/**
 * Reads Kubernetes objects from JSON of any size: `kubectl get -o json` Lists, raw API typed lists
 * (`PodList` ...), single objects, several of them concatenated, and the stdout form of
 * `kubectl cluster-info dump`. The bytes are split by {@link JsonItemScanner} and every item is
 * parsed on its own with the native `JSON.parse` (which also proves the scanner's guessed item
 * ends), so memory holds one item's text at a time and the whole stays close to `JSON.parse` speed:
 * `bench/diagnose/baseline.mjs` measures it against JSON.parse of the same items.
 */
import { open } from 'node:fs/promises';
import type { ContainerLog } from '../../cluster/snapshot.js';
import { looksLikeObject, type KubeObject } from '../../cluster/objects.js';
import { InputError } from '../input-error.js';
import { isDumpFetchError, type DumpLogHeader } from './dump-format.js';
import {
  JsonItemScanner, UnlocatedInputError, locateError, positionedError, type ScanSink, type TextPosition,
} from './json-scanner.js';

export {
  JsonItemScanner, UnlocatedInputError, formatPosition, locateError, type ScanSink, type TextPosition,
} from './json-scanner.js';

/** Large reads keep the per-chunk cost negligible next to parsing. */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/** Where the objects and logs read from JSON go. */
export interface JsonObjectHandlers {
  object(obj: KubeObject): void;
  /** Log blocks of a `kubectl cluster-info dump` printed to stdout; ignored when absent. */
  log?(log: ContainerLog): void;
}

export interface JsonReadOptions {
  /** Called after every chunk with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /**
   * The same bytes again from the start, for inputs that can be re-read (files): lines are then not
   * counted while reading, and an error's positions are located by reading again.
   */
  reread?: () => AsyncIterable<Buffer>;
}

/** What one read found. */
export interface JsonReadSummary {
  bytes: number;
  objects: number;
  logs: number;
}

interface PendingItem {
  value: Record<string, unknown>;
  index: number;
  at: TextPosition;
}

/**
 * Turns the scanner's texts into validated objects. An item without `kind` takes it from a typed
 * list's kind (`PodList` → `Pod`, with the list's apiVersion), as the API server leaves it out of
 * the items of typed lists. When the list's kind comes after its items, such items wait for it.
 */
export class KubeJsonReader {
  private readonly scanner: JsonItemScanner;
  private listKindKnown = true;
  private itemKind: string | undefined;
  private itemApiVersion: string | undefined;
  private pending: PendingItem[] = [];
  private readonly counts = { objects: 0, logs: 0 };

  /**
   * @param origin names the input in errors and in the logs' origin
   * @param options.trackLines false leaves lines of error positions to {@link locateError} (files)
   * @example
   * const reader = new KubeJsonReader('pods.json', { object: (o) => builder.add(o) });
   * reader.push(chunk); reader.end();
   */
  constructor(private readonly origin: string, private readonly handlers: JsonObjectHandlers, options: { trackLines?: boolean } = {}) {
    const sink: ScanSink = {
      item: (text, index, at, guessed) => this.onItem(text, index, at, guessed),
      listOpened: (head) => this.onListOpened(head),
      topLevel: (text, at, isList) => this.onTopLevel(text, at, isList),
      logBlock: (header, text) => this.onLogBlock(header, text),
    };
    this.scanner = new JsonItemScanner(origin, sink, options);
  }

  push(chunk: Buffer): void {
    this.scanner.push(chunk);
  }

  /** Ends the input; throws when it was truncated. Returns how many objects and logs were read. */
  end(): { objects: number; logs: number } {
    this.scanner.end();
    return { ...this.counts };
  }

  private onItem(text: string, index: number, at: TextPosition, guessed: boolean): boolean {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      if (guessed) return false;
      throw this.invalidJson(error, text, index, at);
    }
    if (value.kind === undefined) {
      if (!this.listKindKnown) {
        this.pending.push({ value, index, at });
        return true;
      }
      this.inferKind(value);
    }
    this.acceptItem(value, index, at);
    return true;
  }

  private inferKind(value: Record<string, unknown>): void {
    if (this.itemKind === undefined) return;
    value.kind = this.itemKind;
    if (value.apiVersion === undefined && this.itemApiVersion !== undefined) value.apiVersion = this.itemApiVersion;
  }

  private acceptItem(value: Record<string, unknown>, index: number, at: TextPosition): void {
    if (!looksLikeObject(value)) {
      throw positionedError(this.origin, [at], (where) => `item ${index} (${where(at)}) has no kind or metadata.name`);
    }
    this.counts.objects++;
    this.handlers.object(value);
  }

  private onListOpened(head: string | null): void {
    this.itemKind = undefined;
    this.itemApiVersion = undefined;
    this.listKindKnown = true;
    if (head === null) return;
    let shell: { kind?: unknown; apiVersion?: unknown };
    try {
      shell = JSON.parse(`${head}]}`) as typeof shell;
    } catch {
      shell = {}; // the full object is parsed, and its errors reported, when it ends
    }
    if (typeof shell.kind === 'string') this.setListKind(shell.kind, shell.apiVersion);
    else this.listKindKnown = false;
  }

  private setListKind(kind: string, apiVersion: unknown): void {
    this.listKindKnown = true;
    if (kind.endsWith('List') && kind !== 'List') this.itemKind = kind.slice(0, -'List'.length);
    if (typeof apiVersion === 'string') this.itemApiVersion = apiVersion;
  }

  private onTopLevel(text: string, at: TextPosition, isList: boolean): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw this.invalidTopLevel(error, text, at, isList);
    }
    if (isList) {
      this.settlePending(value as { kind?: unknown; apiVersion?: unknown });
      return;
    }
    if (isApiStatus(value)) {
      throw new InputError(this.origin, `the input is an API error, not objects: ${String(value.message ?? value.reason ?? 'Status Failure')}`);
    }
    if (!looksLikeObject(value)) {
      throw positionedError(this.origin, [at], (where) => `the top-level object at ${where(at)} has no kind or metadata.name`);
    }
    this.counts.objects++;
    this.handlers.object(value);
  }

  private settlePending(list: { kind?: unknown; apiVersion?: unknown }): void {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    if (typeof list.kind === 'string') this.setListKind(list.kind, list.apiVersion);
    for (const { value, index, at } of pending) {
      this.inferKind(value);
      this.acceptItem(value, index, at);
    }
  }

  private onLogBlock(header: DumpLogHeader, text: string): void {
    if (!this.handlers.log || isDumpFetchError(text)) return;
    this.counts.logs++;
    this.handlers.log({
      namespace: header.namespace, pod: header.pod, container: header.container, previous: false, text, origin: this.origin,
    });
  }

  /** JSON.parse's message, the item, and the failing place in the input. */
  private invalidJson(error: unknown, text: string, index: number, start: TextPosition): InputError {
    const message = errorMessage(error);
    const failing = failingPosition(message, text, start);
    const positions = failing ? [start, failing] : [start];
    return positionedError(this.origin, positions, (where) => `invalid JSON in item ${index} (an object starting at ${where(start)}): ${message}`
      + (failing ? `; the error is at ${where(failing)}` : ''));
  }

  private invalidTopLevel(error: unknown, text: string, start: TextPosition, isList: boolean): InputError {
    const message = errorMessage(error);
    // A list's text lacks its items, so positions inside it do not map back to the input.
    const failing = isList ? undefined : failingPosition(message, text, start);
    const positions = failing ? [start, failing] : [start];
    return positionedError(this.origin, positions, (where) => `invalid JSON in the top-level object starting at ${where(start)}: ${message}`
      + (failing ? `; the error is at ${where(failing)}` : ''));
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The input position of JSON.parse's `at position N` inside a value's text. */
function failingPosition(message: string, text: string, start: TextPosition): TextPosition | undefined {
  const match = /at position (\d+)/.exec(message);
  return match ? positionInText(text, Number(match[1]), start) : undefined;
}

function isApiStatus(value: unknown): value is { kind: 'Status'; message?: unknown; reason?: unknown } {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status'
    && (value as { status?: unknown }).status === 'Failure';
}

/** Maps a character index inside a value's text to its place in the input. */
function positionInText(text: string, index: number, start: TextPosition): TextPosition {
  const before = text.slice(0, index);
  const offset = start.offset + Buffer.byteLength(before, 'utf8');
  if (start.line === 0) return { offset, line: 0, column: 0 };
  const lastNewline = before.lastIndexOf('\n');
  if (lastNewline === -1) return { offset, line: start.line, column: start.column + Buffer.byteLength(before, 'utf8') };
  let lines = 0;
  for (let k = before.indexOf('\n'); k !== -1; k = before.indexOf('\n', k + 1)) lines++;
  return { offset, line: start.line + lines, column: Buffer.byteLength(before.slice(lastNewline + 1), 'utf8') + 1 };
}

/**
 * Reads every object (and dump log block) from a byte stream.
 * @example await readJsonStream(process.stdin, '-', { object: (o) => builder.add(o) });
 */
export async function readJsonStream(
  chunks: AsyncIterable<Buffer>, origin: string, handlers: JsonObjectHandlers, options: JsonReadOptions = {},
): Promise<JsonReadSummary> {
  const reader = new KubeJsonReader(origin, handlers, { trackLines: options.reread === undefined });
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      reader.push(chunk);
      bytes += chunk.length;
      options.onProgress?.(bytes);
    }
    return { bytes, ...reader.end() };
  } catch (error) {
    if (error instanceof UnlocatedInputError && options.reread) throw await locateError(error, options.reread());
    throw error;
  }
}

/**
 * The chunks of a file, `chunkSize` bytes at a time (small sizes are for tests). Two buffers are
 * reused in turn, the next read running while the caller works on the current chunk: a chunk is
 * valid until the caller asks for the one after it. Fresh buffers per chunk (a read stream) cost
 * allocation and garbage collection comparable to the scan itself.
 */
export async function* fileChunks(path: string, chunkSize = DEFAULT_CHUNK_SIZE): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  let current = Buffer.allocUnsafe(chunkSize);
  let spare = Buffer.allocUnsafe(chunkSize);
  let reading: Promise<{ bytesRead: number }> = file.read(current, 0, chunkSize, null);
  try {
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) return;
      const chunk = current.subarray(0, bytesRead);
      [current, spare] = [spare, current];
      reading = file.read(current, 0, chunkSize, null);
      yield chunk;
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it land before closing.
    await reading.catch(() => undefined);
    await file.close();
  }
}

/**
 * Reads every object of a JSON file without loading it as one string.
 * @example await readJsonFile('pods.json', { object: (o) => builder.add(o) }, { onProgress: (n) => bar.update(n) });
 */
export async function readJsonFile(
  path: string, handlers: JsonObjectHandlers, options: JsonReadOptions & { chunkSize?: number; origin?: string } = {},
): Promise<JsonReadSummary> {
  const origin = options.origin ?? path;
  try {
    return await readJsonStream(fileChunks(path, options.chunkSize), origin, handlers, { ...options, reread: () => fileChunks(path) });
  } catch (error) {
    if (!isSystemError(error)) throw error;
    throw new InputError(origin, `cannot read the file: ${error.message}`, { cause: error });
  }
}

/** A failed read (ENOENT, EISDIR, EACCES ...), as opposed to an error thrown by a handler. */
function isSystemError(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
