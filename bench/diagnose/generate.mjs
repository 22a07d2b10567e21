#!/usr/bin/env node
/**
 * Writes a realistic `kubectl get nodes,pods,services,deployments,replicasets,events -A -o json`
 * List for input-scale benchmarks, streamed to disk (the output can exceed V8's longest string).
 *
 *   node bench/diagnose/generate.mjs OUT.json [--pods 150000] [--nodes 5000] [--seed 1] [--failing 3] [--no-managed-fields]
 *
 * The shape follows what kubectl prints for `get -o json`: objects come back unstructured, so every
 * map's keys are sorted, and the printer indents by four spaces. `metadata.managedFields` is kept
 * (as `--show-managed-fields`, the raw API and `cluster-info dump` give it; plain `kubectl get`
 * drops it: `--no-managed-fields` does the same). A few percent of the pods fail the
 * way kubelet and the scheduler report it (OOMKilled + CrashLoopBackOff, ImagePullBackOff,
 * Unschedulable with a FailedScheduling event, CreateContainerConfigError), with their events.
 * The same seed gives the same bytes.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { benchArgs } from '../args.mjs';

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const usage = 'generate.mjs OUT.json [--pods N] [--nodes N] [--seed N] [--failing PERCENT] [--no-managed-fields]';
const parsed = benchArgs({ numbers: { pods: 50_000, nodes: undefined, seed: 1, failing: 3 }, flags: ['no-managed-fields'], usage });
if (!parsed.positionals[0]) {
  console.error(`usage: ${usage}`);
  process.exit(2);
}
const args = {
  out: parsed.positionals[0], pods: Math.floor(parsed.pods), seed: Math.floor(parsed.seed), failing: parsed.failing,
  nodes: parsed.nodes === undefined ? Math.max(3, Math.ceil(parsed.pods / 30)) : Math.floor(parsed.nodes), managedFields: !parsed['no-managed-fields'],
};
const rand = prng(args.seed);
const pick = (list) => list[Math.floor(rand() * list.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const hex = (n) => { let s = ''; for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)]; return s; };
const uid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;
const alnum = (n) => { let s = ''; for (let i = 0; i < n; i++) s += 'bcdfghjklmnpqrstvwxz2456789'[Math.floor(rand() * 27)]; return s; };

const CAPTURED = Date.parse('2024-05-14T09:00:00Z');
const iso = (msAgo) => new Date(CAPTURED - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let resourceVersion = 1_000_000;
const rv = () => String(resourceVersion += int(1, 40));

/** kubectl's unstructured objects print with sorted keys at every level. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

const REGISTRY = 'registry.example.com';
const WORDS = ['api', 'web', 'checkout', 'cart', 'search', 'billing', 'ledger', 'catalog', 'auth', 'profile',
  'orders', 'inventory', 'shipping', 'notify', 'reports', 'gateway', 'media', 'pricing', 'ratings', 'sessions'];
const TEAMS = ['shop', 'core', 'data', 'edge', 'platform', 'growth', 'risk', 'ops', 'mobile', 'partner'];
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const INSTANCE_TYPES = [['m5.2xlarge', '8', '32386544Ki', '7910m', '28706112Ki'], ['m5.4xlarge', '16', '64758240Ki', '15890m', '60214048Ki'],
  ['c5.2xlarge', '8', '16131568Ki', '7910m', '14451136Ki']];

// ---- nodes -------------------------------------------------------------------------------------

const nodes = [];
for (let n = 0; n < args.nodes; n++) {
  const ip = `10.${int(0, 3)}.${int(0, 255)}.${int(1, 254)}`;
  nodes.push({ name: `ip-${ip.replaceAll('.', '-')}.eu-west-1.compute.internal`, ip, zone: pick(ZONES), type: pick(INSTANCE_TYPES), uid: uid(), n });
}

const NODE_IMAGES = [
  ['602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni', 'v1.18.1-eksbuild.1', 107211234],
  ['602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy', 'v1.29.3-minimal-eksbuild.2', 30871412],
  ['602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/pause', '3.5', 298689],
  ['quay.io/prometheus/node-exporter', 'v1.7.0', 11729401],
  ['fluent/fluent-bit', '2.2.2', 35215873],
];

function nodeObject(node) {
  const [type, cpu, memory, allocCpu, allocMemory] = node.type;
  const created = iso(int(2, 60) * DAY);
  const images = NODE_IMAGES.map(([name, tag, size]) => ({ names: [`${name}@sha256:${hex(64)}`, `${name}:${tag}`], sizeBytes: size }));
  for (let k = 0; k < 12; k++) {
    const image = `${REGISTRY}/${pick(TEAMS)}/${pick(WORDS)}`;
    images.push({ names: [`${image}@sha256:${hex(64)}`, `${image}:1.${int(0, 30)}.${int(0, 9)}`], sizeBytes: int(20, 900) * 1_000_000 });
  }
  const heartbeat = iso(int(0, 4) * MIN);
  const condition = (type, status, reason, message) => ({ lastHeartbeatTime: heartbeat, lastTransitionTime: created, message, reason, status, type });
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      annotations: { 'alpha.kubernetes.io/provided-node-ip': node.ip, 'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      creationTimestamp: created,
      labels: { 'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/instance-type': type, 'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/nodegroup': `workers-${node.zone.slice(-1)}`, 'failure-domain.beta.kubernetes.io/region': 'eu-west-1',
        'failure-domain.beta.kubernetes.io/zone': node.zone, 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': type, 'topology.kubernetes.io/region': 'eu-west-1',
        'topology.kubernetes.io/zone': node.zone },
      managedFields: [
        { apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:alpha.kubernetes.io/provided-node-ip': {},
          'f:volumes.kubernetes.io/controller-managed-attach-detach': {} }, 'f:labels': { '.': {}, 'f:kubernetes.io/hostname': {} } },
          'f:spec': { 'f:providerID': {} } }, manager: 'kubelet', operation: 'Update', time: created },
        { apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { 'f:lastHeartbeatTime': {} } },
          'f:images': {} } }, manager: 'kubelet', operation: 'Update', subresource: 'status', time: heartbeat },
      ],
      name: node.name, resourceVersion: rv(), uid: node.uid,
    },
    spec: { podCIDR: `172.${16 + (node.n >> 8) % 16}.${node.n % 256}.0/24`, podCIDRs: [`172.${16 + (node.n >> 8) % 16}.${node.n % 256}.0/24`],
      providerID: `aws:///${node.zone}/i-0${hex(16)}` },
    status: {
      addresses: [{ address: node.ip, type: 'InternalIP' }, { address: node.name, type: 'InternalDNS' }, { address: node.name, type: 'Hostname' }],
      allocatable: { cpu: allocCpu, 'ephemeral-storage': '95491156339', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: allocMemory, pods: '58' },
      capacity: { cpu, 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory, pods: '58' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images,
      nodeInfo: { architecture: 'amd64', bootID: uid(), containerRuntimeVersion: 'containerd://1.7.11', kernelVersion: '5.10.215-203.850.amzn2.x86_64',
        kubeProxyVersion: 'v1.29.3-eks-ae9a62a', kubeletVersion: 'v1.29.3-eks-ae9a62a', machineID: hex(32), operatingSystem: 'linux',
        osImage: 'Amazon Linux 2', systemUUID: `ec2${hex(5)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}` },
    },
  };
}

// ---- workloads ---------------------------------------------------------------------------------

const namespaceCount = Math.max(1, Math.ceil(args.pods / 500));
const namespaces = [];
for (let k = 0; k < namespaceCount; k++) namespaces.push(k < TEAMS.length ? TEAMS[k] : `${pick(TEAMS)}-${k}`);

/** Deployments sized so that their replicas add up to the requested number of pods. */
const deployments = [];
for (let podsLeft = args.pods, k = 0; podsLeft > 0; k++) {
  const replicas = Math.min(podsLeft, int(2, 12));
  podsLeft -= replicas;
  const namespace = namespaces[k % namespaces.length];
  const name = k < WORDS.length * 2 ? `${WORDS[k % WORDS.length]}${k >= WORDS.length ? '-v2' : ''}` : `${pick(WORDS)}-${alnum(4)}`;
  deployments.push({ namespace, name, replicas, uid: uid(), rsUid: uid(), hash: alnum(10), image: `${REGISTRY}/${namespace.split('-')[0]}/${name.split('-')[0]}:1.${int(0, 30)}.${int(0, 9)}`,
    created: int(1, 40) * DAY, sidecar: rand() < 0.3, memoryMi: pick([128, 256, 512, 1024]), cpuM: pick([100, 250, 500, 1000]) });
}

