/**
 * The pods behind a Service as both endpoint controllers see them: the pods its selector matches
 * that have an IP and have not finished, each with the Service's ports resolved against it
 * (a numeric targetPort as is, a named one through the pod's container ports, as podutil.FindPort).
 */
import type { KubeObject } from '../../cluster/objects.js';
import { fromSelectorObject, matchesLabels } from '../store/label-selector.js';
import type { ObjectStore } from '../store/object-store.js';
import { R, type Obj, arr, isPodReady, isTerminal, rec, specOf, statusOf } from './kube.js';

/** A Service port resolved for one pod. */
export interface ResolvedPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** One pod behind a Service. */
export interface Backend {
  pod: KubeObject;
  ip: string;
  nodeName: string | undefined;
  ready: boolean;
  terminating: boolean;
  ports: ResolvedPort[];
}

/** The Service's selector, or undefined for a Service without one (its endpoints are not managed). */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const sel = rec(specOf(svc)['selector']) as Record<string, string> | undefined;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

/** True when the Service selects the pod. */
export function selectsPod(svc: KubeObject, pod: KubeObject): boolean {
  const sel = serviceSelector(svc);
  return sel !== undefined && matchesLabels(fromSelectorObject({ matchLabels: sel }), pod.metadata.labels ?? {});
}

function findPort(pod: KubeObject, targetPort: unknown, protocol: string): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  if (typeof targetPort !== 'string') return undefined;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of arr(specOf(pod)['containers'])) {
    for (const p of arr(c['ports'])) {
      if (p['name'] === targetPort && (p['protocol'] ?? 'TCP') === protocol && typeof p['containerPort'] === 'number') return p['containerPort'];
    }
  }
  return undefined;
}

/** The Service's ports resolved against a pod; ports that do not resolve are left out. */
export function resolvePorts(svc: KubeObject, pod: KubeObject): ResolvedPort[] {
  const out: ResolvedPort[] = [];
  for (const sp of arr(specOf(svc)['ports'])) {
    const protocol = typeof sp['protocol'] === 'string' ? sp['protocol'] : 'TCP';
    const port = findPort(pod, sp['targetPort'] ?? sp['port'], protocol);
    if (port === undefined) continue;
    const resolved: ResolvedPort = { name: typeof sp['name'] === 'string' ? sp['name'] : '', port, protocol };
    if (typeof sp['appProtocol'] === 'string') resolved.appProtocol = sp['appProtocol'];
    out.push(resolved);
  }
  return out;
}

/** The selected pods that may be endpoints, in name order. `includeTerminating`: keep pods being deleted. */
export function backendsOf(store: ObjectStore, svc: KubeObject, includeTerminating: boolean): Backend[] {
  const publishNotReady = specOf(svc)['publishNotReadyAddresses'] === true;
  const out: Backend[] = [];
  for (const pod of store.list(R.pods, { namespace: svc.metadata.namespace }).items) {
    if (!selectsPod(svc, pod) || isTerminal(pod)) continue;
    const ip = statusOf(pod)['podIP'];
    if (typeof ip !== 'string' || ip === '') continue;
    const terminating = pod.metadata.deletionTimestamp !== undefined;
    if (terminating && !includeTerminating && !publishNotReady) continue;
    const nodeName = specOf(pod)['nodeName'];
    out.push({
      pod, ip, nodeName: typeof nodeName === 'string' && nodeName !== '' ? nodeName : undefined,
      ready: publishNotReady || isPodReady(pod), terminating, ports: resolvePorts(svc, pod),
    });
  }
  return out.sort((a, b) => a.pod.metadata.name.localeCompare(b.pod.metadata.name));
}

/** The reference to a pod an endpoint carries. */
export function podRef(pod: KubeObject): Obj {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

/** True for a Service with `clusterIP: None`. */
export function isHeadless(svc: KubeObject): boolean {
  return specOf(svc)['clusterIP'] === 'None';
}
