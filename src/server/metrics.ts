/**
 * Watch mode's metrics in Prometheus' format (prom-client): incidents open by mode and severity,
 * analysis latency, and what the service costs the API server.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WatchService } from './watch-service.js';

export interface WatchMetrics {
  registry: Registry;
  /** Records one analysis's duration. */
  analyzed(ms: number): void;
}

/** The registry for one watch service; `apiRequests` reads the client's request count. */
export function watchMetrics(service: () => WatchService | undefined, apiRequests: () => number): WatchMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'kubetriage_incidents_open', help: 'Incidents open now, by the root cause\'s failure mode and the incident\'s severity.',
    labelNames: ['mode', 'severity'], registers: [registry],
    collect() {
      this.reset();
      for (const incident of service()?.open() ?? []) this.inc({ mode: incident.report.cause.mode, severity: incident.report.severity });
    },
  });
  const latency = new Histogram({
    name: 'kubetriage_analysis_duration_seconds', help: 'Time of one analysis: snapshot of the watched state, logs of failing containers, diagnosis and incident tracking.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  let counted = { requests: 0, watches: 0, relists: 0 };
  const requests = new Counter({
    name: 'kubetriage_api_requests_total', help: 'Requests sent to the Kubernetes API server, by kind of request.',
    labelNames: ['request'], registers: [registry],
    collect() {
      const stats = service()?.stats();
      const now = { requests: apiRequests(), watches: stats?.watches ?? 0, relists: stats?.expired ?? 0 };
      this.inc({ request: 'get' }, now.requests - counted.requests);
      this.inc({ request: 'watch' }, now.watches - counted.watches);
      this.inc({ request: 'relist-after-expiry' }, now.relists - counted.relists);
      counted = now;
    },
  });
  requests.inc({ request: 'get' }, 0);
  return { registry, analyzed: (ms) => latency.observe(ms / 1000) };
}
