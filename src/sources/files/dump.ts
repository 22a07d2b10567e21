/**
 * Reads a `kubectl cluster-info dump --output-directory` folder (layout in ./dump-format.ts): every
 * List file through the JSON (or YAML) reader, every `<ns>/<pod>/logs.txt` as the current logs of
 * that pod's containers.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { KubeObject } from '../../cluster/objects.js';
import type { ContainerLog } from '../../cluster/snapshot.js';
import { InputError } from '../input-error.js';
import { DUMP_LOG_FILE, DUMP_NODES_FILES, DUMP_PODS_FILES } from './dump-format.js';
import { readJsonFile } from './json-stream.js';
import { YAML_MAX_BYTES, YAML_TOO_LARGE_ADVICE, readYamlObjects } from './yaml.js';

export interface DumpHandlers {
  object(obj: KubeObject): void;
  log(log: ContainerLog): void;
}

export interface DumpReadOptions {
  /** Called as each file is read, with that file's path and size. */
  onProgress?: (progress: { origin: string; bytesRead: number; totalBytes: number }) => void;
}

/** What a dump folder held. */
export interface DumpSummary {
  files: number;
  objects: number;
  logs: number;
}

interface FolderEntries {
  files: string[];
  folders: string[];
}

async function entriesOf(folder: string): Promise<FolderEntries> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = (wanted: (e: (typeof entries)[number]) => boolean): string[] => entries.filter(wanted).map((e) => e.name).sort();
  return { files: names((e) => e.isFile()), folders: names((e) => e.isDirectory()) };
}

const LIST_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

/**
 * True when a folder has the dump's landmarks: `nodes.json` or a `<namespace>/pods.json`.
 * @example await isDumpFolder('./cluster-state') // true
 */
export async function isDumpFolder(folder: string): Promise<boolean> {
  const top = await entriesOf(folder);
  if (top.files.some((name) => DUMP_NODES_FILES.includes(name))) return true;
  for (const namespace of top.folders) {
    const inside = await entriesOf(join(folder, namespace));
    if (inside.files.some((name) => DUMP_PODS_FILES.includes(name))) return true;
  }
  return false;
}

/**
 * Reads every object and container log of a dump folder.
 * @throws InputError when the folder is not a dump, or for any file that cannot be read
 * @example await readDumpFolder('./cluster-state', { object: (o) => builder.add(o), log: (l) => builder.addLog(l) })
 */
export async function readDumpFolder(folder: string, handlers: DumpHandlers, options: DumpReadOptions = {}): Promise<DumpSummary> {
  if (!(await isDumpFolder(folder))) {
    throw new InputError(folder, 'not a kubectl cluster-info dump folder (no nodes.json or <namespace>/pods.json found)');
  }
  const summary: DumpSummary = { files: 0, objects: 0, logs: 0 };
  const counting: DumpHandlers = {
    object: (obj) => { summary.objects++; handlers.object(obj); },
    log: (log) => { summary.logs++; handlers.log(log); },
  };
  const top = await entriesOf(folder);
  await readListFiles(folder, top.files, counting, options, summary);
  for (const namespace of top.folders) {
    const namespaceFolder = join(folder, namespace);
    const inside = await entriesOf(namespaceFolder);
    await readListFiles(namespaceFolder, inside.files, counting, options, summary);
    for (const pod of inside.folders) {
      const logFile = join(namespaceFolder, pod, DUMP_LOG_FILE);
      if (await isFile(logFile)) {
        await readLogFile(logFile, counting, options);
        summary.files++;
      }
    }
  }
  return summary;
}

async function readListFiles(
  folder: string, names: string[], handlers: DumpHandlers, options: DumpReadOptions, summary: DumpSummary,
): Promise<void> {
  for (const name of names) {
    const extension = extname(name);
    if (!LIST_EXTENSIONS.has(extension)) continue;
    const path = join(folder, name);
    const { size } = await stat(path);
    const progress = (bytesRead: number): void => options.onProgress?.({ origin: path, bytesRead, totalBytes: size });
    if (extension === '.json') {
      await readJsonFile(path, { object: handlers.object, log: handlers.log }, { onProgress: progress });
    } else {
      if (size > YAML_MAX_BYTES) throw new InputError(path, `too large to read as YAML: ${YAML_TOO_LARGE_ADVICE}`);
      readYamlObjects(await readFile(path, 'utf8'), path, handlers.object);
      progress(size);
    }
    summary.files++;
  }
}

/** `logs.txt` holds only START/END blocks, which the JSON reader reads between top-level values. */
async function readLogFile(path: string, handlers: DumpHandlers, options: DumpReadOptions): Promise<void> {
  const { size } = await stat(path);
  await readJsonFile(path, { object: handlers.object, log: handlers.log }, {
    onProgress: (bytesRead) => options.onProgress?.({ origin: path, bytesRead, totalBytes: size }),
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
