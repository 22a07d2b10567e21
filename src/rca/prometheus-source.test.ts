/**
 * The Prometheus source against a real Prometheus serving recorded data (OpenMetrics generated
 * here, loaded with promtool): a shop of three services whose payments service slows down and
 * fails at a known time, seen through the common HTTP histograms and cAdvisor's metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankByGraphWalk } from './graph-walk.js';
import { readPrometheusCase } from './prometheus-source.js';
import { HAS_PROMETHEUS, backfill, startPrometheus, type TestPrometheus } from './prometheus.test-support.js';
import { workloadOf } from './workload-name.js';

const STEP = 15;
const ROWS = 120;
const FAULT_ROW = 80;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Recorded an hour ago, on a whole step: inside the retention and the query API's reach.
const END = Math.floor((Date.now() / 1000 - 3600) / STEP) * STEP;
const START = END - (ROWS - 1) * STEP;
const PODS = {
  frontend: ['frontend-6b7c9d5f4-k2x9z', 'frontend-6b7c9d5f4-p7w4q'],
  checkout: ['checkout-7d4b9c8f6d-x2k9p', 'checkout-7d4b9c8f6d-m5n8r'],
  payments: ['payments-5f8d7c6b9-q4z7t', 'payments-5f8d7c6b9-h2v6l'],
};

/** Deterministic noise in [-1, 1]. */
function noise(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

/**
 * Per service and row: mean latency (s) and the share of requests failing. Payments slows from
 * the fault row on; its callers slow a row later (their requests wait on it) by as much.
 */
function behaviour(service: keyof typeof PODS, row: number, seed: number): { latency: number; failing: number } {
  const own = { frontend: 0.02, checkout: 0.03, payments: 0.04 }[service];
  const payments = row >= FAULT_ROW ? 0.6 : 0;
  const waits = service === 'payments' ? payments : row >= FAULT_ROW + 1 ? payments : 0;
  return { latency: own * (1 + 0.05 * noise(seed)) + waits, failing: service === 'payments' && row >= FAULT_ROW ? 0.2 : 0 };
}

/** OpenMetrics text of every series, each series' points in time order. */
function recording(): string {
  const lines: string[] = ['# TYPE http_request_duration_seconds histogram', '# TYPE http_requests counter',
    '# TYPE container_memory_working_set_bytes gauge', '# TYPE container_cpu_usage_seconds counter'];
  const histogram: string[] = [];
  const requests: string[] = [];
  const memory: string[] = [];
  const cpu: string[] = [];
  let seed = 1;
  for (const [service, pods] of Object.entries(PODS) as [keyof typeof PODS, string[]][]) {
    for (const pod of pods) {
      const labels = `namespace="shop",pod="${pod}"`;
      const buckets = BUCKETS.map(() => 0);
      let count = 0; let sum = 0; let ok = 0; let failed = 0; let cpuSeconds = 0;
      const ready: string[][] = [[], [], [], []];
      for (let row = 0; row < ROWS; row++) {
        const t = START + row * STEP;
        const { latency, failing } = behaviour(service, row, seed++);
        const n = 150;
        // Latencies spread evenly over [0.5, 1.5] × the mean.
        BUCKETS.forEach((le, i) => { buckets[i]! += Math.round(n * Math.min(1, Math.max(0, (le - 0.5 * latency) / latency))); });
        count += n; sum += n * latency; failed += Math.round(n * failing); ok += n - Math.round(n * failing);
        cpuSeconds += STEP * (0.1 + 0.005 * noise(seed++));
        ready[0]!.push(...BUCKETS.map((le, i) => `http_request_duration_seconds_bucket{${labels},le="${le}"} ${buckets[i]} ${t}`),
          `http_request_duration_seconds_bucket{${labels},le="+Inf"} ${count} ${t}`,
          `http_request_duration_seconds_count{${labels}} ${count} ${t}`, `http_request_duration_seconds_sum{${labels}} ${sum} ${t}`);
        ready[1]!.push(`http_requests_total{${labels},code="200"} ${ok} ${t}`);
        ready[2]!.push(`container_memory_working_set_bytes{${labels},container="${service}"} ${Math.round(2e8 * (1 + 0.01 * noise(seed++)))} ${t}`);
        ready[3]!.push(`container_cpu_usage_seconds_total{${labels},container="${service}"} ${cpuSeconds} ${t}`);
      }
      // 5xx series: only the pods that failed requests have one, from the fault on.
      const errors = Array.from({ length: ROWS }, (_, row) => row).filter((row) => row >= FAULT_ROW && service === 'payments')
        .map((row) => `http_requests_total{${labels},code="500"} ${Math.round(150 * 0.2) * (row - FAULT_ROW + 1)} ${START + row * STEP}`);
      histogram.push(...ready[0]!); requests.push(...ready[1]!, ...errors); memory.push(...ready[2]!); cpu.push(...ready[3]!);
      void failed;
    }
  }
  return `${[lines[0]!, ...histogram, lines[1]!, ...requests, lines[2]!, ...memory, lines[3]!, ...cpu, '# EOF'].join('\n')}\n`;
}

let prometheus: TestPrometheus | undefined;

beforeAll(async () => {
  if (!HAS_PROMETHEUS) return;
  prometheus = await startPrometheus([], 15, await backfill(recording()));
}, 60_000);

afterAll(async () => { await prometheus?.close(); });

describe('workloadOf', () => {
  it('names the Deployment, DaemonSet or StatefulSet a pod belongs to', () => {
    expect(workloadOf('checkout-7d4b9c8f6d-x2k9p')).toBe('checkout');
    expect(workloadOf('shop-api-5f8d7c6b9-q4z7t')).toBe('shop-api');
    expect(workloadOf('node-agent-x2k9p')).toBe('node-agent');
    expect(workloadOf('db-0')).toBe('db');
    expect(workloadOf('worker')).toBe('worker');
  });
});

describe.skipIf(!HAS_PROMETHEUS)('readPrometheusCase on recorded data', () => {
  const read = (target?: string) => readPrometheusCase({ url: prometheus!.url, namespace: 'shop', sinceSeconds: (ROWS - 1) * STEP, end: END, step: STEP, ...(target ? { target } : {}) });

  it('turns the namespace\'s pods into workload series on one time axis', async () => {
    const c = await read();
    expect(c.telemetry.times[0]).toBe(START);
    expect(c.telemetry.times).toHaveLength(ROWS);
    const names = new Set(c.telemetry.series.map((s) => `${s.component}_${s.metric}`));
    for (const w of Object.keys(PODS)) for (const m of ['cpu', 'mem', 'latency-50', 'latency-90', 'workload']) expect(names).toContain(`${w}_${m}`);
    // No 5xx series for the frontend: with requests counted, that is zero errors, not missing data.
    const frontendErrors = c.telemetry.series.find((s) => s.component === 'frontend' && s.metric === 'error')!;
    // (The first row has no rate yet: one sample in its window.)
    expect(new Set(frontendErrors.values.slice(1))).toEqual(new Set([0]));
    const paymentsErrors = c.telemetry.series.find((s) => s.component === 'payments' && s.metric === 'error')!;
    expect(paymentsErrors.values[FAULT_ROW - 5]).toBe(0);
    // 30 failed requests per 15 s on each of two pods.
    expect(paymentsErrors.values[FAULT_ROW + 10]).toBeCloseTo(4, 1);
    // Two pods at 0.1 core each.
    const cpu = c.telemetry.series.find((s) => s.component === 'checkout' && s.metric === 'cpu')!;
    expect(cpu.values[ROWS - 1]).toBeCloseTo(0.2, 1);
    // histogram_quantile over both pods' buckets: payments' p90 before and well after the fault.
    const p90 = c.telemetry.series.find((s) => s.component === 'payments' && s.metric === 'latency-90')!;
    expect(p90.values[40]!).toBeLessThan(0.1);
    expect(p90.values[FAULT_ROW + 10]!).toBeGreaterThan(0.5);
  });

  it('ranks the service that slowed first and fails first, from the frontend\'s symptom, without a call graph', async () => {
    const c = await read('frontend');
    expect(c.symptom).toEqual({ component: 'frontend', metric: 'latency-90' });
    const ranking = rankByGraphWalk(c);
    expect(ranking[0]!.component).toBe('payments');
    expect(ranking[0]!.evidence.some((e) => e.series === 'payments error')).toBe(true);
    // Checkout slowed as much, a row later: without a call graph, the earlier change explains it.
    expect(ranking.find((r) => r.component === 'checkout')!.evidence.map((e) => e.quote)).toContain('payments changed earlier and by enough to account for this: most likely an effect of it (no call graph known)');
  });

  it('says which workloads exist when the target has no metrics', async () => {
    await expect(read('basket')).rejects.toThrow(/--target basket: no workload .*checkout, frontend, payments/);
  });

  it('names the URL and the query when the namespace has nothing recorded', async () => {
    await expect(readPrometheusCase({ url: prometheus!.url, namespace: 'absent', sinceSeconds: 600, end: END, step: STEP }))
      .rejects.toThrow(/no metrics for namespace "absent".*query: sum by \(pod\) \(rate\(container_cpu_usage_seconds_total\{namespace="absent"/);
  });
});

describe('readPrometheusCase errors', () => {
  it('names the URL and the query when Prometheus cannot be reached', async () => {
    await expect(readPrometheusCase({ url: 'http://127.0.0.1:9', namespace: 'shop', sinceSeconds: 600, timeoutMs: 2000 }))
      .rejects.toThrow(/^http:\/\/127\.0\.0\.1:9: cannot reach Prometheus: .*\(query: up\[10m\]\)/);
  });
});
