import { describe, expect, it } from 'vitest';
import { errorOf } from './patch.test-support.js';
import { applyPatch } from './index.js';

const deploy = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'checkout', labels: { app: 'checkout', tier: 'web' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'api', image: 'api:1' }], tolerations: [{ key: 'a' }] } } },
};


describe('JSON patch (RFC 6902)', () => {
  it('applies operations in order to a copy', () => {
    const out = applyPatch(deploy, [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/metadata/labels/track', value: 'canary' },
      { op: 'remove', path: '/metadata/labels/tier' },
    ], 'json', 'Deployment') as typeof deploy;
    expect(out.spec.replicas).toBe(5);
    expect(out.metadata.labels).toEqual({ app: 'checkout', track: 'canary' });
    expect(deploy.spec.replicas).toBe(2);
  });

  it('fails a patch whose test operation does not match with the apiserver\'s generic 422', () => {
    const error = errorOf(() => applyPatch(deploy, [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 4 },
    ], 'json', 'Deployment'));
    expect([error.code, error.reason]).toEqual([422, 'Invalid']);
    expect(error.message).toBe('the server rejected our request due to an error in our request');
    expect(error.detail).toMatch(/test/i);
    expect(error.status()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422,
    });
  });

  it('fails an operation on a path that does not exist with 422', () => {
    const error = errorOf(() => applyPatch(deploy, [{ op: 'remove', path: '/spec/paused' }], 'json', 'Deployment'));
    expect(error.code).toBe(422);
  });

  it('refuses a body that is not a list of operations with the decoder\'s 400', () => {
    const error = errorOf(() => applyPatch(deploy, { op: 'replace' }, 'json', 'Deployment'));
    expect([error.code, error.message]).toEqual([400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch']);
  });
});

describe('merge patch (RFC 7386)', () => {
  it('deletes a field set to null and merges objects', () => {
    const out = applyPatch(deploy, { metadata: { labels: { tier: null, track: 'stable' } } }, 'merge', 'Deployment') as typeof deploy;
    expect(out.metadata.labels).toEqual({ app: 'checkout', track: 'stable' });
    expect(out.spec).toEqual(deploy.spec);
  });

  it('replaces lists whole, even those strategic merge would merge by key', () => {
    const out = applyPatch(deploy, { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } } },
      'merge', 'Deployment') as typeof deploy;
    expect(out.spec.template.spec.containers).toEqual([{ name: 'web', image: 'web:1' }]);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'a' }]);
  });

  it('drops nulls inside an object it adds', () => {
    const out = applyPatch(deploy, { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } }, 'merge', 'Deployment');
    expect((out as { spec: { strategy: object } }).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('refuses a null or scalar body with 400 Invalid JSON Patch', () => {
    for (const body of [null, 'x', 3]) {
      const error = errorOf(() => applyPatch(deploy, body, 'merge', 'Deployment'));
      expect([error.code, error.message]).toEqual([400, 'Invalid JSON Patch']);
    }
  });

  it('refuses a list body with 422, since the result no longer decodes into an object', () => {
    const error = errorOf(() => applyPatch(deploy, [1], 'merge', 'Deployment'));
    expect(error.code).toBe(422);
    expect(error.message).toContain('patch: Invalid value: "[1]"');
  });
});