const FAILURES = ['oom', 'image', 'pending', 'config'];

function managedFieldsFor(pod, deployment) {
  return [
    { apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {
      'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} },
        'f:ownerReferences': { '.': {}, [`k:{"uid":"${deployment.rsUid}"}`]: {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:env': { '.': {}, 'k:{"name":"LOG_LEVEL"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
        'f:image': {}, 'f:imagePullPolicy': {}, 'f:livenessProbe': { '.': {}, 'f:failureThreshold': {}, 'f:httpGet': { '.': {}, 'f:path': {}, 'f:port': {}, 'f:scheme': {} } },
        'f:name': {}, 'f:ports': { '.': {}, 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {}, 'f:protocol': {} } },
        'f:resources': { '.': {}, 'f:limits': { '.': {}, 'f:memory': {} }, 'f:requests': { '.': {}, 'f:cpu': {}, 'f:memory': {} } } } },
        'f:dnsPolicy': {}, 'f:enableServiceLinks': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {} } },
      manager: 'kube-controller-manager', operation: 'Update', time: pod.created },
    { apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"ContainersReady"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} },
      'k:{"type":"Initialized"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} },
      'k:{"type":"Ready"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} } },
      'f:containerStatuses': {}, 'f:hostIP': {}, 'f:hostIPs': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': { '.': {}, 'k:{"ip":"172.16.4.7"}': { '.': {}, 'f:ip': {} } }, 'f:startTime': {} } },
      manager: 'kubelet', operation: 'Update', subresource: 'status', time: pod.updated },
  ];
}

