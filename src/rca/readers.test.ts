import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calleesOf, parseAdjacencyMatrix } from './call-graph.js';
import { parseCsv } from './csv.js';
import { loadCase } from './load-case.js';
import { parsePetshopMetrics } from './petshop-metrics.js';
import { parseTarget } from './petshop-case.js';
import { parseInjectTime, parseRcaevalMetrics, parseRcaevalTraces, splitColumn } from './rcaeval-case.js';
import { petshopCase, rcaevalCase } from './fixtures.test-support.js';
import { InputError } from '../sources/input-error.js';

const PETSHOP = 'microservice,api,api\nmetric,latency,availability\nstatistic,Average,Average\nunix_timestamp,,\n100.0,0.5,100.0\n400.0,,99.5\n';

function errorOf(fn: () => unknown): InputError {
  try { fn(); } catch (err) { if (err instanceof InputError) return err; throw err; }
  throw new Error('expected an InputError');
}

describe('CSV', () => {
  it('keeps quoted commas, doubled quotes and line breaks inside a cell, and the line each record starts on', () => {
    const records = parseCsv('a,b\n"x, ""y""\nz",2\nlast,3\n', 'f.csv');
    expect(records.map((r) => r.cells)).toEqual([['a', 'b'], ['x, "y"\nz', '2'], ['last', '3']]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });
  it('names the line of a quote never closed', () => {
    expect(errorOf(() => parseCsv('a\n"open,1\n', 'f.csv')).message).toBe('f.csv: line 2: a quoted cell is never closed');
  });
});

describe('PetShop files', () => {
  it('reads the four header rows into series with missing values as null', () => {
    const t = parsePetshopMetrics(PETSHOP, 'metrics.csv');
    expect(t.times).toEqual([100, 400]);
    expect(t.series.map((s) => [s.component, s.metric, s.statistic, s.values])).toEqual([['api', 'latency', 'Average', [0.5, null]], ['api', 'availability', 'Average', [100, 99.5]]]);
  });
  it('names file, line and column of a cell that is not a number', () => {
    expect(errorOf(() => parsePetshopMetrics(PETSHOP.replace('99.5', 'high'), 'metrics.csv')).message).toBe('metrics.csv: line 6, column 3: "high" is not a number');
  });
  it('refuses a file without the four header rows, and rows of the wrong width', () => {
    expect(errorOf(() => parsePetshopMetrics('microservice,api\nmetric,latency\n', 'm.csv')).message).toMatch(/^m\.csv: 2 rows: a PetShop metrics file starts with 4 header rows/);
    expect(errorOf(() => parsePetshopMetrics(PETSHOP.replace('400.0,,99.5', '400.0,1'), 'm.csv')).message).toBe('m.csv: line 6: 2 cells, the first header row has 3');
  });
  it('reads the adjacency matrix as caller to callees', () => {
    const graph = parseAdjacencyMatrix(',a,b\na,0.0,1.0\nb,0.0,0.0\n', 'graph.csv');
    expect(calleesOf(graph, 'a')).toEqual(['b']);
    expect(calleesOf(graph, 'b')).toEqual([]);
  });
  it('reads target.json\'s target only and rejects a target without a node', () => {
    expect(parseTarget('{"target":{"node":"web","metric":"latency","agg":"p90","timestamp":5},"root_cause":{"node":"db"}}', 't.json'))
      .toEqual({ component: 'web', metric: 'latency', statistic: 'p90', at: 5 });
    expect(errorOf(() => parseTarget('{"target":{"metric":"latency"}}', 't.json')).message).toBe('t.json: "target.node" must be the name of a component');
    expect(errorOf(() => parseTarget('{"target":', 't.json')).message).toMatch(/^t\.json: not JSON/);
  });
  it('finds the scenario graph and normal data two levels up, and never exposes the root cause', async () => {
    const c = await loadCase(petshopCase({ fault: true }));
    expect(c.format).toBe('petshop');
    expect(calleesOf(c.graph!, 'checkout')).toEqual(['api']);
    expect(c.normal?.times).toHaveLength(40);
    expect(JSON.stringify(c)).not.toContain('root_cause');
  });
});

describe('RCAEval files', () => {
  it('splits <service>_<metric> at the last underscore', () => {
    expect(splitColumn('ts-auth_service_latency-90')).toEqual({ component: 'ts-auth_service', metric: 'latency-90' });
  });
  it('reads the metrics table in time order and skips pandas\' unnamed index', () => {
    const t = parseRcaevalMetrics(',time,cart_cpu\n0,20,0.5\n1,10,0.25\n', 'data.csv');
    expect(t.times).toEqual([10, 20]);
    expect(t.series.map((s) => [s.component, s.metric, s.values])).toEqual([['cart', 'cpu', [0.25, 0.5]]]);
  });
  it('names a missing time column, an empty time and a bad inject time', () => {
    expect(errorOf(() => parseRcaevalMetrics('ts,cart_cpu\n1,2\n', 'data.csv')).message).toBe('data.csv: line 1: no "time" column in the header');
    expect(errorOf(() => parseRcaevalMetrics('time,cart_cpu\n,2\n', 'data.csv')).message).toBe('data.csv: line 2, column time: empty');
    expect(errorOf(() => parseInjectTime('soon\n', 'inject_time.txt')).message).toBe('inject_time.txt: line 1: "soon" is not a unix time in seconds');
    expect(errorOf(() => parseRcaevalTraces('traceID,spanID\n', 'traces.csv')).message).toMatch(/no "serviceName" column/);
  });
  it('reads a case folder with logs, traces (into a call graph) and the injection time', async () => {
    const c = await loadCase(rcaevalCase({ fault: true }));
    expect(c.format).toBe('rcaeval');
    expect(c.incidentStart).toBe(1_700_000_080);
    expect(c.logs?.[0]?.message).toBe('GET /items, 200 "ok"');
    expect(calleesOf(c.graph!, 'checkout')).toEqual(['api']);
    expect(calleesOf(c.graph!, 'api')).toEqual(['store']);
  });
  it('refuses a folder in neither format', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kubetriage-rca-empty-'));
    writeFileSync(join(empty, 'notes.txt'), 'x');
    await expect(loadCase(empty)).rejects.toThrow(/neither a PetShop case/);
  });
});
