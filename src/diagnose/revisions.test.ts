import { describe, expect, it } from 'vitest';
import { deployment, graphOf, replicaSet } from '../../test/k8s.js';
import { previousReplicaSet, replicaSetsOf, revisionOf, servedReplicas } from './revisions.js';

describe('revisions', () => {
  const deploy = deployment('shop', 'web', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '3' } } });
  const rev = (hash: string, revision: string, ready: number) => replicaSet(deploy, hash, {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': revision } }, status: { replicas: ready, readyReplicas: ready, availableReplicas: ready },
  });
  const third = rev('7c9d2', '3', 0);
  const first = rev('5d4f8', '1', 0);
  const second = rev('6b8e1', '2', 2);

  it('ranks a Deployment\'s ReplicaSets by revision and finds the one before', () => {
    const sets = replicaSetsOf(graphOf([deploy, third, first, second]), deploy);
    expect(sets.map(revisionOf)).toEqual([1, 2, 3]);
    expect(previousReplicaSet(sets, third)).toBe(second);
    expect(previousReplicaSet(sets, first)).toBeUndefined();
  });

  it('reads a missing revision as 0, and a revision served when it had ready replicas', () => {
    expect(revisionOf(replicaSet(deploy, 'aaaaa', { metadata: { annotations: null } }))).toBe(0);
    expect(servedReplicas(second as never)).toBe(true);
    expect(servedReplicas(first as never)).toBe(false);
  });
});
