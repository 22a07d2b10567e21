/**
 * Generates tiny cases in the PetShop and RCAEval formats for tests: three components where
 * `checkout` calls `api` which calls `store`; a fault (when asked) raises `api`'s latency and
 * drops its availability from row `faultRow` on, and `checkout` inherits both. Noise is seeded.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COMPONENTS = ['checkout', 'api', 'store'] as const;
const CALLS: Record<string, string[]> = { checkout: ['api'], api: ['store'], store: [] };

function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
}

interface Options { fault: boolean; rows?: number; faultRow?: number }

function latency(component: string, row: number, o: Required<Options>, rand: () => number): number {
  const own = { checkout: 0.05, api: 0.02, store: 0.01 }[component]!;
  const slow = o.fault && row >= o.faultRow && component !== 'store' ? 0.5 : 0;
  return own + (component === 'checkout' ? 0.03 : component === 'api' ? 0.01 : 0) + slow + rand() * 0.002;
}

/** A PetShop scenario folder (`graph.csv`, `noissue/`, `train/issue_0/`); returns the issue folder. */
export function petshopCase(options: Options): string {
  const o = { rows: 5, faultRow: 2, ...options };
  const root = mkdtempSync(join(tmpdir(), 'kubetriage-rca-petshop-'));
  const header = ['', ...COMPONENTS].join(',');
  writeFileSync(join(root, 'graph.csv'), [header, ...COMPONENTS.map((c) => [c, ...COMPONENTS.map((d) => (CALLS[c]!.includes(d) ? '1.0' : '0.0'))].join(','))].join('\n'));
  const metrics = (rows: number, start: number, fault: boolean, seed: number) => {
    const rand = noise(seed);
    const columns = COMPONENTS.flatMap((c) => [[c, 'latency', 'Average'], [c, 'availability', 'Average']]);
    const lines = [
      ['microservice', ...columns.map((x) => x[0])].join(','), ['metric', ...columns.map((x) => x[1])].join(','),
      ['statistic', ...columns.map((x) => x[2])].join(','), ['unix_timestamp', ...columns.map(() => '')].join(','),
    ];
    for (let row = 0; row < rows; row++) {
      const cells = columns.map(([c, m]) => (m === 'latency'
        ? latency(c!, row, { ...o, fault }, rand)
        : 100 - (fault && row >= o.faultRow && c !== 'store' ? 5 : 0) - Math.abs(rand()) * 0.01));
      lines.push([String(start + row * 300), ...cells.map(String)].join(','));
    }
    return lines.join('\n');
  };
  mkdirSync(join(root, 'noissue'));
  writeFileSync(join(root, 'noissue', 'metrics.csv'), metrics(40, 1_600_000_000, false, 7));
  const issue = join(root, 'train', 'issue_0');
  mkdirSync(issue, { recursive: true });
  writeFileSync(join(issue, 'metrics.csv'), metrics(o.rows, 1_700_000_000, o.fault, 11));
  writeFileSync(join(issue, 'target.json'), JSON.stringify({
    target: { node: 'checkout', metric: 'latency', agg: 'Average', timestamp: 1_700_000_000 + (o.faultRow - 1) * 300 + 120 },
    root_cause: { node: 'store', metric: null },
  }));
  return issue;
}

/** What goes wrong in a generated RCAEval case beyond its metrics, from the fault row on. */
interface RcaevalOptions extends Options {
  /** This component logs ten error lines a second. */
  logBurst?: string;
  /** This component's spans fail (status 500, passed on to its callers) or take half a second longer. */
  traceFault?: { component: string; kind: 'error' | 'latency' };
}

/**
 * An RCAEval case folder (data.csv, logs.csv, traces.csv, inject_time.txt) at 1-second rows, with
 * ten `checkout -> api -> store` traces a second (Jaeger's microseconds) and an info line a second
 * from each component.
 */
export function rcaevalCase(options: RcaevalOptions): string {
  const o = { rows: 120, faultRow: 80, ...options };
  const dir = join(mkdtempSync(join(tmpdir(), 'kubetriage-rca-re-')), 'run-1');
  mkdirSync(dir);
  const rand = noise(3);
  const columns = COMPONENTS.flatMap((c) => [`${c}_cpu`, `${c}_latency-90`]);
  const lines = [['time', ...columns].join(',')];
  for (let row = 0; row < o.rows; row++) {
    const cells = COMPONENTS.flatMap((c) => [
      0.2 + (o.fault && row >= o.faultRow && c === 'api' ? 0.7 : 0) + rand() * 0.02,
      latency(c, row, o, rand),
    ]);
    lines.push([String(1_700_000_000 + row), ...cells.map(String)].join(','));
  }
  writeFileSync(join(dir, 'data.csv'), lines.join('\n'));
  writeFileSync(join(dir, 'inject_time.txt'), String(1_700_000_000 + o.faultRow));
  writeFileSync(join(dir, 'logs.csv'), ['time,timestamp,container_name,message,level', ...logLines(o)].join('\n'));
  writeFileSync(join(dir, 'traces.csv'), ['traceID,spanID,serviceName,operationName,startTime,duration,statusCode,parentSpanID', ...spanLines(o, rand)].join('\n'));
  return dir;
}

