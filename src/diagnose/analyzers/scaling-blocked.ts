/**
 * ScalingBlocked: a HorizontalPodAutoscaler that cannot do its job. It cannot read its metrics
 * (`ScalingActive False FailedGetResourceMetric`: metrics-server missing or failing), it cannot compute
 * utilisation because the target's containers request no CPU (`missing request for cpu`), or it wants
 * more replicas than its maximum while the load stays above target (`ScalingLimited True
 * TooManyReplicas`). Reasons and messages are the HPA controller's
 * (pkg/controller/podautoscaler/horizontal.go, replica_calculator.go).
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { Container, CoreEvent, HorizontalPodAutoscaler, KubeObject, LimitRange, ObjectRef } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { parseQuantity } from '../../cluster/quantity.js';
import { millisOf } from '../../cluster/time.js';
import type { Analyzer } from '../analyzer.js';
import { finding } from '../analyzer.js';
import type { Evidence, Finding } from '../finding.js';
import { eventEvidence, eventsWithReason, specEvidence, statusEvidence } from '../evidence.js';
import { patchContainer, patchObject, TEMPLATED_KINDS } from '../fixes.js';
import type { ActionPlan } from '../plan.js';

type Hpa = Obj<HorizontalPodAutoscaler>;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** One metric with its target and current value, on one scale (a ratio above 1 means above target). */
interface MetricReading {
  /** As kubectl describe hpa prints it: `resource cpu on pods  (as a percentage of request)`. */
  label: string;
  /** current / target. */
  ratio: number;
  /** `186% (372m) / 60%`. */
  text: string;
}

/** Reasons of `ScalingActive False` (and events) that mean the HPA could not read or use its metrics. */
const METRIC_FAILURE = /^(FailedGet\w*Metric|InvalidMetricSourceType|FailedComputeMetricsReplicas)$/;

const MISSING_REQUEST = /missing request for (\w+) in container (\S+) of Pod (\S+)/;

/** The resource metrics API (metrics-server) that every Resource metric reads. */
const RESOURCE_METRICS_API: ObjectRef = { kind: 'APIService', name: 'v1beta1.metrics.k8s.io' };
const RESOURCE_METRICS_FAILURE = /resource metrics API|pods\.metrics\.k8s\.io|metrics\.k8s\.io/;

/**
 * A metric failure younger than this is the normal gap after an HPA or a pod is created, before
 * metrics-server has scraped it (`did not receive metrics for targeted pods`): not yet a finding.
 */
const METRICS_GRACE_MS = 3 * 60_000;
/** Events older than this no longer describe the present, when the HPA has no conditions to read. */
const EVENT_FRESHNESS_MS = 15 * 60_000;

/** The HPA controller's tolerance: it does not scale while current/target stays within 10%. */
const TOLERANCE = 0.1;

/** Headroom rule for a raised maximum: half as many again, rounded up. */
const MAX_REPLICAS_FACTOR = 1.5;

/** The CPU request proposed when neither the container nor a LimitRange says one. */
const DEFAULT_CPU_REQUEST = '100m';

export const scalingBlockedAnalyzer: Analyzer = {
  mode: 'ScalingBlocked',
  description: 'HorizontalPodAutoscalers that cannot scale: metrics unavailable, missing CPU requests, or held at maxReplicas under load',
  analyze(graph: ClusterGraph): Finding[] {
    return graph.ofKind<HorizontalPodAutoscaler>('HorizontalPodAutoscaler').flatMap((hpa) => analyzeHpa(graph, hpa) ?? []);
  },
};

function analyzeHpa(graph: ClusterGraph, hpa: Hpa): Finding | undefined {
  const conditions = conditionsOf(hpa);
  const active = conditions.find((c) => c.type === 'ScalingActive');
  const able = conditions.find((c) => c.type === 'AbleToScale');
  if (active?.status === 'True') return atMaxReplicas(hpa, conditions);
  const failure = metricFailure(graph, hpa, active, able);
  if (failure) return failure;
  if (able?.status === 'False' && able.reason !== 'BackoffBoth' && able.reason !== 'BackoffDownscale' && able.reason !== 'BackoffUpscale') {
    return cannotScale(graph, hpa, able);
  }
  return missingRequestsFromSpec(graph, hpa, conditions) ?? atMaxReplicas(hpa, conditions);
}

