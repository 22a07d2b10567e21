/**
 * The horizontal pod autoscaler controller (pkg/controller/podautoscaler/horizontal.go) for
 * Resource metrics (cpu, memory; Utilization of requests or AverageValue): every sync period (15 s)
 * it reads the target's scale, the pods' samples from the resource metrics source, proposes a
 * replica count, normalizes it (stabilization, bounds, rate), scales through the target and writes
 * status (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime) with the AbleToScale,
 * ScalingActive and ScalingLimited conditions and the controller's events. HPAs are read at
 * autoscaling/v2 (v1 objects are converted by the store).
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import type { ClusterUsage } from '../kubelet/usage.js';
import { lookupResource } from '../resources.js';
import { toScale } from '../api/scale.js';
import type { ObjectStore } from '../store/object-store.js';
import { formatTime } from '../store/index.js';
import { normalize, normalizeWithBehavior, rememberScale, type ScalingMemory } from './hpa-normalize.js';
import { type PodSample, type Proposal, ReplicaCalcError, milliQuantity, resourceReplicas } from './hpa-replicas.js';
import { watchAll } from './informer.js';
import { type Obj, arr, canonicalJson, isNotFound, mutable, num, rec, specOf, statusOf, tryGet } from './kube.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

/** `--horizontal-pod-autoscaler-sync-period`. */
export const HPA_SYNC_PERIOD_MS = 15_000;
/** metrics-server's window, which the samples are taken over. */
const METRIC_WINDOW_MS = 15_000;

/** Where the resource metrics come from (the kubelets' usage); undefined while unavailable. */
export type ResourceMetrics = () => ClusterUsage | undefined;

const HPAS = lookupResource('horizontalpodautoscalers.v2.autoscaling')!;
const PODS = lookupResource('pods')!;
const SCALABLE: Record<string, string> = { Deployment: 'deployments.apps', ReplicaSet: 'replicasets.apps', StatefulSet: 'statefulsets.apps' };

/** Runs the autoscaler until stopped. */
export function startHpaController(store: ObjectStore, clock: SimClock, metrics: ResourceMetrics): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'horizontal-pod-autoscaler' });
  const memory = new Map<string, ScalingMemory>();
  const queue: WorkQueue = new WorkQueue(clock, (key) => {
    const hpa = tryGet(HPAS, splitKey(key).namespace, splitKey(key).name, (r, ns, n) => store.get(r, ns, n));
    if (!hpa) {
      memory.delete(key);
      return;
    }
    queue.addAfter(key, HPA_SYNC_PERIOD_MS);
    reconcile({ store, clock, recorder, metrics }, hpa, memoryFor(memory, key));
  });
  const stop = watchAll(store, HPAS, (type, hpa) => {
    if (type === 'ADDED') queue.add(keyFor(hpa.metadata.namespace, hpa.metadata.name));
  });
  return () => {
    stop();
    queue.stop();
  };
}

function memoryFor(all: Map<string, ScalingMemory>, key: string): ScalingMemory {
  let m = all.get(key);
  if (!m) {
    m = { recommendations: [], scaleUp: [], scaleDown: [] };
    all.set(key, m);
  }
  return m;
}

interface Deps {
  store: ObjectStore;
  clock: SimClock;
  recorder: EventRecorder;
  metrics: ResourceMetrics;
}

