/**
 * The shapes of a `meta.k8s.io/v1` Table and of a printer: one per kind, with the columns and the
 * cells of `pkg/printers/internalversion/printers.go`.
 */

/** A column of a Table, serialised with every field, as the apiserver does. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  /** 0 for the default columns, 1 for the columns kubectl shows only with `-o wide`. */
  readonly priority: number;
}

/** A cell: Go strings, int64s and bools marshal to JSON strings, numbers and booleans. */
export type Cell = string | number | boolean;

/** A row condition (`TableRowCondition`), set on pods that completed or failed. */
export interface RowCondition {
  readonly type: 'Completed';
  readonly status: 'True';
  readonly reason: string;
  readonly message: string;
}

/** The cells of one object, one per column (wide columns included), and its conditions. */
export interface PrintedRow {
  readonly cells: Cell[];
  readonly conditions?: RowCondition[];
}

/** The table handler of one kind. */
export interface Printer {
  readonly columns: readonly ColumnDefinition[];
  /** The cells of all columns, as the apiserver prints them (it always prints wide). */
  row(object: object, now: Date): PrintedRow;
}

/**
 * A column definition.
 * @example column('Age', 'string', FIELD_DOCS.creationTimestamp)
 */
export function column(name: string, type: string, description: string,
  options: { format?: string; priority?: number } = {}): ColumnDefinition {
  return { name, type, format: options.format ?? '', description, priority: options.priority ?? 0 };
}
