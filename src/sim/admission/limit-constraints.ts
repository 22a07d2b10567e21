/**
 * The bounds of one LimitRange item checked against requests and limits, with LimitRanger's
 * messages (minConstraint, maxConstraint, maxRequestConstraint, limitRequestRatioConstraint in
 * plugin/pkg/admission/limitranger/admission.go), and a pod's total requests and limits as the
 * plugin adds them up (containers summed, init containers as a maximum, sidecars counted in both).
 */
import { type Obj, rec } from './admission-plugin.js';
import { type Quantity, addQuantities, formatQuantity, milliValue, parseQuantity } from './quantity.js';

/** Resource name → quantity. */
export type ResourceList = Map<string, Quantity>;

/** The quantities of a `requests` / `limits` map (entries that are no quantity are left out). */
export function resourceList(map: Obj | undefined): ResourceList {
  const list: ResourceList = new Map();
  for (const [name, text] of Object.entries(map ?? {})) {
    const q = parseQuantity(text);
    if (q) list.set(name, q);
  }
  return list;
}

const ZERO: Quantity = { nano: 0n, format: 'DecimalSI' };

function minimum(type: string, resource: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const head = `minimum ${resource} usage per ${type} is ${formatQuantity(enforced)}`;
  const request = requests.get(resource);
  const limit = limits.get(resource);
  if (!request) return `${head}.  No request is specified`;
  if (milliValue(request) < milliValue(enforced)) return `${head}, but request is ${formatQuantity(request)}`;
  if (limit && milliValue(limit) < milliValue(enforced)) return `${head}, but limit is ${formatQuantity(limit)}`;
  return undefined;
}

function maximum(type: string, resource: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const head = `maximum ${resource} usage per ${type} is ${formatQuantity(enforced)}`;
  const request = requests.get(resource);
  const limit = limits.get(resource);
  if (!limit) return `${head}.  No limit is specified`;
  if (milliValue(limit) > milliValue(enforced)) return `${head}, but limit is ${formatQuantity(limit)}`;
  if (request && milliValue(request) > milliValue(enforced)) return `${head}, but request is ${formatQuantity(request)}`;
  return undefined;
}

/** The max of a claim, which has requests only. */
function maximumRequest(type: string, resource: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const head = `maximum ${resource} usage per ${type} is ${formatQuantity(enforced)}`;
  const request = requests.get(resource);
  if (!request) return `${head}.  No request is specified`;
  if (milliValue(request) > milliValue(enforced)) return `${head}, but request is ${formatQuantity(request)}`;
  return undefined;
}

function ratio(type: string, resource: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const head = `${resource} max limit to request ratio per ${type} is ${formatQuantity(enforced)}`;
  const request = milliValue(requests.get(resource) ?? ZERO);
  const limit = milliValue(limits.get(resource) ?? ZERO);
  if (request === 0n) return `${head}, but no request is specified or request is 0`;
  if (limit === 0n) return `${head}, but no limit is specified or limit is 0`;
  const observed = Number(limit) / Number(request);
  if (observed * 1000 > Number(milliValue(enforced))) return `${head}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

/**
 * The violations of one item's min, max and maxLimitRequestRatio, in that order.
 * @param requestsOnly a claim's item: its max bounds the request (there are no limits)
 */
export function constraintViolations(type: string, item: Obj, requests: ResourceList, limits: ResourceList, requestsOnly = false): string[] {
  const errors: (string | undefined)[] = [];
  for (const [resource, enforced] of resourceList(rec(item['min']))) errors.push(minimum(type, resource, enforced, requests, limits));
  for (const [resource, enforced] of resourceList(rec(item['max']))) {
    errors.push(requestsOnly ? maximumRequest(type, resource, enforced, requests) : maximum(type, resource, enforced, requests, limits));
  }
  for (const [resource, enforced] of resourceList(rec(item['maxLimitRequestRatio']))) errors.push(ratio(type, resource, enforced, requests, limits));
  return errors.filter((e): e is string => e !== undefined);
}

function add(total: ResourceList, more: ResourceList): void {
  for (const [name, q] of more) {
    const have = total.get(name);
    total.set(name, have ? addQuantities(have, q) : q);
  }
}

function max(total: ResourceList, other: ResourceList): void {
  for (const [name, q] of other) {
    const have = total.get(name);
    if (!have || q.nano > have.nano) total.set(name, q);
  }
}

/** A container's requests and limits. */
export interface Requirements {
  requests: ResourceList;
  limits: ResourceList;
}

/** The pod's requests and limits as LimitRanger totals them (podRequests / podLimits). */
export function podResourceTotals(containers: readonly Requirements[], initContainers: readonly (Requirements & { sidecar: boolean })[]): Requirements {
  const totals: Requirements = { requests: new Map(), limits: new Map() };
  for (const field of ['requests', 'limits'] as const) {
    for (const c of containers) add(totals[field], c[field]);
    const sidecars: ResourceList = new Map();
    const inits: ResourceList = new Map();
    for (const c of initContainers) {
      if (c.sidecar) {
        add(totals[field], c[field]);
        add(sidecars, c[field]);
        max(inits, sidecars);
        continue;
      }
      // A regular init container runs beside the sidecars started before it.
      const running: ResourceList = new Map();
      add(running, c[field]);
      add(running, sidecars);
      max(inits, running);
    }
    max(totals[field], inits);
  }
  return totals;
}
