import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_WALK, rankByGraphWalk } from './graph-walk.js';
import { loadCase } from './load-case.js';
import { isErrorLine, isErrorSpan, logAndTraceSeries, TRACE_ERRORS, TRACE_SELF_TIME } from './log-trace-series.js';
import type { Span } from './rca-case.js';
import { rcaevalCase } from './fixtures.test-support.js';

const span = (statusCode: string): Span => ({ traceId: 't', spanId: 's', parentSpanId: '', service: 'api', operation: 'op', startTime: 0, duration: 1, statusCode });

describe('what counts as an error', () => {
  it('a span with OpenTelemetry\'s ERROR status or an HTTP 5xx; not a 4xx, an OK or an unset status', () => {
    expect(['2', '500', '503', 'STATUS_CODE_ERROR', 'Error'].map((c) => isErrorSpan(span(c)))).toEqual([true, true, true, true, true]);
    expect(['0', '1', '200', '404', '', 'OK'].map((c) => isErrorSpan(span(c)))).toEqual([false, false, false, false, false, false]);
  });
  it('a log line at an error level, or with error words when it has no level', () => {
    const line = (level: string, message: string) => ({ time: 0, container: 'api', level, message });
    expect(isErrorLine(line('ERROR', 'x'))).toBe(true);
    expect(isErrorLine(line('info', 'retrying after error'))).toBe(false);
    expect(isErrorLine(line('', 'java.lang.NullPointerException: boom'))).toBe(true);
    expect(isErrorLine(line('', 'errors=0 retries=0'))).toBe(false);
    expect(isErrorLine(line('', 'Unhandled exception in handler'))).toBe(true);
  });
});

describe('log and trace series', () => {
  it('charges an error to the service whose span failed first, not to the callers that passed it on', async () => {
    const c = await loadCase(rcaevalCase({ fault: false, traceFault: { component: 'store', kind: 'error' } }));
    const errors = Object.fromEntries(logAndTraceSeries(c).filter((s) => s.metric === TRACE_ERRORS).map((s) => [s.component, s.values.slice(78, 82)]));
    expect(errors).toEqual({ checkout: [0, 0, 0, 0], api: [0, 0, 0, 0], store: [0, 0, 10, 10] });
  });
  it('charges latency to the span\'s own time: a caller waiting on a slow callee is not slower itself', async () => {
    const c = await loadCase(rcaevalCase({ fault: false, traceFault: { component: 'api', kind: 'latency' } }));
    const self = Object.fromEntries(logAndTraceSeries(c).filter((s) => s.metric === TRACE_SELF_TIME).map((s) => [s.component, s.values[100]!]));
    expect(self.api).toBeGreaterThan(0.5);
    expect(self.checkout).toBeLessThan(0.01);
    expect(self.store).toBeLessThan(0.01);
  });
});

describe('graph walk with logs and traces', () => {
  it('finds a component whose only sign is an error-log burst, and quotes a line', async () => {
    const c = await loadCase(rcaevalCase({ fault: false, logBurst: 'store' }));
    const ranking = rankByGraphWalk(c);
    expect(ranking[0]?.component).toBe('store');
    expect(ranking[0]!.evidence[0]).toMatchObject({ kind: 'log', series: 'store log-errors/Sum' });
    expect(ranking[0]!.evidence[0]!.quote).toMatch(/^store logged 10 errors in one interval against a normal 0 \(robust z 10\); first: "connection refused: dial tcp 10\.0\.0\.7:5432, retrying"$/);
    expect(rankByGraphWalk(c, { ...DEFAULT_GRAPH_WALK, logsAndTraces: false })).toEqual([]);
  });
  it('ranks the service that originated trace errors first', async () => {
    const ranking = rankByGraphWalk(await loadCase(rcaevalCase({ fault: false, traceFault: { component: 'store', kind: 'error' } })));
    expect(ranking.map((r) => r.component)).toEqual(['store']);
    expect(ranking[0]!.evidence[0]!.kind).toBe('trace');
  });
  it('ranks the service whose own span time grew first', async () => {
    const ranking = rankByGraphWalk(await loadCase(rcaevalCase({ fault: false, traceFault: { component: 'api', kind: 'latency' } })));
    expect(ranking[0]?.component).toBe('api');
    expect(ranking[0]!.evidence[0]!.quote).toMatch(/^api's spans spent 0\.50\ds in themselves \(not waiting on callees\) against a normal 0\.00\d+s/);
  });
});
