/**
 * The PodSecurity admission plugin (staging/src/k8s.io/pod-security-admission/admission), enforce
 * mode: a pod created in a namespace labelled `pod-security.kubernetes.io/enforce: baseline` or
 * `restricted` that fails the level's checks is forbidden, `pods "web-5d8f7c9b7d-x2k9p" is
 * forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container
 * "web" must set …), …`. It runs in the validating phase, after the pod's name is generated.
 * Workload objects are only warned about by the real plugin; the simulator does not warn. The level
 * version (`enforce-version`, default `latest`) is printed but the checks are always the latest's.
 */
import { lookupResource } from '../resources.js';
import { forbidden } from '../store/status-error.js';
import { type AdmissionAttributes, type AdmissionPlugin, type ClusterReader, isPodCreate, rec } from './admission-plugin.js';
import { evaluatePod, forbiddenDetail } from './pod-security-checks.js';

const NAMESPACES = lookupResource('namespaces')!;
const PODS = lookupResource('pods')!;
const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
const LEVELS = ['privileged', 'baseline', 'restricted'] as const;
type Level = (typeof LEVELS)[number];

/** The level a namespace's labels enforce (an unset or unknown level enforces nothing). */
function enforcedLevel(labels: Record<string, string> | undefined): { level: Level; version: string } {
  const value = labels?.[ENFORCE];
  const level = LEVELS.find((l) => l === value) ?? 'privileged';
  return { level, version: labels?.[ENFORCE_VERSION] || 'latest' };
}

function validate(a: AdmissionAttributes, cluster: ClusterReader): void {
  if (!isPodCreate(a) || a.namespace === undefined) return;
  const { level, version } = enforcedLevel(cluster.get(NAMESPACES, undefined, a.namespace)?.metadata.labels);
  const failures = evaluatePod(level, rec(a.object['spec']) ?? {});
  if (failures.length === 0) return;
  throw forbidden(PODS, a.name, `violates PodSecurity "${level}:${version}": ${forbiddenDetail(failures)}`);
}

/** The PodSecurity plugin. */
export const podSecurityAdmission: AdmissionPlugin = { name: 'PodSecurity', validate };
