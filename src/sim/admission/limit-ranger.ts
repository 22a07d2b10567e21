/**
 * The LimitRanger admission plugin (plugin/pkg/admission/limitranger/admission.go). Mutating phase:
 * containers of a new pod that set no request or limit for a resource get the LimitRange's
 * `defaultRequest` / `default`, noted in the `kubernetes.io/limit-ranger` annotation. Validating
 * phase: a pod (per container and as a whole) or a claim outside a LimitRange's min, max or
 * maxLimitRequestRatio is forbidden with every violation of that LimitRange, aggregated:
 * `pods "web-x2k9p" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, …]`.
 */
import { lookupResource } from '../resources.js';
import { forbidden } from '../store/status-error.js';
import { type AdmissionAttributes, type AdmissionPlugin, type ClusterReader, type Obj, arr, isPodCreate, rec, str } from './admission-plugin.js';
import { constraintViolations, podResourceTotals, type ResourceList, resourceList } from './limit-constraints.js';
import { canonicalQuantity } from './quantity.js';

const LIMIT_RANGES = lookupResource('limitranges')!;
const ANNOTATION = 'kubernetes.io/limit-ranger';

function limitItems(limitRange: Obj): Obj[] {
  return arr(rec(limitRange['spec'])?.['limits']);
}

function containersOf(pod: Obj): { containers: Obj[]; initContainers: Obj[] } {
  const spec = rec(pod['spec']) ?? {};
  return { containers: arr(spec['containers']), initContainers: arr(spec['initContainers']) };
}

/** The defaults of a LimitRange's Container items; a later item's value wins. */
function containerDefaults(limitRange: Obj): { requests: Obj; limits: Obj } {
  const requests: Obj = {};
  const limits: Obj = {};
  for (const item of limitItems(limitRange)) {
    if (item['type'] !== 'Container') continue;
    Object.assign(requests, rec(item['defaultRequest']) ?? {});
    Object.assign(limits, rec(item['default']) ?? {});
  }
  return { requests, limits };
}

/** Sets what the container lacks; returns the annotation's notes (`cpu, memory request for container app`). */
function mergeContainer(container: Obj, defaults: { requests: Obj; limits: Obj }, prefix: string): string[] {
  const resources = rec(container['resources']) ?? {};
  container['resources'] = resources;
  const fill = (field: 'requests' | 'limits'): string[] => {
    const have = rec(resources[field]) ?? {};
    const set = Object.keys(defaults[field]).filter((k) => have[k] === undefined).sort();
    for (const k of set) have[k] = canonicalQuantity(defaults[field][k]);
    if (Object.keys(have).length > 0) resources[field] = have;
    return set;
  };
  const requests = fill('requests');
  const limits = fill('limits');
  const name = str(container['name']) ?? '';
  return [
    ...(requests.length ? [`${requests.join(', ')} request for ${prefix} ${name}`] : []),
    ...(limits.length ? [`${limits.join(', ')} limit for ${prefix} ${name}`] : []),
  ];
}

function applyDefaults(pod: Obj, limitRange: Obj): void {
  const defaults = containerDefaults(limitRange);
  const { containers, initContainers } = containersOf(pod);
  const notes = [
    ...containers.flatMap((c) => mergeContainer(c, defaults, 'container')),
    ...initContainers.flatMap((c) => mergeContainer(c, defaults, 'init container')),
  ];
  if (notes.length === 0) return;
  const meta = rec(pod['metadata']) ?? {};
  meta['annotations'] = { ...(rec(meta['annotations']) ?? {}), [ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

function requirementsOf(container: Obj): { requests: ResourceList; limits: ResourceList } {
  const resources = rec(container['resources']) ?? {};
  return { requests: resourceList(rec(resources['requests'])), limits: resourceList(rec(resources['limits'])) };
}

/** Every bound of the LimitRange the pod breaks (PodValidateLimitFunc), in the plugin's order. */
export function podViolations(pod: Obj, limitRange: Obj): string[] {
  const { containers, initContainers } = containersOf(pod);
  const errors: string[] = [];
  for (const item of limitItems(limitRange)) {
    if (item['type'] === 'Container') {
      for (const c of [...containers, ...initContainers]) {
        const { requests, limits } = requirementsOf(c);
        errors.push(...constraintViolations('Container', item, requests, limits));
      }
    } else if (item['type'] === 'Pod') {
      const totals = podResourceTotals(containers.map(requirementsOf), initContainers.map((c) => ({
        ...requirementsOf(c), sidecar: c['restartPolicy'] === 'Always',
      })));
      errors.push(...constraintViolations('Pod', item, totals.requests, totals.limits));
    }
  }
  return errors;
}

/** Every bound of the LimitRange a claim's storage request breaks (PersistentVolumeClaimValidateLimitFunc). */
export function claimViolations(claim: Obj, limitRange: Obj): string[] {
  const requests = resourceList(rec(rec(rec(claim['spec'])?.['resources'])?.['requests']));
  return limitItems(limitRange)
    .filter((item) => item['type'] === 'PersistentVolumeClaim')
    .flatMap((item) => constraintViolations('PersistentVolumeClaim', { min: item['min'], max: item['max'] }, requests, new Map(), true));
}

/** `utilerrors.NewAggregate(errs).Error()`: one message bare, several deduplicated in brackets. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

function isClaimWrite(a: AdmissionAttributes): boolean {
  return a.resource.group === '' && a.resource.plural === 'persistentvolumeclaims' && a.subresource === undefined;
}

function admit(a: AdmissionAttributes, cluster: ClusterReader): void {
  if (!isPodCreate(a)) return;
  for (const limitRange of cluster.list(LIMIT_RANGES, a.namespace)) applyDefaults(a.object, limitRange);
}

function validate(a: AdmissionAttributes, cluster: ClusterReader): void {
  const pod = isPodCreate(a);
  if (!pod && !isClaimWrite(a)) return;
  // An object already being deleted is left alone.
  if (a.oldObject?.metadata.deletionTimestamp) return;
  for (const limitRange of cluster.list(LIMIT_RANGES, a.namespace)) {
    const errors = pod ? podViolations(a.object, limitRange) : claimViolations(a.object, limitRange);
    if (errors.length > 0) throw forbidden(a.resource, a.name, aggregate(errors));
  }
}

/** The LimitRanger plugin. */
export const limitRangerAdmission: AdmissionPlugin = { name: 'LimitRanger', admit, validate };
