import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type SimCluster, startSimCluster } from '../cluster.js';
import { lookupResource } from '../resources.js';
import { applyScenario } from './apply.js';
import { parseScenario } from './scenario.js';

const NODES = lookupResource('nodes')!;
const CONFIGMAPS = lookupResource('configmaps')!;

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
