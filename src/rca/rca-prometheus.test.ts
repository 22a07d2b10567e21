/**
 * `kubetriage rca --prometheus` end to end: the simulator runs the shop (scenarios/
 * shop-microservices.yaml) with payments healthy, a real Prometheus scrapes the simulator's cAdvisor
 * and kube-state-metrics endpoints every second, then payments is rolled out with the scenario's
 * memory limit (too low for it): the rca command must rank payments first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRcaCommand as run } from '../cli/rca-command.test-support.js';
import type { KubeObject } from '../cluster/objects.js';
import { HAS_PROMETHEUS, startPrometheus, type TestPrometheus } from './prometheus.test-support.js';
import { writeKubeconfig } from '../sim/api/kubeconfig.js';
import { eventually } from '../sim/api/kubectl.test-support.js';
import { RealClock } from '../sim/clock.js';
import { type SimCluster, startSimCluster } from '../sim/cluster.js';
import { lookupResource } from '../sim/resources.js';
import { applyScenario } from '../sim/scenario/apply.js';
import { loadScenario } from '../sim/scenario/scenario.js';
import { clusterEvents } from '../cli/rca-cluster-events.js';

const DEPLOYMENTS = lookupResource('deployments')!;
const PODS = lookupResource('pods')!;
const BASELINE_MS = 20_000;
const FAULT_MS = 20_000;

let sim: SimCluster | undefined;
let prometheus: TestPrometheus | undefined;
let faultyPayments: KubeObject;
let started = 0;

/** The payments Deployment with a memory limit it fits in. */
function healthy(payments: KubeObject): KubeObject {
  const copy = structuredClone(payments) as KubeObject & { spec: { template: { spec: { containers: { resources: { limits: Record<string, string> } }[] } } } };
  copy.spec.template.spec.containers[0]!.resources.limits['memory'] = '512Mi';
  return copy;
}

beforeAll(async () => {
  if (!HAS_PROMETHEUS) return;
  const scenario = await loadScenario('scenarios/shop-microservices.yaml');
  faultyPayments = scenario.manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'payments')!;
  sim = await startSimCluster({ clock: new RealClock(20), nodes: 3, catalog: scenario.catalog });
  applyScenario(sim, { ...scenario, manifests: scenario.manifests.map((m) => (m === faultyPayments ? healthy(m) : m)) });
  await eventually(() => {
    const pods = sim!.store.list(PODS, { namespace: 'shop' }).items;
    return pods.length >= 12 && pods.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
  }, 30_000, 'the shop running');
  const target = new URL(sim.url).host;
  started = Date.now();
  prometheus = await startPrometheus([
    { job: 'kubernetes-cadvisor', target, path: '/metrics/cadvisor' },
    { job: 'kube-state-metrics', target, path: '/metrics/kube-state-metrics' },
  ], 1);
  await new Promise((resolve) => setTimeout(resolve, BASELINE_MS));
  const current = sim.store.get(DEPLOYMENTS, 'shop', 'payments');
  sim.store.update(DEPLOYMENTS, { ...current, spec: (faultyPayments as { spec: unknown }).spec });
  await new Promise((resolve) => setTimeout(resolve, FAULT_MS));
}, 120_000);

afterAll(async () => {
  await prometheus?.close();
  await sim?.close();
});

describe.skipIf(!HAS_PROMETHEUS)('kubetriage rca --prometheus against the simulator', () => {
  it('ranks the workload whose rollout keeps getting OOM-killed first, with its restarts as evidence', async () => {
    const since = `${Math.ceil((Date.now() - started) / 1000) + 2}s`;
    const { code, out } = await run(['--prometheus', prometheus!.url, '-n', 'shop', '--since', since, '-o', 'json']);
    const json = JSON.parse(out) as { ranking: { component: string; evidence: { quote: string; series?: string }[] }[] };
    expect(code).toBe(1);
    expect(json.ranking[0]!.component).toBe('payments');
    expect(json.ranking[0]!.evidence.some((e) => e.series === 'payments restarts')).toBe(true);
  });

  it('adds what the cluster says with --kubeconfig: the OOM finding and the stuck rollout, as evidence', async () => {
    const since = `${Math.ceil((Date.now() - started) / 1000) + 2}s`;
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kubetriage-rca-')), 'kubeconfig');
    await writeKubeconfig(kubeconfig, sim!.url);
    const { out } = await run(['--prometheus', prometheus!.url, '-n', 'shop', '--since', since, '--kubeconfig', kubeconfig, '-o', 'json']);
    const top = (JSON.parse(out) as { ranking: { component: string; evidence: { kind: string; quote: string }[] }[] }).ranking[0]!;
    expect(top.component).toBe('payments');
    const cluster = top.evidence.filter((e) => e.kind === 'cluster').map((e) => e.quote);
    expect(cluster.some((q) => /^kubetriage finding: OOMKilled\/memory-limit-too-low on shop\/pod\/payments-/.test(q))).toBe(true);
    expect(cluster).toContain('kubetriage finding: RolloutStuck/new-replicas-failing on shop/deployment/payments');
    // Rollouts are read on the cluster's clock, 20 times faster here: an hour of it reaches back past the change.
    const events = await clusterEvents({ kubeconfig }, 'shop', 3600);
    expect(events.filter((e) => e.kind === 'rollout').map((e) => e.component)).toEqual(['payments']);
    expect(events.find((e) => e.kind === 'rollout')!.quote).toMatch(/^shop\/replicaset\/payments-[a-z0-9]+ \(revision 2\) created$/);
  });

  it('takes a target workload as the symptom and still names payments', async () => {
    const since = `${Math.ceil((Date.now() - started) / 1000) + 2}s`;
    const { out } = await run(['--prometheus', prometheus!.url, '-n', 'shop', '--since', since, '--target', 'payments']);
    expect(out.split('\n')[0]).toMatch(/^1\. payments {2}\(score [\d.]+\)$/);
  });

  it('fails clearly for a namespace with no metrics', async () => {
    await expect(run(['--prometheus', prometheus!.url, '-n', 'absent'])).rejects.toThrow(/no metrics for namespace "absent" .*\(query: /);
  });
});

describe('kubetriage rca --prometheus errors', () => {
  it('names the URL and the query when Prometheus is unreachable', async () => {
    await expect(run(['--prometheus', 'http://127.0.0.1:9', '-n', 'shop'])).rejects.toThrow(/^http:\/\/127\.0\.0\.1:9: cannot reach Prometheus: .*\(query: up\[10m\]\)$/);
  });

  it('asks for a namespace, and for one input only', async () => {
    await expect(run(['--prometheus', 'http://127.0.0.1:9'])).rejects.toThrow(/-n NAMESPACE/);
    await expect(run(['some-dir', '--prometheus', 'http://127.0.0.1:9', '-n', 'shop'])).rejects.toThrow(/either a case folder or --prometheus/);
    await expect(run(['--prometheus', 'http://127.0.0.1:9', '-n', 'shop', '--since', 'soon'])).rejects.toThrow(/"soon" is not a duration/);
  });
});