function logLines(o: Required<Options> & RcaevalOptions): string[] {
  const lines = ['1700000001,2023-11-14T22:13:21Z,api,"GET /items, 200 ""ok""",info'];
  for (let row = 2; row < o.rows; row++) {
    const time = 1_700_000_000 + row;
    const stamp = new Date(time * 1000).toISOString();
    for (const c of COMPONENTS) lines.push(`${time},${stamp},${c},served a request,info`);
    if (o.logBurst && row >= o.faultRow) {
      for (let i = 0; i < 10; i++) lines.push(`${time}.${i},${stamp},${o.logBurst},"connection refused: dial tcp 10.0.0.7:5432, retrying",error`);
    }
  }
  return lines;
}

function spanLines(o: Required<Options> & RcaevalOptions, rand: () => number): string[] {
  const lines: string[] = [];
  const chain = ['checkout', 'api', 'store'];
  const own = { checkout: 4000, api: 3000, store: 2000 } as Record<string, number>;
  for (let row = 0; row < o.rows; row++) {
    for (let n = 0; n < 10; n++) {
      const trace = `t${row}-${n}`;
      const start = (1_700_000_000 + row) * 1_000_000 + n * 50_000;
      const faulty = o.traceFault && row >= o.faultRow ? o.traceFault : undefined;
      const at = faulty ? chain.indexOf(faulty.component) : -1;
      let below = 0;
      const spans = chain.map((service, depth) => ({ service, depth })).reverse().map(({ service, depth }) => {
        const slow = faulty?.kind === 'latency' && depth === at ? 500_000 : 0;
        below += Math.round(own[service]! * (1 + 0.04 * rand())) + slow;
        const failed = faulty?.kind === 'error' && depth <= at;
        return { service, depth, duration: below, status: failed ? 500 : 200 };
      }).reverse();
      for (const s of spans) {
        lines.push([trace, `s${s.depth}`, s.service, `op-${s.service}`, start + s.depth * 100, s.duration, s.status, s.depth === 0 ? '' : `s${s.depth - 1}`].join(','));
      }
    }
  }
  return lines;
}

/** One series of a generated case: its values per 5-minute row. */
export interface SeriesSpec {
  readonly component: string;
  readonly metric: string;
  readonly statistic?: string;
  readonly values: readonly number[];
  /** Relative noise of its normal operation (default 0.01: 1%). */
  readonly noise?: number;
}

/** A generated PetShop scenario: who calls whom, the series, the alert and the row it fired in. */
export interface PetshopSpec {
  readonly calls: Readonly<Record<string, readonly string[]>>;
  readonly series: readonly SeriesSpec[];
  readonly target: { readonly node: string; readonly metric: string; readonly agg: string };
  readonly alertRow?: number;
}

/**
 * Writes a PetShop scenario from a spec and returns its issue folder. Normal operation (`noissue/`)
 * holds 40 rows of each series' first value with seeded noise (1% unless the series says), so a
 * series' robust z is its change over about 0.7 of that noise.
 */
export function petshopCaseFrom(spec: PetshopSpec): string {
  const root = mkdtempSync(join(tmpdir(), 'kubetriage-rca-spec-'));
  const components = [...new Set([...Object.keys(spec.calls), ...Object.values(spec.calls).flat(), ...spec.series.map((s) => s.component)])];
  writeFileSync(join(root, 'graph.csv'), [['', ...components].join(','),
    ...components.map((c) => [c, ...components.map((d) => (spec.calls[c]?.includes(d) ? '1.0' : '0.0'))].join(','))].join('\n'));
  const table = (rows: readonly (readonly number[])[], start: number) => [
    ['microservice', ...spec.series.map((s) => s.component)].join(','), ['metric', ...spec.series.map((s) => s.metric)].join(','),
    ['statistic', ...spec.series.map((s) => s.statistic ?? 'Average')].join(','), ['unix_timestamp', ...spec.series.map(() => '')].join(','),
    ...rows.map((cells, row) => [String(start + row * 300), ...cells.map(String)].join(',')),
  ].join('\n');
  const rand = noise(5);
  const normalRows = Array.from({ length: 40 }, () => spec.series.map((s) => s.values[0]! * (1 + 2 * (s.noise ?? 0.01) * rand())));
  mkdirSync(join(root, 'noissue'));
  writeFileSync(join(root, 'noissue', 'metrics.csv'), table(normalRows, 1_600_000_000));
  const issue = join(root, 'train', 'issue_0');
  mkdirSync(issue, { recursive: true });
  const length = Math.max(...spec.series.map((s) => s.values.length));
  writeFileSync(join(issue, 'metrics.csv'), table(Array.from({ length }, (_, row) => spec.series.map((s) => s.values[row]!)), 1_700_000_000));
  writeFileSync(join(issue, 'target.json'), JSON.stringify({ target: { ...spec.target, timestamp: 1_700_000_000 + (spec.alertRow ?? 1) * 300 + 120 } }));
  return issue;
}
