import { describe, expect, it } from 'vitest';
import { addQuantities, canonicalQuantity, formatQuantity, milliValue, parseQuantity } from './quantity.js';

describe('quantities', () => {
  it('prints the canonical form Quantity.String() gives', () => {
    const cases: [string, string][] = [
      ['0.5', '500m'], ['1500m', '1500m'], ['2000m', '2'], ['2000', '2k'], ['1.5', '1500m'], ['100m', '100m'],
      ['1.5Gi', '1536Mi'], ['1024Mi', '1Gi'], ['1000Mi', '1000Mi'], ['0.5Ki', '512'], ['100Ki', '100Ki'],
      ['512', '512'], ['1e3', '1e3'], ['129e6', '129e6'], ['1G', '1G'], ['0', '0'], ['0Mi', '0'], ['128974848', '128974848'],
    ];
    for (const [text, canonical] of cases) expect(canonicalQuantity(text), text).toBe(canonical);
  });

  it('keeps exact values and rounds finer than nano up', () => {
    expect(parseQuantity('1.5Gi')?.nano).toBe(1536n * 1024n * 1024n * 1_000_000_000n);
    expect(milliValue(parseQuantity('0.1m')!)).toBe(1n);
    expect(milliValue(parseQuantity('1')!)).toBe(1000n);
    expect(parseQuantity('1.5x')).toBeUndefined();
    expect(parseQuantity('Mi')).toBeUndefined();
  });

  it('adds in the first quantity\'s format', () => {
    const sum = addQuantities(parseQuantity('512Mi')!, parseQuantity('512Mi')!);
    expect(formatQuantity(sum)).toBe('1Gi');
    expect(formatQuantity(addQuantities(parseQuantity('250m')!, parseQuantity('750m')!))).toBe('1');
  });
});