function containerSpec(deployment, name, image, failure) {
  const container = {
    env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
    image, imagePullPolicy: 'IfNotPresent', name,
    resources: { limits: { memory: `${deployment.memoryMi}Mi` }, requests: { cpu: `${deployment.cpuM}m`, memory: `${deployment.memoryMi}Mi` } },
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: deployment.tokenVolume, readOnly: true }],
  };
  if (name === 'app') {
    container.ports = [{ containerPort: 8080, name: 'http', protocol: 'TCP' }];
    container.livenessProbe = { failureThreshold: 3, httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 };
    container.readinessProbe = { failureThreshold: 3, httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 1 };
    if (failure === 'config') container.envFrom = [{ configMapRef: { name: `${deployment.name}-settings` } }];
  } else {
    container.args = ['--config', '/etc/fluent-bit/fluent-bit.conf'];
  }
  return container;
}

function podCondition(type, status, at, extra = {}) {
  return { lastProbeTime: null, lastTransitionTime: at, status, type, ...extra };
}

function runningStatus(name, image, started) {
  return { containerID: `containerd://${hex(64)}`, image, imageID: `${image.split(':')[0]}@sha256:${hex(64)}`, lastState: {}, name,
    ready: true, restartCount: 0, started: true, state: { running: { startedAt: started } } };
}

