import { describe, expect, it } from 'vitest';
import type { Obj } from '../cluster/graph.js';
import type { Pod } from '../cluster/objects.js';
import { graphOf, node, pod } from '../../test/k8s.js';
import {
  fitErrorMessage, parseFitError, podRequests, SchedulingModel, toleratesTaint,
} from './scheduling.js';

const pending = (name: string, over: Record<string, unknown> = {}): Obj<Pod> => pod('shop', name, {
  spec: { nodeName: undefined, containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '1', memory: '1Gi' } } }], ...over },
  status: { phase: 'Pending', conditions: [], containerStatuses: [] },
}) as Obj<Pod>;

describe('toleratesTaint', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it('Equal compares the value, and an empty operator means Equal', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', value: 'gpu' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', value: 'db' }, taint)).toBe(false);
  });
  it('Exists ignores the value; an empty key with Exists tolerates every taint', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' })).toBe(true);
  });
  it('an empty effect matches every effect, a set effect only its own', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists' }, { ...taint, effect: 'NoExecute' })).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
  });
  it('an unknown operator tolerates nothing', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Gt', value: 'gpu' }, taint)).toBe(false);
  });
});

describe('podRequests', () => {
  it('sums app containers and takes the largest init container when it is larger', () => {
    const r = podRequests({
      containers: [{ name: 'a', resources: { requests: { cpu: '250m', memory: '256Mi' } } }, { name: 'b', resources: { requests: { cpu: '250m' } } }],
      initContainers: [{ name: 'migrate', resources: { requests: { cpu: '2', memory: '64Mi' } } }],
    });
    expect(r.get('cpu')).toBe(2000);
    expect(r.get('memory')).toBe(256 * 2 ** 20);
  });
  it('counts sidecar init containers with the app and defaults requests to limits', () => {
    const r = podRequests({
      containers: [{ name: 'a', resources: { limits: { cpu: '500m' } } }],
      initContainers: [{ name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } }],
      overhead: { cpu: '10m' },
    });
    expect(r.get('cpu')).toBe(610);
  });
});

describe('fit error messages', () => {
  it('sorts the histogram as strings, like the scheduler', () => {
    const msg = fitErrorMessage(3, undefined, [
      { reason: 'Insufficient memory', count: 2 },
      { reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', count: 1 },
    ]);
    expect(msg).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.');
  });
  it('parses a message with its preemption tail back into reasons', () => {
    const parsed = parseFitError('0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.');
    expect(parsed?.numNodes).toBe(4);
    expect(parsed?.reasons).toEqual([
      { reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', count: 1 },
      { reason: 'Insufficient cpu', count: 3 },
    ]);
  });
  it('reads a PreFilter message as blocking every node', () => {
    const parsed = parseFitError('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..');
    expect(parsed?.reasons).toEqual([{ reason: 'pod has unbound immediate PersistentVolumeClaims', count: 3 }]);
  });
  it('keeps the older taint wording whole', () => {
    const parsed = parseFitError("0/2 nodes are available: 2 node(s) had taint {dedicated: db}, that the pod didn't tolerate.");
    expect(parsed?.reasons).toEqual([{ reason: "node(s) had taint {dedicated: db}, that the pod didn't tolerate", count: 2 }]);
  });
  it('does not parse other text', () => {
    expect(parseFitError('running PreBind plugin "VolumeBinding": binding volumes: timed out')).toBeUndefined();
  });
});

describe('SchedulingModel', () => {
  it('subtracts what non-terminated bound pods request from allocatable', () => {
    const nodes = [node('node-1'), node('node-2')];
    const busy = [
      pod('shop', 'a', { spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '3500m' } } }] } }),
      pod('shop', 'b', { spec: { nodeName: 'node-2', containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '3500m' } } }] } }),
      // A finished pod frees its requests.
      pod('shop', 'c', { spec: { nodeName: 'node-2', containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '3' } } }] }, status: { phase: 'Succeeded' } }),
    ];
    const p = pending('new');
    const fit = SchedulingModel.of(graphOf([...nodes, ...busy, p])).fit(p);
    expect(fit.fitting).toEqual([]);
    expect(fit.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    expect(fit.blocked[0]?.shortfall?.[0]).toMatchObject({ resource: 'cpu', requested: 1000, free: 420 });
  });

  it('stops at the first failing plugin per node, in the default profile order', () => {
    const nodes = [
      node('cp-1', { metadata: { labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } }),
      node('node-1', { spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } }),
      node('node-2', { metadata: { labels: { disktype: 'ssd' } } }),
    ];
    const p = pending('new', { nodeSelector: { disktype: 'nvme' } });
    const fit = SchedulingModel.of(graphOf([...nodes, p])).fit(p);
    expect(fit.message).toBe("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable.");
  });

  it('evaluates required node affinity: terms ORed, expressions ANDed, matchFields on the name', () => {
    const nodes = [node('node-1', { metadata: { labels: { zone: 'a' } } }), node('node-2', { metadata: { labels: { zone: 'b' } } })];
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] },
    ] } } };
    const p = pending('new', { affinity });
    const fit = SchedulingModel.of(graphOf([...nodes, p])).fit(p);
    expect(fit.fitting.map((n) => n.name)).toEqual(['node-2']);
  });

  it('applies required pod anti-affinity on the hostname topology', () => {
    const nodes = [node('node-1'), node('node-2')];
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } };
    const running = ['node-1', 'node-2'].map((n, i) => pod('shop', `web-${i}`, { metadata: { labels: { app: 'web' } }, spec: { nodeName: n, affinity: anti } }));
    const p = pending('web-2', { affinity: anti });
    p.metadata.labels = { app: 'web' };
    const fit = SchedulingModel.of(graphOf([...nodes, ...running, p])).fit(p);
    expect(fit.message).toBe("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
  });

  it('reports an unbound immediate claim as a PreFilter failure for every node', () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: { storageClassName: '' }, status: { phase: 'Pending' } };
    const p = pending('db-0', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
    const fit = SchedulingModel.of(graphOf([node('node-1'), node('node-2'), claim, p])).fit(p);
    expect(fit.message).toBe('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
    expect(fit.preFilter?.claim).toBe('data');
  });

  it('reports an extended resource a node lacks as insufficient', () => {
    const p = pending('trainer', { containers: [{ name: 'app', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] });
    const fit = SchedulingModel.of(graphOf([node('node-1'), p])).fit(p);
    expect(fit.message).toBe('0/1 nodes are available: 1 Insufficient nvidia.com/gpu.');
  });
});
