/**
 * The horizontal pod autoscaler on a manual clock, with pods and their usage set by the test: the
 * replica arithmetic (ratio, tolerance, bounds, scale-up limit, stabilization), the status and
 * conditions, and the events with the real controller's words.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import type { ClusterUsage } from '../kubelet/usage.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/object-store.js';
import { startHpaController } from './hpa-controller.js';
import { resourceReplicas } from './hpa-replicas.js';
import { R, type Obj } from './kube.js';

const HPA_V2 = lookupResource('horizontalpodautoscalers.v2.autoscaling')!;
const HPA_V1 = lookupResource('horizontalpodautoscalers.v1.autoscaling')!;
const MiB = 1024 * 1024;
const STARTED = '2026-01-01T00:00:00Z';

let clock: ManualClock;
let store: ObjectStore;
let stop: () => void;
/** Pod name → what it uses now. */
let usage: Map<string, { cpuMillis: number; memoryBytes: number }>;

const metrics = (): ClusterUsage => ({
  at: clock.now(),
  nodes: [{
    name: 'node-1', cpuMillis: 0, memoryBytes: 0,
    pods: [...usage].map(([name, u]) => ({ namespace: 'shop', name, uid: name, containers: [{ name: 'app', ...u }] })),
  }],
});

beforeEach(() => {
  clock = new ManualClock('2026-01-01T00:10:00Z');
  store = new ObjectStore({ now: () => clock.now(), bookmarkIntervalMs: 0 });
  store.create(R.namespaces, { metadata: { name: 'shop' } });
  usage = new Map();
  stop = startHpaController(store, clock, metrics);
});
afterEach(() => {
  stop();
  store.close();
});

function deployment(replicas: number, requests: Obj | undefined = { cpu: '100m', memory: '64Mi' }): void {
  store.create(R.deployments, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx', ...(requests ? { resources: { requests } } : {}) }] } },
    },
  });
  for (let i = 1; i <= replicas; i++) pod(`web-${i}`, requests);
}

/** A pod started ten minutes ago, Running and Ready (past the CPU initialization period). */
function pod(name: string, requests: Obj | undefined): void {
  const created = store.create(R.pods, {
    metadata: { name, namespace: 'shop', labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx', ...(requests ? { resources: { requests } } : {}) }] },
  });
  store.update(R.pods, {
    ...created,
    status: { phase: 'Running', startTime: STARTED, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: STARTED }] },
  }, { namespace: 'shop', name, subresource: 'status' });
}

function hpa(metricsSpec: Obj[], minReplicas = 1, maxReplicas = 10, extra: Obj = {}): void {
  store.create(HPA_V2, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas, maxReplicas, metrics: metricsSpec, ...extra },
  });
}

const cpuTarget = (utilization: number) => [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } } }];
const replicas = () => (store.get(R.deployments, 'shop', 'web').spec as { replicas: number }).replicas;
const status = () => store.get(HPA_V2, 'shop', 'web').status as Obj;
const condition = (type: string) => (status()['conditions'] as Obj[]).find((c) => c['type'] === type);
const events = (reason: string) => store.list(R.events, { namespace: 'shop' }).items
  .filter((e) => e['reason'] === reason).map((e) => ({ type: e['type'], message: e['message'], source: e['source'] }));
const setCpu = (millis: number) => { for (const name of ['web-1', 'web-2', 'web-3', 'web-4']) usage.set(name, { cpuMillis: millis, memoryBytes: 20 * MiB }); };

