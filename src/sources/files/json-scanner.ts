/**
 * Splits a JSON byte stream into its top-level values and list items without ever holding the
 * stream as one string: a `kubectl get pods -A -o json` of a large cluster is bigger than V8's
 * longest string. Only the bytes of one item (or of a top-level object minus its `items`) are
 * decoded at a time, and parsing is left to the caller's native `JSON.parse`, so the scanner has to
 * be much faster than parsing. Two ways to find where an item ends:
 *
 * - the guess: pretty-printed lists (kubectl indents every item the same) close an item with a line
 *   holding only its indentation and `}`; in compact lists (the raw API) an item ends where `},` and
 *   the keys the previous two items began with come next. One native `indexOf` finds the candidate
 *   end and the caller's `JSON.parse` validates it: text that starts at the item's `{` and parses as
 *   one value ends exactly at the item's end, so a guess is either proven or rejected, never wrong.
 *   A rejected guess (a parse error, odd formatting, a new kind) falls back to the exact scan; after
 *   a few, guessing stops for that list;
 * - the exact scan: a byte loop that tracks depth, strings and escapes, jumping over string bodies
 *   with `indexOf`. It reads everything outside items, items split across chunks, and the rest.
 *
 * Line numbers cost a pass over every byte, which the guess avoids; when lines are not tracked
 * (`trackLines: false`), positions carry the byte offset only and errors are
 * {@link UnlocatedInputError}s that a re-readable source turns into line and column afterwards.
 *
 * The stdout form of `kubectl cluster-info dump` interleaves its Lists with log blocks; those are
 * read here too, at the top level, because only the scanner knows where a JSON value ends.
 */
import { InputError } from '../input-error.js';
import { logEndMarker, parseLogStart, type DumpLogHeader } from './dump-format.js';

/** A place in the input: byte offset from 0, line and (byte) column from 1, or 0 when not known yet. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

/** @example formatPosition({ offset: 1024, line: 40, column: 3 }) // 'line 40, column 3, byte 1024' */
export function formatPosition(at: TextPosition): string {
  return at.line > 0 ? `line ${at.line}, column ${at.column}, byte ${at.offset}` : `byte ${at.offset}`;
}

/** Writes an error's detail, given how to print each of its positions. */
export type DetailComposer = (where: (at: TextPosition) => string) => string;

/**
 * An input error whose positions are known by byte offset only (lines were not tracked). Its
 * message is complete with offsets; {@link locateError} rewrites it with lines and columns.
 */
export class UnlocatedInputError extends InputError {
  constructor(origin: string, readonly positions: TextPosition[], readonly compose: DetailComposer) {
    super(origin, compose(formatPosition));
  }
}

/** An InputError naming the given positions, or an {@link UnlocatedInputError} when a line is unknown. */
export function positionedError(origin: string, positions: TextPosition[], compose: DetailComposer): InputError {
  return positions.every((at) => at.line > 0)
    ? new InputError(origin, compose(formatPosition))
    : new UnlocatedInputError(origin, positions, compose);
}

/**
 * Re-reads the input from its start to put lines and columns on an error's positions (on the error
 * path only, so the normal read never counts lines).
 */
export async function locateError(error: UnlocatedInputError, source: AsyncIterable<Buffer>): Promise<InputError> {
  const offsets = [...new Set(error.positions.map((at) => at.offset))].sort((a, b) => a - b);
  const found = new Map<number, TextPosition>();
  let line = 1;
  let lineStart = 0;
  let base = 0;
  let next = 0;
  for await (const chunk of source) {
    const end = base + chunk.length;
    let from = 0;
    while (next < offsets.length && (offsets[next] as number) < end) {
      const target = (offsets[next] as number) - base;
      for (let k = chunk.indexOf(LF, from); k !== -1 && k < target; k = chunk.indexOf(LF, k + 1)) {
        line++;
        lineStart = base + k + 1;
        from = k + 1;
      }
      const offset = base + target;
      found.set(offset, { offset, line, column: offset - lineStart + 1 });
      next++;
    }
    for (let k = chunk.indexOf(LF, from); k !== -1; k = chunk.indexOf(LF, k + 1)) {
      line++;
      lineStart = base + k + 1;
    }
    base = end;
    if (next >= offsets.length) break;
  }
  return new InputError(error.origin, error.compose((at) => formatPosition(found.get(at.offset) ?? at)), { cause: error });
}

