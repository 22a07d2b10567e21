import { describe, expect, it } from 'vitest';
import { mostRecent, nextAfter, parseCron } from './cron-schedule.js';

const at = (iso: string): Date => new Date(iso);

describe('cron schedules', () => {
  it('finds the next time for steps, ranges, names and descriptors', () => {
    expect(nextAfter(parseCron('*/15 * * * *'), at('2026-01-01T00:07:30Z'))?.toISOString()).toBe('2026-01-01T00:15:00.000Z');
    expect(nextAfter(parseCron('30 9 * * MON-FRI'), at('2026-01-02T10:00:00Z'))?.toISOString()).toBe('2026-01-05T09:30:00.000Z');
    expect(nextAfter(parseCron('@monthly'), at('2026-01-15T00:00:00Z'))?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(nextAfter(parseCron('0 0 13 * 5'), at('2026-01-01T00:00:00Z'))?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('reports the latest missed time and rejects malformed schedules', () => {
    const r = mostRecent(parseCron('*/5 * * * *'), at('2026-01-01T00:00:00Z'), at('2026-01-01T00:17:00Z'));
    expect(r.time?.toISOString()).toBe('2026-01-01T00:15:00.000Z');
    expect(r.missed).toBe(2);
    expect(() => parseCron('* * *')).toThrow(/expected exactly 5 fields/);
    expect(() => parseCron('61 * * * *')).toThrow();
  });
});