// ---------------------------------------------------------------------------------------------------
// Reading the HPA, v2 or v1

/** v2 conditions, or the ones an autoscaling/v1 object keeps in its annotation. */
function conditionsOf(hpa: Hpa): Condition[] {
  if (hpa.status?.conditions?.length) return hpa.status.conditions;
  const raw = hpa.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter((c): c is Condition => typeof c?.type === 'string' && typeof c?.status === 'string') : [];
  } catch {
    return [];
  }
}

function replicas(hpa: Hpa): { min: number; max: number; current: number; desired: number } {
  const status = hpa.status as { currentReplicas?: number; desiredReplicas?: number } | undefined;
  return {
    min: hpa.spec?.minReplicas ?? 1, max: hpa.spec?.maxReplicas ?? 0,
    current: status?.currentReplicas ?? 0, desired: status?.desiredReplicas ?? 0,
  };
}

/** Every metric the HPA reports a current value for, against its target. */
function readings(hpa: Hpa): MetricReading[] {
  const v1 = hpa.spec as { targetCPUUtilizationPercentage?: number } | undefined;
  const v1Status = hpa.status as { currentCPUUtilizationPercentage?: number } | undefined;
  if (v1?.targetCPUUtilizationPercentage !== undefined) {
    const target = v1.targetCPUUtilizationPercentage;
    const current = v1Status?.currentCPUUtilizationPercentage;
    return current === undefined || target <= 0 ? [] : [{
      label: 'resource cpu on pods  (as a percentage of request)', ratio: current / target, text: `${current}% / ${target}%`,
    }];
  }
  const out: MetricReading[] = [];
  for (const spec of hpa.spec?.metrics ?? []) {
    const status = hpa.status?.currentMetrics?.find((m) => m.type === spec.type && metricName(m) === metricName(spec));
    const source = spec.resource ?? spec.containerResource ?? spec.pods ?? spec.object ?? spec.external;
    const current = status?.resource?.current ?? status?.containerResource?.current ?? status?.pods?.current ?? status?.object?.current ?? status?.external?.current;
    const target = source?.target;
    if (!target || !current) continue;
    const label = metricLabel(spec);
    if (target.averageUtilization !== undefined && current.averageUtilization !== undefined && target.averageUtilization > 0) {
      const value = current.averageValue ? ` (${current.averageValue})` : '';
      out.push({ label, ratio: current.averageUtilization / target.averageUtilization, text: `${current.averageUtilization}%${value} / ${target.averageUtilization}%` });
      continue;
    }
    const want = parseQuantity(target.averageValue ?? target.value);
    const have = parseQuantity(current.averageValue ?? current.value);
    if (want && have !== undefined) out.push({ label, ratio: have / want, text: `${current.averageValue ?? current.value} / ${target.averageValue ?? target.value}` });
  }
  return out;
}

type MetricLike = { type: string; resource?: { name: string; target?: { type: string } }; containerResource?: { name: string }; pods?: { metric: { name: string } }; object?: { metric: { name: string } }; external?: { metric: { name: string } } };

function metricName(m: MetricLike): string {
  return m.resource?.name ?? m.containerResource?.name ?? m.pods?.metric.name ?? m.object?.metric.name ?? m.external?.metric.name ?? '';
}

/** How `kubectl describe hpa` names a metric. */
function metricLabel(m: MetricLike): string {
  if (m.type === 'Resource') {
    const utilisation = m.resource?.target?.type === 'Utilization';
    return `resource ${metricName(m)} on pods${utilisation ? '  (as a percentage of request)' : ''}`;
  }
  if (m.type === 'ContainerResource') return `resource ${metricName(m)} of container on pods`;
  return `"${metricName(m)}" ${m.type.toLowerCase()} metric`;
}

