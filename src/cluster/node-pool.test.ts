import { describe, expect, it } from 'vitest';
import type { Obj } from './graph.js';
import type { Node, Pod } from './objects.js';
import { node, pod } from '../../test/k8s.js';
import { NodePool, ResourceFit } from './node-pool.js';

const nodes = (count: number, over: (i: number) => Record<string, unknown> = () => ({})): Obj<Node>[] =>
  Array.from({ length: count }, (_, i) => node(`node-${i}`, over(i)) as Obj<Node>);

describe('NodePool', () => {
  it('puts nodes that differ only in per-host labels in one class', () => {
    const pool = new NodePool(nodes(20, (i) => ({ metadata: { labels: { 'topology.kubernetes.io/zone': i % 2 ? 'a' : 'b' } } })), []);
    expect(pool.perHostKeys).toEqual(new Set(['kubernetes.io/hostname']));
    expect(pool.classes.map((c) => c.size)).toEqual([10, 10]);
    expect(pool.classOf[0]).toBe(pool.classOf[2]);
    expect(pool.classOf[0]).not.toBe(pool.classOf[1]);
  });

  it('tells apart nodes with other taints or a cordon, not by a PreferNoSchedule taint', () => {
    const pool = new NodePool(nodes(12, (i) => ({
      spec: i === 0 ? { unschedulable: true }
        : i === 1 ? { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }
          : i === 2 ? { taints: [{ key: 'dedicated', value: 'db', effect: 'PreferNoSchedule' }] } : {},
    })), []);
    expect(pool.classes.map((c) => c.size)).toEqual([1, 1, 10]);
    expect(pool.classOf[2]).toBe(pool.classOf[3]);
  });

  it('sums the requests of the pods bound to each node, a limit standing for a missing request', () => {
    const bound = [
      pod('shop', 'a', { spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '250m' }, limits: { cpu: '1', memory: '1Gi' } } }] } }),
      pod('shop', 'b', { spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '500m' } } }], initContainers: [{ name: 'init', image: 'x', resources: { requests: { cpu: '2' } } }] } }),
      pod('shop', 'c', { spec: { nodeName: 'elsewhere' } }),
    ] as Obj<Pod>[];
    const pool = new NodePool(nodes(2), bound);
    expect(pool.states.map((s) => s.podCount)).toEqual([0, 2]);
    expect([...pool.column('cpu').requested]).toEqual([0, 250 + 2000]);
    expect([...pool.column('memory').requested]).toEqual([0, 2 ** 30]);
    expect(pool.column('cpu').allocatable[1]).toBe(3920);
    expect(pool.column('nvidia.com/gpu').allocatable[1]).toBeNaN();
  });
});

describe('ResourceFit', () => {
  const pool = new NodePool(nodes(3, (i) => ({ status: { allocatable: i === 2 ? { cpu: '1', pods: '110' } : { cpu: '4', memory: '1Gi', pods: i === 1 ? '0' : '110' } } })), []);

  it('gives equal keys to nodes short of the same things, 0 to nodes with room', () => {
    const fit = new ResourceFit(pool, new Map([['cpu', 2000], ['memory', 2 ** 29]]));
    expect(fit.failureKey(0)).toBe(0);
    expect(fit.failureKey(1)).not.toBe(0);
    expect(fit.shortfallAt(1)).toEqual({ tooManyPods: true, shortfall: [] });
    // Node 2 lists no memory: unknown, so not checked; its cpu is short.
    expect(fit.shortfallAt(2)).toEqual({ tooManyPods: false, shortfall: [{ resource: 'cpu', requested: 2000, free: 1000, allocatable: 1000 }] });
  });

  it('counts an extended resource a node does not list as none', () => {
    const fit = new ResourceFit(pool, new Map([['nvidia.com/gpu', 1]]));
    expect(fit.failureKey(0)).toBe(fit.failureKey(2));
    expect(fit.shortfallAt(0).shortfall).toEqual([{ resource: 'nvidia.com/gpu', requested: 1, free: 0, allocatable: 0 }]);
  });
});