/** Receives what the scanner finds, in input order. */
export interface ScanSink {
  /**
   * One element of a list: the UTF-8 text of an object, `index` its place (`.items[index]`). When
   * `guessed`, the text's end is a guess: return false, having used nothing, when the text is not
   * exactly one JSON value, and the scanner finds the exact end instead.
   */
  item(text: string, index: number, at: TextPosition, guessed: boolean): boolean;
  /**
   * A list's items begin. `head` is the top-level object's text up to and including the `[` of its
   * `items` (for its kind and apiVersion when they come first), or null for a top-level array.
   */
  listOpened(head: string | null): void;
  /** A whole top-level object; when `isList`, its `items` array is given empty (`[]`). */
  topLevel(text: string, at: TextPosition, isList: boolean): void;
  /** A `kubectl cluster-info dump` log block met between top-level values. */
  logBlock(header: DumpLogHeader, text: string, at: TextPosition): void;
}

const enum Mode { Top, Shell, Between, Item, LogHeader, LogText }

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const EQUALS = 0x3d;

/** Byte classes for the item loop: one table load decides the common (plain) case. */
const PLAIN = 0;
const C_QUOTE = 1;
const C_OPEN = 2;
const C_CLOSE = 3;
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[QUOTE] = C_QUOTE;
BYTE_CLASS[LBRACE] = C_OPEN;
BYTE_CLASS[LBRACKET] = C_OPEN;
BYTE_CLASS[RBRACE] = C_CLOSE;
BYTE_CLASS[RBRACKET] = C_CLOSE;
BYTE_CLASS[LF] = 4;

/** How many first bytes of compact items are compared to guess how the next one begins. */
const HEAD_GUESS_BYTES = 64;
/** Rejected guesses after which a list is read by the exact scan only. */
const MAX_GUESS_FAILURES = 4;
/**
 * Of a dumped log only the end is kept (a snapshot keeps its last lines): at most this many last
 * bytes, from a whole line, and never more than twice this in memory while reading.
 */
export const LOG_KEEP_BYTES = 8 * 1024 * 1024;
/** A dump header line longer than this is not one. */
const MAX_HEADER_BYTES = 4096;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/**
 * The length of the common beginning of two items, cut after its last `:`, `{` or `[` outside a
 * string: keys and nesting, not values that differ from item to item.
 */
function sharedKeysLength(a: Buffer, b: Buffer): number {
  const common = Math.min(a.length, b.length);
  let cut = 0;
  let inString = false;
  for (let k = 0; k < common && a[k] === b[k]; k++) {
    const c = a[k];
    if (inString) {
      if (c === BACKSLASH) k++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === COLON || c === LBRACE || c === LBRACKET) {
      cut = k + 1;
    }
  }
  return cut;
}

/** Kept bytes are copied: callers may reuse their read buffers. */
function copyOf(buf: Buffer, from: number, to: number): Buffer {
  return Buffer.from(buf.subarray(from, to));
}