function conditionEvidence(hpa: Hpa, c: Condition): Evidence {
  return statusEvidence(hpa, `status.conditions[${c.type}]`, `${c.type} ${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`, c.lastTransitionTime);
}

function targetRef(hpa: Hpa): ObjectRef | undefined {
  const t = hpa.spec?.scaleTargetRef;
  if (!t) return undefined;
  const ref: ObjectRef = { kind: t.kind, name: t.name };
  if (hpa.metadata.namespace) ref.namespace = hpa.metadata.namespace;
  return ref;
}

function targetLine(hpa: Hpa): string {
  const r = replicas(hpa);
  const kind = hpa.spec?.scaleTargetRef.kind ?? 'target';
  return `Min replicas: ${r.min}, Max replicas: ${r.max}, ${kind} pods: ${r.current} current / ${r.desired} desired`;
}

// ---------------------------------------------------------------------------------------------------
// Metrics unavailable, or unusable for lack of requests

function metricFailure(graph: ClusterGraph, hpa: Hpa, active: Condition | undefined, able: Condition | undefined): Finding | undefined {
  const ref = refOf(hpa);
  const reasons = ['FailedGetResourceMetric', 'FailedGetContainerResourceMetric', 'FailedGetPodsMetric', 'FailedGetObjectMetric',
    'FailedGetExternalMetric', 'FailedComputeMetricsReplicas', 'InvalidMetricSourceType'];
  const events = eventsWithReason(graph, ref, reasons);
  const lastEvent = events[events.length - 1];
  let message: string;
  const evidence: Evidence[] = [];
  if (active?.status === 'False' && METRIC_FAILURE.test(active.reason ?? '')) {
    if (!olderThan(graph, active.lastTransitionTime, METRICS_GRACE_MS)) return undefined;
    message = active.message ?? '';
    evidence.push(conditionEvidence(hpa, active));
  } else if (!active && !able && lastEvent && persistentEvents(graph, events)) {
    message = lastEvent.message ?? '';
  } else {
    return undefined;
  }
  if (lastEvent) evidence.push(eventEvidence(lastEvent));
  evidence.push(statusEvidence(hpa, 'status', targetLine(hpa)));

  const missing = MISSING_REQUEST.exec(message) ?? MISSING_REQUEST.exec(lastEvent?.message ?? '');
  if (missing) return missingRequestsFinding(graph, hpa, evidence, `the HPA controller reports "${missing[0]}"`, 0.95, missing[1]!);

  const viaMetricsApi = RESOURCE_METRICS_FAILURE.test(message);
  return finding({
    mode: 'ScalingBlocked', category: 'metrics-unavailable', subject: ref, culprit: ref,
    ...(viaMetricsApi ? { related: [RESOURCE_METRICS_API] } : {}),
    explanation: `hpa/${hpa.metadata.name} cannot compute a replica count, so it neither scales up under load nor down: `
      + `${viaMetricsApi ? 'the resource metrics API (metrics-server, APIService v1beta1.metrics.k8s.io) does not answer' : 'its metrics cannot be read'}. `
      + `The controller says: "${message}".`,
    evidence, confidence: 0.9, severity: 'warning',
  });
}

/** Repeated, recent, and failing for longer than the grace after creation. */
function persistentEvents(graph: ClusterGraph, events: Obj<CoreEvent>[]): boolean {
  const last = events[events.length - 1]!;
  const lastAt = graph.eventTime(last);
  if (lastAt !== undefined && graph.now.getTime() - lastAt > EVENT_FRESHNESS_MS) return false;
  if ((last.count ?? 1) < 3) return false;
  // Without the first occurrence's time, the repeats alone say that it lasts.
  const first = millisOf(events[0]!.firstTimestamp);
  return first === undefined || (lastAt !== undefined && lastAt - first >= METRICS_GRACE_MS);
}

function olderThan(graph: ClusterGraph, time: string | undefined, ms: number): boolean {
  const t = Date.parse(time ?? '');
  return Number.isNaN(t) || graph.now.getTime() - t >= ms;
}

