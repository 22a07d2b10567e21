/**
 * What every namespace gets from the control plane: the `default` ServiceAccount (serviceaccounts
 * controller), the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher), both recreated when
 * deleted, and the `kubernetes` Service in `default` (the apiserver's own, port 443 `https`).
 */
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { watchAll } from './informer.js';
import { R, isAlreadyExists, statusOf, tryGet } from './kube.js';
import { WorkQueue } from './work-queue.js';

/** The ConfigMap holding the cluster's CA bundle, as the root-ca-cert-publisher names it. */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

/**
 * A placeholder in PEM framing: the simulator has no CA. The body spells out that it is not a
 * certificate, so nothing can mistake it for key material.
 */
export const PLACEHOLDER_CA_PEM = [
  '-----BEGIN CERTIFICATE-----',
  'U0lNVUxBVEVELUNMVVNURVItUExBQ0VIT0xERVItTk9ULUEtUkVBTC1DRVJUSUZJQ0FURQ==',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

/** Runs the namespace defaults until stopped. */
export function startNamespaceDefaults(store: ObjectStore, clock: SimClock): () => void {
  const queue: WorkQueue = new WorkQueue(clock, (namespace) => ensureDefaults(store, namespace));
  const stops = [
    watchAll(store, R.namespaces, (type, ns) => { if (type !== 'DELETED') queue.add(ns.metadata.name); }),
    watchAll(store, R.serviceaccounts, (type, sa) => {
      if (type === 'DELETED' && sa.metadata.name === 'default' && sa.metadata.namespace) queue.add(sa.metadata.namespace);
    }),
    watchAll(store, R.configmaps, (type, cm) => {
      if (type === 'DELETED' && cm.metadata.name === ROOT_CA_CONFIGMAP && cm.metadata.namespace) queue.add(cm.metadata.namespace);
    }),
  ];
  queue.add('default');
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

function createIfMissing(create: () => void): void {
  try {
    create();
  } catch (err) {
    if (isAlreadyExists(err)) return;
    // A namespace that is terminating refuses new content: nothing to do.
    if (err instanceof StatusError && err.code === 403) return;
    throw err;
  }
}

function ensureDefaults(store: ObjectStore, namespace: string): void {
  const ns = tryGet(R.namespaces, undefined, namespace, (r, n, name) => store.get(r, n, name));
  if (!ns || ns.metadata.deletionTimestamp || statusOf(ns)['phase'] === 'Terminating') return;
  if (!tryGet(R.serviceaccounts, namespace, 'default', (r, n, name) => store.get(r, n, name))) {
    createIfMissing(() => store.create(R.serviceaccounts, { metadata: { name: 'default', namespace } }, { namespace }));
  }
  if (!tryGet(R.configmaps, namespace, ROOT_CA_CONFIGMAP, (r, n, name) => store.get(r, n, name))) {
    createIfMissing(() => store.create(R.configmaps, {
      metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
      data: { 'ca.crt': PLACEHOLDER_CA_PEM },
    }, { namespace }));
  }
  if (namespace === 'default') ensureKubernetesService(store);
}

function kubernetesService(clusterIP: string | undefined): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    type: 'ClusterIP', sessionAffinity: 'None',
    ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
  };
  if (clusterIP) spec['clusterIP'] = clusterIP;
  return {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec,
  };
}

/** The apiserver's own Service; it takes 10.96.0.1 when the store lets it, the next free IP otherwise. */
function ensureKubernetesService(store: ObjectStore): void {
  if (tryGet(R.services, 'default', 'kubernetes', (r, n, name) => store.get(r, n, name))) return;
  createIfMissing(() => {
    try {
      store.create(R.services, kubernetesService('10.96.0.1'), { namespace: 'default' });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 422)) throw err;
      store.create(R.services, kubernetesService(undefined), { namespace: 'default' });
    }
  });
}
