/**
 * ServiceUnavailable: what makes a Service or an Ingress answer 502/503. For a Service with a
 * selector: a selector that matches no pod, pods that match but none ready, a targetPort no selected
 * container declares. For an Ingress: a backend Service or port that does not exist, an ingress class
 * or TLS secret that is not there, and backends whose Service is itself broken (linked through
 * `related`, so the incident's cause becomes the pods' own failure found by other analyzers).
 *
 * Services are matched to pods through the graph's label index (`servicePods`), never by scanning
 * all pods per service.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { EndpointSubset, ServicePort } from 'kubernetes-types/core/v1.js';
import type {
  Endpoints, EndpointSlice, Ingress, KubeObject, ObjectRef, Service,
} from '../../cluster/objects.js';
import { keyOf, refOf } from '../../cluster/objects.js';
import { formatSelector } from '../../cluster/selectors.js';
import { finding, type Analyzer } from '../analyzer.js';
import { eventEvidence, specEvidence, statusEvidence } from '../evidence.js';
import type { Category, Evidence, Finding } from '../finding.js';
import { patchObject } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { distinctWorkloads, isPodFinished, isPodReady, isTerminating, podCondition, type PodObj } from '../pod-state.js';

type SvcCategory = Category<'ServiceUnavailable'>;
type SvcObj = Obj<Service>;
type IngressObj = Obj<Ingress>;
type Backend = ReturnType<ClusterGraph['ingressBackends']>[number];

/** Pods younger than this may simply not be ready yet: a Service backed only by them is not judged. */
const STARTING_GRACE_S = 120;
/** Workloads named in `related`, at most: enough to link the incident. */
const MAX_RELATED = 10;
/** Kinds that run pods from a template a Service selects. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const;

/** A workload (or a bare pod) and the labels its pods carry. */
interface LabelledWorkload {
  obj: KubeObject;
  labels: Record<string, string>;
}

/** Indexes one run builds once and shares across services and ingresses (the graph indexes the rest). */
class RunIndex {
  private workloads: Map<string, LabelledWorkload[]> | undefined;
  private ingressClasses: Set<string> | undefined;

  constructor(readonly graph: ClusterGraph) {}

  /** Workloads of a namespace with their pod template labels, and pods that no controller owns. */
  workloadsIn(namespace: string): LabelledWorkload[] {
    if (!this.workloads) {
      this.workloads = new Map();
      for (const kind of WORKLOAD_KINDS) {
        for (const obj of this.graph.ofKind<{ spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }>(kind)) {
          if (kind === 'ReplicaSet' && obj.metadata.ownerReferences?.some((r) => r.controller)) continue;
          const labels = obj.spec?.template?.metadata?.labels;
          if (labels) push(this.workloads, obj.metadata.namespace ?? '', { obj, labels });
        }
      }
      for (const pod of this.graph.pods()) {
        if (!pod.metadata.ownerReferences?.length && pod.metadata.labels) push(this.workloads, pod.metadata.namespace ?? '', { obj: pod, labels: pod.metadata.labels });
      }
    }
    return this.workloads.get(namespace) ?? [];
  }

  /** Whether the input says anything about a namespace's pods: without that, an empty selection proves nothing. */
  knowsPodsOf(namespace: string): boolean {
    return this.graph.podsIn(namespace).length > 0 || this.workloadsIn(namespace).length > 0;
  }

  /** IngressClass names, or undefined when the input holds none. */
  classes(): Set<string> | undefined {
    this.ingressClasses ??= new Set(this.graph.ofKind('IngressClass').map((c) => c.metadata.name));
    return this.ingressClasses.size ? this.ingressClasses : undefined;
  }
}

