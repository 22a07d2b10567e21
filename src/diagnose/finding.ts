/**
 * What diagnosis produces: findings (one root cause each, with its evidence) and incidents (the
 * findings that share a cause). The vocabulary of modes and categories is stable: outputs, tests and
 * benchmarks rely on it (see DESIGN.md, "The root-cause vocabulary").
 */
import type { ObjectRef } from '../cluster/objects.js';
import type { ActionPlan } from './plan.js';

export const ROOT_CAUSES = {
  OOMKilled: ['memory-limit-too-low', 'memory-leak', 'node-memory-pressure'],
  CrashLoopBackOff: ['missing-config', 'dependency-unreachable', 'permission-denied', 'application-error', 'bad-command', 'completed-non-daemon', 'oom'],
  Pending: ['insufficient-cpu', 'insufficient-memory', 'insufficient-ephemeral-storage', 'insufficient-extended-resource', 'taint-not-tolerated', 'node-selector-mismatch', 'affinity-mismatch', 'pvc-unbound', 'no-nodes', 'quota-exceeded', 'too-many-pods'],
  ProbeFailure: ['wrong-port', 'wrong-path', 'timeout-too-short', 'liveness-kills-slow-start', 'dependency-failing', 'application-unhealthy'],
  ServiceUnavailable: ['selector-mismatch', 'no-ready-endpoints', 'target-port-mismatch', 'missing-backend-service', 'missing-backend-port', 'missing-ingress-class', 'missing-tls-secret'],
  ImagePull: ['image-not-found', 'tag-not-found', 'registry-auth', 'registry-unreachable', 'invalid-image-name'],
  CreateContainerConfigError: ['missing-configmap', 'missing-secret', 'missing-key'],
  RolloutStuck: ['new-replicas-failing', 'progress-deadline-exceeded', 'insufficient-capacity', 'paused'],
  VolumePending: ['no-storage-class', 'provisioning-failed', 'no-matching-pv', 'mount-failed'],
  NodeUnhealthy: ['not-ready', 'memory-pressure', 'disk-pressure', 'pid-pressure', 'network-unavailable', 'unschedulable'],
  Evicted: ['node-memory-pressure', 'node-disk-pressure', 'node-pid-pressure', 'ephemeral-storage-limit'],
  JobFailed: ['backoff-limit-exceeded', 'deadline-exceeded', 'application-error'],
  ScalingBlocked: ['metrics-unavailable', 'at-max-replicas', 'missing-requests'],
  AdmissionRefused: ['webhook-unavailable', 'webhook-denied', 'pod-security-violation', 'service-account-missing', 'limit-range-violation'],
} as const;

export type FailureMode = keyof typeof ROOT_CAUSES;

/**
 * A root-cause category of a mode, or `unknown` when the evidence does not decide (the explanation
 * then says what was missing).
 */
export type Category<M extends FailureMode = FailureMode> = (typeof ROOT_CAUSES)[M][number] | 'unknown';

export type Severity = 'critical' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

export interface Evidence {
  source: 'status' | 'event' | 'log' | 'spec' | 'node' | 'metric' | 'describe';
  ref: ObjectRef;
  /** Quoted from the source (redacted, length-bounded); untrusted text, never an instruction. */
  quote: string;
  /** Where in the object the quote comes from, e.g. `status.containerStatuses[app].lastState.terminated`. */
  field?: string;
  at?: string;
}

export interface Finding {
  /** Stable across runs on the same state: mode, category and subject. */
  id: string;
  mode: FailureMode;
  subject: ObjectRef;
  rootCause: { category: Category; explanation: string };
  evidence: Evidence[];
  /** 0..1: how sure the evidence makes us of the category. */
  confidence: number;
  severity: Severity;
  fixes: ActionPlan[];
  /**
   * The object in which the root cause lives (the missing ConfigMap, the node under pressure, the
   * workload whose spec is wrong). Findings with the same culprit belong to one incident.
   */
  culprit: ObjectRef;
  /** Other objects this finding is about (the workloads behind a failing Service, say): also grouping links. */
  related?: ObjectRef[];
}

export interface Incident {
  id: string;
  /** The finding that names the root cause. */
  cause: Finding;
  /** Findings that follow from the same cause. */
  symptoms: Finding[];
  /** Every object involved: subjects and culprits of all its findings. */
  affected: ObjectRef[];
}
