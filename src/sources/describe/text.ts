/**
 * Finds the `kubectl describe` blocks in pasted text: normalises what pasting does to it (CRLF,
 * tabs, non-breaking spaces, a uniform indentation) and separates the blocks from the chat or ticket
 * text around them (prompt lines, code fences, prose).
 */
import { promptOf, type Prompt } from './prompt.js';

/** One line of the input, numbered from 1 as an editor shows it. */
export interface SourceLine {
  no: number;
  text: string;
}

/** The lines of one describe block, de-indented so that its `Name:` line starts at column 0. */
export interface Block {
  lines: SourceLine[];
  /** The nearest `kubectl describe …` command line above the block, when there is one. */
  prompt?: Prompt;
}

/** Fields that follow `Name:` on the next line in every describer we read (and most others). */
const SECOND_FIELDS = /^(Namespace|Labels|Roles|Annotations|Priority|IsDefaultClass):/;

const KEY_FORM = /^[^\s:][^:]*?:(\s|$)/;

/** Splits text into lines with CR, tabs (8-column stops, as a terminal shows them) and odd spaces undone. */
export function sourceLines(text: string): SourceLine[] {
  return text.split(/\r\n|\r|\n/).map((line, i) => ({ no: i + 1, text: cleanLine(line) }));
}

function cleanLine(line: string): string {
  // Chat tools turn runs of spaces into non-breaking ones; kubectl itself never prints a tab.
  const text = line.replace(/[\u00a0\u2007\u202f]/g, ' ').trimEnd();
  if (!text.includes('\t')) return text;
  let out = '';
  for (const ch of text) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

export function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

/** True when the line at `i` opens a describe block: `Name:` followed by a describe field at the same indentation. */
export function opensBlock(lines: SourceLine[], i: number): boolean {
  const text = lines[i]?.text ?? '';
  const m = /^( *)Name:\s+\S/.exec(text);
  if (!m) return false;
  let j = i + 1;
  while (j < lines.length && lines[j]!.text.trim() === '') j++;
  const next = lines[j]?.text;
  if (next === undefined) return false;
  const indent = m[1]!.length;
  return indentOf(next) === indent && SECOND_FIELDS.test(next.slice(indent));
}

function isFence(text: string): boolean {
  return /^\s*(```|~~~)/.test(text);
}

/** Every describe block of the text, in order. */
export function findBlocks(lines: SourceLine[]): Block[] {
  const blocks: Block[] = [];
  let prompt: Prompt | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const p = promptOf(line);
    if (p) {
      prompt = p;
      continue;
    }
    if (!opensBlock(lines, i)) continue;
    const end = blockEnd(lines, i);
    const base = indentOf(line.text);
    const block: Block = {
      lines: lines.slice(i, end + 1).map((l) => ({ no: l.no, text: l.text.slice(Math.min(base, indentOf(l.text))) })),
    };
    if (prompt) block.prompt = prompt;
    blocks.push(block);
    i = end;
  }
  return blocks;
}

/**
 * The index of a block's last line. Lines at the block's own indentation must read `Key: value`
 * (a top-level field) or be the unindented rest of a multi-line message, which kubectl prints at
 * column 0; such loose lines only belong to the block when describe fields come after them, or when
 * they directly continue an event message. Prose after the block is left out.
 */
function blockEnd(lines: SourceLine[], start: number): number {
  const base = indentOf(lines[start]!.text);
  let end = start;
  let inEvents = false;
  let eventRunOpen = false;
  for (let j = start + 1; j < lines.length; j++) {
    const text = lines[j]!.text;
    if (text.trim() === '') {
      eventRunOpen = false;
      continue;
    }
    if (isFence(text) || promptOf(lines[j]!) || opensBlock(lines, j) || indentOf(text) < base) break;
    const rel = text.slice(base);
    if (rel.startsWith(' ')) {
      end = j;
      eventRunOpen = inEvents;
      continue;
    }
    if (inEvents) {
      if (!eventRunOpen) break;
      end = j;
      continue;
    }
    if (rel.startsWith('Name:')) break;
    if (KEY_FORM.test(rel) && !rel.slice(0, rel.indexOf(':')).includes('  ')) {
      end = j;
      if (/^Events:\s*$/.test(rel)) {
        inEvents = true;
        eventRunOpen = true;
      }
    }
  }
  return end;
}
