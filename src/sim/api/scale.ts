/**
 * The `/scale` subresource: a workload seen as an autoscaling/v1 Scale (spec.replicas, and
 * status.replicas with the selector in its string form), and a Scale written back as spec.replicas.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { fromSelectorObject, selectorString, type LabelSelectorObject } from '../store/label-selector.js';
import { badRequest, conflict, invalid } from '../store/status-error.js';
import { invalidValue } from '../store/field-error.js';
import type { ResourceInfo } from '../resources.js';

type Obj = Record<string, unknown>;

/** The resource table entry a Scale is validated as (for messages: `Scale.autoscaling "web" is invalid`). */
const SCALE_INFO: ResourceInfo = {
  group: 'autoscaling', version: 'v1', kind: 'Scale', plural: 'scale', singular: 'scale', shortNames: [], namespaced: true,
  verbs: ['get', 'patch', 'update'], categories: [], subresources: [], storage: 'scale', fieldSelectors: [], nameRule: 'subdomain',
  generation: false, returnsDeletedObject: false, createOnUpdate: false,
};

/** The Scale of a workload. */
export function toScale(obj: KubeObject): Obj {
  const spec = (obj.spec ?? {}) as Obj;
  const status = (obj.status ?? {}) as Obj;
  const metadata: Obj = { name: obj.metadata.name };
  for (const key of ['namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) {
    if (obj.metadata[key] !== undefined) metadata[key] = obj.metadata[key];
  }
  const selector = spec['selector'] ? selectorString(fromSelectorObject(spec['selector'] as LabelSelectorObject)) : '';
  const scaleStatus: Obj = { replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0 };
  if (selector) scaleStatus['selector'] = selector;
  return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata, spec: { replicas: spec['replicas'] ?? 0 }, status: scaleStatus };
}

/**
 * The workload with the replicas of a Scale a client sent. A resourceVersion in the Scale must be
 * the workload's current one.
 */
export function applyScale(workload: KubeObject, scale: unknown, r: ResourceInfo): Obj {
  if (typeof scale !== 'object' || scale === null) throw badRequest('the object provided is unrecognized (must be of type Scale)');
  const s = scale as { kind?: unknown; metadata?: { resourceVersion?: unknown; name?: unknown }; spec?: { replicas?: unknown } };
  if (s.kind !== undefined && s.kind !== 'Scale') throw badRequest(`${String(s.kind)} in version "v1" cannot be handled as a Scale: the kind in the data does not match`);
  const name = workload.metadata.name;
  if (s.metadata?.name !== undefined && s.metadata.name !== name) {
    throw badRequest(`the name of the object (${String(s.metadata.name)}) does not match the name on the URL (${name})`);
  }
  const rv = s.metadata?.resourceVersion;
  if (typeof rv === 'string' && rv !== '' && rv !== workload.metadata.resourceVersion) throw conflict(r, name);
  const replicas = s.spec?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid(SCALE_INFO, name, [invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  }
  const next = structuredClone(workload) as Obj;
  next['spec'] = { ...((next['spec'] as Obj | undefined) ?? {}), replicas };
  return next;
}