describe('horizontal pod autoscaler', () => {
  it('scales up by the usage ratio, capped by the scale-up limit, with status, conditions and event', () => {
    deployment(2);
    setCpu(200);
    hpa(cpuTarget(50));
    clock.advance(0);
    // 200% of request against a 50% target: 4 × 2 = 8 wanted, at most max(2 × 2, 4) = 4 at once.
    expect(replicas()).toBe(4);
    expect(status()).toMatchObject({
      currentReplicas: 2, desiredReplicas: 4, lastScaleTime: '2026-01-01T00:10:00Z',
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '200m' } } }],
    });
    expect(condition('AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4' });
    expect(condition('ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
    expect(condition('ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    expect(events('SuccessfulRescale')).toEqual([{ type: 'Normal', message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target', source: { component: 'horizontal-pod-autoscaler' } }]);
  });

  it('keeps the size within the 0.1 tolerance', () => {
    deployment(2);
    setCpu(54);
    hpa(cpuTarget(50));
    clock.advance(0);
    expect(replicas()).toBe(2);
    expect(condition('AbleToScale')).toMatchObject({ reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
    expect(condition('ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
    expect(status()['desiredReplicas']).toBe(2);
    expect(events('SuccessfulRescale')).toEqual([]);
  });

  it('holds a scale-down for the stabilization window, then stops at minReplicas', () => {
    deployment(4);
    setCpu(50);
    hpa(cpuTarget(50), 2);
    clock.advance(0);
    setCpu(10);
    clock.advance(15_000);
    expect(replicas()).toBe(4);
    expect(condition('AbleToScale')).toMatchObject({ reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
    clock.advance(5 * 60_000);
    // 20% of a 50% target on 4 pods proposes 2 ... once the 4 recommended earlier left the window.
    expect(replicas()).toBe(2);
    expect(events('SuccessfulRescale').map((e) => e.message)).toEqual(['New size: 2; reason: All metrics below target']);
    setCpu(1);
    clock.advance(6 * 60_000);
    expect(replicas()).toBe(2);
    expect(condition('ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' });
  });

  it('reports a container without a CPU request as FailedGetResourceMetric, with the real messages', () => {
    deployment(2, { memory: '64Mi' });
    setCpu(100);
    hpa(cpuTarget(50));
    clock.advance(0);
    expect(replicas()).toBe(2);
    const cause = 'missing request for cpu in container app of Pod web-1';
    expect(condition('ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric', message: `the HPA was unable to compute the replica count: ${cause}` });
    expect(condition('AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    expect(events('FailedGetResourceMetric')).toEqual([{ type: 'Warning', message: cause, source: { component: 'horizontal-pod-autoscaler' } }]);
    expect(events('FailedComputeMetricsReplicas').map((e) => e.message)).toEqual([`invalid metrics (1 invalid out of 1), first error is: failed to get cpu utilization: ${cause}`]);
    expect(status()['currentReplicas']).toBe(2);
  });

  it('scales on memory AverageValue and names the metric as the controller does', () => {
    deployment(2);
    for (const name of ['web-1', 'web-2']) usage.set(name, { cpuMillis: 1, memoryBytes: 150 * MiB });
    hpa([{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }]);
    clock.advance(0);
    expect(replicas()).toBe(3);
    expect((status()['currentMetrics'] as Obj[])[0]).toEqual({ type: 'Resource', resource: { name: 'memory', current: { averageValue: String(150 * MiB) } } });
    expect(events('SuccessfulRescale').map((e) => e.message)).toEqual(['New size: 3; reason: memory resource above target']);
  });

  it('reports a missing target as FailedGetScale', () => {
    hpa(cpuTarget(50));
    clock.advance(0);
    expect(condition('AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedGetScale', message: 'the HPA controller was unable to get the target\'s current scale: deployments.apps "web" not found' });
    expect(events('FailedGetScale').map((e) => e.message)).toEqual(['deployments.apps "web" not found']);
  });

  it('autoscales an autoscaling/v1 object, whose status shows the CPU utilization', () => {
    deployment(1);
    usage.set('web-1', { cpuMillis: 90, memoryBytes: MiB });
    store.create(HPA_V1, {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 30 },
    });
    clock.advance(0);
    expect(replicas()).toBe(3);
    expect(store.get(HPA_V1, 'shop', 'web').status).toMatchObject({ currentReplicas: 1, desiredReplicas: 3, currentCPUUtilizationPercentage: 90 });
  });
});

describe('replica arithmetic', () => {
  const running = (name: string, ready: boolean, start = STARTED): KubeObject => ({
    kind: 'Pod', metadata: { name, namespace: 'shop' },
    spec: { containers: [{ name: 'app', resources: { requests: { cpu: '100m' } } }] },
    status: { phase: 'Running', startTime: start, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: start }] },
  });
  const sample = (valueMilli: number) => ({ valueMilli, timestampMs: Date.parse('2026-01-01T00:10:00Z'), windowMs: 15_000 });
  const nowMs = Date.parse('2026-01-01T00:10:00Z');

  it('treats a pod without a sample as using its request on a scale-down, so it does not scale down too far', () => {
    const pods = [running('a', true), running('b', true), running('c', true)];
    const samples = new Map([['a', sample(10)], ['b', sample(10)]]);
    // Ready pods alone: 10% of a 50% target on 2 pods = 1 replica; with c at 100% it is 40% → ratio 0.8 → 3 × 0.8 = 3.
    expect(resourceReplicas({ currentReplicas: 3, resource: 'cpu', pods, samples, nowMs }, { utilization: 50 }).replicas).toBe(3);
    expect(resourceReplicas({ currentReplicas: 3, resource: 'cpu', pods: pods.slice(0, 2), samples, nowMs }, { utilization: 50 }).replicas).toBe(1);
  });

  it('counts a starting pod\'s CPU as zero on a scale-up, and ignores its sample until a window after it turned ready', () => {
    const fresh = running('c', true, '2026-01-01T00:09:55Z');
    const pods = [running('a', true), running('b', true), fresh];
    const samples = new Map([['a', sample(200)], ['b', sample(200)], ['c', sample(900)]]);
    // a and b: 200% on a 100% target; c's 900m is not counted: (200+200+0)/300 = 133% → ceil(1.33 × 3) = 4.
    expect(resourceReplicas({ currentReplicas: 3, resource: 'cpu', pods, samples, nowMs }, { utilization: 100 })).toMatchObject({ replicas: 4, utilization: 200 });
  });
});
