/**
 * The Endpoints controller (pkg/controller/endpoint): for every Service with a selector, an
 * Endpoints object of the same name whose subsets list the selected pods' IPs as ready addresses or
 * notReadyAddresses (from the pod's Ready condition), with the Service's ports resolved per pod and
 * pods that share a port set packed into one subset (RepackSubsets), labelled
 * `endpoints.kubernetes.io/managed-by: endpoint-controller`.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { watchAll } from './informer.js';
import { R, type Obj, canonicalJson, isNotFound, mutable, timestamp, tryGet } from './kube.js';
import { type Backend, backendsOf, isHeadless, podRef, serviceSelector } from './service-backends.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

/** Runs the Endpoints controller until stopped. */
export function startEndpointsController(store: ObjectStore, clock: SimClock): () => void {
  const queue: WorkQueue = new WorkQueue(clock, (key) => syncEndpoints(store, clock, key));
  const stops = [
    watchAll(store, R.services, (_t, svc) => queue.add(keyFor(svc.metadata.namespace, svc.metadata.name))),
    watchAll(store, R.pods, (_t, pod) => {
      for (const svc of store.list(R.services, { namespace: pod.metadata.namespace }).items) {
        if (serviceSelector(svc)) queue.add(keyFor(svc.metadata.namespace, svc.metadata.name));
      }
    }),
    watchAll(store, R.endpoints, (type, ep) => { if (type === 'DELETED') queue.add(keyFor(ep.metadata.namespace, ep.metadata.name)); }),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

function address(b: Backend): Obj {
  const a: Obj = { ip: b.ip };
  if (b.nodeName) a['nodeName'] = b.nodeName;
  a['targetRef'] = podRef(b.pod);
  return a;
}

/** Subsets grouped by the pods' resolved port sets, addresses in IP order. */
export function subsetsFor(backends: readonly Backend[]): Obj[] {
  const groups = new Map<string, { ports: Obj[]; ready: Obj[]; notReady: Obj[] }>();
  for (const b of backends) {
    const ports = b.ports.map((p) => {
      const out: Obj = {};
      if (p.name !== '') out['name'] = p.name;
      out['port'] = p.port;
      out['protocol'] = p.protocol;
      if (p.appProtocol !== undefined) out['appProtocol'] = p.appProtocol;
      return out;
    });
    const key = canonicalJson(ports);
    const group = groups.get(key) ?? { ports, ready: [], notReady: [] };
    groups.set(key, group);
    (b.ready ? group.ready : group.notReady).push(address(b));
  }
  const byIp = (a: Obj, b: Obj): number => String(a['ip']).localeCompare(String(b['ip']), undefined, { numeric: true });
  return [...groups.values()].map((g) => {
    const subset: Obj = {};
    if (g.ready.length > 0) subset['addresses'] = g.ready.sort(byIp);
    if (g.notReady.length > 0) subset['notReadyAddresses'] = g.notReady.sort(byIp);
    if (g.ports.length > 0) subset['ports'] = g.ports;
    return subset;
  });
}

/** The label the controller marks its Endpoints with (LabelManagedBy / ControllerName). */
const MANAGED_BY = 'endpoints.kubernetes.io/managed-by';
/** When the change that led to the current subsets happened (approximated by the sync's time). */
const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

function syncEndpoints(store: ObjectStore, clock: SimClock, key: string): void {
  const { namespace, name } = splitKey(key);
  const svc = tryGet(R.services, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!svc) {
    removeEndpoints(store, namespace, name);
    return;
  }
  if (!serviceSelector(svc)) return;
  const subsets = subsetsFor(backendsOf(store, svc, false));
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (isHeadless(svc)) labels['service.kubernetes.io/headless'] = '';
  labels[MANAGED_BY] = 'endpoint-controller';
  const trigger = timestamp(clock.now());
  const existing = tryGet(R.endpoints, namespace, name, (r, ns, n) => store.get(r, ns, n));
  if (!existing) {
    const metadata: Obj = { name, namespace, labels, annotations: { [TRIGGER_TIME]: trigger } };
    const ep: Obj = { apiVersion: 'v1', kind: 'Endpoints', metadata };
    if (subsets.length > 0) ep['subsets'] = subsets;
    store.create(R.endpoints, ep, { namespace });
    return;
  }
  if (sameEndpoints(existing, subsets, labels)) return;
  const next = mutable(existing);
  const meta = next['metadata'] as Obj;
  meta['labels'] = labels;
  meta['annotations'] = { ...((meta['annotations'] as Record<string, string> | undefined) ?? {}), [TRIGGER_TIME]: trigger };
  if (subsets.length > 0) next['subsets'] = subsets; else delete next['subsets'];
  store.update(R.endpoints, next, { namespace, name });
}

function sameEndpoints(existing: KubeObject, subsets: Obj[], labels: Record<string, string>): boolean {
  return canonicalJson(existing['subsets'] ?? []) === canonicalJson(subsets) && canonicalJson(existing.metadata.labels ?? {}) === canonicalJson(labels);
}

function removeEndpoints(store: ObjectStore, namespace: string, name: string): void {
  try {
    store.delete(R.endpoints, namespace, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
