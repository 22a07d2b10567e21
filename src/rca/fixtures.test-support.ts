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

/** An RCAEval case folder (data.csv, logs.csv, traces.csv, inject_time.txt) at 1-second rows. */
export function rcaevalCase(options: Options): string {
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
  writeFileSync(join(dir, 'logs.csv'), 'time,timestamp,container_name,message,level\n1700000001,2023-11-14T22:13:21Z,api,"GET /items, 200 ""ok""",info\n');
  writeFileSync(join(dir, 'traces.csv'), [
    'traceID,spanID,serviceName,operationName,startTime,duration,statusCode,parentSpanID',
    't1,s1,checkout,GET /cart,1700000001000000,900,200,',
    't1,s2,api,GET /items,1700000001000100,500,200,s1',
    't1,s3,store,SELECT,1700000001000200,100,200,s2',
  ].join('\n'));
  return dir;
}
