/**
 * An input as bytes: its head for format detection, then its chunks from the start. Files are read
 * in large reused buffers and can be read again (to locate an error); a stream (stdin) is read once,
 * its head kept aside while detection looks at it.
 */
import { open, stat } from 'node:fs/promises';
import { InputError } from '../input-error.js';
import { HEAD_BYTES } from './detect.js';
import { DEFAULT_CHUNK_SIZE, fileChunks } from './json-stream.js';

export interface ByteSource {
  origin: string;
  /** Up to {@link HEAD_BYTES} first bytes. */
  head: Buffer;
  /** The size in bytes when known (files). */
  size?: number;
  /** Every chunk from the first byte; a stream's can be taken once only. */
  chunks(): AsyncIterable<Buffer>;
  /** The chunks again, for sources that can be re-read. */
  reread?: () => AsyncIterable<Buffer>;
}

/** A file as a byte source; `origin` names it in errors (the path by default). */
export async function fileSource(path: string, origin = path, chunkSize?: number): Promise<ByteSource> {
  const { size } = await stat(path);
  const file = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  const chunks = (): AsyncIterable<Buffer> => fileChunks(path, chunkSize);
  return { origin, head, size, chunks, reread: chunks };
}

/**
 * The path that reopens stdin when it is redirected from a regular file (`< pods.json`), so that it
 * is read like any file: in large reads, and again to locate an error. Undefined for pipes and
 * terminals, and where there is no /dev/stdin.
 */
export async function stdinAsFile(): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  try {
    return (await stat('/dev/stdin')).isFile() ? '/dev/stdin' : undefined;
  } catch {
    return undefined;
  }
}

/** A readable stream (stdin) as a byte source: its first chunks are held until they are read. */
export async function streamSource(stream: NodeJS.ReadableStream, origin: string): Promise<ByteSource> {
  const iterator = stream[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let heldBytes = 0;
  let ended = false;
  while (heldBytes < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = toBuffer(next.value);
    held.push(chunk);
    heldBytes += chunk.length;
  }
  let taken = false;
  async function* raw(): AsyncGenerator<Buffer> {
    yield* held.splice(0);
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield toBuffer(next.value);
  }
  const head = Buffer.concat(held).subarray(0, HEAD_BYTES);
  const chunks = (): AsyncIterable<Buffer> => {
    if (taken) throw new InputError(origin, 'a stream can be read only once');
    taken = true;
    return coalesce(raw(), DEFAULT_CHUNK_SIZE);
  };
  return { origin, head, chunks };
}

/**
 * Gathers a stream's small chunks (64 KiB from a pipe) into chunks of `size` in one reused buffer:
 * every chunk boundary costs the JSON reader an item read the slow way. A chunk is valid until the
 * next one is asked for.
 */
export async function* coalesce(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const chunk of source) {
    let from = 0;
    while (from < chunk.length) {
      const copied = chunk.copy(buffer, filled, from);
      filled += copied;
      from += copied;
      if (filled === size) {
        yield buffer;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

function toBuffer(value: string | Buffer | Uint8Array): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Reads a whole source as one string, for readers that need it (YAML, describe text).
 * @param limit bytes above which the input is refused, with `advice` on what to do instead
 */
export async function readAllText(
  source: ByteSource, limit: number, advice: string, onProgress?: (bytesRead: number) => void,
): Promise<string> {
  const tooLarge = (size: number): InputError => new InputError(source.origin,
    `${(size / 2 ** 20).toFixed(0)} MiB is more than the ${(limit / 2 ** 20).toFixed(0)} MiB this format is read up to: ${advice}`);
  if (source.size !== undefined && source.size > limit) throw tooLarge(source.size);
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of source.chunks()) {
    bytes += chunk.length;
    if (bytes > limit) throw tooLarge(bytes);
    parts.push(Buffer.from(chunk)); // file chunks live in reused buffers
    onProgress?.(bytes);
  }
  try {
    return Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new InputError(source.origin, `cannot hold the input as text: ${advice}`, { cause: error });
  }
}
