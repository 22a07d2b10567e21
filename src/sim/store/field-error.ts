/**
 * Field-level validation errors, formatted as apimachinery's `field.Error`: `metadata.name: Invalid
 * value: "Bad": a lowercase RFC 1123 subdomain must …`.
 */

/** A value printed verbatim, for Go's `%#v` of maps and structs (`map[string]string{"app":"web"}`). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** The machine-readable type of a field error (the Status cause's `reason`). */
export type FieldErrorType =
  | 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate'
  | 'FieldValueForbidden' | 'FieldValueTooLong';

/** One validation failure at one field path. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The offending value; absent for Required, Forbidden and TooLong, whose text omits it. */
  value?: unknown;
  detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
};

/** @example required('spec.containers') // spec.containers: Required value */
export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}

/** An invalid value with the reason it is invalid. */
export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail };
}

/** A value outside an enumeration. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, value, detail };
}

/** A value that is not allowed here. */
export function forbiddenField(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

/** The message without the field path (`ErrorBody`). */
export function fieldErrorBody(e: FieldError): string {
  const head = TYPE_TEXT[e.type];
  const withValue = e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong'
    ? head : `${head}: ${formatValue(e.value)}`;
  return e.detail ? `${withValue}: ${e.detail}` : withValue;
}

/** `field: body`, as `field.Error.Error()`. */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** One message for several errors, deduplicated, bracketed when more than one (`utilerrors.Aggregate`). */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const messages = [...new Set(errors.map(fieldErrorMessage))];
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}

/** Go's %q for strings, %v for numbers and booleans, `null` for nothing. */
function formatValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
