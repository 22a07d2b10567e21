/**
 * A live case from Prometheus's HTTP API: the workloads of one namespace over the last `since`
 * seconds, read with `query_range` from the metric names of cAdvisor (CPU, memory working set),
 * kube-state-metrics (container restarts) and the common HTTP instrumentation
 * (`http_request_duration_seconds` histograms, `http_requests_total` by `code`), turned into the
 * series a case folder gives: `<workload>_cpu`, `_mem`, `_restarts`, `_latency-50`, `_latency-90`,
 * `_error`, `_workload`. Pods are grouped into their workload by name ({@link workloadOf}); the
 * call graph is unknown. Series need `namespace` and `pod` labels (the kubelet's cAdvisor and
 * kube-state-metrics write them; application metrics get them from the usual Kubernetes service
 * discovery relabelling).
 */
import { parseDurationSeconds, promDuration } from './duration.js';
import type { RcaCase, Symptom } from './rca-case.js';
import type { MetricSeries, Telemetry } from './telemetry.js';
import { WORKLOAD_PATTERN, workloadOf } from './workload-name.js';
import { InputError } from '../sources/input-error.js';

/** What to read. */
export interface PrometheusCaseOptions {
  /** Prometheus's base URL (`http://prometheus:9090`, or behind a path prefix). */
  readonly url: string;
  readonly namespace: string;
  /** How far back from `end`, in seconds. */
  readonly sinceSeconds: number;
  /** The end of the range, unix seconds; now by default. */
  readonly end?: number;
  /** Resolution in seconds; by default the scrape interval, coarser for long ranges (at most 240 rows). */
  readonly step?: number;
  /** The workload a user alerted on, when known: the symptom. */
  readonly target?: string;
  /** Per-request time limit in milliseconds (10 s by default). */
  readonly timeoutMs?: number;
}

/** One series of a `query_range` answer. */
interface MatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, string])[];
}

/** How samples of a workload's pods combine into one value per row. */
type Combine = 'sum' | 'max';

/** One metric of the case: its PromQL (by pod, or by workload already) and how pods combine. */
interface MetricQuery {
  readonly metric: string;
  readonly promql: string;
  readonly combine: Combine;
}

const DEFAULT_SCRAPE_INTERVAL = 15;
const MAX_ROWS = 240;

/** The metrics queried, in the order series appear. `W` is the rate window, `NS` the namespace selector. */
function metricQueries(ns: string, window: string): MetricQuery[] {
  const containers = `namespace="${ns}",container!="",container!="POD"`;
  const byWorkload = (inner: string) => `label_replace(${inner}, "workload", "$1", "pod", "${WORKLOAD_PATTERN}")`;
  const latency = (q: number) => `histogram_quantile(${q}, sum by (workload, le) (${byWorkload(`rate(http_request_duration_seconds_bucket{namespace="${ns}"}[${window}])`)}))`;
  return [
    { metric: 'cpu', combine: 'sum', promql: `sum by (pod) (rate(container_cpu_usage_seconds_total{${containers}}[${window}]))` },
    // The pod nearest trouble, not the total: a scale-out is not a fault, one pod at its limit is.
    { metric: 'mem', combine: 'max', promql: `sum by (pod) (container_memory_working_set_bytes{${containers}})` },
    { metric: 'restarts', combine: 'sum', promql: `sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="${ns}"}[${window}]))` },
    { metric: 'latency-50', combine: 'max', promql: latency(0.5) },
    { metric: 'latency-90', combine: 'max', promql: latency(0.9) },
    { metric: 'error', combine: 'sum', promql: `sum by (pod) (rate(http_requests_total{namespace="${ns}",code=~"5.."}[${window}]))` },
    { metric: 'workload', combine: 'sum', promql: `sum by (pod) (rate(http_requests_total{namespace="${ns}"}[${window}]))` },
  ];
}

/**
 * Reads a namespace's workloads from Prometheus as a case. Errors (an unreachable server, a refused
 * query, nothing recorded for the namespace) are InputErrors naming the URL and the query.
 * @example const c = await readPrometheusCase({ url: 'http://127.0.0.1:9090', namespace: 'shop', sinceSeconds: 1800 });
 */
export async function readPrometheusCase(options: PrometheusCaseOptions): Promise<RcaCase> {
  const api = new PrometheusApi(options.url, options.timeoutMs ?? 10_000);
  const end = Math.floor(options.end ?? Date.now() / 1000);
  const scrape = await api.scrapeInterval(end);
  const step = options.step ?? Math.max(scrape, Math.ceil(options.sinceSeconds / MAX_ROWS));
  const start = end - Math.floor(options.sinceSeconds / step) * step;
  const times = Array.from({ length: Math.round((end - start) / step) + 1 }, (_, i) => start + i * step);
  // Grafana's $__rate_interval: at least four scrapes, and more than one step.
  const window = promDuration(Math.max(4 * scrape, step + scrape));
  const ns = escapePromString(options.namespace);
  const series: MetricSeries[] = [];
  for (const q of metricQueries(ns, window)) {
    const result = await api.queryRange(q.promql, start, end, step);
    series.push(...toSeries(q, result, times, step));
  }
  withZeroErrors(series);
  if (series.length === 0) {
    throw new InputError(options.url, `no metrics for namespace "${options.namespace}" between ${iso(start)} and ${iso(end)} (query: ${metricQueries(ns, window)[0]!.promql}); check the namespace, --since, and that Prometheus scrapes the kubelets' cAdvisor`);
  }
  series.sort((a, b) => a.component.localeCompare(b.component));
  const telemetry: Telemetry = { times, series };
  const symptom = options.target === undefined ? undefined : symptomFor(options.target, telemetry, options);
  return { name: `${options.namespace} from ${options.url}`, format: 'prometheus', telemetry, ...(symptom ? { symptom } : {}) };
}

