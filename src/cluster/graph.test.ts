import { describe, expect, it } from 'vitest';
import { ago, deployment, event, graphOf, log, node, NOW, pod, replicaSet } from '../../test/k8s.js';
import { AGE_ANNOTATION } from './annotations.js';
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

  it('reads when an event last happened from its newest timestamp, or from the age describe gives', () => {
    const g = graphOf([p1]);
    const at = (minutes: number): number => Date.parse(NOW) - minutes * 60_000;
    const core = event(p1, 'Warning', 'BackOff', 'x', { minutesAgo: 3 });
    expect(g.eventTime(core as never)).toBe(at(3));
    const series = event(p1, 'Warning', 'BackOff', 'x', { lastTimestamp: null, eventTime: ago(20), series: { count: 4, lastObservedTime: ago(2) } });
    expect(g.eventTime(series as never)).toBe(at(2));
    const described = event(p1, 'Warning', 'BackOff', 'x', { lastTimestamp: null, firstTimestamp: null, metadata: { annotations: { [AGE_ANNOTATION]: '192' } } });
    expect(g.eventTime(described as never)).toBe(Date.parse(NOW) - 192_000);
    const zero = event(p1, 'Warning', 'BackOff', 'x', { lastTimestamp: '0001-01-01T00:00:00Z', firstTimestamp: null });
    expect(g.eventTime(zero as never)).toBeUndefined();
  });

  it('sorts described events, which carry only ages, oldest first', () => {
    const aged = (reason: string, seconds: number): KubeObject => event(p1, 'Normal', reason, 'x', { lastTimestamp: null, firstTimestamp: null, metadata: { annotations: { [AGE_ANNOTATION]: String(seconds) } } });
    const g = graphOf([p1, aged('Started', 60), aged('Scheduled', 1900), aged('Pulled', 600)]);
    expect(g.eventsFor({ kind: 'Pod', namespace: 'shop', name: 'web-5d4f8-a' }).map((e) => e.reason)).toEqual(['Scheduled', 'Pulled', 'Started']);
  });

  it('finds node events, recorded in the default namespace, under the node', () => {
    const n = node('node-1');
    const ev = event(n, 'Warning', 'SystemOOM', 'System OOM encountered, victim process: java, pid: 4242', { metadata: { namespace: 'default' } });
    expect(graphOf([n, ev]).eventsFor({ kind: 'Node', name: 'node-1' }).map((e) => e.reason)).toEqual(['SystemOOM']);
  });

  it('lists events by reason in input order', () => {
    const a = event(p1, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    const b = event(p2, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted');
    const c = event(p2, 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500');
    const g = graphOf([p1, p2, a, b, c, event(p1, 'Normal', 'Pulled', 'x')]);
    expect(g.eventsByReason(['Unhealthy', 'Killing'])).toEqual([a, b, c]);
    expect(g.eventsByReason(['Unhealthy'])).toEqual([a, c]);
    expect(g.eventsByReason(['Evicted'])).toEqual([]);
  });

  it('indexes objects by namespace, and the EndpointSlices of a Service by its name label', () => {
    const slice = (name: string, namespace: string, service: string): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } }, addressType: 'IPv4', endpoints: [],
    });
    const elsewhere: KubeObject = { ...svc, metadata: { name: 'web', namespace: 'other' } };
    const g = graphOf([svc, elsewhere, slice('web-abc12', 'shop', 'web'), slice('web-def34', 'shop', 'web'), slice('web-xyz', 'other', 'web'), slice('db-1', 'shop', 'db')]);
    expect(g.ofKindIn('Service', 'other')).toEqual([elsewhere]);
    expect(g.endpointsOf(svc as never).slices.map((s) => s.metadata.name)).toEqual(['web-abc12', 'web-def34']);
    expect(g.servicesSelecting(p1 as never)).toEqual([svc]);
  });
  it('resolves by uid when the object of the reference\'s name has another uid, and by name when no object has the uid', () => {
    const replaced = replicaSet(deploy, '5d4f8');
    const orphan = pod('shop', 'web-5d4f8-z', { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8', uid: 'gone', controller: true }] } });
    const g = graphOf([deploy, replaced, orphan]);
    expect(g.owner(orphan)).toBe(replaced);
    expect(g.resolve({ kind: 'ReplicaSet', namespace: 'shop', name: 'renamed', uid: replaced.metadata.uid! })).toBe(replaced);
    expect(g.resolve({ kind: 'ReplicaSet', namespace: 'shop', name: 'renamed' })).toBeUndefined();
    expect(g.get('Endpoints', 'shop', 'web')).toBeUndefined();
  });

  it('lists the children of every object that carries the owner\'s key when the input repeats it', () => {
    const first = replicaSet(deploy, '5d4f8');
    const again = replicaSet(deploy, '5d4f8');
    const a = pod('shop', 'web-5d4f8-a', {}, first);
    const b = pod('shop', 'web-5d4f8-b', {}, again);
    const c = pod('shop', 'web-5d4f8-c', {}, first);
    const g = graphOf([deploy, first, again, a, b, c]);
    expect(g.ownedBy(first)).toEqual([a, b, c]);
    expect(g.ownedBy(again)).toEqual([a, b, c]);
  });

  it('takes a timestamp in another form, or one that rolls over, as newer when it is', () => {
    const at = (t: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${t}`, namespace: 'shop', creationTimestamp: t } });
    const newest = (...times: string[]): string => new ClusterGraph({ objects: times.map(at), logs: [], origins: [] }).now.toISOString();
    expect(newest('2026-03-01T12:00:00Z', '2026-03-01T08:00:00-05:00')).toBe('2026-03-01T13:00:00.000Z');
    expect(newest('2026-03-01T12:00:00Z', '2026-03-01T12:00:00.250Z')).toBe('2026-03-01T12:00:00.250Z');
    // Date.parse rolls 31 February over into March.
    expect(newest('2026-03-01T12:00:00Z', '2026-02-31T00:00:00Z')).toBe('2026-03-03T00:00:00.000Z');
    expect(newest('2026-03-01T12:00:00Z', '2026-02-28T23:59:59Z')).toBe('2026-03-01T12:00:00.000Z');
  });
});
