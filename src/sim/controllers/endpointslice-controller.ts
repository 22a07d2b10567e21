/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector,
 * EndpointSlices named `<service>-<5 chars>`, labelled with the service name and
 * `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, owned by the Service,
 * one per distinct port set, each endpoint with its ready/serving/terminating conditions, pod
 * reference and node. A Service that selects nothing keeps one empty slice, as the real one does.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { watchAll } from './informer.js';
import { R, type Obj, canonicalJson, isNotFound, mutable, tryGet } from './kube.js';
import { type Backend, backendsOf, isHeadless, podRef, serviceSelector } from './service-backends.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

/** The label naming a slice's Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The label naming the controller that manages a slice. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** This controller's value of {@link MANAGED_BY_LABEL}. */
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

/** Runs the EndpointSlice controller until stopped. */
export function startEndpointSliceController(store: ObjectStore, clock: SimClock): () => void {
  const queue: WorkQueue = new WorkQueue(clock, (key) => syncSlices(store, key));
  const stops = [
    watchAll(store, R.services, (_t, svc) => queue.add(keyFor(svc.metadata.namespace, svc.metadata.name))),
    watchAll(store, R.pods, (_t, pod) => {
      for (const svc of store.list(R.services, { namespace: pod.metadata.namespace }).items) {
        if (serviceSelector(svc)) queue.add(keyFor(svc.metadata.namespace, svc.metadata.name));
      }
    }),
    watchAll(store, R.endpointslices, (_t, slice) => {
      const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svc && slice.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME) queue.add(keyFor(slice.metadata.namespace, svc));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

function endpointOf(b: Backend): Obj {
  const endpoint: Obj = {
    addresses: [b.ip],
    conditions: { ready: b.ready && !b.terminating, serving: b.ready, terminating: b.terminating },
    targetRef: podRef(b.pod),
  };
  if (b.nodeName) endpoint['nodeName'] = b.nodeName;
  return endpoint;
}

/** The wanted slices' contents: one per distinct port set (the ports as the slice lists them). */
export function desiredSlices(backends: readonly Backend[]): { ports: Obj[]; endpoints: Obj[] }[] {
  const groups = new Map<string, { ports: Obj[]; endpoints: Obj[] }>();
  for (const b of backends) {
    const ports = b.ports.map((p) => {
      const out: Obj = { name: p.name, port: p.port, protocol: p.protocol };
      if (p.appProtocol !== undefined) out['appProtocol'] = p.appProtocol;
      return out;
    });
    const key = canonicalJson(ports);
    const group = groups.get(key) ?? { ports, endpoints: [] };
    groups.set(key, group);
    group.endpoints.push(endpointOf(b));
  }
  return groups.size > 0 ? [...groups.values()] : [{ ports: [], endpoints: [] }];
}

function sliceLabels(svc: KubeObject): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (isHeadless(svc)) labels['service.kubernetes.io/headless'] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata.name;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

function ownedSlices(store: ObjectStore, namespace: string, name: string): KubeObject[] {
  return store.list(R.endpointslices, { namespace, labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${CONTROLLER_NAME}` }).items;
}

function syncSlices(store: ObjectStore, key: string): void {
  const { namespace, name } = splitKey(key);
  const svc = tryGet(R.services, namespace, name, (r, ns, n) => store.get(r, ns, n));
  const existing = ownedSlices(store, namespace, name);
  if (!svc || !serviceSelector(svc)) {
    for (const slice of existing) deleteSlice(store, slice);
    return;
  }
  const labels = sliceLabels(svc);
  const wanted = desiredSlices(backendsOf(store, svc, true));
  const unused = [...existing];
  for (const want of wanted) {
    const match = unused.findIndex((s) => canonicalJson(s['ports'] ?? []) === canonicalJson(want.ports));
    const slice = unused.splice(match >= 0 ? match : 0, 1)[0];
    if (slice) updateSlice(store, slice, labels, want);
    else createSlice(store, svc, labels, want);
  }
  for (const slice of unused) deleteSlice(store, slice);
}

function createSlice(store: ObjectStore, svc: KubeObject, labels: Record<string, string>, want: { ports: Obj[]; endpoints: Obj[] }): void {
  const owner = {
    apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true,
  };
  store.create(R.endpointslices, {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ownerReferences: [owner] },
    addressType: 'IPv4', endpoints: want.endpoints, ports: want.ports,
  }, { namespace: svc.metadata.namespace });
}

function updateSlice(store: ObjectStore, slice: KubeObject, labels: Record<string, string>, want: { ports: Obj[]; endpoints: Obj[] }): void {
  const same = canonicalJson(slice['endpoints'] ?? []) === canonicalJson(want.endpoints)
    && canonicalJson(slice['ports'] ?? []) === canonicalJson(want.ports)
    && canonicalJson(slice.metadata.labels ?? {}) === canonicalJson(labels);
  if (same) return;
  const next = mutable(slice);
  (next['metadata'] as Obj)['labels'] = labels;
  next['endpoints'] = want.endpoints;
  next['ports'] = want.ports;
  store.update(R.endpointslices, next, { namespace: slice.metadata.namespace, name: slice.metadata.name });
}

function deleteSlice(store: ObjectStore, slice: KubeObject): void {
  try {
    store.delete(R.endpointslices, slice.metadata.namespace, slice.metadata.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