/** One reconcile: what reconcileAutoscaler does, writing status only when it changed. */
export function reconcile(deps: Deps, hpa: KubeObject, memory: ScalingMemory): void {
  const now = deps.clock.now();
  const state = new HpaState(hpa, now);
  const warn = (reason: string, message: string) => deps.recorder.record(objectReference(hpa), 'Warning', reason, message);
  const spec = specOf(hpa);
  const ref = rec(spec['scaleTargetRef']) ?? {};
  const namespace = hpa.metadata.namespace ?? 'default';
  const scaleFailed = (message: string) => {
    warn('FailedGetScale', message);
    state.setCondition('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${message}`);
    state.write(deps.store);
  };
  const resourceName = SCALABLE[String(ref['kind'])];
  const group = String(ref['apiVersion'] ?? '').split('/').slice(0, -1).join('/');
  if (!resourceName) return scaleFailed(`no matches for kind "${String(ref['kind'])}" in group "${group}"`);
  const resource = lookupResource(resourceName)!;
  let workload: KubeObject;
  try {
    workload = deps.store.get(resource, namespace, String(ref['name']));
  } catch (err) {
    if (isNotFound(err)) return scaleFailed((err as Error).message);
    throw err;
  }
  const scale = toScale(workload);
  state.setCondition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
  const currentReplicas = num(specOf(scale)['replicas']);
  if (memory.recommendations.length === 0) memory.recommendations.push({ replicas: currentReplicas, atMs: now.getTime() });
  const minReplicas = typeof spec['minReplicas'] === 'number' ? spec['minReplicas'] : 1;
  const maxReplicas = num(spec['maxReplicas']);
  let desired = 0;
  let rescaleReason = '';
  let metricStatuses: Obj[] | undefined;
  if (currentReplicas === 0 && minReplicas !== 0) {
    state.setCondition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    state.setStatus(currentReplicas, 0, state.currentMetrics(), false);
    return state.write(deps.store);
  } else if (currentReplicas > maxReplicas) {
    rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
    desired = maxReplicas;
  } else if (currentReplicas < minReplicas) {
    rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    desired = minReplicas;
  } else {
    const computed = computeReplicasForMetrics(deps, state, hpa, scale, warn);
    if ('error' in computed) {
      state.setStatus(currentReplicas, state.desiredReplicas(), state.currentMetrics(), false);
      state.write(deps.store);
      warn('FailedComputeMetricsReplicas', computed.error);
      return;
    }
    metricStatuses = computed.statuses;
    desired = computed.replicas;
    if (desired > currentReplicas) rescaleReason = `${computed.metricName} above target`;
    if (desired < currentReplicas) rescaleReason = 'All metrics below target';
    const behavior = rec(spec['behavior']);
    const normalized = behavior
      ? normalizeWithBehavior(memory, now.getTime(), currentReplicas, desired, minReplicas, maxReplicas, behavior)
      : normalize(memory, now.getTime(), currentReplicas, desired, minReplicas, maxReplicas);
    state.setCondition('AbleToScale', 'True', normalized.able.reason, normalized.able.message);
    state.setCondition('ScalingLimited', normalized.limited.status, normalized.limited.reason, normalized.limited.message);
    desired = normalized.replicas;
  }
  const rescale = desired !== currentReplicas;
  if (rescale) {
    try {
      const next = mutable(workload);
      next['spec'] = { ...specOf(next), replicas: desired };
      deps.store.update(resource, next as unknown as KubeObject, { namespace, name: workload.metadata.name });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      warn('FailedRescale', `New size: ${desired}; reason: ${rescaleReason}; error: ${message}`);
      state.setCondition('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${message}`);
      state.setStatus(currentReplicas, state.desiredReplicas(), state.currentMetrics(), false);
      return state.write(deps.store);
    }
    state.setCondition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
    deps.recorder.record(objectReference(hpa), 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
    rememberScale(memory, currentReplicas, desired, now.getTime());
  }
  state.setStatus(currentReplicas, desired, metricStatuses ?? state.currentMetrics(), rescale);
  state.write(deps.store);
}

/** computeReplicasForMetrics: the highest proposal over the metrics, or the first error when all fail. */
function computeReplicasForMetrics(deps: Deps, state: HpaState, hpa: KubeObject, scale: Obj, warn: (reason: string, message: string) => void):
  { replicas: number; metricName: string; statuses: Obj[] } | { error: string } {
  const selector = statusOf(scale)['selector'];
  if (typeof selector !== 'string' || selector === '') {
    warn('SelectorRequired', 'selector is required');
    state.setCondition('ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
    return { error: 'selector is required' };
  }
  const specs = arr(specOf(hpa)['metrics']);
  const statuses: Obj[] = [];
  let replicas = 0;
  let metricName = '';
  let firstError: { error: string; reason: string; message: string } | undefined;
  let invalid = 0;
  for (const metric of specs) {
    const outcome = computeResourceMetric(deps, hpa, metric, num(specOf(scale)['replicas']), selector);
    if ('error' in outcome) {
      warn(outcome.reason, outcome.cause);
      firstError ??= { error: outcome.error, reason: outcome.reason, message: `the HPA was unable to compute the replica count: ${outcome.cause}` };
      invalid++;
      statuses.push({ type: '' });
      continue;
    }
    statuses.push(outcome.status);
    if (replicas === 0 || outcome.replicas > replicas) {
      replicas = outcome.replicas;
      metricName = outcome.metricName;
    }
  }
  if (invalid >= specs.length) {
    if (firstError) state.setCondition('ScalingActive', 'False', firstError.reason, firstError.message);
    return { error: `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError?.error ?? 'no metrics'}` };
  }
  state.setCondition('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metricName}`);
  return { replicas, metricName, statuses };
}

type MetricOutcome =
  | { replicas: number; metricName: string; status: Obj }
  | { error: string; cause: string; reason: string };

function computeResourceMetric(deps: Deps, hpa: KubeObject, metric: Obj, currentReplicas: number, selector: string): MetricOutcome {
  if (metric['type'] !== 'Resource') {
    const cause = `unknown metric source type "${String(metric['type'])}"`;
    return { error: cause, cause, reason: 'InvalidMetricSourceType' };
  }
  const source = rec(metric['resource']) ?? {};
  const name = String(source['name']);
  const target = rec(source['target']) ?? {};
  const fail = (cause: string): MetricOutcome => ({ error: `failed to get ${name} utilization: ${cause}`, cause, reason: 'FailedGetResourceMetric' });
  const namespace = hpa.metadata.namespace ?? 'default';
  const pods = deps.store.list(PODS, { namespace, labelSelector: selector }).items;
  const usage = deps.metrics();
  if (!usage) return fail(`unable to get metrics for resource ${name}: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)`);
  const input = { currentReplicas, resource: name, pods, samples: samplesOf(usage, pods, name), nowMs: deps.clock.now().getTime() };
  let proposal: Proposal;
  try {
    if (target['averageValue'] !== undefined) {
      proposal = resourceReplicas(input, { averageMilli: milliOf(target['averageValue']) });
    } else if (typeof target['averageUtilization'] === 'number') {
      proposal = resourceReplicas(input, { utilization: target['averageUtilization'] });
    } else {
      const cause = 'invalid resource metric source: neither a utilization target nor a value target was set';
      return { error: cause, cause, reason: 'FailedGetResourceMetric' };
    }
  } catch (err) {
    if (err instanceof ReplicaCalcError) return fail(err.message);
    throw err;
  }
  const current: Obj = {};
  if (proposal.utilization !== undefined) current['averageUtilization'] = proposal.utilization;
  current['averageValue'] = milliQuantity(proposal.rawMilli);
  const metricName = proposal.utilization !== undefined ? `${name} resource utilization (percentage of request)` : `${name} resource`;
  return { replicas: proposal.replicas, metricName, status: { type: 'Resource', resource: { name, current } } };
}

function milliOf(quantity: unknown): number {
  const text = typeof quantity === 'number' ? String(quantity) : String(quantity ?? '0');
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  const units: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return m ? Math.ceil(Number(m[1]) * (units[m[2] ?? ''] ?? 1) * 1000) : 0;
}

/** The metrics client's samples: per pod, its containers' usage summed, in milli-units. */
function samplesOf(usage: ClusterUsage, pods: KubeObject[], resource: string): Map<string, PodSample> {
  const wanted = new Set(pods.filter((p) => statusOf(p)['phase'] === 'Running').map((p) => p.metadata.name));
  const namespace = pods[0]?.metadata.namespace;
  const samples = new Map<string, PodSample>();
  for (const node of usage.nodes) {
    for (const pod of node.pods) {
      if (pod.namespace !== namespace || !wanted.has(pod.name)) continue;
      const value = pod.containers.reduce((sum, c) => sum + (resource === 'cpu' ? c.cpuMillis : c.memoryBytes * 1000), 0);
      samples.set(pod.name, { valueMilli: value, timestampMs: Math.floor(usage.at.getTime() / 1000) * 1000, windowMs: METRIC_WINDOW_MS });
    }
  }
  return samples;
}

/** The HPA's status being rebuilt in one pass, with setCondition's transition-time rule. */
class HpaState {
  private readonly original: string;
  private status: Obj;

  constructor(private readonly hpa: KubeObject, private readonly now: Date) {
    this.status = structuredClone(statusOf(hpa));
    this.original = canonicalJson(this.status);
  }

  setCondition(type: string, status: string, reason: string, message: string): void {
    const conditions = arr(this.status['conditions']).map((c) => ({ ...c }));
    let existing = conditions.find((c) => c['type'] === type);
    if (!existing) {
      existing = { type };
      conditions.push(existing);
    }
    if (existing['status'] !== status) existing['lastTransitionTime'] = formatTime(this.now);
    existing['status'] = status;
    existing['reason'] = reason;
    existing['message'] = message;
    this.status['conditions'] = conditions;
  }

  desiredReplicas(): number {
    return num(this.status['desiredReplicas']);
  }

  currentMetrics(): Obj[] | undefined {
    const metrics = this.status['currentMetrics'];
    return Array.isArray(metrics) ? (metrics as Obj[]) : undefined;
  }

  /** setStatus: replicas and metrics replaced, lastScaleTime moved on a rescale, conditions kept. */
  setStatus(current: number, desired: number, metrics: Obj[] | undefined, rescaled: boolean): void {
    const next: Obj = { currentReplicas: current, desiredReplicas: desired };
    const last = rescaled ? formatTime(this.now) : this.status['lastScaleTime'];
    if (last !== undefined) next['lastScaleTime'] = last;
    const valid = metrics?.filter((m) => m['type'] !== '');
    if (valid && valid.length > 0) next['currentMetrics'] = valid;
    if (this.status['conditions'] !== undefined) next['conditions'] = this.status['conditions'];
    this.status = next;
  }

  /** updateStatusIfNeeded. A write that lost a race is retried by the next sync. */
  write(store: ObjectStore): void {
    if (canonicalJson(this.status) === this.original) return;
    try {
      store.update(HPAS, { ...this.hpa, status: this.status } as KubeObject, { namespace: this.hpa.metadata.namespace, name: this.hpa.metadata.name, subresource: 'status' });
    } catch (err) {
      if (!(err instanceof Error)) throw err;
    }
  }
}
