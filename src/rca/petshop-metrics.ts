/**
 * PetShop's `metrics.csv`: four header rows (component, metric, statistic, then a `unix_timestamp`
 * row naming the index), then one row per 5-minute interval whose first cell is the unix time.
 */
import { readFile } from 'node:fs/promises';
import { numberCell, parseCsv, type CsvRecord } from './csv.js';
import type { MetricSeries, Telemetry } from './telemetry.js';
import { InputError } from '../sources/input-error.js';

const HEADER_ROWS = ['component', 'metric', 'statistic', 'unix timestamp'] as const;

/**
 * Parses the text of a PetShop `metrics.csv`.
 * @param origin the file name, used in errors
 */
export function parsePetshopMetrics(text: string, origin: string): Telemetry {
  const records = parseCsv(text, origin);
  if (records.length < HEADER_ROWS.length) {
    throw new InputError(origin, `${records.length} rows: a PetShop metrics file starts with ${HEADER_ROWS.length} header rows (${HEADER_ROWS.join(' / ')})`);
  }
  const [components, metrics, statistics] = records as [CsvRecord, CsvRecord, CsvRecord, CsvRecord];
  const width = components.cells.length;
  for (const record of records) {
    if (record.cells.length !== width) throw new InputError(origin, `line ${record.line}: ${record.cells.length} cells, the first header row has ${width}`);
  }
  const rows = records.slice(HEADER_ROWS.length);
  const times = rows.map((row) => timeOf(row, origin));
  times.forEach((t, i) => {
    if (i > 0 && t <= times[i - 1]!) throw new InputError(origin, `line ${rows[i]!.line}, column 1: time ${t} is not after the previous row's ${times[i - 1]}`);
  });
  const series: MetricSeries[] = [];
  for (let column = 1; column < width; column++) {
    const component = components.cells[column]!.trim();
    const metric = metrics.cells[column]!.trim();
    if (!component || !metric) throw new InputError(origin, `column ${column + 1}: the header names no ${component ? 'metric' : 'component'}`);
    series.push({
      component, metric, statistic: statistics.cells[column]!.trim(),
      values: rows.map((row) => numberCell(row.cells[column]!, origin, row.line, column + 1)),
    });
  }
  return { times, series };
}

function timeOf(row: CsvRecord, origin: string): number {
  const time = numberCell(row.cells[0]!, origin, row.line, 1);
  if (time === null) throw new InputError(origin, `line ${row.line}, column 1: the row has no unix timestamp`);
  return time;
}

/** Reads a PetShop `metrics.csv` from disk. */
export async function readPetshopMetrics(path: string): Promise<Telemetry> {
  return parsePetshopMetrics(await readFile(path, 'utf8'), path);
}
