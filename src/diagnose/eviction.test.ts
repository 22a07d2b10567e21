import { describe, expect, it } from 'vitest';
import { AGE_ANNOTATION } from '../cluster/annotations.js';
import type { KubeObject } from '../cluster/objects.js';
import { ago, event, graphOf, NOW, pod } from '../../test/k8s.js';
import { evictionCause, evictionTime } from './eviction.js';
import type { PodObj } from './pod-state.js';

const MEMORY = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container app was using 1254412Ki, request is 128Mi, has larger consumption of memory. ';

describe('evictionCause', () => {
  it('reads every message the eviction manager writes', () => {
    expect(evictionCause(MEMORY)).toMatchObject({ kind: 'node', category: 'node-memory-pressure' });
    expect(evictionCause('The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8675436Ki. ')).toMatchObject({ kind: 'node', category: 'node-disk-pressure' });
    expect(evictionCause('The node was low on resource: inodes. Threshold quantity: 5%, available: 1204. ')).toMatchObject({ category: 'node-disk-pressure' });
    expect(evictionCause('The node had condition: [DiskPressure]. ')).toMatchObject({ category: 'node-disk-pressure' });
    expect(evictionCause('The node had condition: [MemoryPressure]. ')).toMatchObject({ category: 'node-memory-pressure' });
    expect(evictionCause('The node was low on resource: pids. ')).toMatchObject({ category: 'node-pid-pressure' });
    expect(evictionCause('The node was low on resource: hugepages-2Mi. ')).toMatchObject({ category: 'unknown' });
    expect(evictionCause('Container app exceeded its local ephemeral storage limit "1Gi". ')).toEqual({ kind: 'container-limit', container: 'app', limit: '1Gi' });
    expect(evictionCause('Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. ')).toEqual({ kind: 'pod-limit', limit: '2Gi' });
    expect(evictionCause('Usage of EmptyDir volume "scratch" exceeds the limit "500Mi". ')).toEqual({ kind: 'empty-dir', volume: 'scratch', limit: '500Mi' });
    expect(evictionCause('something else')).toBeUndefined();
  });
});

describe('evictionTime', () => {
  const evicted = (conditions: unknown[]): KubeObject => pod('shop', 'catalog-1', {
    status: {
      phase: 'Failed', reason: 'Evicted', message: MEMORY, conditions,
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { reason: 'Error', exitCode: 137, finishedAt: ago(40) } } }],
    },
  });
  const at = (minutes: number): number => Date.parse(NOW) - minutes * 60_000;

  it('prefers the DisruptionTarget condition, then the Evicted event, then the containers\' end', () => {
    const withCondition = evicted([{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', lastTransitionTime: ago(20) }]);
    expect(evictionTime(graphOf([withCondition]), withCondition as PodObj)).toBe(at(20));
    const bare = evicted([]);
    expect(evictionTime(graphOf([bare, event(bare, 'Warning', 'Evicted', MEMORY, { minutesAgo: 30 })]), bare as PodObj)).toBe(at(30));
    expect(evictionTime(graphOf([bare]), bare as PodObj)).toBe(at(40));
  });

  it('reads the age describe text gives an Evicted event', () => {
    const bare = evicted([]);
    const described = event(bare, 'Warning', 'Evicted', MEMORY, { lastTimestamp: undefined, firstTimestamp: undefined, metadata: { annotations: { [AGE_ANNOTATION]: '600' } } });
    expect(evictionTime(graphOf([bare, described]), bare as PodObj)).toBe(at(10));
  });
});
