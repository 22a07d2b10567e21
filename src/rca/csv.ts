/** A small RFC 4180 CSV reader that keeps line numbers, so a bad cell can be named exactly. */
import { InputError } from '../sources/input-error.js';

/** One parsed record: its cells and the 1-based line of the file it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
}

/**
 * Splits CSV text into records. Quoted cells may hold commas, doubled quotes and line breaks (log
 * messages do); blank lines are skipped.
 * @param origin the file name, used in errors
 * @example parseCsv('time,a_cpu\n1,0.5\n', 'data.csv') // [{ line: 1, cells: ['time', 'a_cpu'] }, { line: 2, cells: ['1', '0.5'] }]
 */
export function parseCsv(text: string, origin: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; continue; }
      if (ch === '"') { quoted = false; continue; }
      if (ch === '\n') line++;
      cell += ch;
      continue;
    }
    if (ch === '"' && cell === '') { quoted = true; continue; }
    if (ch === ',') { cells.push(cell); cell = ''; continue; }
    if (ch === '\r' && text[i + 1] === '\n') continue;
    if (ch === '\n') { endRecord(); line++; recordLine = line; continue; }
    cell += ch;
  }
  if (quoted) throw new InputError(origin, `line ${recordLine}: a quoted cell is never closed`);
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}

/**
 * Reads a number cell. Empty cells and `nan` are missing values (null); anything else that is not
 * a number is an error naming the line and column.
 */
export function numberCell(value: string, origin: string, line: number, column: number | string): number | null {
  const trimmed = value.trim();
  if (trimmed === '' || /^nan$/i.test(trimmed)) return null;
  const n = Number(trimmed);
  if (!Number.isFinite(n)) throw new InputError(origin, `line ${line}, column ${column}: "${trimmed.slice(0, 40)}" is not a number`);
  return n;
}
