import { describe, expect, it } from 'vitest';
import { ageSeconds, isoTime, labelSelector } from './values.js';

describe('ageSeconds', () => {
  it('reads the ages duration.HumanDuration prints', () => {
    expect(ageSeconds('45s')).toBe(45);
    expect(ageSeconds('119s')).toBe(119);
    expect(ageSeconds('3m12s')).toBe(192);
    expect(ageSeconds('41m')).toBe(2460);
    expect(ageSeconds('7h5m')).toBe(25_500);
    expect(ageSeconds('2d4h')).toBe(187_200);
    expect(ageSeconds('3y12d')).toBe(3 * 365 * 86400 + 12 * 86400);
  });

  it('gives undefined for what is no age', () => {
    expect(ageSeconds('<unknown>')).toBeUndefined();
    expect(ageSeconds('<invalid>')).toBeUndefined();
    expect(ageSeconds('3 minutes')).toBeUndefined();
  });
});

describe('isoTime', () => {
  it('reads RFC 1123 times with a numeric zone into UTC', () => {
    expect(isoTime('Tue, 14 May 2024 09:12:03 +0000')).toBe('2024-05-14T09:12:03Z');
    expect(isoTime('Tue, 14 May 2024 09:12:03 -0700')).toBe('2024-05-14T16:12:03Z');
    expect(isoTime('Wed, 01 Jan 2025 01:30:00 +0530')).toBe('2024-12-31T20:00:00Z');
  });

  it('drops Go zero times and text that is no time', () => {
    expect(isoTime('Mon, 01 Jan 0001 00:00:00 +0000')).toBeUndefined();
    expect(isoTime('<unset>')).toBeUndefined();
  });
});

describe('labelSelector', () => {
  it('reads equality and set requirements', () => {
    expect(labelSelector('app=web,tier in (api,web),env!=dev,!legacy,canary')).toEqual({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['api', 'web'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'canary', operator: 'Exists' },
      ],
    });
  });

  it('selects everything for <none>', () => {
    expect(labelSelector('<none>')).toEqual({});
  });
});
