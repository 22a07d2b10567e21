/**
 * Defaulting as the apiserver applies it on write (pkg/apis/<group>/v1/defaults.go plus the admission
 * plugins every cluster runs: ServiceAccount, Priority, DefaultTolerationSeconds,
 * DefaultStorageClass), so that an object read back looks as it would on a real cluster. Each
 * function fills a draft in place: it only adds what is missing.
 */
import { defaultLimitRange } from '../admission/limit-range-defaults.js';
import { defaultWebhookConfiguration } from '../admission/webhook-defaults.js';

type Obj = Record<string, unknown>;

function obj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

function child(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(parent: Obj | undefined, key: string): Obj[] {
  const v = parent?.[key];
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined || (target[key] === null && value !== null)) target[key] = value;
}

/** `IfNotPresent` unless the image is untagged or `:latest` (SetDefaults_Container). */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.indexOf(':', lastSlash + 1);
  const tag = tagAt < 0 ? '' : image.slice(tagAt + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Obj | undefined): void {
  if (!probe) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  const http = child(probe, 'httpGet');
  if (http) setDefault(http, 'scheme', 'HTTP');
}

function defaultContainer(c: Obj): void {
  if (typeof c['image'] === 'string') setDefault(c, 'imagePullPolicy', defaultPullPolicy(c['image']));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const port of list(c, 'ports')) setDefault(port, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(child(c, probe));
  for (const env of list(c, 'env')) {
    const fieldRef = child(child(env, 'valueFrom') ?? {}, 'fieldRef');
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
}

function defaultVolume(v: Obj): void {
  for (const key of ['configMap', 'secret']) {
    const source = child(v, key);
    if (source) setDefault(source, 'defaultMode', 420);
  }
  const projected = child(v, 'projected');
  if (projected) setDefault(projected, 'defaultMode', 420);
}

/** SetDefaults_PodSpec and the container defaults, for pods and pod templates alike. */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of [...list(spec, 'containers'), ...list(spec, 'initContainers')]) defaultContainer(c);
  for (const v of list(spec, 'volumes')) defaultVolume(v);
}

/**
 * A template's metadata is a Go struct, not a pointer: the apiserver always writes it, with the zero
 * creation time as `creationTimestamp: null`.
 */
function defaultTemplateMeta(template: Obj): void {
  setDefault(obj(template, 'metadata'), 'creationTimestamp', null);
}

function defaultTemplate(spec: Obj | undefined): void {
  const template = spec ? child(spec, 'template') : undefined;
  if (!template) return;
  defaultTemplateMeta(template);
  const podSpec = child(template, 'spec');
  if (podSpec) defaultPodSpec(podSpec);
}

/** What only a Pod (not a template) gets: SetDefaults_Pod and the admission plugins' additions. */
function defaultPod(pod: Obj): void {
  const spec = obj(pod, 'spec');
  defaultPodSpec(spec);
  for (const c of list(spec, 'containers')) {
    const resources = obj(c, 'resources');
    const limits = child(resources, 'limits');
    if (!limits) continue;
    const requests = obj(resources, 'requests');
    for (const [name, q] of Object.entries(limits)) setDefault(requests, name, q);
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec['serviceAccountName'] === undefined) spec['serviceAccountName'] = spec['serviceAccount'] ?? 'default';
  setDefault(spec, 'serviceAccount', spec['serviceAccountName']);
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = list(spec, 'tolerations');
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (tolerations.some((t) => t['key'] === key && (t['effect'] === 'NoExecute' || t['effect'] === undefined))) continue;
    tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec['tolerations'] = tolerations;
}