export const serviceUnavailableAnalyzer: Analyzer = {
  mode: 'ServiceUnavailable',
  description: 'Services and Ingresses that answer 502/503: selectors matching no pod, no ready endpoints, wrong target ports, missing backends, ingress classes and TLS secrets',
  analyze(graph: ClusterGraph): Finding[] {
    const index = new RunIndex(graph);
    const findings: Finding[] = [];
    const byService = new Map<string, Finding[]>();
    for (const svc of graph.services()) {
      const found = analyzeService(index, svc);
      if (found.length) byService.set(keyOf(refOf(svc)), found);
      findings.push(...found);
    }
    for (const ing of graph.ofKind<Ingress>('Ingress')) findings.push(...analyzeIngress(index, ing, byService));
    return findings;
  },
};

// ---------------------------------------------------------------------------------------------
// Services

function analyzeService(index: RunIndex, svc: SvcObj): Finding[] {
  const selector = svc.spec?.selector;
  if (svc.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) return [];
  const namespace = svc.metadata.namespace ?? '';
  if (!index.knowsPodsOf(namespace)) return [];
  const selected = index.graph.servicePods(svc);
  if (selected.length === 0) return selectsNothing(index, svc, selector);
  // Only finished pods (a completed Job's, say): the selector is right and nothing is meant to run.
  const pods = selected.filter((p) => !isPodFinished(p));
  if (pods.length === 0) return [];
  if (svc.spec?.clusterIP === 'None') return [];
  const out: Finding[] = [];
  const ports = targetPortMismatch(index, svc, pods);
  if (ports) out.push(ports);
  const notReady = noReadyEndpoints(index, svc, pods);
  if (notReady) out.push(notReady);
  else if (!ports) {
    const empty = emptyEndpointsWithReadyPods(index, svc, pods);
    if (empty) out.push(empty);
  }
  return out;
}

/** How many of the selector's pairs the labels fail. */
function distance(selector: Record<string, string>, labels: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) n++;
  return n;
}

function selectsNothing(index: RunIndex, svc: SvcObj, selector: Record<string, string>): Finding[] {
  const candidates = index.workloadsIn(svc.metadata.namespace ?? '');
  const exact = candidates.filter((w) => distance(selector, w.labels) === 0);
  if (exact.length) return workloadWithoutPods(index, svc, exact);
  const near = candidates.filter((w) => distance(selector, w.labels) === 1);
  const { endpoints, slices } = index.graph.endpointsOf(svc);
  const evidence = [selectorEvidence(svc), ...endpointEvidence(endpoints, slices)];
  for (const w of near) evidence.push(labelsEvidence(w));
  const only = near.length === 1 ? near[0] : undefined;
  const fixes = only ? [selectorFix(svc, selector, only)] : [];
  const nearText = only
    ? ` The closest workload is ${kindName(only.obj)}, whose pods are labelled ${formatSelector(only.labels)}: it differs in ${differingKey(selector, only.labels)}.`
    : near.length > 1
      ? ` Several workloads differ from it in one label (${near.map((w) => kindName(w.obj)).join(', ')}), so which one it meant is not clear.`
      : ' No workload of the namespace has labels within one pair of it.';
  return [finding({
    mode: 'ServiceUnavailable', category: 'selector-mismatch', subject: refOf(svc), culprit: refOf(svc),
    explanation: `Service ${svc.metadata.namespace ?? ''}/${svc.metadata.name} selects ${formatSelector(selector)}, which matches no pod in its namespace, so it has no endpoints and every request to it fails.${nearText}`,
    // No `related`: the closest workload's own failures are another cause, not this one's.
    evidence, confidence: only ? 0.9 : 0.75, severity: 'critical', fixes,
  })];
}

/** Workloads whose template matches the selector but that run no pod: scaled to zero (intended), or failing to create pods. */
function workloadWithoutPods(index: RunIndex, svc: SvcObj, exact: LabelledWorkload[]): Finding[] {
  const wanted = exact.filter((w) => desiredReplicas(w.obj) > 0);
  if (!wanted.length) return [];
  const { endpoints, slices } = index.graph.endpointsOf(svc);
  return [finding({
    mode: 'ServiceUnavailable', category: 'no-ready-endpoints', subject: refOf(svc), culprit: refOf(svc),
    explanation: `Service ${svc.metadata.namespace ?? ''}/${svc.metadata.name} selects the pods of ${wanted.map((w) => kindName(w.obj)).join(', ')}, but none of them exists, so it has no endpoints; why the workload runs no pod is its own failure.`,
    evidence: [selectorEvidence(svc), ...endpointEvidence(endpoints, slices), ...wanted.map(labelsEvidence), ...serviceEvents(index, svc)],
    confidence: 0.75, severity: 'critical', related: wanted.slice(0, MAX_RELATED).map((w) => refOf(w.obj)),
  })];
}

