/**
 * The horizontal pod autoscaler's replica arithmetic (pkg/controller/podautoscaler
 * replica_calculator.go): pods grouped into ready, unready (CPU samples of pods still starting),
 * missing (no sample) and ignored (deleted, failed); the usage ratio against the target with the
 * 0.1 tolerance; missing and unready pods rebalanced so a noisy sample never flips the direction.
 * Pure functions of pods, samples and time: the controller feeds them.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { parseQuantity } from '../../cluster/quantity.js';
import { arr, conditionOf, rec, specOf, statusOf } from './kube.js';

/** `--horizontal-pod-autoscaler-tolerance`. */
export const TOLERANCE = 0.1;
/** `--horizontal-pod-autoscaler-cpu-initialization-period`. */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** `--horizontal-pod-autoscaler-initial-readiness-delay`. */
export const INITIAL_READINESS_DELAY_MS = 30_000;

/** One pod's sample, in milli-units (millicores; bytes × 1000), as the metrics client sums it. */
export interface PodSample {
  valueMilli: number;
  timestampMs: number;
  windowMs: number;
}

/** An error of the calculation; its message is what the controller's events and conditions quote. */
export class ReplicaCalcError extends Error {}

function phase(pod: KubeObject): string {
  return String(statusOf(pod)['phase'] ?? '');
}

function ms(text: unknown): number | undefined {
  const t = typeof text === 'string' ? Date.parse(text) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

interface Groups {
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods: which samples count. Only CPU samples of pods still starting are held back. */
function groupPods(pods: KubeObject[], samples: Map<string, PodSample>, resource: string, nowMs: number): Groups {
  const groups: Groups = { readyCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name;
    if (pod.metadata.deletionTimestamp || phase(pod) === 'Failed') {
      groups.ignored.add(name);
      continue;
    }
    if (phase(pod) === 'Pending') {
      groups.unready.add(name);
      continue;
    }
    const sample = samples.get(name);
    if (!sample) {
      groups.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && cpuSampleUnready(pod, sample, nowMs)) {
      groups.unready.add(name);
      continue;
    }
    groups.readyCount++;
  }
  return groups;
}

function cpuSampleUnready(pod: KubeObject, sample: PodSample, nowMs: number): boolean {
  const ready = conditionOf(statusOf(pod), 'Ready');
  const start = ms(statusOf(pod)['startTime']);
  if (!ready || start === undefined) return true;
  const transition = ms(ready['lastTransitionTime']) ?? start;
  if (start + CPU_INITIALIZATION_PERIOD_MS > nowMs) {
    // Still starting: only a sample taken a full window after the pod turned ready counts.
    return ready['status'] === 'False' || sample.timestampMs < transition + sample.windowMs;
  }
  return ready['status'] === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
}

function milli(quantity: unknown): number | undefined {
  const value = parseQuantity(quantity as string | number | undefined);
  return value === undefined ? undefined : Math.ceil(value * 1000);
}

/** calculatePodRequests: each pod's request summed over its containers (restartable init containers too). */
export function podRequests(pods: KubeObject[], resource: string): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const spec = specOf(pod);
    const sidecars = arr(spec['initContainers']).filter((c) => c['restartPolicy'] === 'Always');
    let sum = 0;
    for (const c of [...arr(spec['containers']), ...sidecars]) {
      const request = milli(rec(rec(c['resources'])?.['requests'])?.[resource]);
      if (request === undefined) throw new ReplicaCalcError(`missing request for ${resource} in container ${String(c['name'])} of Pod ${pod.metadata.name}`);
      sum += request;
    }
    requests.set(pod.metadata.name, sum);
  }
  return requests;
}

/** GetResourceUtilizationRatio: usage over requests of the pods that have both, in whole percent. */
function utilizationRatio(samples: Map<string, number>, requests: Map<string, number>, target: number): { ratio: number; utilization: number; raw: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [pod, value] of samples) {
    const request = requests.get(pod);
    if (request === undefined) continue;
    metricsTotal += value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new ReplicaCalcError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, raw: Math.trunc(metricsTotal / entries) };
}

