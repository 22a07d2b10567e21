/**
 * What a container's process does, from its image entry and its command/args: the few commands
 * scenarios use (`sleep`, `sh -c 'exit N'`, `echo`, `stress --vm-bytes`) and the image's own default.
 */
import type { ImageEntry } from './catalog.js';

/** A process's behaviour once started. */
export interface Program {
  /** `serve`: runs until stopped; `exit`: ends by itself with `code` after `afterMs`. */
  run: { kind: 'serve' } | { kind: 'exit'; code: number; afterMs: number };
  /** Lines written to stdout/stderr at start (before any exit). */
  logs: string[];
  /** Memory the process grows to; over the container's limit it is OOM-killed. */
  memoryBytes: number;
  /** Memory added every second the process runs (a leak), on top of `memoryBytes`. */
  memoryGrowthBytesPerSecond: number;
  /** CPU the process would burn unthrottled, in millicores (the container's limit caps it). */
  cpuMillis: number;
  /** Ports it listens on and the paths it answers. */
  ports: readonly number[];
  httpPaths: readonly string[];
  startMs: number;
  exitsOnSigterm: boolean;
  /** Time to answer an HTTP request. */
  responseMs: number;
  /** Services it needs to answer (the image's `dependsOn`). */
  dependsOn: readonly string[];
  /** An executable the image lacks: the runtime cannot start the container. */
  missingExecutable?: string;
}

/** What an idle server and an idle command burn: a few millicores, as `kubectl top` shows for them. */
const IDLE_SERVER_MILLIS = 2;
const IDLE_TOOL_MILLIS = 1;

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Parses `300M`, `1G`, `512k` as stress's --vm-bytes reads them. */
function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmgtBKMGT]?)$/.exec(text);
  if (!m) return 256 * 1024 ** 2;
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? '').toUpperCase()] ?? 1));
}

/** Splits a shell script's text into words (single/double quotes honoured). */
function shellWords(script: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(script); m; m = re.exec(script)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

function base(entry: ImageEntry): Program {
  return {
    run: entry.defaultRun, logs: [...entry.startLogs], memoryBytes: entry.memoryBytes, ports: entry.ports,
    memoryGrowthBytesPerSecond: entry.memoryGrowthBytesPerSecond ?? 0,
    cpuMillis: entry.cpuMillis ?? (entry.defaultRun.kind === 'serve' ? IDLE_SERVER_MILLIS : IDLE_TOOL_MILLIS),
    httpPaths: entry.httpPaths, startMs: entry.startMs, exitsOnSigterm: entry.exitsOnSigterm, responseMs: entry.responseMs ?? 5,
    dependsOn: entry.dependsOn ?? [],
  };
}

/** A command that is not one of the modelled ones: a process that stays up, as a server would. */
function generic(entry: ImageEntry): Program {
  return { ...base(entry), run: { kind: 'serve' }, logs: [], ports: [], httpPaths: [], cpuMillis: entry.cpuMillis ?? IDLE_TOOL_MILLIS };
}

/** The program of `words` (after the shell, if any) in an image. */
function interpret(words: string[], entry: ImageEntry, viaShell: boolean): Program {
  const [cmd = '', ...rest] = words;
  const exe = cmd.split('/').pop() ?? cmd;
  if (!entry.binaries.includes(exe) && !(viaShell && exe === 'exit')) {
    if (viaShell) return { ...generic(entry), run: { kind: 'exit', code: 127, afterMs: 50 }, logs: [`sh: ${cmd}: not found`] };
    return { ...generic(entry), missingExecutable: cmd };
  }
  switch (exe) {
    case 'sleep': {
      const seconds = Number(rest[0]);
      if (rest[0] === 'infinity' || !Number.isFinite(seconds)) return { ...generic(entry), exitsOnSigterm: false };
      return { ...generic(entry), run: { kind: 'exit', code: 0, afterMs: seconds * 1000 }, exitsOnSigterm: false };
    }
    case 'exit':
      return { ...generic(entry), run: { kind: 'exit', code: Number(rest[0] ?? 0) & 255, afterMs: 50 } };
    case 'true': case 'false':
      return { ...generic(entry), run: { kind: 'exit', code: exe === 'true' ? 0 : 1, afterMs: 10 } };
    case 'echo':
      return { ...generic(entry), run: { kind: 'exit', code: 0, afterMs: 10 }, logs: [rest.join(' ')] };
    case 'stress':
      return stress(rest, entry);
    case 'sh': case 'ash': case 'bash': {
      const c = rest.indexOf('-c');
      if (c < 0 || rest[c + 1] === undefined) return generic(entry);
      return script(rest[c + 1]!, entry);
    }
    default:
      return generic(entry);
  }
}

/** A shell script: its statements run in order; the first that ends the process decides. */
function script(text: string, entry: ImageEntry): Program {
  const logs: string[] = [];
  let elapsedMs = 0;
  for (const statement of text.split(/;|&&|\n/).map((s) => s.trim()).filter((s) => s !== '')) {
    const p = interpret(shellWords(statement), entry, true);
    logs.push(...p.logs);
    if (p.run.kind === 'serve' || p.memoryBytes > entry.memoryBytes) return { ...p, logs };
    elapsedMs += p.run.afterMs;
    if (statement.startsWith('exit') || p.run.code !== 0) return { ...p, run: { ...p.run, afterMs: elapsedMs }, logs };
  }
  return { ...generic(entry), run: { kind: 'exit', code: 0, afterMs: elapsedMs + 10 }, logs };
}

/** The count after a stress option (`--cpu 2`, `-c 2`), or 0 when the option is absent. */
function hogCount(args: string[], long: string, short: string): number {
  const at = args.findIndex((a) => a === long || a === short);
  return at < 0 ? 0 : Math.max(0, Math.floor(Number(args[at + 1] ?? 1) || 1));
}

/**
 * `stress --cpu N --vm M --vm-bytes SIZE`: N workers spinning on a core each, M workers allocating
 * and touching SIZE each, forever.
 */
function stress(args: string[], entry: ImageEntry): Program {
  const cpuWorkers = hogCount(args, '--cpu', '-c');
  const bytesArg = args.indexOf('--vm-bytes');
  // --vm-bytes alone still starts the one vm worker scenarios mean by it.
  const vmWorkers = hogCount(args, '--vm', '-m') || (bytesArg >= 0 ? 1 : 0);
  const bytes = bytesArg >= 0 ? parseBytes(args[bytesArg + 1] ?? '') : 256 * 1024 ** 2;
  const idle = entry.cpuMillis ?? IDLE_TOOL_MILLIS;
  return {
    ...generic(entry), exitsOnSigterm: true, memoryBytes: entry.memoryBytes + vmWorkers * bytes,
    cpuMillis: idle + cpuWorkers * 1000 + vmWorkers * 1000,
    logs: [`stress: info: [1] dispatching hogs: ${cpuWorkers} cpu, 0 io, ${vmWorkers} vm, 0 hdd`],
  };
}

/** The program a container runs: command (entrypoint override) then args, else the image default. */
export function programOf(entry: ImageEntry, command: readonly string[] | undefined, args: readonly string[] | undefined): Program {
  const words = [...(command ?? []), ...(args ?? [])];
  if (command === undefined || command.length === 0) {
    // Args alone go to the image's entrypoint: model them as the default process.
    if (words.length === 0 || entry.defaultRun.kind === 'serve') return base(entry);
    return interpret(words, entry, false);
  }
  return interpret(words, entry, false);
}
