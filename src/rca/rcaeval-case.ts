/**
 * An RCAEval case folder (RE1/RE2/RE3): `data.csv` or `metrics.csv` with a `time` column and one
 * `<service>_<metric>` column per series, optional `logs.csv`, `traces.csv` and `inject_time.txt`.
 * The folder's name carries the label (`<service>_<fault>`), so it is never read for anything else.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { graphFromEdges, type CallGraph } from './call-graph.js';
import { numberCell, parseCsv, type CsvRecord } from './csv.js';
import type { LogLine, RcaCase, Span } from './rca-case.js';
import type { MetricSeries, Telemetry } from './telemetry.js';
import { InputError } from '../sources/input-error.js';

const METRIC_FILES = ['data.csv', 'metrics.csv'] as const;

/** Whether a folder looks like an RCAEval case. */
export function isRcaevalCase(dir: string): boolean {
  return METRIC_FILES.some((f) => existsSync(join(dir, f))) && !existsSync(join(dir, 'target.json'));
}

/** Reads an RCAEval case folder. */
export async function readRcaevalCase(dir: string): Promise<RcaCase> {
  const metricsFile = METRIC_FILES.map((f) => join(dir, f)).find((p) => existsSync(p));
  if (!metricsFile) throw new InputError(dir, `no ${METRIC_FILES.join(' or ')}: not an RCAEval case folder`);
  const telemetry = parseRcaevalMetrics(await readFile(metricsFile, 'utf8'), metricsFile);
  const logs = await optional(join(dir, 'logs.csv'), parseRcaevalLogs);
  const spans = await optional(join(dir, 'traces.csv'), parseRcaevalTraces);
  const incidentStart = await optional(join(dir, 'inject_time.txt'), parseInjectTime);
  const graph = spans ? callGraphFromSpans(spans) : undefined;
  return {
    // The folder's name is the label; the case is named by its parent and a neutral index instead.
    name: `${basename(join(dir, '..'))}/case`, format: 'rcaeval', telemetry,
    ...(logs ? { logs } : {}), ...(spans ? { spans } : {}), ...(graph && graph.size > 0 ? { graph } : {}),
    ...(incidentStart !== undefined ? { incidentStart } : {}),
  };
}

async function optional<T>(path: string, parse: (text: string, origin: string) => T): Promise<T | undefined> {
  return existsSync(path) ? parse(await readFile(path, 'utf8'), path) : undefined;
}

/** Splits `<service>_<metric>` at the last underscore (metric names such as `latency-90` have none). */
export function splitColumn(column: string): { component: string; metric: string } {
  const at = column.lastIndexOf('_');
  return at <= 0 ? { component: column, metric: 'value' } : { component: column.slice(0, at), metric: column.slice(at + 1) };
}

/** Parses RCAEval's metrics table. Rows are put in time order; a row without a time is an error. */
export function parseRcaevalMetrics(text: string, origin: string): Telemetry {
  const [header, ...rows] = parseCsv(text, origin);
  if (!header) throw new InputError(origin, 'the file is empty: expected a header row with a "time" column');
  const timeColumn = header.cells.findIndex((c) => c.trim() === 'time');
  if (timeColumn === -1) throw new InputError(origin, `line ${header.line}: no "time" column in the header`);
  for (const row of rows) {
    if (row.cells.length !== header.cells.length) throw new InputError(origin, `line ${row.line}: ${row.cells.length} cells, the header has ${header.cells.length}`);
  }
  const timed = rows.map((row) => ({ row, time: requiredNumber(row, timeColumn, origin, 'time') })).sort((a, b) => a.time - b.time);
  const series: MetricSeries[] = [];
  header.cells.forEach((name, column) => {
    // pandas writes its index as an unnamed first column.
    if (column === timeColumn || name.trim() === '' || /^unnamed/i.test(name)) return;
    const { component, metric } = splitColumn(name.trim());
    series.push({ component, metric, statistic: '', values: timed.map(({ row }) => numberCell(row.cells[column]!, origin, row.line, name)) });
  });
  return { times: timed.map((t) => t.time), series };
}

function requiredNumber(row: CsvRecord, column: number, origin: string, name: string): number {
  const value = numberCell(row.cells[column] ?? '', origin, row.line, name);
  if (value === null) throw new InputError(origin, `line ${row.line}, column ${name}: empty`);
  return value;
}

/** Maps header names to column indexes, failing on the first required one that is missing. */
function columnsOf(header: CsvRecord | undefined, required: readonly string[], origin: string): Map<string, number> {
  if (!header) throw new InputError(origin, `the file is empty: expected a header row with ${required.join(', ')}`);
  const columns = new Map(header.cells.map((c, i) => [c.trim(), i]));
  const missing = required.find((name) => !columns.has(name));
  if (missing) throw new InputError(origin, `line ${header.line}: no "${missing}" column in the header (expected ${required.join(', ')})`);
  return columns;
}

/** Parses RCAEval's `logs.csv` (`time,timestamp,container_name,message,level,...`). */
export function parseRcaevalLogs(text: string, origin: string): LogLine[] {
  const [header, ...rows] = parseCsv(text, origin);
  const columns = columnsOf(header, ['time', 'container_name', 'message'], origin);
  const level = columns.get('level');
  return rows.map((row) => ({
    time: requiredNumber(row, columns.get('time')!, origin, 'time'),
    container: row.cells[columns.get('container_name')!] ?? '',
    message: row.cells[columns.get('message')!] ?? '',
    level: level === undefined ? '' : row.cells[level] ?? '',
  }));
}

const SPAN_COLUMNS = ['traceID', 'spanID', 'serviceName', 'parentSpanID'] as const;

/** Parses RCAEval's `traces.csv` (`traceID,spanID,serviceName,operationName,startTime,duration,statusCode,parentSpanID,...`). */
export function parseRcaevalTraces(text: string, origin: string): Span[] {
  const [header, ...rows] = parseCsv(text, origin);
  const columns = columnsOf(header, SPAN_COLUMNS, origin);
  const cell = (row: CsvRecord, name: string) => {
    const at = columns.get(name);
    return at === undefined ? '' : (row.cells[at] ?? '').trim();
  };
  const num = (row: CsvRecord, name: string) => (columns.has(name) ? numberCell(cell(row, name), origin, row.line, name) ?? 0 : 0);
  return rows.map((row) => ({
    traceId: cell(row, 'traceID'), spanId: cell(row, 'spanID'), parentSpanId: cell(row, 'parentSpanID'),
    service: cell(row, 'serviceName'), operation: cell(row, 'operationName'),
    startTime: num(row, 'startTime'), duration: num(row, 'duration'), statusCode: cell(row, 'statusCode'),
  }));
}

/** Parses `inject_time.txt`: one unix time in seconds. */
export function parseInjectTime(text: string, origin: string): number {
  const value = text.trim();
  const time = Number(value);
  if (value === '' || !Number.isFinite(time)) throw new InputError(origin, `line 1: "${value.slice(0, 40)}" is not a unix time in seconds`);
  return time;
}

/** The service call graph traces imply: a span's service calls its children's services. */
export function callGraphFromSpans(spans: readonly Span[]): CallGraph {
  const serviceOf = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s.service]));
  const edges: [string, string][] = [];
  for (const span of spans) {
    const parent = span.parentSpanId ? serviceOf.get(`${span.traceId}/${span.parentSpanId}`) : undefined;
    if (parent) edges.push([parent, span.service]);
  }
  return graphFromEdges(edges);
}
