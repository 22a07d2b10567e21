import { describe, expect, it } from 'vitest';
import { fitJson } from './bounded.js';

describe('fitJson', () => {
  it('leaves a small answer whole', () => {
    const value = { items: [1, 2, 3], text: 'short' };
    expect(fitJson(value, 1_000)).toEqual({ value, truncated: [] });
  });

  it('halves the longest list until the answer fits, and names the cut', () => {
    const events = Array.from({ length: 400 }, (_, i) => ({ n: i, message: `event number ${i} happened` }));
    const { value, truncated } = fitJson({ at: 'now', events, small: [1, 2] }, 4_000);
    const kept = (value as { events: unknown[] }).events;
    expect(JSON.stringify(value).length).toBeLessThanOrEqual(4_000);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept[0]).toEqual(events[0]);
    expect(truncated).toEqual([`events: ${kept.length} of 400 items shown`]);
    expect((value as { small: unknown[] }).small).toEqual([1, 2]);
  });

  it('cuts a single long text when no list is left to shorten', () => {
    const { value, truncated } = fitJson({ yaml: 'x'.repeat(10_000) }, 3_000);
    expect(JSON.stringify(value).length).toBeLessThanOrEqual(3_000);
    expect(truncated[0]).toMatch(/^yaml: \d+ of 10000 characters shown$/);
  });

  it('does not change the value it was given', () => {
    const value = { list: Array.from({ length: 100 }, (_, i) => i) };
    fitJson(value, 50);
    expect(value.list).toHaveLength(100);
  });
});