/** Builds one pod and the events its failure (if any) produced. */
function podObjects(deployment, index, failure) {
  const name = `${deployment.name}-${deployment.hash}-${alnum(5)}`;
  const node = nodes[Math.floor(rand() * nodes.length)];
  const createdAgo = Math.min(deployment.created, int(1, 72) * HOUR);
  const pod = { name, uid: uid(), created: iso(createdAgo), updated: iso(int(0, 30) * MIN) };
  const fullName = `${name}_${deployment.namespace}(${pod.uid})`;
  const image = failure === 'image' ? deployment.image.replace(/:[^:]+$/, `:1.${int(31, 40)}.0`) : deployment.image;
  const containers = [containerSpec(deployment, 'app', image, failure)];
  if (deployment.sidecar) containers.push(containerSpec(deployment, 'log-shipper', 'fluent/fluent-bit:2.2.2', undefined));
  const started = iso(createdAgo - 20_000);
  const events = [];
  const status = { hostIP: node.ip, hostIPs: [{ ip: node.ip }], phase: 'Running', podIP: `172.16.${int(0, 255)}.${int(1, 254)}`,
    qosClass: 'Burstable', startTime: pod.created };
  status.podIPs = [{ ip: status.podIP }];
  let scheduled = true;
  const statuses = containers.map((c) => runningStatus(c.name, c.image, started));
  const app = statuses[0];
  const unready = () => ({ message: `containers with unready status: [${app.name}]`, reason: 'ContainersNotReady' });
  let ready = true;
  const event = (type, reason, message, source, count, firstAgo, fieldPath = 'spec.containers{app}') => {
    const e = { apiVersion: 'v1', count, eventTime: null, firstTimestamp: iso(firstAgo), involvedObject: { apiVersion: 'v1', kind: 'Pod', name,
      namespace: deployment.namespace, resourceVersion: rv(), uid: pod.uid }, kind: 'Event', lastTimestamp: iso(int(0, 5) * MIN), message,
      metadata: { creationTimestamp: iso(firstAgo), name: `${name}.${hex(16)}`, namespace: deployment.namespace, resourceVersion: rv(), uid: uid() },
      reason, reportingComponent: source === 'default-scheduler' ? 'default-scheduler' : 'kubelet', reportingInstance: source === 'default-scheduler' ? '' : node.name,
      source: source === 'default-scheduler' ? { component: source } : { component: source, host: node.name }, type };
    if (fieldPath) e.involvedObject.fieldPath = fieldPath;
    events.push(e);
  };
  if (failure === 'oom') {
    const restarts = int(5, 40);
    const lastStart = iso(int(6, 9) * MIN);
    Object.assign(app, { lastState: { terminated: { containerID: app.containerID, exitCode: 137, finishedAt: iso(int(5, 6) * MIN), reason: 'OOMKilled', startedAt: lastStart } },
      ready: false, restartCount: restarts, started: false,
      state: { waiting: { message: `back-off 5m0s restarting failed container=app pod=${fullName}`, reason: 'CrashLoopBackOff' } } });
    ready = false;
    event('Normal', 'Pulled', `Container image "${image}" already present on machine`, 'kubelet', restarts, createdAgo);
    event('Warning', 'BackOff', `Back-off restarting failed container app in pod ${fullName}`, 'kubelet', restarts * 11, createdAgo - 5 * MIN);
  } else if (failure === 'image') {
    Object.assign(app, { containerID: undefined, imageID: '', ready: false, restartCount: 0, started: false,
      state: { waiting: { message: `Back-off pulling image "${image}"`, reason: 'ImagePullBackOff' } } });
    delete app.containerID;
    status.phase = 'Pending';
    ready = false;
    const count = int(3, 30);
    event('Normal', 'Pulling', `Pulling image "${image}"`, 'kubelet', count, createdAgo);
    event('Warning', 'Failed', `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`, 'kubelet', count, createdAgo);
    event('Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', count, createdAgo);
    event('Normal', 'BackOff', `Back-off pulling image "${image}"`, 'kubelet', count * 20, createdAgo);
    event('Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', count * 20, createdAgo);
  } else if (failure === 'config') {
    const message = `configmap "${deployment.name}-settings" not found`;
    Object.assign(app, { ready: false, started: false, state: { waiting: { message, reason: 'CreateContainerConfigError' } } });
    delete app.containerID;
    app.imageID = '';
    status.phase = 'Pending';
    ready = false;
    event('Warning', 'Failed', `Error: ${message}`, 'kubelet', int(10, 300), createdAgo);
  } else if (failure === 'pending') {
    scheduled = false;
    const cpuShort = int(Math.floor(nodes.length / 2), nodes.length);
    const parts = cpuShort === nodes.length ? [`${cpuShort} Insufficient cpu`]
      : [`${nodes.length - cpuShort} Insufficient memory`, `${cpuShort} Insufficient cpu`].sort();
    const message = `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} No preemption victims found for incoming pod.`;
    event('Warning', 'FailedScheduling', message, 'default-scheduler', int(1, 50), createdAgo, undefined);
    for (const key of ['hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime']) delete status[key];
    status.phase = 'Pending';
    status.conditions = [podCondition('PodScheduled', 'False', pod.created, { message, reason: 'Unschedulable' })];
  }
  if (scheduled) {
    status.containerStatuses = statuses;
    status.conditions = [
      podCondition('PodReadyToStartContainers', 'True', started),
      podCondition('Initialized', 'True', pod.created),
      podCondition('Ready', ready ? 'True' : 'False', ready ? iso(createdAgo - 40_000) : iso(int(5, 60) * MIN), ready ? {} : unready()),
      podCondition('ContainersReady', ready ? 'True' : 'False', ready ? iso(createdAgo - 40_000) : iso(int(5, 60) * MIN), ready ? {} : unready()),
      podCondition('PodScheduled', 'True', pod.created),
    ];
  }
  const spec = { containers, dnsPolicy: 'ClusterFirst', enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0,
    restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, serviceAccount: 'default', serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    tolerations: [{ effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }],
    volumes: [{ name: deployment.tokenVolume, projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } }] } }] };
  if (scheduled) spec.nodeName = node.name;
  const object = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { creationTimestamp: pod.created, generateName: `${deployment.name}-${deployment.hash}-`,
      labels: { app: deployment.name, 'pod-template-hash': deployment.hash }, managedFields: managedFieldsFor(pod, deployment), name,
      namespace: deployment.namespace,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: `${deployment.name}-${deployment.hash}`, uid: deployment.rsUid }],
      resourceVersion: rv(), uid: pod.uid },
    spec, status,
  };
  return { object, events, index };
}