function averageRatio(samples: Map<string, number>, target: number): { ratio: number; raw: number } {
  let total = 0;
  for (const v of samples.values()) total += v;
  const raw = Math.trunc(total / samples.size);
  return { ratio: raw / target, raw };
}

/** What the calculator proposes for one metric. */
export interface Proposal {
  replicas: number;
  /** Whole percent of request (Utilization targets only). */
  utilization?: number;
  /** The average per pod, in milli-units. */
  rawMilli: number;
}

/** What a calculation needs. */
export interface CalcInput {
  currentReplicas: number;
  resource: string;
  pods: KubeObject[];
  samples: Map<string, PodSample>;
  nowMs: number;
}

function noPods(pods: KubeObject[]): void {
  if (pods.length === 0) throw new ReplicaCalcError('no pods returned by selector while calculating replica count');
}

/**
 * GetResourceReplicas (target `averageUtilization`) or GetRawResourceReplicas (target
 * `averageValue`, in milli-units): the proposed replica count.
 */
export function resourceReplicas(input: CalcInput, target: { utilization: number } | { averageMilli: number }): Proposal {
  const { currentReplicas, resource, pods, nowMs } = input;
  if (input.samples.size === 0) throw new ReplicaCalcError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  noPods(pods);
  const groups = groupPods(pods, input.samples, resource, nowMs);
  const values = new Map<string, number>();
  for (const [name, s] of input.samples) if (!groups.ignored.has(name) && !groups.unready.has(name)) values.set(name, s.valueMilli);
  if (values.size === 0) throw new ReplicaCalcError('did not receive metrics for targeted pods (pods might be unready)');
  const byUtilization = 'utilization' in target;
  const requests = byUtilization ? podRequests(pods, resource) : new Map<string, number>();
  const measure = (v: Map<string, number>): { ratio: number; raw: number; utilization?: number } =>
    (byUtilization ? utilizationRatio(v, requests, target.utilization) : averageRatio(v, target.averageMilli));
  const first = measure(values);
  const result = (replicas: number): Proposal => ({ replicas, rawMilli: first.raw, ...(first.utilization !== undefined ? { utilization: first.utilization } : {}) });
  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= TOLERANCE) return result(currentReplicas);
    return result(Math.ceil(first.ratio * groups.readyCount));
  }
  // Rebalance: on a scale-down a missing pod counts as using its full request (or the target), on a
  // scale-up as using nothing; unready pods count as using nothing on a scale-up.
  for (const name of groups.missing) {
    if (first.ratio < 1) values.set(name, byUtilization ? requests.get(name) ?? 0 : target.averageMilli);
    else if (first.ratio > 1) values.set(name, 0);
  }
  if (scaleUpWithUnready) for (const name of groups.unready) values.set(name, 0);
  const next = measure(values);
  if (Math.abs(1 - next.ratio) <= TOLERANCE || (first.ratio < 1 && next.ratio > 1) || (first.ratio > 1 && next.ratio < 1)) return result(currentReplicas);
  const replicas = Math.ceil(next.ratio * values.size);
  if ((next.ratio < 1 && replicas > currentReplicas) || (next.ratio > 1 && replicas < currentReplicas)) return result(currentReplicas);
  return result(replicas);
}

/** A milli-value as resource.NewMilliQuantity(v, DecimalSI) prints it (`250m`, `1`, `8388608`, `20M`). */
export function milliQuantity(valueMilli: number): string {
  let value = Math.trunc(valueMilli);
  const suffixes = ['m', '', 'k', 'M', 'G', 'T'];
  let i = 0;
  while (value !== 0 && value % 1000 === 0 && i < suffixes.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value}${suffixes[i]}`;
}