/**
 * Utilisation targets need a request on every container of the target's pods. Read the pods when
 * the snapshot has them (admission may have filled requests from a LimitRange), else the template.
 */
function missingRequestsFromSpec(graph: ClusterGraph, hpa: Hpa, conditions: Condition[]): Finding | undefined {
  if (conditions.find((c) => c.type === 'ScalingActive')?.status === 'True') return undefined;
  const resources = utilisationResources(hpa);
  const target = graph.hpaTarget(hpa);
  if (!resources.length || !target) return undefined;
  const pod = graph.podsOf(target).find((p) => p.status?.phase === 'Running');
  for (const resource of resources) {
    if (pod) {
      if (lacking(pod.spec?.containers ?? [], resource, pod.spec as PodLevel).length) {
        return missingRequestsFinding(graph, hpa, [statusEvidence(hpa, 'status', targetLine(hpa))], `pod ${pod.metadata.name} of the target has containers without a ${resource} request`, 0.85, resource);
      }
      continue;
    }
    const template = templateOf(target);
    if (template && lacking(template.containers, resource, template).length && !limitRangeDefault(graph, hpa.metadata.namespace ?? '', resource)) {
      return missingRequestsFinding(graph, hpa, [statusEvidence(hpa, 'status', targetLine(hpa))], `the target's pod template has containers without a ${resource} request and no LimitRange supplies one`, 0.75, resource);
    }
  }
  return undefined;
}

function utilisationResources(hpa: Hpa): string[] {
  const v1 = hpa.spec as { targetCPUUtilizationPercentage?: number } | undefined;
  if (v1?.targetCPUUtilizationPercentage !== undefined) return ['cpu'];
  const names = (hpa.spec?.metrics ?? [])
    .filter((m) => m.type === 'Resource' && m.resource?.target.type === 'Utilization')
    .map((m) => m.resource!.name);
  return [...new Set(names)];
}

type PodLevel = { resources?: { requests?: Record<string, string> } } | undefined;
type PodTemplateSpec = { containers: Container[]; initContainers?: Container[]; resources?: { requests?: Record<string, string> } };

/** Containers the HPA sums requests over (sidecars included) that have none for `resource`. */
function lacking(containers: Container[], resource: string, podLevel: PodLevel): Container[] {
  if (podLevel?.resources?.requests?.[resource] !== undefined) return [];
  // A limit without a request is defaulted into the request by the API server.
  return containers.filter((c) => c.resources?.requests?.[resource] === undefined && c.resources?.limits?.[resource] === undefined);
}

function templateOf(target: KubeObject): PodTemplateSpec | undefined {
  const spec = target.spec as { template?: { spec?: PodTemplateSpec } } | undefined;
  return spec?.template?.spec;
}

