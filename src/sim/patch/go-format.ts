/**
 * Go's `%v` rendering of decoded JSON and `reflect.TypeOf` names, because the API server's patch
 * error messages embed them (`map: map[image:httpd] does not contain declared merge key: name`).
 */
import { isObject } from './json.js';

/**
 * A decoded JSON value as Go's `fmt` prints it with `%v`: maps with sorted keys, slices space-separated.
 * @example goValue({ image: 'httpd', ports: [80] }) // 'map[image:httpd ports:[80]]'
 */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (isObject(value)) {
    const entries = Object.keys(value).sort().map((key) => `${key}:${goValue(value[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/**
 * The Go type name of a decoded JSON value, as `reflect.TypeOf(v)` prints it.
 * @example goTypeName([]) // '[]interface {}'
 */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (isObject(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** The JSON type word Go's decoder uses in `json: cannot unmarshal X into ...`. */
export function jsonTypeWord(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isObject(value)) return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'number' ? 'number' : 'string';
}
