import { describe, expect, it } from 'vitest';
import type { SeriesAnomaly } from './anomaly.js';
import { explains, type Suspect } from './explanation.js';

/** A suspect with one anomalous series that went from 1 to `peak` at row 2. */
function suspect(component: string, metric: string, peak: number, onset = 2): Suspect {
  const anomaly: SeriesAnomaly = {
    series: { component, metric, statistic: 'Average', values: [1, 1, peak, peak] },
    z: [0, 0, 50, 50], peak: 50, peakRow: 2, normalMedian: 1,
  };
  return { component, anomalies: [anomaly], strength: 50, onset };
}

describe('a callee explains its caller', () => {
  it('on a metric that contains the callee\'s part, when it changed by enough of the caller\'s change', () => {
    expect(explains(suspect('db', 'latency', 3), suspect('api', 'latency', 4), 0.25)).toBe(true);
    expect(explains(suspect('db', 'latency', 1.1), suspect('api', 'latency', 4), 0.25)).toBe(false);
  });
  it('never on a span\'s own time: a callee\'s slowness is not inside it', () => {
    expect(explains(suspect('db', 'trace-self-time', 3), suspect('api', 'trace-self-time', 4), 0.25)).toBe(false);
  });
  it('on such a series only when the callee changed strictly first', () => {
    expect(explains(suspect('db', 'trace-self-time', 3, 1), suspect('api', 'trace-self-time', 4, 2), 0.25)).toBe(true);
  });
});
