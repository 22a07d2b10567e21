import { describe, expect, it } from 'vitest';
import { humanDuration, since } from './human-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  it.each([
    [-2 * S, '<invalid>'],
    [-1.5 * S, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [119.9 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 12 * S, '3m12s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M + 59 * S, '179m'],
    [3 * H, '3h'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H + 59 * M, '47h'],
    [48 * H, '2d'],
    [2 * D + 4 * H, '2d4h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D + 5 * H, '8d'],
    [45 * D, '45d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [733 * D, '2y3d'],
    [8 * 365 * D + 40 * D, '8y'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('reads an unknown or zero timestamp as <unknown>', () => {
    const now = new Date('2025-03-01T10:00:00Z');
    expect(since(undefined, now)).toBe('<unknown>');
    expect(since('0001-01-01T00:00:00Z', now)).toBe('<unknown>');
    expect(since('2025-03-01T09:59:15Z', now)).toBe('45s');
  });
});
