import { describe, expect, it } from 'vitest';
import { formatBytes, formatCpu, parseQuantity, roundUpMemory } from './quantity.js';

describe('quantities', () => {
  it.each([
    ['512Mi', 512 * 2 ** 20], ['1Gi', 2 ** 30], ['250m', 0.25], ['2', 2], ['1.5', 1.5], ['1e3', 1000], ['128M', 128e6], ['100k', 1e5],
  ])('parses %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 9);
  });

  it('rejects what is not a quantity', () => {
    expect(parseQuantity('lots')).toBeUndefined();
    expect(parseQuantity('12Qi')).toBeUndefined();
  });

  it('formats as people write manifests', () => {
    expect(formatBytes(768 * 2 ** 20)).toBe('768Mi');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5Gi');
    expect(formatCpu(0.25)).toBe('250m');
    expect(formatCpu(2)).toBe('2');
  });

  it('rounds memory up to 64Mi steps below 1Gi and quarter Gi above', () => {
    expect(roundUpMemory(300 * 2 ** 20)).toBe(320 * 2 ** 20);
    expect(roundUpMemory(1.1 * 2 ** 30)).toBe(1.25 * 2 ** 30);
  });
});
