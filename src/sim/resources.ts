/**
 * The resource table of the simulated API server: every resource it serves, with the facts that
 * discovery, routing, storage and printing read. Values match what a v1.32 apiserver advertises
 * (`kubectl api-resources`), so that kubectl resolves names, short names and categories the same way.
 */

/** A verb of the Kubernetes API, as discovery lists it. */
export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** Subresources the simulator serves. */
export type Subresource = 'status' | 'scale' | 'log' | 'eviction' | 'finalize' | 'token';

/**
 * How the name of an object of this resource is validated: DNS-1123 subdomain (most kinds),
 * DNS-1123 label (namespaces), DNS-1035 label (services), or a path segment (RBAC, which allows `:`).
 */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

/** One served resource at one group/version. */
export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  readonly verbs: readonly Verb[];
  readonly categories: readonly string[];
  readonly subresources: readonly Subresource[];
  /**
   * Where the objects live. Two entries with the same storage are one set of objects served at two
   * versions (core and events.k8s.io events; autoscaling v1 and v2 autoscalers).
   */
  readonly storage: string;
  /** Field selector labels beyond `metadata.name` and `metadata.namespace`. */
  readonly fieldSelectors: readonly string[];
  readonly nameRule: NameRule;
  /** The kind's strategy keeps `metadata.generation` (set to 1 on create, bumped on spec change). */
  readonly generation: boolean;
  /** A delete answers with the deleted object instead of a Status (`ReturnDeletedObject`). */
  readonly returnsDeletedObject: boolean;
  /** A PUT of a missing object creates it (`AllowCreateOnUpdate`). */
  readonly createOnUpdate: boolean;
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION_DELETE: readonly Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
/** The review kinds of authentication.k8s.io and authorization.k8s.io: computed per request, never stored. */
const CREATE_ONLY: readonly Verb[] = ['create'];

const EVENT_FIELDS = [
  'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
  'reason', 'reportingComponent', 'source', 'type',
];
const EVENTS_V1_FIELDS = [
  'regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'regarding.apiVersion',
  'regarding.resourceVersion', 'regarding.fieldPath', 'reason', 'reportingController', 'deprecatedSource', 'type',
];

interface Entry {
  gv: string;
  kind: string;
  plural: string;
  short?: string[];
  cluster?: boolean;
  verbs?: readonly Verb[];
  all?: boolean;
  sub?: Subresource[];
  storage?: string;
  fields?: string[];
  name?: NameRule;
  generation?: boolean;
  returnsDeleted?: boolean;
  createOnUpdate?: boolean;
}

