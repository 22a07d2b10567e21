/**
 * Classifying container log lines (and termination messages) into the root causes a crash names:
 * a missing setting or file, an unreachable dependency, a refused permission, an unrunnable command,
 * or an application error. Log text is untrusted: it is only matched here, never interpreted, and the
 * lines it returns are quoted through the evidence helpers (which redact and bound them).
 */

/** What a log line can say about why a process exited. */
export type LogCause = 'bad-command' | 'missing-config' | 'permission-denied' | 'dependency-unreachable' | 'application-error';

/** A line that names a cause, with the dependency it points at when it names one (`db.shop:5432`). */
export interface LogMatch {
  cause: LogCause;
  line: string;
  /** 0-based index of the line in the text. */
  index: number;
  /** host[:port] of the dependency, for `dependency-unreachable`. */
  target?: string;
}

/** Per-line rules, first match wins: the specific forms come before the generic ones they contain. */
const LINE_RULES: readonly [LogCause, RegExp][] = [
  // The runtime could not start the entrypoint, or a shell could not find the command (exit 127/126).
  ['bad-command', /executable file not found in \$PATH|exec format error|exec: "[^"]*": (?:stat [^:]+: )?(?:no such file or directory|permission denied)/],
  ['bad-command', /^exec \S+: (?:no such file or directory|permission denied)$/],
  ['bad-command', /^(?:\/bin\/)?(?:ba|da|z)?sh: (?:line )?\d*:? ?\S+: (?:command )?not found$|: command not found$/],
  // A unix socket that is not there is a dependency that is not running, not a missing file.
  ['dependency-unreachable', /dial unix \S+: connect: (?:no such file or directory|connection refused)/],
  ['missing-config', /environment variable\s+["'`]?\w+["'`]?\s+(?:is\s+)?(?:not set|not defined|missing|required|undefined|empty)|(?:missing|required) (?:required )?(?:env(?:ironment)? var(?:iable)?|config(?:uration)?(?: file| key| value)?)\b|required key \S+ missing value|\bis required but (?:was )?not (?:set|provided)/i],
  ['missing-config', /config(?:uration)? (?:file )?(?:\S+ )?(?:not found|does not exist|is missing)|(?:could not|cannot|can't|unable to|failed to) (?:load|read|find|open|locate) (?:the )?(?:config|configuration|settings)\b/i],
  ['missing-config', /^KeyError: ['"]?[A-Z][A-Z0-9_]{2,}['"]?$|FileNotFoundError|java\.io\.FileNotFoundException|ENOENT|no such file or directory/],
  ['permission-denied', /permission denied|\bEACCES\b|\bEPERM\b|read-only file system|operation not permitted|password authentication failed|Access denied for user|AccessDeniedException/i],
  ['dependency-unreachable', /ECONNREFUSED|connection refused|i\/o timeout|no such host|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|could not connect to server|could not translate host name|Connection timed out|Name or service not known|Temporary failure in name resolution|Can't connect to (?:MySQL|local MySQL) server|UnknownHostException|java\.net\.ConnectException|no route to host|network is unreachable|(?:failed|unable) to connect to|Could not connect to Redis|server selection timeout|Connection reset by peer/i],
  ['application-error', /^panic: |^fatal error: |goroutine \d+ \[running\]|Traceback \(most recent call last\)|Exception in thread "|Unhandled exception|UnhandledPromiseRejection|Uncaught \w*(?:Error|Exception)|Segmentation fault|SIGSEGV|core dumped|OutOfMemoryError|\bFATAL\b|^(?:[\w$]+\.)*\w*(?:Error|Exception)(?::|$)/],
];

/**
 * When several causes appear in one log, the more specific wins: a traceback that ends in a missing
 * setting is a missing setting, a stack trace thrown by a refused connection is a dependency problem.
 */
const PRIORITY: readonly LogCause[] = ['bad-command', 'missing-config', 'permission-denied', 'dependency-unreachable', 'application-error'];

/** Lines logged at debug/info/warn level report, they rarely explain an exit. */
const LOW_LEVEL = /\b(?:level|lvl|severity)["']?\s*[=:]\s*["']?(?:debug|info|warn|warning|trace)\b|^\S*\s*\[?(?:DEBUG|INFO|WARN|WARNING|TRACE)\]?[\s:]|^\S+\s+\S+\s+(?:DEBUG|INFO|WARN|WARNING|TRACE)\b|^[IWD]\d{4} /;

/** Longest line examined: longer lines are floods or binary, and regexes on them cost too much. */
const MAX_LINE = 2000;

/** The cause a single line names, if any. */
export function classifyLine(line: string): LogCause | undefined {
  if (line.length > MAX_LINE) return undefined;
  const text = line.trim();
  for (const [cause, pattern] of LINE_RULES) if (pattern.test(text)) return cause;
  return undefined;
}

/**
 * The line that best explains why the process exited: the most specific cause (see PRIORITY), from
 * lines not logged at a low level when there are any, and the last such line (nearest the exit).
 * @example classifyLog('connecting\nError: connect ECONNREFUSED 10.96.4.20:5432\n')
 *   // { cause: 'dependency-unreachable', line: 'Error: connect ECONNREFUSED 10.96.4.20:5432', index: 1, target: '10.96.4.20:5432' }
 */
export function classifyLog(text: string): LogMatch | undefined {
  const matches = allMatches(text);
  if (!matches.length) return undefined;
  const decisive = matches.filter((m) => !LOW_LEVEL.test(m.line));
  const pool = decisive.length ? decisive : matches;
  for (const cause of PRIORITY) {
    const ofCause = pool.filter((m) => m.cause === cause);
    if (!ofCause.length) continue;
    const best = cause === 'application-error' ? bestApplicationLine(ofCause) : lastInformative(ofCause);
    const target = cause === 'dependency-unreachable' ? dependencyTarget(best.line) : undefined;
    return target ? { ...best, target } : best;
  }
  return undefined;
}

function allMatches(text: string): LogMatch[] {
  const out: LogMatch[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const cause = classifyLine(line);
    if (cause) out.push({ cause, line: line.trim(), index });
  });
  return out;
}

/**
 * The last line that reads as a message (four words or more) rather than a field of an error object
 * (`code: 'EACCES',`): Node prints the message first and its fields after, Java its root cause last.
 */
function lastInformative(lines: LogMatch[]): LogMatch {
  const informative = lines.filter((m) => m.line.split(/\s+/).length >= 4);
  return informative[informative.length - 1] ?? lines[lines.length - 1]!;
}

/**
 * Of the lines of a crash, the one that names the error: a Python traceback's last line, a Go
 * `panic:` line, a Java `Exception in thread` line, rather than the `Traceback (most recent call last)`
 * header or a `goroutine 1 [running]` frame.
 */
function bestApplicationLine(lines: LogMatch[]): LogMatch {
  const named = lines.filter((m) => /^panic: |^fatal error: |Exception in thread "|(?:Error|Exception)(?::|$)|\bFATAL\b|Segmentation fault|Unhandled exception/.test(m.line)
    && !/^Traceback|goroutine \d+ \[/.test(m.line));
  return named[named.length - 1] ?? lines[lines.length - 1]!;
}

const TARGET_PATTERNS: readonly RegExp[] = [
  /dial tcp ([\w.-]+:\d+)/,
  /dial tcp: lookup ([\w.-]+)/,
  /lookup ([\w.-]+)(?: on [\w.:[\]-]+)?: no such host/,
  /(?:ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH) ([\w.-]+:\d+)/,
  /(?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)/,
  /could not translate host name "([\w.-]+)"/,
  /connection to server at "([\w.-]+)"(?: \([\d.]+\))?, port (\d+)/,
  /server at "?([\w.-]+)"? \(?[\d.]*\)?,? (?:and accepting TCP\/IP connections on )?port (\d+)/,
  /Can't connect to MySQL server on '([\w.-]+)'/,
  /(?:connect to|connecting to|connection to) (?:redis |postgres |mysql |mongodb |amqp )?(?:[a-z+]+:\/\/)?(?:[^@\s]+@)?([\w.-]+:\d+)/i,
];

/** The host[:port] a connection error names, when it names one. */
export function dependencyTarget(line: string): string | undefined {
  for (const pattern of TARGET_PATTERNS) {
    const m = pattern.exec(line);
    if (m?.[1]) return m[2] ? `${m[1]}:${m[2]}` : m[1];
  }
  return undefined;
}

/** A memory figure a process logged about its heap, in bytes, in the order logged. */
const HEAP_FIGURE = /\b(?:heap|rss|memory|mem)(?:[ _-]?(?:used|usage|alloc|in[ _-]?use|size))?["']?\s*[=:]?\s*["']?(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB|KB|MB|GB|Ki|Mi|Gi|K|M|G|kB)\b/i;

const UNIT: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/**
 * Whether a log shows a heap that only grows: at least four figures, each no smaller than the one
 * before, the last at least 1.5 times the first. Returns the first and last lines when it does.
 */
export function heapGrowth(text: string): { first: string; last: string; from: number; to: number } | undefined {
  const samples: { line: string; bytes: number }[] = [];
  for (const raw of text.split('\n')) {
    if (raw.length > MAX_LINE) continue;
    const m = HEAP_FIGURE.exec(raw);
    if (!m) continue;
    const scale = UNIT[m[2]!.charAt(0).toLowerCase()] ?? 1;
    samples.push({ line: raw.trim(), bytes: Number(m[1]) * scale });
  }
  if (samples.length < 4) return undefined;
  for (let i = 1; i < samples.length; i++) if (samples[i]!.bytes < samples[i - 1]!.bytes) return undefined;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  if (last.bytes < first.bytes * 1.5) return undefined;
  return { first: first.line, last: last.line, from: first.bytes, to: last.bytes };
}

/** A name read from the input, as a literal inside a pattern: `app.v2` matches only itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
