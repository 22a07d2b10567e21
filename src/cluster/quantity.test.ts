import { describe, expect, it } from 'vitest';
import { formatBytes, formatCpu, parseQuantity, roundUpMemory, readableBytes } from './quantity.js';

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

  it('formats bytes as exact quantities, never as rounded fractions', () => {
    expect(formatBytes(768 * 2 ** 20)).toBe('768Mi');
    expect(formatBytes(2 * 2 ** 30)).toBe('2Gi');
    expect(formatBytes(1.25 * 2 ** 30)).toBe('1280Mi');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1536Mi');
    expect(formatBytes(15219536 * 2 ** 10)).toBe('15219536Ki');
    expect(formatBytes(1000)).toBe('1000');
    expect(formatBytes(1023.5)).toBe('1Ki');
  });

  it('formats cores as people write manifests', () => {
    expect(formatCpu(0.25)).toBe('250m');
    expect(formatCpu(2)).toBe('2');
  });

  it('reads bytes to one decimal for prose', () => {
    expect(readableBytes(8045656 * 1024)).toBe('7.7Gi');
    expect(readableBytes(512 * 2 ** 20)).toBe('512Mi');
  });

  it('rounds memory up to 64Mi steps below 1Gi and quarter Gi above', () => {
    expect(roundUpMemory(300 * 2 ** 20)).toBe(320 * 2 ** 20);
    expect(roundUpMemory(1.1 * 2 ** 30)).toBe(1.25 * 2 ** 30);
  });
});
