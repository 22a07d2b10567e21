/** Which way a metric moves when something is wrong: the cause of a slowdown raises latency, an outage lowers availability. */

/** `up`: higher is worse; `down`: lower is worse; `both`: any large change is suspicious (load, traffic). */
export type BadDirection = 'up' | 'down' | 'both';

const DOWN = /^(availability|success|success-rate|uptime)$/i;
const BOTH = /^(requests|workload|socket|diskio|net|network|throughput|count|qps|rps)/i;

/**
 * The direction in which a metric signals trouble, from its name.
 * @example badDirection('availability') // 'down'
 */
export function badDirection(metric: string): BadDirection {
  if (DOWN.test(metric)) return 'down';
  if (BOTH.test(metric)) return 'both';
  return 'up';
}

/** Whether a metric is one a user alerts on (latency, errors, availability) rather than a resource or load metric. */
export function isServiceLevelMetric(metric: string): boolean {
  return /^(latency|availability|error|errors|error-rate|success)/i.test(metric);
}

/** Whether a metric measures how much work arrives (an effect of callers) rather than how a component behaves. */
export function isLoadMetric(metric: string): boolean {
  return /^(requests|workload|throughput|qps|rps|count)/i.test(metric);
}

/** Whether a metric is the share of requests that succeeded (a percentage or a fraction). */
export function isSuccessRate(metric: string): boolean {
  return DOWN.test(metric) && !/^uptime$/i.test(metric);
}
