import { describe, expect, it } from 'vitest';
import type { Obj } from './graph.js';
import type { Pod } from './objects.js';
import { graphOf, node, pod } from '../../test/k8s.js';
import {
  amountOf, fitErrorMessage, nodeSelectorMatches, parseFitError, podRequests, requiredNodeAffinityMatches, SchedulingModel, toleratesTaint,
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

/**
 * The model groups nodes into classes and keeps resources in typed arrays; this checks it against
 * the plain definition, node by node, on seeded random clusters: the first failing filter in the
 * default profile's order, with its reasons, and the same FitError message.
 */
describe('SchedulingModel against a node-by-node reference', () => {
  const ZONES = ['a', 'b', 'c'];
  const TAINTS = [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    { key: 'maintenance', value: 'true', effect: 'PreferNoSchedule' },
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
  ];

  function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function cluster(seed: number): { objects: ReturnType<typeof node>[]; pending: Obj<Pod>[] } {
    const rand = random(seed);
    const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]!;
    const objects = [];
    const names: string[] = [];
    const nodeCount = 20 + Math.floor(rand() * 30);
    for (let i = 0; i < nodeCount; i++) {
      const name = `node-${i}`;
      names.push(name);
      const taints = TAINTS.filter(() => rand() < 0.15);
      const allocatable: Record<string, string> = { cpu: pick(['2', '3920m', '8']), memory: pick(['4Gi', '15Gi']), pods: pick(['3', '110']) };
      if (rand() < 0.2) allocatable['nvidia.com/gpu'] = '1';
      if (rand() < 0.1) delete allocatable['memory'];
      objects.push(node(name, {
        metadata: { labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': pick(ZONES), ...(rand() < 0.3 ? { disktype: 'ssd' } : {}) } },
        spec: { taints, ...(rand() < 0.1 ? { unschedulable: true } : {}) },
        status: { allocatable },
      }));
    }
    for (let i = 0; i < nodeCount * 2; i++) {
      const phase = rand() < 0.1 ? 'Succeeded' : 'Running';
      objects.push(pod('shop', `bound-${i}`, {
        spec: { nodeName: pick(names), containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: pick(['500m', '1', '1500m']), memory: pick(['1Gi', '3Gi']) } } }] },
        status: { phase },
      }));
    }
    const pending: Obj<Pod>[] = [];
    for (let i = 0; i < 25; i++) {
      const spec: Record<string, unknown> = {
        containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: pick(['250m', '1', '3']), memory: pick(['512Mi', '2Gi']) }, ...(rand() < 0.15 ? { limits: { 'nvidia.com/gpu': '1' } } : {}) } }],
      };
      if (rand() < 0.3) spec['nodeSelector'] = rand() < 0.5 ? { disktype: 'ssd' } : { 'kubernetes.io/hostname': pick(names) };
      if (rand() < 0.3) spec['tolerations'] = [pick([{ key: 'dedicated', operator: 'Exists' }, { operator: 'Exists' }, { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }])];
      if (rand() < 0.3) {
        const term = rand() < 0.5
          ? { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [pick(ZONES)] }] }
          : { matchFields: [{ key: 'metadata.name', operator: 'In', values: [pick(names), pick(names)] }] };
        spec['affinity'] = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } };
      }
      pending.push(pod('shop', `new-${i}`, { spec: { nodeName: undefined, ...spec }, status: { phase: 'Pending', conditions: [], containerStatuses: [] } }) as Obj<Pod>);
    }
    return { objects: [...objects, ...pending], pending };
  }

  /** The filters of one node, in order, written out plainly. */
  function reference(graph: ReturnType<typeof graphOf>, p: Obj<Pod>): { name: string; reasons: string[] }[] {
    const spec = p.spec!;
    const requests = podRequests(spec);
    const out: { name: string; reasons: string[] }[] = [];
    for (const n of graph.nodes()) {
      const tolerations = spec.tolerations ?? [];
      const tolerates = (taint: { key: string; value?: string; effect: string }): boolean => tolerations.some((t) => toleratesTaint(t, taint));
      if (n.spec?.unschedulable && !tolerates({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
        out.push({ name: n.metadata.name, reasons: ['node(s) were unschedulable'] });
        continue;
      }
      const taint = (n.spec?.taints ?? []).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(t));
      if (taint) {
        out.push({ name: n.metadata.name, reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`] });
        continue;
      }
      if (!nodeSelectorMatches(spec.nodeSelector, n) || !requiredNodeAffinityMatches(spec, n)) {
        out.push({ name: n.metadata.name, reasons: ["node(s) didn't match Pod's node affinity/selector"] });
        continue;
      }
      const bound = graph.pods().filter((b) => b.spec?.nodeName === n.metadata.name && b.status?.phase !== 'Succeeded' && b.status?.phase !== 'Failed');
      const used = new Map<string, number>();
      for (const b of bound) for (const [k, v] of podRequests(b.spec)) used.set(k, (used.get(k) ?? 0) + v);
      const allocatable = n.status?.allocatable ?? {};
      const reasons: string[] = [];
      if (allocatable['pods'] !== undefined && bound.length + 1 > Number(allocatable['pods'])) reasons.push('Too many pods');
      for (const [resource, amount] of requests) {
        if (amount <= 0) continue;
        const listed = allocatable[resource];
        if (listed === undefined && ['cpu', 'memory', 'ephemeral-storage'].includes(resource)) continue;
        if (amount > amountOf(resource, listed ?? '0') - (used.get(resource) ?? 0)) reasons.push(`Insufficient ${resource}`);
      }
      if (reasons.length) out.push({ name: n.metadata.name, reasons });
    }
    return out;
  }

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`gives every node the reference's verdict (seed ${seed})`, () => {
      const { objects, pending: pods } = cluster(seed);
      const graph = graphOf(objects);
      const model = SchedulingModel.of(graph);
      for (const p of pods) {
        const fit = model.fit(p);
        const expected = reference(graph, p);
        expect(fit.blocked.map((v) => ({ name: v.node.name, reasons: [...v.reasons] }))).toEqual(expected);
        const blockedNames = new Set(expected.map((v) => v.name));
        expect(fit.fitting.map((n) => n.name)).toEqual(graph.nodes().map((n) => n.metadata.name).filter((n) => !blockedNames.has(n)));
        const counts = new Map<string, number>();
        for (const v of expected) for (const r of v.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
        expect(fit.message).toBe(fitErrorMessage(graph.nodes().length, undefined, [...counts].map(([reason, count]) => ({ reason, count }))));
        expect(fit.histogram).toEqual([...counts].map(([reason, count]) => ({ reason, count })));
      }
    });
  }

  it('reports what blocked nodes lack in a shortage exactly as their verdicts do', () => {
    const { objects, pending: pods } = cluster(7);
    const model = SchedulingModel.of(graphOf(objects));
    for (const p of pods) {
      const fit = model.fit(p);
      for (const resource of ['cpu', 'memory', 'nvidia.com/gpu']) {
        const short = fit.blocked.filter((v) => v.shortfall?.some((s) => s.resource === resource));
        const shortage = fit.shortage(resource);
        expect(shortage.short).toBe(short.length);
        const frees = short.map((v) => v.shortfall!.find((s) => s.resource === resource)!.free);
        expect(shortage.mostFree.map((e) => e.free)).toEqual([...frees].sort((a, b) => b - a).slice(0, 2));
        expect(shortage.largestAllocatable).toBe(Math.max(0, ...fit.blocked.map((v) => v.node.allocatable.get(resource) ?? 0)));
      }
    }
  });

  it('checks a selector on a per-host label node by node, not by class', () => {
    const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));
    const p = pending('new', { nodeSelector: { 'kubernetes.io/hostname': 'node-2' } });
    const fit = SchedulingModel.of(graphOf([...nodes, p])).fit(p);
    expect(fit.fitting.map((n) => n.name)).toEqual(['node-2']);
    expect(fit.message).toBe("0/3 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
  });

  it('shares one evaluation between pods of different workloads that ask the same', () => {
    const model = SchedulingModel.of(graphOf([node('node-1'), pending('a'), pending('b')]));
    const a = pending('a');
    const b = pending('b', {});
    b.metadata.namespace = 'other';
    b.metadata.labels = { app: 'other' };
    expect(model.fit(a)).toBe(model.fit(b));
  });
});

describe('SchedulingModel.assume and forget', () => {
  const bound = (name: string, nodeName: string, cpu: string, over: Record<string, unknown> = {}): Obj<Pod> =>
    pod('shop', name, { spec: { nodeName, containers: [{ name: 'app', image: 'x', resources: { requests: { cpu } } }], ...over } }) as Obj<Pod>;
  const answer = (model: SchedulingModel, p: Obj<Pod>): unknown => {
    const fit = model.fit(p);
    return { message: fit.message, fitting: fit.fitting.map((n) => n.name), shortfall: fit.blocked.map((v) => v.shortfall) };
  };

  it('answers as a model built with the assumed pods bound, and as before once they are forgotten', () => {
    const nodes = [node('node-1'), node('node-2'), node('node-3')];
    const p = pending('new');
    const placed = [bound('a', 'node-1', '3500m'), bound('b', 'node-2', '3'), bound('c', 'node-2', '500m')];
    const before = answer(SchedulingModel.of(graphOf([...nodes, p])), p);
    const model = SchedulingModel.of(graphOf([...nodes, p]));
    expect(answer(model, p)).toEqual(before);
    for (const q of placed) model.assume(q, q.spec!.nodeName!);
    const rebuilt = answer(SchedulingModel.of(graphOf([...nodes, ...placed, p])), p);
    expect(answer(model, p)).toEqual(rebuilt);
    expect(model.fit(p).fitting.map((n) => n.name)).toEqual(['node-3']);
    for (const q of placed) model.forget(q, q.spec!.nodeName!);
    expect(answer(model, p)).toEqual(before);
  });

  it("counts an assumed pod's required anti-affinity against the pods it selects, until it is forgotten", () => {
    const nodes = [node('node-1'), node('node-2')];
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } };
    const web = bound('web-0', 'node-1', '100m', { affinity: anti });
    web.metadata.labels = { app: 'web' };
    const p = pending('web-1');
    p.metadata.labels = { app: 'web' };
    const model = SchedulingModel.of(graphOf([...nodes, p]));
    model.assume(web, 'node-1');
    expect(model.fit(p).message).toBe("0/2 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules.");
    expect(model.fit(p).fitting.map((n) => n.name)).toEqual(['node-2']);
    model.forget(web, 'node-1');
    expect(model.fit(p).fitting.map((n) => n.name)).toEqual(['node-1', 'node-2']);
  });
});
