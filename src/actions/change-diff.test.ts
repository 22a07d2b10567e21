import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/objects.js';
import { changeDiff } from './change-diff.js';

const deployment = (memory: string, resourceVersion: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'checkout', namespace: 'shop', resourceVersion, generation: Number(resourceVersion), uid: 'u1', annotations: { 'deployment.kubernetes.io/revision': '3' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'shop/checkout:1.4', resources: { limits: { memory } } }] } } },
  status: { replicas: 2, observedGeneration: Number(resourceVersion) },
} as KubeObject);

describe('changeDiff', () => {
  it('shows only what the change writes, as a unified diff of the YAML', () => {
    const diff = changeDiff(deployment('128Mi', '10'), deployment('256Mi', '11'))!;
    expect(diff).toContain('--- Deployment/shop/checkout (now)');
    expect(diff).toContain('+++ Deployment/shop/checkout (after the change)');
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed.map((l) => l.replace(/\s+/g, ' '))).toEqual(['- memory: 128Mi', '+ memory: 256Mi']);
  });

  it('is empty when only the server\'s own fields differ', () => {
    expect(changeDiff(deployment('128Mi', '10'), deployment('128Mi', '12'))).toBeUndefined();
  });

  it('never shows a Secret\'s values', () => {
    const secret = (value: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: value } } as KubeObject);
    const diff = changeDiff(secret(Buffer.from('old-secret').toString('base64')), secret(Buffer.from('new-secret-value').toString('base64')))!;
    expect(diff).not.toContain(Buffer.from('old-secret').toString('base64'));
    expect(diff).not.toContain(Buffer.from('new-secret-value').toString('base64'));
    expect(diff).toContain('[REDACTED: 16 bytes]');
  });
});
