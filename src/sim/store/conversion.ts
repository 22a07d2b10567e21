/**
 * Conversion between the versions that share one storage: core/v1 and events.k8s.io/v1 Events, and
 * autoscaling/v2 and v1 HorizontalPodAutoscalers. Objects are stored in the first (storage)
 * version and converted on the way in and out, as the apiserver does.
 */
import { type ResourceInfo, apiVersionOf } from '../resources.js';

type Obj = Record<string, unknown>;

/** Core field → events.k8s.io/v1 field. Fields with the same name on both sides are copied as is. */
const EVENT_RENAMES: readonly (readonly [string, string])[] = [
  ['involvedObject', 'regarding'], ['message', 'note'], ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'], ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'], ['count', 'deprecatedCount'],
];

function rename(o: Obj, pairs: readonly (readonly [string, string])[], apiVersion: string): Obj {
  const out: Obj = { ...o, apiVersion };
  for (const [from, to] of pairs) {
    delete out[from];
    if (o[from] !== undefined) out[to] = o[from];
  }
  return out;
}

const flip = (pairs: readonly (readonly [string, string])[]) => pairs.map(([a, b]) => [b, a] as const);

/** The HPA CPU target of v1, kept as the v2 `metrics` entry it stands for. */
function hpaToV1(o: Obj): Obj {
  const spec = { ...((o['spec'] as Obj | undefined) ?? {}) };
  const metrics = (spec['metrics'] as Obj[] | undefined) ?? [];
  delete spec['metrics'];
  delete spec['behavior'];
  const cpu = metrics.find((m) => m['type'] === 'Resource' && (m['resource'] as Obj | undefined)?.['name'] === 'cpu');
  const utilization = ((cpu?.['resource'] as Obj | undefined)?.['target'] as Obj | undefined)?.['averageUtilization'];
  if (typeof utilization === 'number') spec['targetCPUUtilizationPercentage'] = utilization;
  const status = { ...((o['status'] as Obj | undefined) ?? {}) };
  const current = ((status['currentMetrics'] as Obj[] | undefined) ?? [])
    .find((m) => m['type'] === 'Resource' && (m['resource'] as Obj | undefined)?.['name'] === 'cpu');
  const currentUtilization = ((current?.['resource'] as Obj | undefined)?.['current'] as Obj | undefined)?.['averageUtilization'];
  delete status['currentMetrics'];
  delete status['conditions'];
  if (typeof currentUtilization === 'number') status['currentCPUUtilizationPercentage'] = currentUtilization;
  // v1's currentReplicas has no omitempty: it is written even when 0.
  status['currentReplicas'] ??= 0;
  status['desiredReplicas'] ??= 0;
  return { ...o, apiVersion: 'autoscaling/v1', spec, status };
}

function hpaToV2(o: Obj): Obj {
  const spec = { ...((o['spec'] as Obj | undefined) ?? {}) };
  const target = spec['targetCPUUtilizationPercentage'];
  delete spec['targetCPUUtilizationPercentage'];
  // Without a target the v2 defaults (80% CPU) apply once stored.
  if (typeof target === 'number') spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
  const status = { ...((o['status'] as Obj | undefined) ?? {}) };
  const current = status['currentCPUUtilizationPercentage'];
  delete status['currentCPUUtilizationPercentage'];
  if (typeof current === 'number') status['currentMetrics'] = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }];
  return { ...o, apiVersion: 'autoscaling/v2', spec, status };
}

/** The object as the given (served) version shows it; the storage version passes through. */
export function fromStorage(o: Obj, r: ResourceInfo): Obj {
  const want = apiVersionOf(r);
  if (o['apiVersion'] === want) return o;
  if (r.storage === 'events') return rename(o, EVENT_RENAMES, want);
  if (r.kind === 'HorizontalPodAutoscaler' && r.version === 'v1') return hpaToV1(o);
  return { ...o, apiVersion: want };
}

/** The object in its storage version, from what a client sent at the served version `r`. */
export function toStorage(o: Obj, r: ResourceInfo, storageApiVersion: string): Obj {
  if (o['apiVersion'] === storageApiVersion || apiVersionOf(r) === storageApiVersion) return { ...o, apiVersion: storageApiVersion };
  if (r.storage === 'events') return rename(o, flip(EVENT_RENAMES), storageApiVersion);
  if (r.kind === 'HorizontalPodAutoscaler' && r.version === 'v1') return hpaToV2(o);
  return { ...o, apiVersion: storageApiVersion };
}
