/**
 * The table of kinds without a printer (Roles, ClusterRoles, LimitRanges ...), as the apiserver's
 * default table convertor builds it: NAME and CREATED AT, the creation time in RFC 3339, UTC.
 */
import { FIELD_DOCS } from './descriptions.js';
import { NAME_COLUMN } from './format.js';
import { column } from './types.js';
import type { Printer } from './types.js';

/** Go's zero time, what an object without a creation time reports. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

function createdAt(timestamp: string | undefined): string {
  const at = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(at) ? ZERO_TIME : `${new Date(at).toISOString().slice(0, 19)}Z`;
}

export const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'date', FIELD_DOCS.creationTimestamp)],
  row(object) {
    const metadata = (object as { metadata?: { name?: string; creationTimestamp?: string } }).metadata;
    return { cells: [metadata?.name ?? '', createdAt(metadata?.creationTimestamp)] };
  },
};
