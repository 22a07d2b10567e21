/**
 * What a kind reader needs besides the fields: where the text came from, so that what cannot be read
 * is reported with the origin and the line.
 */
import { InputError } from '../input-error.js';
import type { Field } from './fields.js';

export class ReadContext {
  constructor(readonly origin: string) {}

  /** Throws an {@link InputError} naming the origin and the line. */
  fail(line: number, detail: string): never {
    throw new InputError(this.origin, `line ${line}: ${detail}`);
  }

  /** A field's value as a whole number, or an error that quotes it. */
  int(field: Field, value = field.value): number {
    if (!/^-?\d+$/.test(value)) this.fail(field.line, `expected a whole number after "${field.key}:", found "${value}"`);
    return Number(value);
  }

  /** Matches a field's value against the format kubectl prints, or fails naming the format. */
  match(field: Field, pattern: RegExp, format: string): RegExpExecArray {
    const m = pattern.exec(field.value);
    if (!m) this.fail(field.line, `cannot read "${field.key}: ${field.value}": expected ${format}`);
    return m;
  }
}
