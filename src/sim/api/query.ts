/** The query parameters of the resource endpoints, read and checked. */
import type { DeleteOptions, ListOptions, PropagationPolicy } from '../store/object-store.js';
import { badRequest } from '../store/status-error.js';

/** `dryRun=All` (the only value the apiserver takes); any other value is refused. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(v)}: supported values: "All"`);
  }
  return values.length > 0;
}

/** `true` or `1`, as the apiserver parses booleans in queries. */
export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

/** Selection and paging of a list. */
export function listOptions(query: URLSearchParams, namespace: string | undefined): ListOptions {
  const options: ListOptions = {};
  if (namespace !== undefined) options.namespace = namespace;
  const labels = query.get('labelSelector');
  if (labels) options.labelSelector = labels;
  const fields = query.get('fieldSelector');
  if (fields) options.fieldSelector = fields;
  const limit = query.get('limit');
  if (limit) {
    if (!/^\d+$/.test(limit)) throw badRequest(`invalid value for limit: ${JSON.stringify(limit)}`);
    options.limit = Number(limit);
  }
  const cont = query.get('continue');
  if (cont) options.continue = cont;
  return options;
}

const POLICIES: readonly PropagationPolicy[] = ['Foreground', 'Background', 'Orphan'];

function policyOf(value: unknown): PropagationPolicy {
  if (typeof value === 'string' && (POLICIES as readonly string[]).includes(value)) return value as PropagationPolicy;
  throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(value)}: supported values: "Foreground", "Background", "Orphan", "nil"`);
}

/** DeleteOptions from the body (kubectl sends them there) and the query. */
export function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    propagationPolicy?: unknown; orphanDependents?: unknown; dryRun?: unknown; preconditions?: { uid?: unknown; resourceVersion?: unknown };
    gracePeriodSeconds?: unknown;
  };
  const options: DeleteOptions = {};
  const grace = query.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  if (grace !== undefined && grace !== null && grace !== '') {
    const seconds = Number(grace);
    if (!Number.isInteger(seconds)) throw badRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(grace)}: must be an integer`);
    options.gracePeriodSeconds = seconds;
  }
  const policy = query.get('propagationPolicy') ?? b.propagationPolicy;
  const orphan = query.get('orphanDependents') ?? b.orphanDependents;
  if (policy !== undefined && policy !== null) options.propagationPolicy = policyOf(policy);
  else if (orphan !== undefined && orphan !== null) options.propagationPolicy = orphan === true || orphan === 'true' ? 'Orphan' : 'Background';
  const bodyDryRun = Array.isArray(b.dryRun) && b.dryRun.includes('All');
  if (isDryRun(query) || bodyDryRun) options.dryRun = true;
  const pre = b.preconditions;
  if (pre && (typeof pre.uid === 'string' || typeof pre.resourceVersion === 'string')) {
    options.preconditions = {};
    if (typeof pre.uid === 'string') options.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') options.preconditions.resourceVersion = pre.resourceVersion;
  }
  return options;
}

/** `includeObject` of Table requests (default Metadata, as the apiserver's). */
export function includeObject(query: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = query.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: ${JSON.stringify(v)}: supported values: "None", "Metadata", "Object"`);
}
