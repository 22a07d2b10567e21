/** A small shop for the actions' unit tests: a Deployment with its ReplicaSet and pods, a Service, an Ingress, a PDB, a node. */
import { ClusterGraph } from '../cluster/graph.js';
import type { KubeObject } from '../cluster/objects.js';

export interface ShopOptions {
  replicas?: number;
  strategy?: Record<string, unknown>;
  pdb?: Record<string, unknown>;
}

/** A Deployment `web` in namespace `shop` with `replicas` ready pods behind Service `web` and Ingress `front`. */
export function shopObjects(options: ShopOptions = {}): KubeObject[] {
  const replicas = options.replicas ?? 4;
  const labels = { app: 'web' };
  const deploy: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'd1', resourceVersion: '10' },
    spec: { replicas, selector: { matchLabels: labels }, ...(options.strategy ? { strategy: options.strategy } : {}), template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
  };
  const rs: KubeObject = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f', namespace: 'shop', uid: 'r1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] },
    spec: { replicas },
  };
  const pods: KubeObject[] = Array.from({ length: replicas }, (_, i) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-5d8f-${i}`, namespace: 'shop', uid: `p${i}`, labels: { ...labels, 'pod-template-hash': '5d8f' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'r1', controller: true }] },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'web:1' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  }));
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } },
    deploy, rs, ...pods,
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 'shop' }, spec: { selector: { app: 'other' }, ports: [{ port: 80 }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'front', namespace: 'shop' }, spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
  ];
  if (options.pdb) objects.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: labels }, ...options.pdb } });
  return objects;
}

export function shopGraph(options: ShopOptions = {}): ClusterGraph {
  return new ClusterGraph({ objects: shopObjects(options), logs: [], origins: ['test'], capturedAt: '2026-03-01T10:00:00Z' });
}
