import { describe, expect, it } from 'vitest';
import { computeHash, safeEncodeString } from './pod-template-hash.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };

describe('pod-template-hash', () => {
  it('encodes digits through the apiserver alphabet as rand.SafeEncodeString does', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('is stable across key order, changes with the template and with the collision count', () => {
    const reordered = { spec: { containers: [{ image: 'nginx:1.27', name: 'web' }] }, metadata: { labels: { app: 'web' } } };
    const hash = computeHash(template, undefined);
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    expect(computeHash(reordered, undefined)).toBe(hash);
    expect(computeHash({ ...template, spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } }, undefined)).not.toBe(hash);
    expect(computeHash(template, 1)).not.toBe(hash);
    expect(computeHash(template, 1)).not.toBe(computeHash(template, 2));
  });
});
