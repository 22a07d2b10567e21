/**
 * What the apiserver's registry strategies do to an object before it is stored
 * (PrepareForCreate / PrepareForUpdate of pkg/registry/<group>/<kind>/strategy.go): the status a new
 * object starts with, which part of an object each endpoint may change, generation, and the
 * kind-specific fields the server fills (Job selectors, Service addresses, namespace finalizers).
 */
import type { ResourceInfo } from '../resources.js';
import { applyDefaults } from './defaults.js';
import { jsonEqual } from './equal.js';
import type { FieldError } from './field-error.js';
import type { ServiceAddresses } from './service-addresses.js';

type Obj = Record<string, unknown>;

/** What a strategy may consult besides the object. */
export interface StrategyContext {
  readonly addresses: ServiceAddresses;
  /** The name of the StorageClass annotated as the default, if one is. */
  defaultStorageClass(): string | undefined;
}

function rec(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function meta(o: Obj): Obj {
  return rec(o['metadata'])!;
}

/** BestEffort, Burstable or Guaranteed, from the containers' requests and limits (qos.GetPodQOS). */
export function podQosClass(pod: Obj): string {
  const spec = rec(pod['spec']) ?? {};
  const containers = [...((spec['containers'] as Obj[] | undefined) ?? []), ...((spec['initContainers'] as Obj[] | undefined) ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const resources = rec(c['resources']) ?? {};
    const requests = rec(resources['requests']) ?? {};
    const limits = rec(resources['limits']) ?? {};
    if (Object.keys(requests).length + Object.keys(limits).length > 0) any = true;
    for (const name of ['cpu', 'memory']) {
      if (limits[name] === undefined || (requests[name] !== undefined && requests[name] !== limits[name])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * The status a new object starts with: the Go zero value of its status struct as JSON writes it
 * (counters without omitempty appear as 0), plus what the strategy sets.
 */
function initialStatus(kind: string): Obj {
  switch (kind) {
    case 'Namespace': return { phase: 'Active' };
    case 'PersistentVolumeClaim': case 'PersistentVolume': return { phase: 'Pending' };
    case 'Service': case 'Ingress': return { loadBalancer: {} };
    case 'ReplicaSet': return { replicas: 0 };
    case 'StatefulSet': return { availableReplicas: 0, replicas: 0 };
    case 'DaemonSet': return { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    case 'PodDisruptionBudget': return { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 };
    case 'HorizontalPodAutoscaler': return { desiredReplicas: 0 };
    default: return {};
  }
}

/** The fields whose change bumps `metadata.generation`. */
function generationFields(o: Obj): unknown {
  if (o['kind'] === 'EndpointSlice') return [o['endpoints'], o['ports'], o['addressType']];
  if (o['kind'] === 'ValidatingWebhookConfiguration' || o['kind'] === 'MutatingWebhookConfiguration') return o['webhooks'];
  return o['spec'];
}

/**
 * Prepares a new object for storage in place (its uid and creationTimestamp already set). Returns
 * the errors of allocations that failed (a taken cluster IP, a node port out of range).
 */
export function prepareForCreate(r: ResourceInfo, draft: Obj, ctx: StrategyContext): FieldError[] {
  if (r.subresources.includes('status') && r.kind !== 'Node') draft['status'] = initialStatus(r.kind);
  if (r.generation) meta(draft)['generation'] = 1;
  applyDefaults(draft);
  switch (r.kind) {
    case 'Pod': (draft['status'] as Obj)['phase'] = 'Pending'; (draft['status'] as Obj)['qosClass'] = podQosClass(draft); break;
    case 'Namespace': prepareNamespace(draft); break;
    case 'Job': generateJobSelector(draft); break;
    case 'Service': return allocateServiceAddresses(draft, ctx);
    case 'PersistentVolumeClaim': defaultClaimClass(draft, ctx); break;
  }
  return [];
}

function prepareNamespace(ns: Obj): void {
  const spec = rec(ns['spec']) ?? {};
  const finalizers = (spec['finalizers'] as string[] | undefined) ?? [];
  if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
  ns['spec'] = { ...spec, finalizers };
  const m = meta(ns);
  m['labels'] = { ...(rec(m['labels']) ?? {}), 'kubernetes.io/metadata.name': m['name'] };
}

/** Jobs select their pods by the job's uid unless the user asked to choose (`manualSelector`). */
function generateJobSelector(job: Obj): void {
  const spec = rec(job['spec']);
  if (!spec || spec['manualSelector'] === true) return;
  const m = meta(job);
  const uid = m['uid'] as string;
  const name = m['name'] as string;
  spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = rec(spec['template']) ?? {};
  const templateMeta = rec(template['metadata']) ?? {};
  templateMeta['labels'] = {
    ...(rec(templateMeta['labels']) ?? {}),
    'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name,
  };
  template['metadata'] = templateMeta;
  spec['template'] = template;
}

function allocateServiceAddresses(svc: Obj, ctx: StrategyContext): FieldError[] {
  const spec = rec(svc['spec']) ?? {};
  const errors: FieldError[] = [];
  const type = spec['type'];
  if (type !== 'ExternalName') {
    if (spec['clusterIP'] !== 'None') {
      const requested = typeof spec['clusterIP'] === 'string' && spec['clusterIP'] !== '' ? spec['clusterIP'] : undefined;
      const ip = ctx.addresses.allocateIp(requested);
      if (typeof ip === 'string') { spec['clusterIP'] = ip; spec['clusterIPs'] = [ip]; } else errors.push(ip);
    } else spec['clusterIPs'] = ['None'];
    spec['ipFamilies'] ??= ['IPv4'];
    spec['ipFamilyPolicy'] ??= 'SingleStack';
  }
  if (type === 'NodePort' || type === 'LoadBalancer') {
    ((spec['ports'] as Obj[] | undefined) ?? []).forEach((port, i) => {
      const requested = typeof port['nodePort'] === 'number' ? port['nodePort'] : undefined;
      const allocated = ctx.addresses.allocatePort(requested, `spec.ports[${i}].nodePort`);
      if (typeof allocated === 'number') port['nodePort'] = allocated; else errors.push(allocated);
    });
  }
  return errors;
}

function defaultClaimClass(pvc: Obj, ctx: StrategyContext): void {
  const spec = rec(pvc['spec']);
  if (!spec || spec['storageClassName'] !== undefined) return;
  const name = ctx.defaultStorageClass();
  if (name !== undefined) spec['storageClassName'] = name;
}

const KEPT_METADATA = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'name', 'namespace'];

/**
 * The object to store when `draft` replaces `existing` through the main endpoint, `status` or
 * `finalize`: each endpoint changes only its own part, and the server's own metadata is kept.
 */
export function prepareForUpdate(r: ResourceInfo, existing: Obj, draft: Obj, subresource: 'status' | 'finalize' | undefined): Obj {
  if (subresource === 'status') return { ...structuredClone(existing), status: draft['status'] };
  if (subresource === 'finalize') {
    const next = structuredClone(existing);
    next['spec'] = { ...(rec(next['spec']) ?? {}), finalizers: rec(draft['spec'])?.['finalizers'] ?? [] };
    return next;
  }
  const next = draft;
  const m = meta(next);
  const old = meta(existing);
  for (const key of KEPT_METADATA) {
    if (old[key] === undefined) delete m[key]; else m[key] = old[key];
  }
  if (m['managedFields'] === undefined && old['managedFields'] !== undefined) m['managedFields'] = old['managedFields'];
  if (r.subresources.includes('status')) {
    if (existing['status'] === undefined) delete next['status']; else next['status'] = existing['status'];
  }
  applyDefaults(next);
  keepServerAssigned(r.kind, existing, next);
  if (r.generation && !jsonEqual(generationFields(next), generationFields(existing))) {
    m['generation'] = (typeof old['generation'] === 'number' ? old['generation'] : 0) + 1;
  }
  return next;
}

/** Fields the server assigned on create that a client's replacement may omit. */
function keepServerAssigned(kind: string, existing: Obj, next: Obj): void {
  const oldSpec = rec(existing['spec']) ?? {};
  const spec = rec(next['spec']);
  if (kind === 'Namespace') {
    next['spec'] = { ...(spec ?? {}), finalizers: oldSpec['finalizers'] };
    const m = meta(next);
    m['labels'] = { ...(rec(m['labels']) ?? {}), 'kubernetes.io/metadata.name': m['name'] };
    return;
  }
  if (!spec) return;
  if (kind === 'Service') {
    for (const key of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
      if ((spec[key] === undefined || spec[key] === '') && oldSpec[key] !== undefined) spec[key] = oldSpec[key];
    }
    const oldPorts = (oldSpec['ports'] as Obj[] | undefined) ?? [];
    for (const port of (spec['ports'] as Obj[] | undefined) ?? []) {
      const before = oldPorts.find((p) => p['port'] === port['port'] && p['protocol'] === port['protocol']);
      if (port['nodePort'] === undefined && before?.['nodePort'] !== undefined) port['nodePort'] = before['nodePort'];
    }
  }
  if (kind === 'Job' && spec['selector'] === undefined && oldSpec['manualSelector'] !== true) spec['selector'] = oldSpec['selector'];
}

/** Service addresses held by an object that is gone. */
export function releaseOnRemove(o: Readonly<Obj>, ctx: StrategyContext): void {
  if (o['kind'] !== 'Service') return;
  const spec = rec(o['spec']) ?? {};
  ctx.addresses.release(spec['clusterIP'], ((spec['ports'] as Obj[] | undefined) ?? []).map((p) => p['nodePort']));
}