/**
 * The alert's series: the target's first service-level metric (tail latency, then median latency,
 * then errors), else restarts, memory, CPU, else its first series. A target with no series is an error listing the
 * workloads that have some.
 */
function symptomFor(target: string, telemetry: Telemetry, options: PrometheusCaseOptions): Symptom {
  const own = telemetry.series.filter((s) => s.component === target);
  if (own.length === 0) {
    const workloads = [...new Set(telemetry.series.map((s) => s.component))].join(', ');
    throw new InputError(options.url, `--target ${target}: no workload of that name has metrics in namespace "${options.namespace}" (workloads with metrics: ${workloads})`);
  }
  const preferred = ['latency-90', 'latency-50', 'error', 'restarts', 'mem', 'cpu'].find((m) => own.some((s) => s.metric === m));
  return { component: target, metric: preferred ?? own[0]!.metric };
}

/** A query's answer as one series per workload on the case's time axis. */
function toSeries(q: MetricQuery, result: readonly MatrixSeries[], times: readonly number[], step: number): MetricSeries[] {
  const rows = new Map<string, (number | null)[]>();
  for (const r of result) {
    const workload = r.metric['workload'] ?? (r.metric['pod'] !== undefined ? workloadOf(r.metric['pod']) : undefined);
    if (workload === undefined || workload === '') continue;
    const values = rows.get(workload) ?? times.map(() => null);
    rows.set(workload, values);
    for (const [t, text] of r.values) {
      const row = Math.round((t - times[0]!) / step);
      const v = Number(text);
      if (row < 0 || row >= times.length || !Number.isFinite(v)) continue;
      const before = values[row] ?? null;
      values[row] = before === null ? v : q.combine === 'sum' ? before + v : Math.max(before, v);
    }
  }
  return [...rows].map(([component, values]) => ({ component, metric: q.metric, statistic: '', values }));
}

/**
 * A 5xx series exists only once a pod answered one, so "no error series" while requests are counted
 * means no errors: zeros where the workload's request rate is known (every workload with requests
 * gets an error series), so that a burst stands out against a normal of 0.
 */
function withZeroErrors(series: MetricSeries[]): void {
  for (const requests of series.filter((s) => s.metric === 'workload')) {
    const at = series.findIndex((s) => s.component === requests.component && s.metric === 'error');
    const errors = at === -1 ? undefined : series[at]!;
    const values = requests.values.map((r, row) => errors?.values[row] ?? (r === null ? null : 0));
    const filled = { component: requests.component, metric: 'error', statistic: '', values };
    if (at === -1) series.push(filled); else series[at] = filled;
  }
}

/** Double quotes and backslashes escaped for a PromQL string literal. */
function escapePromString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** The two endpoints of Prometheus's HTTP API used here, with errors that name the URL and the query. */
class PrometheusApi {
  constructor(private readonly base: string, private readonly timeoutMs: number) {}

  /** `GET /api/v1/query_range`: a matrix. */
  async queryRange(query: string, start: number, end: number, step: number): Promise<MatrixSeries[]> {
    const data = await this.get('query_range', query, { start: String(start), end: String(end), step: String(step) });
    return (data as { result?: MatrixSeries[] }).result ?? [];
  }

  /**
   * The scrape interval, from the spacing of the raw samples of `up` (every target has it) in the
   * last ten minutes: the median gap. 15 s when nothing is recorded.
   */
  async scrapeInterval(end: number): Promise<number> {
    const data = await this.get('query', 'up[10m]', { time: String(end) });
    const gaps: number[] = [];
    for (const s of (data as { result?: MatrixSeries[] }).result ?? []) {
      for (let i = 1; i < s.values.length; i++) gaps.push(s.values[i]![0] - s.values[i - 1]![0]);
    }
    if (gaps.length === 0) return DEFAULT_SCRAPE_INTERVAL;
    gaps.sort((a, b) => a - b);
    return Math.max(1, Math.round(gaps[Math.floor(gaps.length / 2)]!));
  }

  private async get(endpoint: 'query' | 'query_range', query: string, params: Record<string, string>): Promise<unknown> {
    const url = new URL(`api/v1/${endpoint}`, this.base.endsWith('/') ? this.base : `${this.base}/`);
    for (const [k, v] of Object.entries({ query, ...params })) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { Accept: 'application/json' } });
    } catch (err) {
      const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new InputError(this.base, `cannot reach Prometheus: ${cause} (query: ${query})`, { cause: err });
    }
    const text = await res.text();
    let body: { status?: string; data?: unknown; error?: string; errorType?: string } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (!res.ok || body?.status !== 'success') {
      const why = body?.error ? `${body.errorType ?? 'error'}: ${body.error}` : `HTTP ${res.status} ${res.statusText}, not a Prometheus API answer: ${text.slice(0, 120).replace(/\s+/g, ' ')}`;
      throw new InputError(this.base, `Prometheus refused the query: ${why} (query: ${query})`);
    }
    return body.data;
  }
}

/** Parses `--since` (`30m`, `1h`), failing with the flag named. */
export function parseSince(text: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new InputError('--since', `"${text}" is not a duration (examples: 30m, 1h, 90s)`);
  return seconds;
}