function defaultDeployment(d: Obj): void {
  const spec = obj(d, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = obj(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const rolling = obj(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

function defaultStatefulSet(s: Obj): void {
  const spec = obj(s, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = obj(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') setDefault(obj(strategy, 'rollingUpdate'), 'partition', 0);
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = obj(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  for (const claim of list(spec, 'volumeClaimTemplates')) {
    setDefault(claim, 'apiVersion', 'v1');
    setDefault(claim, 'kind', 'PersistentVolumeClaim');
    defaultTemplateMeta(claim);
    setDefault(obj(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(obj(claim, 'status'), 'phase', 'Pending');
  }
  defaultTemplate(spec);
}

function defaultDaemonSet(d: Obj): void {
  const spec = obj(d, 'spec');
  const strategy = obj(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const rolling = obj(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', 1);
    setDefault(rolling, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

function defaultJob(j: Obj): void {
  const spec = obj(j, 'spec');
  if (spec['completions'] === undefined && spec['parallelism'] === undefined) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  if (spec['podFailurePolicy'] === undefined) setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultTemplate(spec);
}

function defaultCronJob(c: Obj): void {
  const spec = obj(c, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = child(spec, 'jobTemplate');
  if (jobTemplate) defaultTemplateMeta(jobTemplate);
  defaultTemplate(child(jobTemplate ?? {}, 'spec'));
}

function defaultService(s: Obj): void {
  const spec = obj(s, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  for (const port of list(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port['port']);
  }
  if (spec['type'] !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec['type'] === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
}

function defaultNetworkPolicy(n: Obj): void {
  const spec = obj(n, 'spec');
  if (spec['policyTypes'] !== undefined) return;
  spec['policyTypes'] = spec['egress'] !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** autoscaling/v2 (the storage version): one replica at least, and 80% CPU when no metric is given. */
function defaultAutoscaler(h: Obj): void {
  const spec = obj(h, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (list(spec, 'metrics').length === 0) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
}

function defaultRoleBinding(b: Obj): void {
  for (const subject of list(b, 'subjects')) {
    if (subject['kind'] === 'User' || subject['kind'] === 'Group') setDefault(subject, 'apiGroup', 'rbac.authorization.k8s.io');
  }
}

function defaultPorts(holder: Obj | undefined): void {
  for (const port of list(holder, 'ports')) setDefault(port, 'protocol', 'TCP');
}

const BY_KIND: Record<string, (o: Obj) => void> = {
  Pod: defaultPod,
  Deployment: defaultDeployment,
  ReplicaSet: (r) => { setDefault(obj(r, 'spec'), 'replicas', 1); defaultTemplate(child(r, 'spec')); },
  StatefulSet: defaultStatefulSet,
  DaemonSet: defaultDaemonSet,
  Job: defaultJob,
  CronJob: defaultCronJob,
  Service: defaultService,
  NetworkPolicy: defaultNetworkPolicy,
  HorizontalPodAutoscaler: defaultAutoscaler,
  RoleBinding: defaultRoleBinding,
  ClusterRoleBinding: defaultRoleBinding,
  Secret: (s) => setDefault(s, 'type', 'Opaque'),
  PersistentVolumeClaim: (p) => setDefault(obj(p, 'spec'), 'volumeMode', 'Filesystem'),
  PersistentVolume: (p) => {
    const spec = obj(p, 'spec');
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
  },
  StorageClass: (s) => { setDefault(s, 'reclaimPolicy', 'Delete'); setDefault(s, 'volumeBindingMode', 'Immediate'); },
  Endpoints: (e) => { for (const subset of list(e, 'subsets')) defaultPorts(subset); },
  EndpointSlice: (e) => defaultPorts(e),
  PodTemplate: (t) => defaultTemplate(t),
  LimitRange: (l) => defaultLimitRange(l),
  ValidatingWebhookConfiguration: (c) => defaultWebhookConfiguration(c),
  MutatingWebhookConfiguration: (c) => defaultWebhookConfiguration(c),
};

/** Fills the defaults of the object's kind into the draft (a no-op for kinds without any). */
export function applyDefaults(draft: Obj): void {
  const kind = typeof draft['kind'] === 'string' ? draft['kind'] : '';
  BY_KIND[kind]?.(draft);
}
