/**
 * Reads the tables describe prints under a section (`Conditions:`, `Non-terminated Pods:` …): a
 * header, often a line of dashes, then one row per line, aligned by Go's tabwriter.
 */
import type { Field } from './fields.js';

export interface TableRow {
  cells: string[];
  line: number;
}

const DASHES = /^-+(\s+-+)*$/;

/** Where each column starts: under each run of dashes, else under each header word group. */
function columnStarts(header: Field, dashes: Field | undefined): number[] {
  const source = dashes ?? header;
  const pattern = dashes ? /-+/g : /\S+(?: \S+)*/g;
  return [...source.raw.matchAll(pattern)].map((m) => m.index);
}

/**
 * The rows of a table section: the header is the section's first child, an optional dashes line
 * follows. Rows are sliced at the header's columns when they line up with them (tabwriter aligns
 * them unless a cell held a newline), otherwise split at runs of two or more spaces, the padding
 * tabwriter puts between cells. A row's loose continuation lines (a message with a newline) join its
 * last cell.
 */
export function tableRows(section: Field | undefined): TableRow[] {
  const [header, ...rest] = section?.children ?? [];
  if (!header) return [];
  const dashes = rest[0] && DASHES.test(rest[0].text) ? rest[0] : undefined;
  const rows = dashes ? rest.slice(1) : rest;
  const starts = columnStarts(header, dashes);
  return rows.map((row) => {
    const cells = sliceAt(row.raw, starts) ?? splitCells(row.text, starts.length);
    if (row.more.length > 0) {
      const last = cells.length - 1;
      cells[last] = [cells[last], ...row.more.map((m) => m.raw)].join('\n');
    }
    return { cells, line: row.line };
  });
}

/** Cells at fixed column starts, or undefined when a start falls inside a word. */
export function sliceAt(raw: string, starts: number[]): string[] | undefined {
  if (raw.slice(0, starts[0] ?? 0).trim() !== '') return undefined;
  for (let k = 1; k < starts.length; k++) {
    const s = starts[k]!;
    if (s < raw.length && raw[s - 1] !== ' ') return undefined;
  }
  return starts.map((s, k) => raw.slice(s, starts[k + 1] ?? raw.length).trim());
}

/** Splits at runs of two or more spaces into at most `count` cells; the last keeps the rest. */
export function splitCells(text: string, count: number): string[] {
  const cells: string[] = [];
  let rest = text.trim();
  while (cells.length < count - 1) {
    const m = /\s{2,}/.exec(rest);
    if (!m) break;
    cells.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  cells.push(rest);
  while (cells.length < count) cells.push('');
  return cells;
}
