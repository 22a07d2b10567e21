import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('syncs a key added many times in a burst once, on the clock', () => {
    const clock = new ManualClock();
    const synced: string[] = [];
    const queue = new WorkQueue(clock, (key) => synced.push(key));
    for (let i = 0; i < 5; i++) queue.add('default/web');
    queue.add('default/api');
    expect(synced).toEqual([]);
    clock.advance(0);
    expect(synced).toEqual(['default/web', 'default/api']);
  });

  it('retries a failed sync after a short back-off, and addAfter waits for simulated time', () => {
    const clock = new ManualClock();
    let failures = 1;
    const synced: string[] = [];
    const queue = new WorkQueue(clock, (key) => {
      if (failures-- > 0) throw new Error('conflict');
      synced.push(key);
    });
    queue.add('a');
    clock.advance(0);
    expect(synced).toEqual([]);
    clock.advance(10);
    expect(synced).toEqual(['a']);
    queue.addAfter('b', 1_000);
    clock.advance(999);
    expect(synced).toEqual(['a']);
    clock.advance(1);
    expect(synced).toEqual(['a', 'b']);
    queue.stop();
    queue.add('c');
    clock.advance(10);
    expect(synced).toEqual(['a', 'b']);
  });

  it('backs off longer while a key keeps failing', () => {
    const clock = new ManualClock();
    let attempts = 0;
    const queue = new WorkQueue(clock, () => { attempts++; throw new Error('always'); });
    queue.add('a');
    clock.advance(0);
    clock.advance(5);
    clock.advance(10);
    clock.advance(20);
    expect(attempts).toBe(4);
    clock.advance(39);
    expect(attempts).toBe(4);
    clock.advance(1);
    expect(attempts).toBe(5);
    queue.stop();
    clock.advance(1_000);
    expect(attempts).toBe(5);
  });
});