function describeByte(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * The byte scanner. Feed it chunks of any size with {@link JsonItemScanner.push}, then call
 * {@link JsonItemScanner.end}; errors are {@link InputError}s with the byte offset, line and column.
 * @example
 * const scanner = new JsonItemScanner('pods.json', sink);
 * for await (const chunk of fs.createReadStream('pods.json')) scanner.push(chunk);
 * scanner.end();
 */
export class JsonItemScanner {
  private mode = Mode.Top;
  /** Absolute offset of the current chunk's first byte. */
  private base = 0;
  private line = 1;
  /** Absolute offset of the first byte of the current line. */
  private lineStart = 0;

  // Inside an item.
  private itemDepth = 0;
  private itemIndex = 0;
  private itemStart: TextPosition = { offset: 0, line: 1, column: 1 };
  private itemParts: Buffer[] = [];
  private inString = false;
  /** Parity of the backslash run that ended the previous chunk inside a string. */
  private escapeCarry = 0;
  private stringStart: TextPosition = { offset: 0, line: 1, column: 1 };

  // Guessing item ends.
  private guessing = false;
  private guessFailures = 0;
  /** The first bytes of the previous item of a compact list. */
  private previousHead: Buffer | undefined;
  private guessPattern: Buffer = Buffer.alloc(0);
  /** Bytes of the pattern that belong to the item (all for `\n<indent>}`, 1 for `},{"key":`). */
  private guessKeep = 0;
  private guessPretty = false;
  /** The last guess found no end in its chunk: if the item then ends in that chunk, the guess is wrong. */
  private guessMissed = false;
  /** False once a guessed item was skipped without counting its lines. */
  private linesExact = true;

  // Between items.
  private expectComma = false;
  private afterComma = false;
  private topLevelArray = false;
  private listStart: TextPosition = { offset: 0, line: 1, column: 1 };

  // A top-level object outside its items (the "shell"): read byte by byte, it is small.
  private shellParts: Buffer[] = [];
  private shellSegmentStart = 0;
  private shellStart: TextPosition = { offset: 0, line: 1, column: 1 };
  private shellOpen: TextPosition[] = [];
  private shellInString = false;
  private shellEscape = false;
  private shellHasItems = false;
  private keyText = '';
  private lastString = '';
  private itemsValueNext = false;

  // A dump log block.
  private logStart: TextPosition = { offset: 0, line: 1, column: 1 };
  private headerParts: Buffer[] = [];
  private headerBytes = 0;
  private logHeader: DumpLogHeader = { namespace: '', pod: '', container: '' };
  private endMarker: Buffer = Buffer.alloc(0);
  private logParts: Buffer[] = [];
  private logBytes = 0;
  private logCut = false;
  private logTail: Buffer = Buffer.alloc(0);
  /** Absolute offset of the first kept byte of the log text. */
  private logTextStart = 0;

  /**
   * @param origin names the input in errors (a path or `-`)
   * @param options.trackLines count lines everywhere (default), or only until the first guessed
   *   item, leaving errors to be located afterwards by {@link locateError} (for files)
   */
  constructor(private readonly origin: string, private readonly sink: ScanSink, private readonly options: { trackLines?: boolean } = {}) {}

  /** Scans the next chunk. What the scanner keeps of it is copied, so the caller may reuse the buffer. */
  push(chunk: Buffer): void {
    const len = chunk.length;
    let i = 0;
    this.shellSegmentStart = 0;
    while (i < len) {
      switch (this.mode) {
        case Mode.Item: i = this.scanItem(chunk, i); break;
        case Mode.Between: i = this.scanBetween(chunk, i); break;
        case Mode.Shell: i = this.scanShell(chunk, i); break;
        case Mode.Top: i = this.scanTop(chunk, i); break;
        case Mode.LogHeader: i = this.scanLogHeader(chunk, i); break;
        case Mode.LogText: i = this.scanLogText(chunk, i); break;
      }
    }
    // Keep the unfinished value's bytes of this chunk for when it ends.
    if (this.mode === Mode.Item) this.itemParts.push(copyOf(chunk, Math.max(0, this.itemStart.offset - this.base), len));
    else if (this.mode === Mode.Shell) this.shellParts.push(copyOf(chunk, this.shellSegmentStart, len));
    this.base += len;
  }

  /** Declares the input complete: throws when it ends inside a value. */
  end(): void {
    if (this.mode === Mode.Top) return;
    if (this.mode === Mode.LogHeader) throw this.unexpectedText(Buffer.concat(this.headerParts).toString('utf8'));
    throw this.truncated();
  }

  private fail(positions: TextPosition[], compose: DetailComposer): InputError {
    return positionedError(this.origin, positions, compose);
  }

  private truncated(): InputError {
    switch (this.mode) {
      case Mode.Item: {
        const item = this.itemStart;
        return this.inString
          ? this.fail([this.stringStart, item], (at) => `truncated input: input ends inside a string opened at ${at(this.stringStart)}, in item ${this.itemIndex} (an object opened at ${at(item)})`)
          : this.fail([item], (at) => `truncated input: input ends inside item ${this.itemIndex}, an object opened at ${at(item)}`);
      }
      case Mode.Between: {
        const list = this.listStart;
        return this.fail([list], (at) => `truncated input: input ends inside the list opened at ${at(list)}, after ${this.itemIndex} items`);
      }
      case Mode.Shell: {
        if (this.shellInString) {
          const string = this.stringStart;
          return this.fail([string], (at) => `truncated input: input ends inside a string opened at ${at(string)}`);
        }
        const innermost = this.shellOpen[this.shellOpen.length - 1] ?? this.shellStart;
        return this.fail([innermost], (at) => `truncated input: input ends inside an object or array opened at ${at(innermost)}`);
      }
      default: {
        const { container, namespace, pod } = this.logHeader;
        const start = this.logStart;
        return this.fail([start], (at) => `truncated input: input ends inside the log of container ${container} of pod ${namespace}/${pod} opened at ${at(start)}`);
      }
    }
  }

  private positionOf(chunkIndex: number): TextPosition {
    const offset = this.base + chunkIndex;
    if (!this.linesExact) return { offset, line: 0, column: 0 };
    return { offset, line: this.line, column: offset - this.lineStart + 1 };
  }

  /** The hot loop: finds the end of one item. Returns where it stopped in the chunk. */
  private scanItem(buf: Buffer, from: number): number {
    const len = buf.length;
    let i = from;
    if (this.inString) {
      i = this.continueString(buf);
      if (this.inString) return len;
    }
    let depth = this.itemDepth;
    let line = this.line;
    let lineStart = this.lineStart;
    const base = this.base;
    for (; i < len; i++) {
      const cls = BYTE_CLASS[buf[i] as number] as number;
      if (cls === PLAIN) continue;
      if (cls === C_QUOTE) {
        let j = buf.indexOf(QUOTE, i + 1);
        // A quote preceded by an odd run of backslashes is escaped; the run stops at the opening quote.
        while (j !== -1 && buf[j - 1] === BACKSLASH) {
          let b = j - 2;
          while (buf[b] === BACKSLASH) b--;
          if (((j - 1 - b) & 1) === 0) break;
          j = buf.indexOf(QUOTE, j + 1);
        }
        if (j === -1) {
          this.line = line;
          this.lineStart = lineStart;
          this.stringStart = this.positionOf(i);
          let b = len - 1;
          while (buf[b] === BACKSLASH) b--;
          this.escapeCarry = (len - 1 - b) & 1;
          this.inString = true;
          i = len;
          break;
        }
        i = j;
      } else if (cls === C_OPEN) {
        depth++;
      } else if (cls === C_CLOSE) {
        if (--depth === 0) {
          this.line = line;
          this.lineStart = lineStart;
          this.itemDepth = 0;
          this.emitItem(buf, i + 1);
          return i + 1;
        }
      } else {
        line++;
        lineStart = base + i + 1;
      }
    }
    this.itemDepth = depth;
    this.line = line;
    this.lineStart = lineStart;
    return len;
  }

  /** Continues a string that an earlier chunk left open; returns the index after its closing quote. */
  private continueString(buf: Buffer): number {
    const len = buf.length;
    let j = buf.indexOf(QUOTE, 0);
    while (j !== -1) {
      let b = j - 1;
      while (b >= 0 && buf[b] === BACKSLASH) b--;
      const run = j - 1 - b + (b < 0 ? this.escapeCarry : 0);
      if ((run & 1) === 0) break;
      j = buf.indexOf(QUOTE, j + 1);
    }
    if (j === -1) {
      let b = len - 1;
      while (b >= 0 && buf[b] === BACKSLASH) b--;
      this.escapeCarry = (len - 1 - b + (b < 0 ? this.escapeCarry : 0)) & 1;
      return len;
    }
    this.inString = false;
    return j + 1;
  }

  private emitItem(buf: Buffer, end: number): void {
    let text: string;
    // A pattern that missed an item lying whole in one chunk is wrong.
    if (this.guessMissed && this.itemParts.length === 0) this.guessFailed();
    this.guessMissed = false;
    if (this.itemParts.length === 0) {
      text = buf.toString('utf8', this.itemStart.offset - this.base, end);
    } else {
      this.itemParts.push(buf.subarray(0, end));
      text = Buffer.concat(this.itemParts).toString('utf8');
      this.itemParts = [];
    }
    this.mode = Mode.Between;
    this.expectComma = true;
    this.sink.item(text, this.itemIndex++, this.itemStart, false);
  }

  /**
   * Tries the guessed end of the item whose `{` is at `start`; returns the index after the item, or
   * -1 when there is no guess or the sink rejected it.
   */
  private guessItem(buf: Buffer, start: number): number {
    if (!this.choosePattern(buf, start)) return -1;
    const found = this.guessPretty ? this.findClosingLine(buf, start + 1) : buf.indexOf(this.guessPattern, start + 1);
    if (found === -1) {
      this.guessMissed = true;
      return -1;
    }
    const end = found + this.guessKeep;
    if (!this.sink.item(buf.toString('utf8', start, end), this.itemIndex, this.itemStart, true)) {
      this.guessFailed();
      return -1;
    }
    this.itemIndex++;
    this.mode = Mode.Between;
    this.expectComma = true;
    if (this.options.trackLines === false) this.linesExact = false;
    else this.countLines(buf, start, end);
    return end;
  }

  /**
   * Finds `\n<indent>}` by its rare last byte: a multi-byte `indexOf` skips badly through the
   * spaces that fill pretty-printed JSON, a one-byte `indexOf` (memchr) does not.
   */
  private findClosingLine(buf: Buffer, from: number): number {
    const pattern = this.guessPattern;
    const indent = pattern.length - 2;
    for (let k = buf.indexOf(RBRACE, from + indent + 1); k !== -1; k = buf.indexOf(RBRACE, k + 1)) {
      const lineStart = k - indent - 1;
      if (buf[lineStart] !== LF) continue;
      let p = 1;
      while (p <= indent && buf[lineStart + p] === pattern[p]) p++;
      if (p > indent) return lineStart;
    }
    return -1;
  }

  private guessFailed(): void {
    if (++this.guessFailures >= MAX_GUESS_FAILURES) this.guessing = false;
  }

  private countLines(buf: Buffer, from: number, to: number): void {
    for (let k = buf.indexOf(LF, from); k !== -1 && k < to; k = buf.indexOf(LF, k + 1)) {
      this.line++;
      this.lineStart = this.base + k + 1;
    }
  }

  /** Picks the end pattern from how the item at `start` is laid out; false when there is none. */
  private choosePattern(buf: Buffer, start: number): boolean {
    let k = start - 1;
    while (k >= 0 && (buf[k] === SPACE || buf[k] === TAB)) k--;
    if (k < 0) return false;
    if (buf[k] === LF) return this.choosePrettyPattern(buf, k + 1, start);
    return this.chooseCompactPattern(buf, start);
  }

  /** `\n<the item's indentation>}`: the line that closes the item. */
  private choosePrettyPattern(buf: Buffer, indentStart: number, start: number): boolean {
    const indent = start - indentStart;
    const pattern = this.guessPattern;
    if (!this.guessPretty || pattern.length !== indent + 2 || buf.compare(pattern, 1, indent + 1, indentStart, start) !== 0) {
      const next = Buffer.allocUnsafe(indent + 2);
      next[0] = LF;
      buf.copy(next, 1, indentStart, start);
      next[indent + 1] = RBRACE;
      this.guessPattern = next;
      this.guessKeep = next.length;
      this.guessPretty = true;
    }
    return true;
  }

  /**
   * `},` and the keys the previous item began with: the next item is guessed to begin like the last
   * two did (same kind, same first keys), up to the last `:`, `{` or `[` outside a string they share.
   */
  private chooseCompactPattern(buf: Buffer, start: number): boolean {
    const head = buf.subarray(start, Math.min(buf.length, start + HEAD_GUESS_BYTES));
    const previous = this.previousHead;
    this.previousHead = Buffer.from(head);
    if (previous === undefined) return false;
    const shared = sharedKeysLength(previous, head);
    if (shared < 3) return false;
    const pattern = this.guessPattern;
    if (this.guessPretty || pattern.length !== shared + 2 || buf.compare(pattern, 2, pattern.length, start, start + shared) !== 0) {
      const next = Buffer.allocUnsafe(shared + 2);
      next[0] = RBRACE;
      next[1] = COMMA;
      buf.copy(next, 2, start, start + shared);
      this.guessPattern = next;
      this.guessKeep = 1;
      this.guessPretty = false;
    }
    return true;
  }

  /** Between the items of a list: only blanks, commas, the next `{` or the closing `]`. */
  private scanBetween(buf: Buffer, from: number): number {
    const len = buf.length;
    for (let i = from; i < len; i++) {
      const c = buf[i] as number;
      if (isBlank(c)) continue;
      if (c === LF) {
        this.line++;
        this.lineStart = this.base + i + 1;
      } else if (c === COMMA && this.expectComma) {
        this.expectComma = false;
        this.afterComma = true;
      } else if (c === LBRACE && !this.expectComma) {
        this.afterComma = false;
        this.itemStart = this.positionOf(i);
        const guessedEnd = this.guessing ? this.guessItem(buf, i) : -1;
        if (guessedEnd !== -1) return guessedEnd;
        this.itemDepth = 1;
        this.mode = Mode.Item;
        return i + 1;
      } else if (c === RBRACKET && !this.afterComma) {
        this.closeList(i);
        return i + 1;
      } else {
        throw this.betweenItemsError(c, i);
      }
    }
    return len;
  }

  private betweenItemsError(c: number, i: number): InputError {
    const here = this.positionOf(i);
    const list = this.listStart;
    if (this.expectComma) {
      return this.fail([here], (at) => `invalid JSON at ${at(here)}: expected ',' or ']' after item ${this.itemIndex - 1}, found ${describeByte(c)}`);
    }
    if (c === RBRACKET || c === COMMA) {
      return this.fail([here, list], (at) => `invalid JSON at ${at(here)}: unexpected ${describeByte(c)} in the list opened at ${at(list)}`);
    }
    return this.fail([here], (at) => `item ${this.itemIndex} (${at(here)}) is not an object: a list holds Kubernetes objects`);
  }

  private closeList(i: number): void {
    if (this.topLevelArray) {
      this.mode = Mode.Top;
      return;
    }
    // The `]` goes back into the shell so that it reads `"items": []`.
    this.mode = Mode.Shell;
    this.shellSegmentStart = i;
  }

  /** A top-level object outside its items: byte by byte, watching for the `"items": [` member. */
  private scanShell(buf: Buffer, from: number): number {
    const len = buf.length;
    for (let i = from; i < len; i++) {
      const c = buf[i] as number;
      const depth = this.shellOpen.length;
      if (this.shellInString) {
        if (this.shellEscape) this.shellEscape = false;
        else if (c === BACKSLASH) this.shellEscape = true;
        else if (c === QUOTE) {
          this.shellInString = false;
          if (depth === 1) this.lastString = this.keyText;
        } else if (depth === 1 && this.keyText.length < 8) this.keyText += String.fromCharCode(c);
        continue;
      }
      if (isBlank(c)) continue;
      if (c === LF) {
        this.line++;
        this.lineStart = this.base + i + 1;
        continue;
      }
      const itemsValue = this.itemsValueNext;
      this.itemsValueNext = false;
      if (c === QUOTE) {
        this.shellInString = true;
        this.keyText = '';
        this.stringStart = this.positionOf(i);
      } else if (c === COLON) {
        this.itemsValueNext = depth === 1 && this.lastString === 'items';
        this.lastString = '';
      } else if (c === LBRACKET && itemsValue) {
        this.openList(buf, i);
        return i + 1;
      } else if (c === LBRACE || c === LBRACKET) {
        this.shellOpen.push(this.positionOf(i));
      } else if (c === RBRACE || c === RBRACKET) {
        this.shellOpen.pop();
        if (this.shellOpen.length === 0) {
          this.emitTopLevel(buf, i + 1);
          return i + 1;
        }
      }
    }
    return len;
  }

  private openList(buf: Buffer, i: number): void {
    this.shellParts.push(copyOf(buf, this.shellSegmentStart, i + 1));
    this.shellHasItems = true;
    this.startList(this.positionOf(i), false);
    this.sink.listOpened(Buffer.concat(this.shellParts).toString('utf8'));
  }

  private startList(at: TextPosition, topLevelArray: boolean): void {
    this.mode = Mode.Between;
    this.guessing = true;
    this.guessFailures = 0;
    this.previousHead = undefined;
    this.topLevelArray = topLevelArray;
    this.listStart = at;
    this.itemIndex = 0;
    this.expectComma = false;
    this.afterComma = false;
  }

  private emitTopLevel(buf: Buffer, end: number): void {
    this.shellParts.push(buf.subarray(this.shellSegmentStart, end));
    const text = Buffer.concat(this.shellParts).toString('utf8');
    const isList = this.shellHasItems;
    this.shellParts = [];
    this.shellHasItems = false;
    this.mode = Mode.Top;
    this.sink.topLevel(text, this.shellStart, isList);
  }

  /** Between top-level values: blanks, the next `{` or `[`, or a dump's log block. */
  private scanTop(buf: Buffer, from: number): number {
    const len = buf.length;
    for (let i = from; i < len; i++) {
      const c = buf[i] as number;
      if (isBlank(c)) continue;
      if (c === LF) {
        this.line++;
        this.lineStart = this.base + i + 1;
      } else if (c === LBRACE) {
        this.mode = Mode.Shell;
        this.shellStart = this.positionOf(i);
        this.shellOpen = [this.shellStart];
        this.shellSegmentStart = i;
        this.shellInString = false;
        this.shellEscape = false;
        this.lastString = '';
        this.itemsValueNext = false;
        return i + 1;
      } else if (c === LBRACKET) {
        this.startList(this.positionOf(i), true);
        this.sink.listOpened(null);
        return i + 1;
      } else if (c === EQUALS && this.base + i === this.lineStart) {
        this.mode = Mode.LogHeader;
        this.logStart = this.positionOf(i);
        this.headerParts = [];
        this.headerBytes = 0;
        return i;
      } else if (this.base + i < 3 && (c === 0xef || c === 0xbb || c === 0xbf)) {
        continue; // a UTF-8 byte order mark
      } else {
        const here = this.positionOf(i);
        throw this.fail([here], (at) => `unexpected ${describeByte(c)} at ${at(here)}: expected a JSON object or list`);
      }
    }
    return len;
  }

  private scanLogHeader(buf: Buffer, from: number): number {
    const newline = buf.indexOf(LF, from);
    const end = newline === -1 ? buf.length : newline;
    this.headerParts.push(copyOf(buf, from, end));
    this.headerBytes += end - from;
    if (newline === -1 && this.headerBytes <= MAX_HEADER_BYTES) return end;
    const line = Buffer.concat(this.headerParts).toString('utf8');
    const header = newline === -1 ? undefined : parseLogStart(line);
    if (!header) throw this.unexpectedText(line);
    this.logHeader = header;
    this.endMarker = Buffer.from(logEndMarker(header), 'utf8');
    this.logParts = [];
    this.logBytes = 0;
    this.logCut = false;
    this.logTail = Buffer.alloc(0);
    this.line++;
    this.lineStart = this.base + end + 1;
    this.logTextStart = this.lineStart;
    this.mode = Mode.LogText;
    return end + 1;
  }

  private unexpectedText(line: string): InputError {
    const start = this.logStart;
    return this.fail([start], (at) => `unexpected text at ${at(start)}: "${line.slice(0, 80)}" is neither JSON nor a kubectl cluster-info dump log block`);
  }

  private scanLogText(buf: Buffer, from: number): number {
    const marker = this.endMarker;
    const tail = this.logTail;
    if (tail.length > 0) {
      // The end marker may have begun in the previous chunk.
      const probe = Buffer.concat([tail, buf.subarray(from, from + marker.length - 1)]);
      const at = probe.indexOf(marker);
      if (at !== -1 && at < tail.length) {
        const before = tail.length - at;
        const text = Buffer.concat(this.logParts);
        this.finishLog(text.subarray(0, text.length - before));
        return from + marker.length - before;
      }
    }
    const at = buf.indexOf(marker, from);
    if (at === -1) {
      this.logParts.push(copyOf(buf, from, buf.length));
      this.logBytes += buf.length - from;
      if (this.logBytes > 2 * LOG_KEEP_BYTES) this.cutLog();
      const keep = marker.length - 1;
      this.logTail = buf.length - from >= keep
        ? copyOf(buf, buf.length - keep, buf.length)
        : Buffer.concat([tail, buf.subarray(from)]).subarray(-keep);
      return buf.length;
    }
    this.logParts.push(buf.subarray(from, at));
    this.finishLog(Buffer.concat(this.logParts));
    return at + marker.length;
  }

  /** Drops all but the last {@link LOG_KEEP_BYTES} of the log read so far, counting the lines dropped. */
  private cutLog(): void {
    const all = Buffer.concat(this.logParts);
    const cut = all.length - LOG_KEEP_BYTES;
    this.countLogLines(all.subarray(0, cut), this.logTextStart);
    this.logParts = [all.subarray(cut)];
    this.logBytes = LOG_KEEP_BYTES;
    this.logTextStart += cut;
    this.logCut = true;
  }

  private countLogLines(text: Buffer, textStart: number): void {
    let newlines = 0;
    let last = -1;
    for (let k = text.indexOf(LF); k !== -1; k = text.indexOf(LF, k + 1)) {
      newlines++;
      last = k;
    }
    if (newlines > 0) {
      this.line += newlines;
      this.lineStart = textStart + last + 1;
    }
  }

  private finishLog(whole: Buffer): void {
    let kept = whole;
    if (kept.length > LOG_KEEP_BYTES) {
      const cut = kept.length - LOG_KEEP_BYTES;
      this.countLogLines(kept.subarray(0, cut), this.logTextStart);
      this.logTextStart += cut;
      kept = kept.subarray(cut);
      this.logCut = true;
    }
    this.countLogLines(kept, this.logTextStart);
    // A cut log starts mid-line: drop that partial line.
    const text = this.logCut ? kept.subarray(kept.indexOf(LF) + 1) : kept;
    this.logParts = [];
    this.logTail = Buffer.alloc(0);
    this.mode = Mode.Top;
    this.sink.logBlock(this.logHeader, text.toString('utf8'), this.logStart);
  }
}
