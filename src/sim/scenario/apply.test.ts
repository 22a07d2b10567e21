import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type SimCluster, startSimCluster } from '../cluster.js';
import { lookupResource } from '../resources.js';
import { applyScenario } from './apply.js';
import { parseScenario } from './scenario.js';

const NODES = lookupResource('nodes')!;
const CONFIGMAPS = lookupResource('configmaps')!;
const DEPLOYMENTS = lookupResource('deployments.apps')!;

let cluster: SimCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('applyScenario', () => {
  it('creates the declared nodes with their labels, taints and capacity, and namespaces before their objects', async () => {
    cluster = await startSimCluster({ clock: new ManualClock(), nodes: 0 });
    applyScenario(cluster, parseScenario(`title: t
description: d
nodes:
  - {name: big, labels: {pool: batch}, taints: [{key: dedicated, value: batch, effect: NoSchedule}], capacity: {cpu: "32", memory: 128Gi}}
manifests:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: batch}, data: {mode: fast}}
  - {apiVersion: v1, kind: Namespace, metadata: {name: batch}}
expect: []
`, 'batch.yaml'));
    const node = cluster.store.get(NODES, undefined, 'big');
    expect(node.metadata.labels).toMatchObject({ pool: 'batch', 'kubernetes.io/hostname': 'big' });
    expect((node.spec as { taints: unknown[] }).taints).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
    expect((node.status as { capacity: Record<string, string> }).capacity).toMatchObject({ cpu: '32', memory: '128Gi' });
    expect(cluster.store.get(CONFIGMAPS, 'batch', 'settings').data).toEqual({ mode: 'fast' });
  });

  it('names the file and manifest the API refuses', async () => {
    cluster = await startSimCluster({ clock: new ManualClock(), nodes: 0 });
    const scenario = parseScenario(`title: t
description: d
manifests:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: missing}}
  - {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}
expect: []
`, 'widgets.yaml');
    expect(() => applyScenario(cluster!, scenario)).toThrow(/^widgets\.yaml: manifests\[0\] \(ConfigMap settings\): .*missing/);
    expect(() => applyScenario(cluster!, { ...scenario, manifests: scenario.manifests.slice(1) })).toThrow('widgets.yaml: manifests[0] (Widget w): the simulator does not serve example.com/v1/Widget');
  });

  it('runs each step when the simulated clock reaches it: objects updated in place (labels merged, status kept) or created', async () => {
    const clock = new ManualClock();
    cluster = await startSimCluster({ clock, nodes: 0 });
    const deployment = (image: string, extra: string) => `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: shop, labels: {${extra}}}, spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: ${image}}]}}}}`;
    const applied = applyScenario(cluster, parseScenario(`title: t
description: d
manifests:
  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
  - ${deployment('nginx:1.26', 'app: web')}
steps:
  - after: 30s
    manifests:
      - ${deployment('nginx:1.27', 'tier: front')}
  - after: 45s
    manifests: [{apiVersion: v1, kind: ConfigMap, metadata: {name: flags, namespace: shop}, data: {beta: "on"}}]
expect: []
`, 'web.yaml'));
    const image = () => (cluster!.store.get(DEPLOYMENTS, 'shop', 'web').spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
    const created = cluster.store.get(DEPLOYMENTS, 'shop', 'web');
    clock.advance(29_000);
    expect(image()).toBe('nginx:1.26');
    clock.advance(1_000);
    const updated = cluster.store.get(DEPLOYMENTS, 'shop', 'web');
    expect(image()).toBe('nginx:1.27');
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(updated.metadata.generation).toBe((created.metadata.generation ?? 1) + 1);
    expect(updated.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(() => cluster!.store.get(CONFIGMAPS, 'shop', 'flags')).toThrow();
    clock.advance(15_000);
    expect(cluster.store.get(CONFIGMAPS, 'shop', 'flags').data).toEqual({ beta: 'on' });
    await expect(applied.steps).resolves.toBeUndefined();
  });

  it('rejects its steps with the file and step the API refuses, and runs no step once cancelled', async () => {
    const clock = new ManualClock();
    cluster = await startSimCluster({ clock, nodes: 0 });
    const scenario = parseScenario(`title: t
description: d
manifests: []
steps:
  - after: 10s
    manifests: [{apiVersion: v1, kind: ConfigMap, metadata: {name: flags, namespace: absent}}]
expect: []
`, 'flags.yaml');
    const failing = applyScenario(cluster, scenario);
    clock.advance(10_000);
    await expect(failing.steps).rejects.toThrow(/^flags\.yaml: steps\[0\]\.manifests\[0\] \(ConfigMap flags\): /);
    const ok = { ...scenario, steps: [{ afterMs: 10_000, manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'later' } }] }] };
    const cancelled = applyScenario(cluster, ok);
    cancelled.cancel();
    await expect(cancelled.steps).resolves.toBeUndefined();
    clock.advance(10_000);
    expect(() => cluster!.store.get(lookupResource('namespaces')!, undefined, 'later')).toThrow();
  });

  it('stops and starts a node\'s kubelet when a step says so, and names the step of a node that does not exist', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    cluster = await startSimCluster({ clock, nodes: 0 });
    const scenario = parseScenario(`title: t
description: d
nodes: 1
manifests: []
steps:
  - after: 30s
    stopKubelet: sim-worker-1
  - after: 2m
    startKubelet: sim-worker-1
expect: []
`, 'machines.yaml');
    const applied = applyScenario(cluster, scenario);
    const renewTime = () => (cluster!.store.get(lookupResource('leases')!, 'kube-node-lease', 'sim-worker-1').spec as { renewTime: string }).renewTime;
    clock.advance(25_000);
    expect(renewTime()).toBe('2026-01-01T00:00:20.000000Z');
    clock.advance(60_000);
    expect(renewTime()).toBe('2026-01-01T00:00:20.000000Z');
    clock.advance(35_000);
    expect(renewTime()).toBe('2026-01-01T00:02:00.000000Z');
    await expect(applied.steps).resolves.toBeUndefined();

    const typo = applyScenario(cluster, { ...scenario, nodes: 0, steps: [{ afterMs: 1_000, manifests: [], stopKubelet: 'sim-worker-9' }] });
    clock.advance(1_000);
    await expect(typo.steps).rejects.toThrow('machines.yaml: steps[0].stopKubelet: no node named "sim-worker-9" runs a kubelet');
  });

  it('needs the scenario\'s images in the catalog the cluster started with', async () => {
    const scenario = parseScenario(`title: t
description: d
catalog:
  registry.example.com/ledger: {tags: ['2.0'], binaries: [ledger], sizeBytes: 1000, pullMs: 10, defaultRun: {kind: serve}, ports: [8080], httpPaths: [/healthz], startMs: 100, memoryBytes: 50000000, startLogs: [ledger ready], exitsOnSigterm: true}
manifests: []
expect: []
`, 'ledger.yaml');
    cluster = await startSimCluster({ clock: new ManualClock(), nodes: 0 });
    expect(() => applyScenario(cluster!, scenario)).toThrow('ledger.yaml: catalog: the cluster was started without these images: registry.example.com/ledger');
    await cluster.close();
    cluster = await startSimCluster({ clock: new ManualClock(), nodes: 0, catalog: scenario.catalog });
    expect(() => applyScenario(cluster!, scenario)).not.toThrow();
    expect(cluster.catalog['registry.example.com/ledger']?.ports).toEqual([8080]);
    expect(cluster.catalog['nginx']).toBeDefined();
  });
});
