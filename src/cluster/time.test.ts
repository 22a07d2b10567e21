import { describe, expect, it } from 'vitest';
import { formatDuration, millisOf } from './time.js';

describe('millisOf', () => {
  it('reads RFC 3339 timestamps and dates', () => {
    expect(millisOf('2026-11-20T10:00:00Z')).toBe(Date.UTC(2026, 10, 20, 10));
    expect(millisOf(new Date(Date.UTC(2026, 10, 20)))).toBe(Date.UTC(2026, 10, 20));
  });

  it('calls a missing, unreadable or Go zero time unknown', () => {
    expect(millisOf(undefined)).toBeUndefined();
    expect(millisOf(null)).toBeUndefined();
    expect(millisOf('yesterday')).toBeUndefined();
    expect(millisOf('0001-01-01T00:00:00Z')).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('writes durations the way people say them, two units at most', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(250_000)).toBe('4m10s');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(5 * 3_600_000 + 12 * 60_000)).toBe('5h12m');
    expect(formatDuration(51 * 3_600_000)).toBe('2d3h');
    expect(formatDuration(-5_000)).toBe('0s');
  });
});