function desiredReplicas(obj: KubeObject): number {
  if (obj.kind === 'Pod') return 1;
  if (obj.kind === 'DaemonSet') return (obj.status as { desiredNumberScheduled?: number } | undefined)?.desiredNumberScheduled ?? 1;
  return (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

/** Patches the selector's one differing pair to the workload's label (or drops it when the workload has no such label). */
function selectorFix(svc: SvcObj, selector: Record<string, string>, near: LabelledWorkload): ActionPlan {
  const key = differingKey(selector, near.labels);
  const value = near.labels[key];
  return patchObject(refOf(svc), { spec: { selector: { [key]: value ?? null } } }, { spec: { selector: { [key]: selector[key] } } },
    value === undefined
      ? `remove ${key}=${selector[key]} from the selector of service/${svc.metadata.name}`
      : `set the selector ${key} of service/${svc.metadata.name} to ${value} (was ${selector[key]})`,
    `The selector matches no pod; ${kindName(near.obj)} differs from it only in ${key}.`);
}

function differingKey(selector: Record<string, string>, labels: Record<string, string>): string {
  return Object.keys(selector).find((k) => labels[k] !== selector[k]) ?? '';
}

function noReadyEndpoints(index: RunIndex, svc: SvcObj, pods: PodObj[]): Finding | undefined {
  if (svc.spec?.publishNotReadyAddresses) return undefined;
  const live = pods.filter((p) => !isTerminating(p));
  if (live.some(isPodReady)) return undefined;
  const now = index.graph.now.getTime();
  const settled = live.some((p) => {
    const created = Date.parse(p.metadata.creationTimestamp ?? '');
    return Number.isNaN(created) || now - created >= STARTING_GRACE_S * 1000;
  });
  if (live.length && !settled) return undefined;
  const workloads = distinctWorkloads(index.graph, pods, MAX_RELATED);
  const { endpoints, slices } = index.graph.endpointsOf(svc);
  const sample = live[0] ?? pods[0]!;
  const ready = podCondition(sample, 'Ready');
  const evidence = [
    ...endpointEvidence(endpoints, slices),
    selectorEvidence(svc),
    statusEvidence(sample, 'status.conditions[Ready]', `Ready: ${ready?.status ?? 'Unknown'}${ready?.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ''}`),
    ...serviceEvents(index, svc),
  ];
  return finding({
    mode: 'ServiceUnavailable', category: 'no-ready-endpoints', subject: refOf(svc), culprit: refOf(svc),
    explanation: `Service ${svc.metadata.namespace ?? ''}/${svc.metadata.name} selects ${pods.length} pod${pods.length === 1 ? '' : 's'} `
      + `(${workloads.map((w) => `${w.kind.toLowerCase()}/${w.name}`).join(', ')}) but none is ready, so it has no ready endpoints and answers nothing (an ingress in front of it returns 503). The cause is the pods' own failure.`,
    evidence, confidence: 0.9, severity: 'critical', related: workloads,
  });
}

/** Endpoints list no address at all although selected pods are ready: something between selector and endpoints is off. */
function emptyEndpointsWithReadyPods(index: RunIndex, svc: SvcObj, pods: PodObj[]): Finding | undefined {
  const { endpoints, slices } = index.graph.endpointsOf(svc);
  if (!endpoints || slices.some((s) => (s.endpoints ?? []).length > 0)) return undefined;
  if ((endpoints.subsets ?? []).some((s) => (s.addresses ?? []).length + (s.notReadyAddresses ?? []).length > 0)) return undefined;
  const now = index.graph.now.getTime();
  const longReady = pods.filter((p) => {
    const since = Date.parse((podCondition(p, 'Ready') as { lastTransitionTime?: string } | undefined)?.lastTransitionTime ?? '');
    return isPodReady(p) && !Number.isNaN(since) && now - since >= STARTING_GRACE_S * 1000;
  });
  if (!longReady.length) return undefined;
  return finding({
    mode: 'ServiceUnavailable', category: 'unknown', subject: refOf(svc), culprit: refOf(svc),
    explanation: `Service ${svc.metadata.namespace ?? ''}/${svc.metadata.name} selects ${longReady.length} ready pod(s), yet its Endpoints list no address. Selector and labels match and the target ports resolve; the Endpoints may have been captured at another moment, or the endpoints controller is not updating them.`,
    evidence: [...endpointEvidence(endpoints, slices), selectorEvidence(svc), statusEvidence(longReady[0]!, 'status.conditions[Ready]', 'Ready: True')],
    confidence: 0.4, severity: 'warning',
  });
}

interface DeclaredPort {
  name?: string;
  containerPort: number;
  protocol: string;
  container: string;
  pod: PodObj;
}

/** Ports the selected pods' containers declare; pods of one controller and revision share a template, so one of each is read. */
function declaredPorts(pods: PodObj[]): DeclaredPort[] {
  const seenTemplates = new Set<string>();
  const seen = new Set<string>();
  const out: DeclaredPort[] = [];
  for (const pod of pods) {
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    if (owner) {
      const labels = pod.metadata.labels ?? {};
      const template = `${owner}/${labels['pod-template-hash'] ?? labels['controller-revision-hash'] ?? ''}`;
      if (seenTemplates.has(template)) continue;
      seenTemplates.add(template);
    }
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        const key = `${p.name ?? ''}/${p.containerPort}/${p.protocol ?? 'TCP'}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP', container: c.name, pod });
      }
    }
  }
  return out;
}

interface PortProblem {
  port: ServicePort;
  index: number;
  candidates: DeclaredPort[];
  confidence: number;
  text: string;
}

function targetPortMismatch(index: RunIndex, svc: SvcObj, pods: PodObj[]): Finding | undefined {
  // The first selected pod's ports are always among the declared ones: when it declares every
  // target, no port has a problem, and the declared ports of all templates need not be collected.
  const first = pods[0];
  if (first && (svc.spec?.ports ?? []).every((port) => declaresTarget(first, port))) return undefined;
  const declared = declaredPorts(pods);
  const { endpoints, slices } = index.graph.endpointsOf(svc);
  const servesAddresses = hasReadyAddresses(endpoints, slices) ?? pods.some(isPodReady);
  const problems: PortProblem[] = [];
  (svc.spec?.ports ?? []).forEach((port, i) => {
    const problem = portProblem(port, i, declared, servesAddresses);
    if (problem) problems.push(problem);
  });
  if (!problems.length) return undefined;
  const confidence = Math.max(...problems.map((p) => p.confidence));
  const fixes = portFix(svc, problems);
  const declaredText = declared.length ? declared.map(formatDeclared).join(', ') : '<none>';
  return finding({
    mode: 'ServiceUnavailable', category: 'target-port-mismatch', subject: refOf(svc), culprit: refOf(svc),
    explanation: `Service ${svc.metadata.namespace ?? ''}/${svc.metadata.name}: ${problems.map((p) => p.text).join(' ')} The selected pods declare ${declaredText}.`,
    evidence: [
      ...problems.map((p) => specEvidence(svc, `spec.ports[${p.index}]`, `Port: ${p.port.name || '<unset>'} ${p.port.port}/${p.port.protocol ?? 'TCP'}; TargetPort: ${p.port.targetPort ?? p.port.port}/${p.port.protocol ?? 'TCP'}`)),
      ...containerPortEvidence(declared),
      ...endpointEvidence(endpoints, slices),
    ],
    confidence, severity: confidence >= 0.8 ? 'critical' : 'warning', fixes,
  });
}

/** Whether one of the pod's containers declares the port a Service port targets (by name, or by number), with its protocol. */
function declaresTarget(pod: PodObj, port: ServicePort): boolean {
  const target = port.targetPort ?? port.port;
  const protocol = port.protocol ?? 'TCP';
  const named = typeof target === 'string' && !/^\d+$/.test(target);
  const number = Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== protocol) continue;
      if (named ? p.name === target : p.containerPort === number) return true;
    }
  }
  return false;
}

function portProblem(port: ServicePort, i: number, declared: DeclaredPort[], servesAddresses: boolean): PortProblem | undefined {
  const target = port.targetPort ?? port.port;
  const protocol = port.protocol ?? 'TCP';
  const sameProtocol = declared.filter((d) => d.protocol === protocol);
  const distinct = distinctNumbers(sameProtocol);
  if (typeof target === 'string' && !/^\d+$/.test(target)) {
    if (declared.some((d) => d.name === target && d.protocol === protocol)) return undefined;
    return {
      port, index: i, candidates: sameProtocol, confidence: 0.9,
      text: `port ${port.port} targets the named port "${target}", which no selected container declares, so the endpoints controller cannot resolve it and lists no endpoint for it.`,
    };
  }
  const number = Number(target);
  if (sameProtocol.length === 0 || sameProtocol.some((d) => d.containerPort === number)) return undefined;
  const decisive = servesAddresses && distinct.length === 1;
  return {
    port, index: i, candidates: sameProtocol, confidence: decisive ? 0.85 : 0.55,
    text: decisive
      ? `port ${port.port} sends traffic to targetPort ${number}, but the pods' only declared port is ${distinct[0]}: the endpoints are ready, yet connections go to a port nothing declares.`
      : `port ${port.port} sends traffic to targetPort ${number}, which no selected container declares (containers may listen on undeclared ports, so this is a suspicion).`,
  };
}

/** The targetPort set to the pods' one candidate port, by its name when it has one. */
function portFix(svc: SvcObj, problems: PortProblem[]): ActionPlan[] {
  const original = svc.spec?.ports ?? [];
  const ports: ServicePort[] = original.map((p) => ({ ...p }));
  const changes: string[] = [];
  for (const problem of problems) {
    const numbers = distinctNumbers(problem.candidates);
    if (numbers.length !== 1) continue;
    const candidate = problem.candidates.find((c) => c.containerPort === numbers[0])!;
    const named = problem.candidates.filter((c) => c.containerPort === numbers[0] && c.name);
    const value: number | string = named.length === 1 ? named[0]!.name! : candidate.containerPort;
    ports[problem.index] = { ...ports[problem.index]!, targetPort: value };
    changes.push(`targetPort of port ${problem.port.port} to ${value} (was ${problem.port.targetPort ?? problem.port.port})`);
  }
  if (!changes.length) return [];
  return [patchObject(refOf(svc), { spec: { ports } }, { spec: { ports: original } },
    `set the ${changes.join(' and the ')} on service/${svc.metadata.name}`,
    'The Service targets a port its pods do not declare; the pods declare exactly one candidate.')];
}

function distinctNumbers(ports: DeclaredPort[]): number[] {
  return [...new Set(ports.map((p) => p.containerPort))];
}

/** True when the Endpoints or EndpointSlices list a ready address; undefined when the input holds neither. */
function hasReadyAddresses(endpoints: Obj<Endpoints> | undefined, slices: Obj<EndpointSlice>[]): boolean | undefined {
  if (!endpoints && !slices.length) return undefined;
  if ((endpoints?.subsets ?? []).some((s) => (s.addresses ?? []).length > 0)) return true;
  return slices.some((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready !== false));
}

// ---------------------------------------------------------------------------------------------
// Ingresses

function analyzeIngress(index: RunIndex, ing: IngressObj, byService: Map<string, Finding[]>): Finding[] {
  const out: Finding[] = [];
  const cls = missingClass(index, ing);
  if (cls) out.push(cls);
  const tls = missingTlsSecret(index, ing);
  if (tls) out.push(tls);
  const backends = index.graph.ingressBackends(ing);
  const missingService = missingBackendService(index, ing, backends);
  if (missingService) out.push(missingService);
  const missingPort = missingBackendPort(ing, backends);
  if (missingPort) out.push(missingPort);
  out.push(...brokenBackends(ing, backends, byService));
  return out;
}

function missingClass(index: RunIndex, ing: IngressObj): Finding | undefined {
  const name = ing.spec?.ingressClassName;
  const classes = index.classes();
  if (!name || !classes || classes.has(name)) return undefined;
  return finding({
    mode: 'ServiceUnavailable', category: 'missing-ingress-class', subject: refOf(ing), culprit: refOf(ing),
    explanation: `Ingress ${ing.metadata.namespace ?? ''}/${ing.metadata.name} asks for ingressClassName ${name}, but the cluster has no such IngressClass (it has ${[...classes].sort().join(', ')}), so no ingress controller serves it.`,
    evidence: [specEvidence(ing, 'spec.ingressClassName', `Ingress Class: ${name}`)],
    confidence: 0.9, severity: 'critical',
  });
}

function missingTlsSecret(index: RunIndex, ing: IngressObj): Finding | undefined {
  const namespace = ing.metadata.namespace ?? '';
  // Without any Secret of the namespace in the input, absence proves nothing.
  if (index.graph.ofKindIn('Secret', namespace).length === 0) return undefined;
  const missing = (ing.spec?.tls ?? []).filter((t) => t.secretName && !index.graph.get('Secret', namespace, t.secretName));
  if (!missing.length) return undefined;
  return finding({
    mode: 'ServiceUnavailable', category: 'missing-tls-secret', subject: refOf(ing), culprit: refOf(ing),
    explanation: `Ingress ${namespace}/${ing.metadata.name} terminates TLS with secret${missing.length > 1 ? 's' : ''} ${missing.map((t) => t.secretName).join(', ')}, which ${missing.length > 1 ? 'do' : 'does'} not exist in ${namespace}: the controller cannot serve its certificate for ${missing.flatMap((t) => t.hosts ?? []).join(', ') || 'these hosts'}.`,
    evidence: missing.map((t) => specEvidence(ing, 'spec.tls', `TLS: ${t.secretName} terminates ${(t.hosts ?? []).join(',')}`)),
    confidence: 0.85, severity: 'critical',
  });
}

function missingBackendService(index: RunIndex, ing: IngressObj, backends: Backend[]): Finding | undefined {
  const namespace = ing.metadata.namespace ?? '';
  if (index.graph.ofKindIn('Service', namespace).length === 0) return undefined;
  const missing = backends.filter((b) => !b.service);
  if (!missing.length) return undefined;
  const names = [...new Set(missing.map((b) => b.serviceName))];
  return finding({
    mode: 'ServiceUnavailable', category: 'missing-backend-service', subject: refOf(ing), culprit: refOf(ing),
    explanation: `Ingress ${namespace}/${ing.metadata.name} routes to service${names.length > 1 ? 's' : ''} ${names.join(', ')}, which ${names.length > 1 ? 'do' : 'does'} not exist in ${namespace}: those routes answer 503.`,
    evidence: missing.map((b) => specEvidence(ing, 'spec.rules', `${backendLine(b)} (<error: services "${b.serviceName}" not found>)`)),
    confidence: 0.9, severity: 'critical',
  });
}

function missingBackendPort(ing: IngressObj, backends: Backend[]): Finding | undefined {
  const missing = backends.filter((b) => b.service && !servicePortOf(b.service, b.port));
  if (!missing.length) return undefined;
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  for (const b of missing) {
    evidence.push(specEvidence(ing, 'spec.rules', backendLine(b)));
    if (seen.has(b.serviceName)) continue;
    seen.add(b.serviceName);
    const ports = (b.service!.spec?.ports ?? []).map((p) => `${p.name || '<unset>'} ${p.port}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>';
    evidence.push(specEvidence(b.service!, 'spec.ports', `Port: ${ports}`));
  }
  return finding({
    mode: 'ServiceUnavailable', category: 'missing-backend-port', subject: refOf(ing), culprit: refOf(ing),
    explanation: `Ingress ${ing.metadata.namespace ?? ''}/${ing.metadata.name} routes to ${missing.map((b) => `${b.serviceName}:${b.port.name ?? b.port.number}`).join(', ')}, a port the Service does not have: those routes answer 503.`,
    evidence, confidence: 0.9, severity: 'critical', fixes: backendPortFix(ing, missing),
  });
}

function servicePortOf(svc: SvcObj, port: Backend['port']): ServicePort | undefined {
  return (svc.spec?.ports ?? []).find((p) => (port.number !== undefined && p.port === port.number) || (port.name !== undefined && port.name !== '' && p.name === port.name));
}

/** Points each broken backend at its Service's only port, rewriting the rules (a merge patch replaces lists whole). */
function backendPortFix(ing: IngressObj, missing: Backend[]): ActionPlan[] {
  const target = new Map<string, number>();
  for (const b of missing) {
    const ports = b.service!.spec?.ports ?? [];
    if (ports.length === 1) target.set(b.serviceName, ports[0]!.port);
  }
  if (!target.size) return [];
  const spec = ing.spec ?? {};
  const fixBackend = <T extends { service?: { name: string; port?: { name?: string; number?: number } } }>(backend: T): T => {
    const svc = backend.service;
    const number = svc ? target.get(svc.name) : undefined;
    if (!svc || number === undefined || (svc.port?.number === number)) return backend;
    return { ...backend, service: { ...svc, port: { number } } };
  };
  const after: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  if (spec.defaultBackend) {
    const fixed = fixBackend(spec.defaultBackend);
    if (fixed !== spec.defaultBackend) {
      after['defaultBackend'] = { service: { name: fixed.service!.name, port: { number: fixed.service!.port!.number, name: null } } };
      before['defaultBackend'] = { service: spec.defaultBackend.service };
    }
  }
  if (spec.rules) {
    const rules = spec.rules.map((r) => (r.http ? { ...r, http: { ...r.http, paths: r.http.paths.map((p) => ({ ...p, backend: fixBackend(p.backend) })) } } : r));
    after['rules'] = rules;
    before['rules'] = spec.rules;
  }
  const changes = [...target].map(([name, port]) => `${name} to port ${port}`).join(', ');
  return [patchObject(refOf(ing), { spec: after }, { spec: before }, `point the backends of ingress/${ing.metadata.name} at ${changes}`,
    'The backend names a port the Service does not have; the Service has exactly one port.')];
}

/** Backends whose Service has a finding of its own: the ingress fails with it, linked through `related`. */
function brokenBackends(ing: IngressObj, backends: Backend[], byService: Map<string, Finding[]>): Finding[] {
  const byCategory = new Map<SvcCategory, { backends: Backend[]; findings: Finding[] }>();
  for (const b of backends) {
    if (!b.service) continue;
    for (const f of byService.get(keyOf(refOf(b.service))) ?? []) {
      const category = f.rootCause.category as SvcCategory;
      let entry = byCategory.get(category);
      if (!entry) byCategory.set(category, (entry = { backends: [], findings: [] }));
      if (!entry.backends.includes(b)) entry.backends.push(b);
      if (!entry.findings.includes(f)) entry.findings.push(f);
    }
  }
  return [...byCategory].map(([category, { backends: broken, findings }]) => {
    const services = findings.map((f) => f.subject);
    const related = dedupe([...services, ...findings.flatMap((f) => f.related ?? [])]);
    return finding({
      mode: 'ServiceUnavailable', category, subject: refOf(ing), culprit: findings[0]!.culprit, related,
      explanation: `Ingress ${ing.metadata.namespace ?? ''}/${ing.metadata.name} routes ${broken.map(backendLine).join('; ')} to ${services.map((s) => `service/${s.name}`).join(', ')}, which ${category === 'no-ready-endpoints' ? 'has no ready endpoints' : 'is broken'} (${category}): those routes answer 502/503 until the Service is fixed.`,
      evidence: [...broken.map((b) => specEvidence(ing, 'spec.rules', backendLine(b))), ...findings.flatMap((f) => f.evidence.slice(0, 1))],
      confidence: Math.round(Math.max(...findings.map((f) => f.confidence)) * 90) / 100,
      severity: findings.some((f) => f.severity === 'critical') ? 'critical' : 'warning',
    });
  });
}

/** A backend as kubectl describe ingress prints a rule: `shop.example.com /api  checkout:80`. */
function backendLine(b: Backend): string {
  const port = b.port.name ?? b.port.number ?? '';
  if (b.host === undefined) return `Default backend: ${b.serviceName}:${port}`;
  return `${b.host} ${b.path ?? '/'} ${b.serviceName}:${port}`;
}

// ---------------------------------------------------------------------------------------------
// Evidence

function selectorEvidence(svc: SvcObj): Evidence {
  return specEvidence(svc, 'spec.selector', `Selector: ${formatSelector(svc.spec?.selector)}`);
}

function labelsEvidence(w: LabelledWorkload): Evidence {
  const field = w.obj.kind === 'Pod' ? 'metadata.labels' : 'spec.template.metadata.labels';
  return specEvidence(w.obj, field, `${w.obj.kind === 'Pod' ? 'Labels' : 'Pod Template Labels'}: ${formatSelector(w.labels)}`);
}

/** The Endpoints as kubectl describe endpoints shows them, and EndpointSlices' endpoints with their readiness. */
function endpointEvidence(endpoints: Obj<Endpoints> | undefined, slices: Obj<EndpointSlice>[]): Evidence[] {
  const out: Evidence[] = [];
  if (endpoints) out.push(statusEvidence(endpoints, 'subsets', describeSubsets(endpoints.subsets ?? [])));
  for (const slice of slices.slice(0, 3)) {
    const eps = slice.endpoints ?? [];
    const text = eps.length
      ? eps.slice(0, 10).map((e) => `${e.addresses.join(', ')} (ready: ${e.conditions?.ready ?? '<unset>'})`).join('; ')
      : '<none>';
    out.push(statusEvidence(slice, 'endpoints', `Endpoints: ${text}`));
  }
  return out;
}

function describeSubsets(subsets: EndpointSubset[]): string {
  if (!subsets.length) return 'Subsets: <none>';
  return subsets.map((s) => {
    const ready = (s.addresses ?? []).map((a) => a.ip).join(',') || '<none>';
    const notReady = (s.notReadyAddresses ?? []).map((a) => a.ip).join(',') || '<none>';
    return `Addresses: ${ready}; NotReadyAddresses: ${notReady}`;
  }).join(' | ');
}

function containerPortEvidence(declared: DeclaredPort[]): Evidence[] {
  const byPod = new Map<PodObj, DeclaredPort[]>();
  for (const d of declared) push(byPod, d.pod, d);
  return [...byPod].slice(0, 3).map(([pod, ports]) => specEvidence(pod, 'spec.containers[].ports',
    `Ports: ${ports.map(formatDeclared).join(', ')}`));
}

function formatDeclared(d: DeclaredPort): string {
  return `${d.name ? `${d.name} ` : ''}${d.containerPort}/${d.protocol} (container ${d.container})`;
}

function serviceEvents(index: RunIndex, svc: SvcObj): Evidence[] {
  return index.graph.eventsFor(refOf(svc)).filter((e) => e.type === 'Warning').slice(-3).map(eventEvidence);
}

function kindName(obj: KubeObject): string {
  return `${obj.kind.toLowerCase()}/${obj.metadata.name}`;
}

function dedupe(refs: ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of refs) seen.set(keyOf(r), r);
  return [...seen.values()];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