/** The request a LimitRange gives containers that set none (defaultRequest, else default limit). */
function limitRangeDefault(graph: ClusterGraph, namespace: string, resource: string): string | undefined {
  for (const lr of graph.limitRangesIn(namespace) as Obj<LimitRange>[]) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      const value = item.defaultRequest?.[resource] ?? item.default?.[resource];
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

function missingRequestsFinding(graph: ClusterGraph, hpa: Hpa, evidence: Evidence[], said: string, confidence: number, resource: string): Finding {
  const ref = refOf(hpa);
  const target = graph.hpaTarget(hpa);
  const targetObj = target ? refOf(target) : targetRef(hpa);
  const template = target ? templateOf(target) : undefined;
  const missing = template ? lacking(template.containers, resource, template) : [];
  for (const c of missing.slice(0, 3)) {
    evidence.push(specEvidence(target!, `spec.template.spec.containers[${c.name}].resources`, `resources.requests.${resource}: <none>`));
  }
  const fromLimitRange = limitRangeDefault(graph, hpa.metadata.namespace ?? '', resource);
  const value = fromLimitRange ?? (resource === 'cpu' ? DEFAULT_CPU_REQUEST : undefined);
  const rule = fromLimitRange
    ? `the namespace's LimitRange default (${fromLimitRange})`
    : `a conservative ${DEFAULT_CPU_REQUEST}: no LimitRange gives a default; set it from the container's observed usage`;
  const fixes: ActionPlan[] = value && targetObj && TEMPLATED_KINDS.has(targetObj.kind)
    ? missing.slice(0, 3).map((c) => patchContainer(targetObj, c.name, { resources: { requests: { [resource]: value } } },
      { resources: { requests: { [resource]: null } } }, `set ${resource} request of container ${c.name} to ${value} (none set)`,
      `hpa/${hpa.metadata.name} scales on ${resource} utilisation, a percentage of the request, and cannot compute it without one; the value is ${rule}`))
    : [];
  return finding({
    mode: 'ScalingBlocked', category: 'missing-requests', subject: ref, culprit: targetObj ?? ref,
    explanation: `hpa/${hpa.metadata.name} targets ${resource} utilisation, a percentage of each container's ${resource} request, `
      + `but ${said}: it cannot compute utilisation and does not scale. Every container of the target (sidecars too) needs a ${resource} request.`,
    evidence, confidence, severity: 'warning', fixes,
  });
}

function cannotScale(graph: ClusterGraph, hpa: Hpa, able: Condition): Finding | undefined {
  if (!olderThan(graph, able.lastTransitionTime, METRICS_GRACE_MS)) return undefined;
  const ref = refOf(hpa);
  return finding({
    mode: 'ScalingBlocked', category: 'unknown', subject: ref, culprit: ref,
    explanation: `hpa/${hpa.metadata.name} cannot act on its target (AbleToScale False, ${able.reason ?? 'no reason'}): "${able.message ?? ''}". `
      + 'Check that the scaleTargetRef names an existing workload with a scale subresource.',
    evidence: [conditionEvidence(hpa, able)], confidence: 0.6, severity: 'warning',
  });
}

// ---------------------------------------------------------------------------------------------------
// At maximum under load

function atMaxReplicas(hpa: Hpa, conditions: Condition[]): Finding | undefined {
  const r = replicas(hpa);
  if (r.max <= 0 || r.current < r.max) return undefined;
  const limited = conditions.find((c) => c.type === 'ScalingLimited');
  const tooMany = limited?.status === 'True' && limited.reason === 'TooManyReplicas';
  const metrics = readings(hpa);
  const above = metrics.filter((m) => m.ratio > (tooMany ? 1 : 1 + TOLERANCE));
  // Readings below target mean the condition is stale; no readings leave the condition's word.
  if (metrics.length ? !above.length : !tooMany) return undefined;
  const ref = refOf(hpa);
  const evidence: Evidence[] = [];
  if (limited && tooMany) evidence.push(conditionEvidence(hpa, limited));
  for (const m of above) evidence.push(statusEvidence(hpa, 'status.currentMetrics', `${m.label}: ${m.text}`));
  evidence.push(statusEvidence(hpa, 'status', targetLine(hpa)));
  const raised = Math.ceil(r.max * MAX_REPLICAS_FACTOR);
  return finding({
    mode: 'ScalingBlocked', category: 'at-max-replicas', subject: ref, culprit: ref,
    explanation: `hpa/${hpa.metadata.name} runs its target at maxReplicas (${r.max}) and still sees load above target`
      + `${above.length ? ` (${above.map((m) => `${m.label}: ${m.text}`).join('; ')})` : ''}: it would add replicas but its maximum forbids it, so the pods stay overloaded.`,
    evidence, confidence: above.length ? 0.9 : 0.7, severity: 'warning',
    fixes: [patchObject(ref, { spec: { maxReplicas: raised } }, { spec: { maxReplicas: r.max } },
      `raise maxReplicas of hpa/${hpa.metadata.name} from ${r.max} to ${raised}`,
      `the HPA is held at its maximum while load stays above target; ×${MAX_REPLICAS_FACTOR} rounded up. The cluster must have room for `
      + `${raised - r.max} more replica(s) (check node capacity and quota first), and the target's dependencies must bear the extra load`)],
  });
}

