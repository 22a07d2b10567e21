import { describe, expect, it } from 'vitest';
import { deployment, event, graphOf, log, node, pod, replicaSet } from '../../test/k8s.js';
import { ClusterGraph } from './graph.js';
import type { KubeObject } from './objects.js';

describe('ClusterGraph', () => {
  const deploy = deployment('shop', 'web');
  const rs = replicaSet(deploy, '5d4f8');
  const p1 = pod('shop', 'web-5d4f8-a', {}, rs);
  const p2 = pod('shop', 'web-5d4f8-b', { spec: { nodeName: 'node-2' } }, rs);
  const other = pod('shop', 'db-0', { metadata: { labels: { app: 'db', tier: 'data' } } });
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  const graph = graphOf([deploy, rs, p1, p2, other, svc, node('node-1'), node('node-2')]);

  it('follows the owner chain from a pod to its deployment', () => {
    expect(graph.ownerChain(p1).map((o) => o.kind)).toEqual(['ReplicaSet', 'Deployment']);
    expect(graph.workloadOf(p1)).toMatchObject({ kind: 'Deployment', name: 'web', namespace: 'shop' });
    expect(graph.podsOf(deploy).map((p) => p.metadata.name).sort()).toEqual(['web-5d4f8-a', 'web-5d4f8-b']);
  });

  it('names the deployment of a pod whose ReplicaSet is not in the snapshot', () => {
    const lone = graphOf([p1]);
    expect(lone.workloadOf(p1)).toEqual({ kind: 'Deployment', name: 'web', namespace: 'shop' });
  });

  it('resolves owners by name when there is no uid (describe text)', () => {
    const bare = pod('shop', 'web-5d4f8-c', { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8', uid: '', controller: true }] } });
    expect(graphOf([deploy, rs, bare]).ownerChain(bare).map((o) => o.metadata.name)).toEqual(['web-5d4f8', 'web']);
  });

  it('selects pods with labels and expressions, within the namespace', () => {
    expect(graph.servicePods(svc as never).map((p) => p.metadata.name).sort()).toEqual(['web-5d4f8-a', 'web-5d4f8-b']);
    expect(graph.podsSelectedBy({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['data'] }] }, 'shop').map((p) => p.metadata.name)).toEqual(['db-0']);
    expect(graph.podsSelectedBy({ app: 'web' }, 'other')).toEqual([]);
    expect(graph.servicesSelecting(p1 as never).map((s) => s.metadata.name)).toEqual(['web']);
  });

  it('indexes pods by node', () => {
    expect(graph.podsOnNode('node-2').map((p) => p.metadata.name)).toEqual(['web-5d4f8-b']);
    expect(graph.nodeOf(p1 as never)?.metadata.name).toBe('node-1');
  });

  it('attaches events to their object, oldest first, leaving out an earlier object of the same name', () => {
    const late = event(p1, 'Warning', 'BackOff', 'Back-off restarting failed container app in pod web-5d4f8-a_shop(x)', { minutesAgo: 1 });
    const early = event(p1, 'Normal', 'Pulled', 'Container image "x" already present on machine', { minutesAgo: 9 });
    const stale = event(p1, 'Warning', 'Failed', 'old pod', { involvedObject: { uid: 'some-earlier-uid' } });
    const g = graphOf([p1, late, stale, early]);
    expect(g.eventsFor({ kind: 'Pod', namespace: 'shop', name: 'web-5d4f8-a', uid: p1.metadata.uid! }).map((e) => e.reason)).toEqual(['Pulled', 'BackOff']);
  });

  it('reads events.k8s.io/v1 events as core events', () => {
    const ev: KubeObject = {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e1', namespace: 'shop' },
      regarding: { kind: 'Pod', namespace: 'shop', name: 'web-5d4f8-a' }, note: 'Started container app', reason: 'Started',
      type: 'Normal', eventTime: '2026-11-20T09:59:00.000000Z', reportingController: 'kubelet',
    };
    const [core] = graphOf([p1, ev]).eventsFor({ kind: 'Pod', namespace: 'shop', name: 'web-5d4f8-a' });
    expect(core).toMatchObject({ message: 'Started container app', source: { component: 'kubelet' } });
  });

  it('finds a log by container, and a log given without a container for the first one', () => {
    const g = graphOf([p1], [log('shop', 'web-5d4f8-a', 'panic: boom\n', { previous: true })]);
    expect(g.logOf(p1 as never, 'app', true)?.text).toContain('panic');
    expect(g.logOf(p1 as never, 'app', false)).toBeUndefined();
  });

  it('takes the newest timestamp as its time when no capture time is given', () => {
    const g = new ClusterGraph({ objects: [p1, event(p1, 'Normal', 'Pulled', 'x', { minutesAgo: 2 })], logs: [], origins: [] });
    expect(g.now.toISOString()).toBe('2026-11-20T09:58:00.000Z');
  });
});