/** The table in discovery order: core first, then groups in the order /apis lists them. */
const ENTRIES: readonly Entry[] = [
  { gv: 'v1', kind: 'ConfigMap', plural: 'configmaps', short: ['cm'] },
  { gv: 'v1', kind: 'Endpoints', plural: 'endpoints', short: ['ep'] },
  { gv: 'v1', kind: 'Event', plural: 'events', short: ['ev'], fields: EVENT_FIELDS, createOnUpdate: true },
  { gv: 'v1', kind: 'LimitRange', plural: 'limitranges', short: ['limits'] },
  { gv: 'v1', kind: 'Namespace', plural: 'namespaces', short: ['ns'], cluster: true, verbs: NO_COLLECTION_DELETE, sub: ['finalize', 'status'], fields: ['status.phase'], name: 'label', returnsDeleted: true },
  { gv: 'v1', kind: 'Node', plural: 'nodes', short: ['no'], cluster: true, sub: ['status'], fields: ['spec.unschedulable'] },
  { gv: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', short: ['pvc'], sub: ['status'], returnsDeleted: true },
  { gv: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', short: ['pv'], cluster: true, sub: ['status'], returnsDeleted: true },
  {
    gv: 'v1', kind: 'Pod', plural: 'pods', short: ['po'], all: true, sub: ['eviction', 'log', 'status'], returnsDeleted: true,
    fields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  },
  { gv: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', short: ['quota'], sub: ['status'] },
  { gv: 'v1', kind: 'Secret', plural: 'secrets', fields: ['type'] },
  { gv: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', short: ['sa'], sub: ['token'], returnsDeleted: true },
  { gv: 'v1', kind: 'Service', plural: 'services', short: ['svc'], all: true, sub: ['status'], fields: ['spec.clusterIP', 'spec.type'], name: 'dns1035', returnsDeleted: true },
  { gv: 'apps/v1', kind: 'DaemonSet', plural: 'daemonsets', short: ['ds'], all: true, sub: ['status'], generation: true },
  { gv: 'apps/v1', kind: 'Deployment', plural: 'deployments', short: ['deploy'], all: true, sub: ['scale', 'status'], generation: true },
  { gv: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', short: ['rs'], all: true, sub: ['scale', 'status'], fields: ['status.replicas'], generation: true },
  { gv: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', short: ['sts'], all: true, sub: ['scale', 'status'], generation: true },
  { gv: 'events.k8s.io/v1', kind: 'Event', plural: 'events', short: ['ev'], storage: 'events', fields: EVENTS_V1_FIELDS, createOnUpdate: true },
  { gv: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', cluster: true, verbs: CREATE_ONLY },
  { gv: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', verbs: CREATE_ONLY },
  { gv: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', cluster: true, verbs: CREATE_ONLY },
  { gv: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', cluster: true, verbs: CREATE_ONLY },
  { gv: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', cluster: true, verbs: CREATE_ONLY },
  { gv: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', short: ['hpa'], all: true, sub: ['status'], storage: 'horizontalpodautoscalers.autoscaling', generation: true },
  { gv: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', short: ['hpa'], all: true, sub: ['status'], storage: 'horizontalpodautoscalers.autoscaling', generation: true },
  { gv: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', short: ['cj'], all: true, sub: ['status'], generation: true },
  { gv: 'batch/v1', kind: 'Job', plural: 'jobs', all: true, sub: ['status'], fields: ['status.successful'], generation: true },
  { gv: 'networking.k8s.io/v1', kind: 'IngressClass', plural: 'ingressclasses', cluster: true, generation: true },
  { gv: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses', short: ['ing'], sub: ['status'], generation: true },
  { gv: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies', short: ['netpol'], generation: true },
  { gv: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', short: ['pdb'], sub: ['status'], generation: true },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', cluster: true, name: 'path-segment' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', plural: 'clusterroles', cluster: true, name: 'path-segment' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings', name: 'path-segment' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles', name: 'path-segment' },
  { gv: 'storage.k8s.io/v1', kind: 'StorageClass', plural: 'storageclasses', short: ['sc'], cluster: true, returnsDeleted: true },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', cluster: true, generation: true },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', cluster: true, generation: true },
  { gv: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases', createOnUpdate: true },
  { gv: 'discovery.k8s.io/v1', kind: 'EndpointSlice', plural: 'endpointslices', generation: true },
  // Served by metrics-server through the aggregator in a real cluster; computed per request, never stored.
  { gv: 'metrics.k8s.io/v1beta1', kind: 'NodeMetrics', plural: 'nodes', cluster: true, verbs: ['get', 'list'] },
  { gv: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', plural: 'pods', verbs: ['get', 'list'] },
];

function toInfo(e: Entry): ResourceInfo {
  const slash = e.gv.indexOf('/');
  const group = slash < 0 ? '' : e.gv.slice(0, slash);
  const version = slash < 0 ? e.gv : e.gv.slice(slash + 1);
  return {
    group, version, kind: e.kind, plural: e.plural, singular: e.kind.toLowerCase(),
    shortNames: e.short ?? [], namespaced: !e.cluster, verbs: e.verbs ?? ALL_VERBS,
    categories: e.all ? ['all'] : [], subresources: e.sub ?? [],
    storage: e.storage ?? (group ? `${e.plural}.${group}` : e.plural),
    fieldSelectors: e.fields ?? [], nameRule: e.name ?? 'subdomain', generation: e.generation ?? false,
    returnsDeletedObject: e.returnsDeleted ?? false, createOnUpdate: e.createOnUpdate ?? false,
  };
}

/** Every served resource, in discovery order. */
export const RESOURCES: readonly ResourceInfo[] = ENTRIES.map(toInfo);

/** The versions served for one group, preferred first. */
export interface GroupVersions {
  readonly group: string;
  readonly versions: readonly string[];
}

/** The groups in the order /apis lists them (the core group, `''`, first). */
export const API_GROUPS: readonly GroupVersions[] = (() => {
  const groups = new Map<string, string[]>();
  for (const r of RESOURCES) {
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([group, versions]) => ({ group, versions }));
})();

const byPath = new Map(RESOURCES.map((r) => [`${r.group}/${r.version}/${r.plural}`, r]));
const byKind = new Map(RESOURCES.map((r) => [`${apiVersionOf(r)}/${r.kind}`, r]));

/** `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/**
 * The resource as the apiserver names it in messages: `pods`, `deployments.apps`.
 * @example groupResource(deployments) // 'deployments.apps'
 */
export function groupResource(r: ResourceInfo): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** The kind qualified by its group, as Invalid errors name it: `Pod`, `Deployment.apps`. */
export function groupKind(r: ResourceInfo): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}

/** The resource served at `/api[s]/{group}/{version}/{plural}`, if any. */
export function resourceByPath(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

/** The resource whose objects carry this `apiVersion` and `kind`, if any. */
export function resourceByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** Every group/version the server serves, with its resources. */
export function resourcesOf(group: string, version: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

/**
 * Resolves a name as kubectl accepts it: plural, singular, short name or kind (any case), optionally
 * qualified by group (`deployments.apps`) or version and group (`deployments.v1.apps`). The preferred
 * version wins; the core group wins over others (`events` is core v1 events).
 * @example lookupResource('deploy') // apps/v1 deployments
 */
export function lookupResource(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  const head = dot < 0 ? lower : lower.slice(0, dot);
  const qualifier = dot < 0 ? undefined : lower.slice(dot + 1);
  return RESOURCES.find((r) => namesOf(r).includes(head) && matchesQualifier(r, qualifier));
}

function namesOf(r: ResourceInfo): string[] {
  return [r.plural, r.singular, r.kind.toLowerCase(), ...r.shortNames];
}

function matchesQualifier(r: ResourceInfo, qualifier: string | undefined): boolean {
  if (qualifier === undefined) return true;
  return qualifier === r.group || qualifier === `${r.version}.${r.group}` || (r.group === '' && qualifier === r.version);
}

/** All served versions of the same objects (one entry per version). */
export function versionsOfStorage(storage: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.storage === storage);
}
