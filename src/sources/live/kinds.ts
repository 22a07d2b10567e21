/** The kinds a live diagnosis lists: what the cluster model and its analyzers read, and no more. */

export interface LiveKind {
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** `-l` narrows this kind: the workloads a selector names; the rest (nodes, events, storage) is context. */
  selectable: boolean;
  /** Values are dropped on read: the analyzers need only the keys, and a Secret's must never be kept. */
  keysOnly?: boolean;
}

const kind = (kind: string, group: string, version: string, plural: string, namespaced: boolean, extra: Partial<LiveKind> = {}): LiveKind =>
  ({ kind, group, version, plural, namespaced, selectable: false, ...extra });

export const LIVE_KINDS: readonly LiveKind[] = [
  kind('Namespace', '', 'v1', 'namespaces', false),
  kind('Node', '', 'v1', 'nodes', false),
  kind('Pod', '', 'v1', 'pods', true, { selectable: true }),
  kind('Event', '', 'v1', 'events', true),
  kind('Service', '', 'v1', 'services', true, { selectable: true }),
  kind('Endpoints', '', 'v1', 'endpoints', true),
  kind('EndpointSlice', 'discovery.k8s.io', 'v1', 'endpointslices', true),
  kind('ConfigMap', '', 'v1', 'configmaps', true, { keysOnly: true }),
  kind('Secret', '', 'v1', 'secrets', true, { keysOnly: true }),
  kind('ServiceAccount', '', 'v1', 'serviceaccounts', true),
  kind('PersistentVolumeClaim', '', 'v1', 'persistentvolumeclaims', true),
  kind('PersistentVolume', '', 'v1', 'persistentvolumes', false),
  kind('ResourceQuota', '', 'v1', 'resourcequotas', true),
  kind('LimitRange', '', 'v1', 'limitranges', true),
  kind('Deployment', 'apps', 'v1', 'deployments', true, { selectable: true }),
  kind('ReplicaSet', 'apps', 'v1', 'replicasets', true, { selectable: true }),
  kind('StatefulSet', 'apps', 'v1', 'statefulsets', true, { selectable: true }),
  kind('DaemonSet', 'apps', 'v1', 'daemonsets', true, { selectable: true }),
  kind('Job', 'batch', 'v1', 'jobs', true, { selectable: true }),
  kind('CronJob', 'batch', 'v1', 'cronjobs', true, { selectable: true }),
  kind('HorizontalPodAutoscaler', 'autoscaling', 'v2', 'horizontalpodautoscalers', true),
  kind('PodDisruptionBudget', 'policy', 'v1', 'poddisruptionbudgets', true),
  kind('Ingress', 'networking.k8s.io', 'v1', 'ingresses', true),
  kind('IngressClass', 'networking.k8s.io', 'v1', 'ingressclasses', false),
  kind('StorageClass', 'storage.k8s.io', 'v1', 'storageclasses', false),
  // A webhook that cannot be called refuses pods cluster-wide: its configuration names the Service behind it.
  kind('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', false),
  kind('MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', false),
];

/** The list path of a kind, across namespaces or in one. */
export function listPath(k: LiveKind, namespace?: string): string {
  const base = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  return k.namespaced && namespace !== undefined ? `${base}/namespaces/${encodeURIComponent(namespace)}/${k.plural}` : `${base}/${k.plural}`;
}

/** `pods` or `deployments.apps`, as RBAC messages and kubectl name a resource. */
export function resourceName(k: LiveKind): string {
  return k.group === '' ? k.plural : `${k.plural}.${k.group}`;
}
