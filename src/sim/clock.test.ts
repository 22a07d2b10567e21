import { describe, expect, it } from 'vitest';
import { ManualClock, RealClock } from './clock.js';

describe('ManualClock', () => {
  it('runs due jobs in time order as it advances, including jobs set by jobs', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const seen: string[] = [];
    clock.after(2000, () => seen.push(`b@${clock.now().toISOString()}`));
    clock.after(1000, () => {
      seen.push(`a@${clock.now().toISOString()}`);
      clock.after(500, () => seen.push(`c@${clock.now().toISOString()}`));
    });
    const cancel = clock.after(1500, () => seen.push('cancelled'));
    cancel();
    clock.advance(1999);
    expect(seen).toEqual(['a@2026-01-01T00:00:01.000Z', 'c@2026-01-01T00:00:01.500Z']);
    clock.advance(1);
    expect(seen).toHaveLength(3);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:02.000Z');
  });
});

describe('RealClock', () => {
  it('runs faster by its speed factor', async () => {
    const clock = new RealClock(100);
    const before = clock.now().getTime();
    await new Promise<void>((resolve) => clock.after(1000, resolve));
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(900);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => new RealClock(0)).toThrow(RangeError);
  });
});
