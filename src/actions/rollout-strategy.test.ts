import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/objects.js';
import { rolloutBounds, scaledValue } from './rollout-strategy.js';

const workload = (kind: string, spec: Record<string, unknown>): KubeObject => ({ kind, metadata: { name: 'web', namespace: 'shop' }, spec });

describe('scaledValue', () => {
  it('rounds percentages the way it is told and reads integers as they are', () => {
    expect(scaledValue('25%', 10, true)).toBe(3);
    expect(scaledValue('25%', 10, false)).toBe(2);
    expect(scaledValue(4, 10, false)).toBe(4);
    expect(scaledValue('7', 10, false)).toBe(7);
    expect(scaledValue('x%', 10, false)).toBeUndefined();
  });
});

describe('rolloutBounds', () => {
  it('resolves a Deployment\'s defaults (25%/25%) against its replicas', () => {
    expect(rolloutBounds(workload('Deployment', { replicas: 10 }), 10)).toMatchObject({ maxUnavailable: 2, maxSurge: 3, replacesPods: true });
  });

  it('makes one replica unavailable when neither surge nor unavailability is allowed', () => {
    const b = rolloutBounds(workload('Deployment', { replicas: 3, strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' } } }), 3);
    expect(b.maxUnavailable).toBe(1);
  });

  it('keeps a single replica available when 25% rounds down to zero', () => {
    expect(rolloutBounds(workload('Deployment', { replicas: 1 }), 1)).toMatchObject({ maxUnavailable: 0, maxSurge: 1 });
  });

  it('takes every replica down under Recreate', () => {
    expect(rolloutBounds(workload('Deployment', { replicas: 4, strategy: { type: 'Recreate' } }), 4).maxUnavailable).toBe(4);
  });

  it('never reports more unavailable than replicas', () => {
    expect(rolloutBounds(workload('Deployment', { replicas: 2, strategy: { rollingUpdate: { maxUnavailable: 5 } } }), 2).maxUnavailable).toBe(2);
  });

  it('rolls a StatefulSet one pod at a time and an OnDelete one not at all', () => {
    expect(rolloutBounds(workload('StatefulSet', { replicas: 5 }), 5).maxUnavailable).toBe(1);
    expect(rolloutBounds(workload('StatefulSet', { replicas: 5, updateStrategy: { type: 'OnDelete' } }), 5).replacesPods).toBe(false);
  });

  it('rounds a DaemonSet\'s percentage up against its scheduled pods', () => {
    expect(rolloutBounds(workload('DaemonSet', { updateStrategy: { rollingUpdate: { maxUnavailable: '10%' } } }), 12).maxUnavailable).toBe(2);
  });

  it('does not replace the pods of a ReplicaSet', () => {
    expect(rolloutBounds(workload('ReplicaSet', { replicas: 3 }), 3)).toMatchObject({ replacesPods: false, maxUnavailable: 0 });
  });
});