function serviceObject(deployment) {
  const clusterIP = `10.100.${int(0, 255)}.${int(1, 254)}`;
  return { apiVersion: 'v1', kind: 'Service',
    metadata: { creationTimestamp: iso(deployment.created), labels: { app: deployment.name }, name: deployment.name, namespace: deployment.namespace, resourceVersion: rv(), uid: uid() },
    spec: { clusterIP, clusterIPs: [clusterIP], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], selector: { app: deployment.name }, sessionAffinity: 'None', type: 'ClusterIP' },
    status: { loadBalancer: {} } };
}

function templateOf(deployment) {
  return { metadata: { creationTimestamp: null, labels: { app: deployment.name } },
    spec: { containers: [{ image: deployment.image, imagePullPolicy: 'IfNotPresent', name: 'app', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
      resources: { limits: { memory: `${deployment.memoryMi}Mi` }, requests: { cpu: `${deployment.cpuM}m`, memory: `${deployment.memoryMi}Mi` } },
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 } };
}

function deploymentObject(deployment, readyReplicas) {
  const unavailable = deployment.replicas - readyReplicas;
  const available = unavailable === 0
    ? { message: 'Deployment has minimum availability.', reason: 'MinimumReplicasAvailable', status: 'True' }
    : { message: 'Deployment does not have minimum availability.', reason: 'MinimumReplicasUnavailable', status: 'False' };
  const status = { conditions: [
    { lastTransitionTime: iso(deployment.created), lastUpdateTime: iso(deployment.created), ...available, type: 'Available' },
    { lastTransitionTime: iso(deployment.created), lastUpdateTime: iso(int(1, 60) * MIN), message: `ReplicaSet "${deployment.name}-${deployment.hash}" has successfully progressed.`,
      reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' }],
  observedGeneration: 1, replicas: deployment.replicas, updatedReplicas: deployment.replicas };
  if (readyReplicas > 0) Object.assign(status, { availableReplicas: readyReplicas, readyReplicas });
  if (unavailable > 0) status.unavailableReplicas = unavailable;
  return { apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' }, creationTimestamp: iso(deployment.created), generation: 1, labels: { app: deployment.name },
      name: deployment.name, namespace: deployment.namespace, resourceVersion: rv(), uid: deployment.uid },
    spec: { progressDeadlineSeconds: 600, replicas: deployment.replicas, revisionHistoryLimit: 10, selector: { matchLabels: { app: deployment.name } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' }, template: templateOf(deployment) },
    status };
}

function replicaSetObject(deployment, readyReplicas) {
  const name = `${deployment.name}-${deployment.hash}`;
  const status = { fullyLabeledReplicas: deployment.replicas, observedGeneration: 1, replicas: deployment.replicas };
  if (readyReplicas > 0) Object.assign(status, { availableReplicas: readyReplicas, readyReplicas });
  const template = templateOf(deployment);
  template.metadata.labels['pod-template-hash'] = deployment.hash;
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { annotations: { 'deployment.kubernetes.io/desired-replicas': String(deployment.replicas), 'deployment.kubernetes.io/max-replicas': String(Math.ceil(deployment.replicas * 1.25)),
      'deployment.kubernetes.io/revision': '1' }, creationTimestamp: iso(deployment.created), generation: 1, labels: { app: deployment.name, 'pod-template-hash': deployment.hash },
      name, namespace: deployment.namespace,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'Deployment', name: deployment.name, uid: deployment.uid }],
      resourceVersion: rv(), uid: deployment.rsUid },
    spec: { replicas: deployment.replicas, selector: { matchLabels: { app: deployment.name, 'pod-template-hash': deployment.hash } }, template },
    status };
}

// ---- output ------------------------------------------------------------------------------------

const out = createWriteStream(args.out);
let pendingText = '';
let written = 0;
let itemCount = 0;
const counts = { nodes: 0, pods: 0, failing: 0, services: 0, deployments: 0, replicasets: 0, events: 0 };

async function flush() {
  if (pendingText.length === 0) return;
  written += Buffer.byteLength(pendingText);
  if (!out.write(pendingText)) await once(out, 'drain');
  pendingText = '';
}

/** One item of the List, indented as kubectl prints it inside `"items": [`. */
async function writeItem(object) {
  if (!args.managedFields) delete object.metadata.managedFields;
  const text = JSON.stringify(sortKeys(object), null, 4).replaceAll('\n', '\n        ');
  pendingText += `${itemCount++ === 0 ? '' : ',\n'}        ${text}`;
  if (pendingText.length > 1 << 20) await flush();
}

pendingText = '{\n    "apiVersion": "v1",\n    "items": [\n';
for (const node of nodes) { await writeItem(nodeObject(node)); counts.nodes++; }

const allEvents = [];
const readyByDeployment = new Map();
for (const deployment of deployments) {
  deployment.tokenVolume = `kube-api-access-${alnum(5)}`;
  let readyCount = 0;
  for (let r = 0; r < deployment.replicas; r++) {
    const failure = rand() * 100 < args.failing ? pick(FAILURES) : undefined;
    const { object, events } = podObjects(deployment, r, failure);
    await writeItem(object);
    counts.pods++;
    if (failure) counts.failing++;
    else readyCount++;
    for (const e of events) allEvents.push(e);
  }
  readyByDeployment.set(deployment, readyCount);
}
for (const deployment of deployments) { await writeItem(serviceObject(deployment)); counts.services++; }
for (const deployment of deployments) { await writeItem(deploymentObject(deployment, readyByDeployment.get(deployment))); counts.deployments++; }
for (const deployment of deployments) { await writeItem(replicaSetObject(deployment, readyByDeployment.get(deployment))); counts.replicasets++; }
for (const e of allEvents) { await writeItem(e); counts.events++; }
pendingText += '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n';
await flush();
out.end();
await once(out, 'finish');

console.log(`wrote ${args.out}: ${(written / 1e6).toFixed(1)} MB, ${itemCount} items`);
console.log(`nodes ${counts.nodes}, pods ${counts.pods} (${counts.failing} failing), services ${counts.services}, deployments ${counts.deployments}, replicasets ${counts.replicasets}, events ${counts.events}`);
