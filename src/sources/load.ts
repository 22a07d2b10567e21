/**
 * The offline entry: turns the inputs a user names (files, `kubectl cluster-info dump` folders, `-`
 * for stdin) and the container logs given beside them into one {@link ClusterSnapshot}.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SnapshotBuilder, type ClusterSnapshot } from '../cluster/snapshot.js';
import { parseDescribe } from './describe/parse.js';
import { InputError } from './input-error.js';
import { fileSource, readAllText, stdinAsFile, streamSource, type ByteSource } from './files/byte-source.js';
import { assertReadableText, detectFormat, type InputFormat } from './files/detect.js';
import { readDumpFolder } from './files/dump.js';
import { readJsonStream } from './files/json-stream.js';
import { assertLogFileExists, parseLogSpec, readLogSpec, type LogSpec } from './files/log-spec.js';
import { YAML_MAX_BYTES, YAML_TOO_LARGE_ADVICE, readYamlObjects } from './files/yaml.js';

/** How far the reading of one input has got. */
export interface LoadProgress {
  origin: string;
  bytesRead: number;
  /** Known for files, not for stdin. */
  totalBytes?: number;
}

export interface LoadOptions {
  /** Skip detection: read every file input in this format (dump folders keep their own). */
  format?: InputFormat;
  /** `[NAMESPACE/]POD[/CONTAINER]=FILE`: the text of `kubectl logs`. */
  logs?: string[];
  /** The same, for `kubectl logs --previous`. */
  previousLogs?: string[];
  /** What `-` reads; process.stdin by default. */
  stdin?: NodeJS.ReadableStream;
  /** ISO time the state was captured, when the inputs do not tell. */
  capturedAt?: string;
  onProgress?: (progress: LoadProgress) => void;
}

/** Pasted describe text is small; this bounds a mistaken multi-gigabyte file. */
const DESCRIBE_MAX_BYTES = 64 * 1024 * 1024;
const STDIN = '-';

/**
 * Reads every input into one snapshot; formats are detected from content unless `format` is given.
 * @throws InputError naming the input (and position) at fault
 * @example
 * const snapshot = await loadInputs(['pods.json', './dump'], { logs: ['shop/web-1=web-1.log'] });
 */
export async function loadInputs(inputs: string[], options: LoadOptions = {}): Promise<ClusterSnapshot> {
  if (inputs.length === 0) throw new InputError(STDIN, 'no input: name files, dump folders, or - for stdin');
  if (inputs.filter((input) => input === STDIN).length > 1) throw new InputError(STDIN, 'stdin (-) can be read only once');
  const logSpecs = (options.logs ?? []).map(parseLogSpec);
  const previousLogSpecs = (options.previousLogs ?? []).map(parseLogSpec);
  // Checked before any input is read: a typo should not cost reading a gigabyte first.
  for (const spec of [...logSpecs, ...previousLogSpecs]) await assertLogFileExists(spec);

  // Offline inputs can be millions of objects: keep only what diagnosis reads (ADR 0012).
  const builder = new SnapshotBuilder({ dropUnread: true });
  if (options.capturedAt !== undefined) builder.setCapturedAt(checkedTime(options.capturedAt));
  for (const input of inputs) {
    await loadInput(input, options, builder);
    builder.addOrigin(input);
  }
  await addLogs(builder, logSpecs, false);
  await addLogs(builder, previousLogSpecs, true);
  return builder.build();
}

function checkedTime(iso: string): string {
  if (Number.isNaN(Date.parse(iso))) throw new InputError('capturedAt', `"${iso}" is not an ISO 8601 time (e.g. 2024-05-14T09:00:00Z)`);
  return new Date(iso).toISOString();
}

async function loadInput(input: string, options: LoadOptions, builder: SnapshotBuilder): Promise<void> {
  if (input === STDIN) {
    const redirectedFile = options.stdin ? undefined : await stdinAsFile();
    const source = redirectedFile ? await fileSource(redirectedFile, STDIN) : await streamSource(options.stdin ?? process.stdin, STDIN);
    await loadSource(source, options, builder);
    return;
  }
  const kind = await kindOf(input);
  if (kind === 'folder') {
    await readDumpFolder(input, { object: (obj) => builder.add(obj), log: (log) => builder.addLog(log) },
      options.onProgress ? { onProgress: options.onProgress } : {});
    return;
  }
  // A pipe (`<(kubectl get pods -o json)`) has no size and cannot be read twice: read it as a stream.
  const source = kind === 'file' ? await fileSource(input) : await streamSource(createReadStream(input), input);
  await loadSource(source, options, builder);
}

async function kindOf(path: string): Promise<'file' | 'pipe' | 'folder'> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return 'folder';
    if (info.isFile()) return 'file';
    if (info.isFIFO() || info.isCharacterDevice() || info.isSocket()) return 'pipe';
    throw new InputError(path, 'not a file or folder');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'no such file or folder' : `cannot read it (${String(code ?? error)})`;
    throw new InputError(path, reason, { cause: error });
  }
}

async function loadSource(source: ByteSource, options: LoadOptions, builder: SnapshotBuilder): Promise<void> {
  const format = options.format ?? detectFormat(source.head, source.origin);
  if (options.format) assertReadableText(source.head, source.origin);
  const progress = (bytesRead: number): void => {
    if (!options.onProgress) return;
    options.onProgress(source.size === undefined
      ? { origin: source.origin, bytesRead }
      : { origin: source.origin, bytesRead, totalBytes: source.size });
  };
  switch (format) {
    case 'json':
      await readJsonStream(source.chunks(), source.origin, { object: (obj) => builder.add(obj), log: (log) => builder.addLog(log) },
        source.reread ? { onProgress: progress, reread: source.reread } : { onProgress: progress });
      return;
    case 'yaml':
      readYamlObjects(await readAllText(source, YAML_MAX_BYTES, YAML_TOO_LARGE_ADVICE, progress), source.origin, (obj) => builder.add(obj));
      return;
    case 'describe': {
      const text = await readAllText(source, DESCRIBE_MAX_BYTES, 'describe text this large is not what kubectl describe prints', progress);
      for (const obj of parseDescribe(text, source.origin)) builder.add(obj);
      return;
    }
  }
}

async function addLogs(builder: SnapshotBuilder, specs: LogSpec[], previous: boolean): Promise<void> {
  for (const spec of specs) builder.addLog(await readLogSpec(spec, previous));
}
