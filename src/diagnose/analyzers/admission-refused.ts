/**
 * AdmissionRefused: a controller (ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) cannot create its
 * pods because the API server's admission refuses them: a webhook it cannot call, a webhook that says
 * no, PodSecurity, a ServiceAccount that does not exist, a LimitRange. The pods never exist, so the
 * controller's newest `FailedCreate` event (only while the controller is still short of pods) is the
 * evidence, with what the graph knows about the refusing side. One finding per workload.
 *
 * A webhook that cannot be called names its Service as the culprit and as related, so that the
 * failure of the webhook's own pods (a crash loop, say) joins the incident and becomes its cause.
 */
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { CoreEvent, KubeObject, LimitRange, ObjectRef, ReplicaSet } from '../../cluster/objects.js';
import { keyOf, refOf } from '../../cluster/objects.js';
import { parseQuantity } from '../../cluster/quantity.js';
import { quoteUntrusted } from '../../cluster/redact.js';
import { finding, type Analyzer } from '../analyzer.js';
import { parseAdmissionRefusal, type AdmissionRefusal, type LimitViolation, type RefusalCategory } from '../admission-refusal.js';
import { controllerOf, failureIsCurrent, latestCreateFailures } from '../create-failures.js';
import { eventEvidence, eventsWithReason, specEvidence, statusEvidence } from '../evidence.js';
import type { Evidence, Finding, Severity } from '../finding.js';
import { rolloutUndo, scale } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { hasRunningReadyPod } from '../pod-state.js';
import { previousReplicaSet, replicaSetsOf, revisionOf, servedReplicas } from '../revisions.js';
import { declaredWebhook, describeEndpoints, webhookService, type DeclaredWebhook, type WebhookService } from '../webhook-backend.js';

/** Kinds whose controllers create pods (or Jobs) and report `FailedCreate` when they cannot. */
const CREATING_KINDS: ReadonlySet<string> = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);
/** The message is explicit about what refused the pod. */
const CONFIDENCE = 0.95;
/** Longest piece of untrusted text (a webhook's own message) woven into an explanation. */
const MAX_INLINE = 200;
const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

export const admissionRefusedAnalyzer: Analyzer = {
  mode: 'AdmissionRefused',
  description: 'Controllers whose pods admission refuses: an unreachable or denying webhook, PodSecurity, a missing ServiceAccount, a LimitRange',
  analyze(graph) {
    const byWorkload = new Map<string, Finding>();
    for (const { ev, found: refusal } of latestCreateFailures(graph, parseAdmissionRefusal)) {
      if (!CREATING_KINDS.has(ev.involvedObject.kind ?? '')) continue;
      const f = refusalFinding(graph, ev, refusal);
      if (f && !byWorkload.has(keyOf(f.subject))) byWorkload.set(keyOf(f.subject), f);
    }
    return [...byWorkload.values()];
  },
};

type RefusalOf<C extends RefusalCategory> = Extract<AdmissionRefusal, { category: C }>;

/** What a category adds to the event: its explanation, evidence, and where the cause lives. */
interface Detail {
  text: string;
  evidence: Evidence[];
  culprit?: ObjectRef;
  related?: ObjectRef[];
  /** Lower than {@link CONFIDENCE} when the graph shows the cause may be gone. */
  confidence?: number;
  fixes?: ActionPlan[];
}

/** The refused controller and what it tried to create. */
interface Refused {
  graph: ClusterGraph;
  ev: Obj<CoreEvent>;
  /** Absent when the input holds only the event. */
  controller?: KubeObject;
  subject: ObjectRef;
  namespace: string;
  template?: { owner: KubeObject; path: string; spec: PodSpec };
}

function refusalFinding(graph: ClusterGraph, ev: Obj<CoreEvent>, refusal: AdmissionRefusal): Finding | undefined {
  const controller = controllerOf(graph, ev);
  if (controller && !failureIsCurrent(graph, controller, ev)) return undefined;
  const io = ev.involvedObject;
  const namespace = io.namespace ?? ev.metadata.namespace ?? '';
  const subject = controller ? graph.workloadOf(controller) : { kind: io.kind!, name: io.name!, ...(namespace ? { namespace } : {}) };
  const template = controller ? templateOf(controller) : undefined;
  const refused: Refused = { graph, ev, subject, namespace, ...(controller ? { controller } : {}), ...(template ? { template } : {}) };
  const detail = detailOf(refused, refusal);
  const evidence = [eventEvidence(ev), ...shortfallEvidence(controller), ...detail.evidence];
  const unchecked = controller ? '' : ` (The input holds only the event, not ${io.kind} ${io.name}: whether it is still short of pods cannot be checked.)`;
  const created = refusal.object?.resource ?? (io.kind === 'CronJob' ? 'jobs' : 'pods');
  return finding({
    mode: 'AdmissionRefused', category: refusal.category, subject,
    explanation: `${who(refused)} cannot create its ${created}: ${detail.text}${unchecked}`,
    evidence, confidence: controller ? detail.confidence ?? CONFIDENCE : Math.min(detail.confidence ?? CONFIDENCE, 0.8),
    severity: severityOf(graph, subject), fixes: detail.fixes ?? [],
    ...(detail.culprit ? { culprit: detail.culprit } : {}), ...(detail.related ? { related: detail.related } : {}),
  });
}

function detailOf(r: Refused, refusal: AdmissionRefusal): Detail {
  switch (refusal.category) {
    case 'webhook-unavailable': return webhookUnavailable(r, refusal);
    case 'webhook-denied': return webhookDenied(r, refusal);
    case 'pod-security-violation': return podSecurity(r, refusal);
    case 'service-account-missing': return serviceAccount(r, refusal);
    case 'limit-range-violation': return limitRange(r, refusal);
  }
}

/** `deployment/web (its ReplicaSet web-5d8f7c9b7d)`, or the controller alone when it is the workload. */
function who(r: Refused): string {
  const subject = `${r.subject.kind.toLowerCase()}/${r.subject.name}`;
  const io = r.ev.involvedObject;
  return io.kind === r.subject.kind && io.name === r.subject.name ? subject : `${subject} (its ${io.kind} ${io.name})`;
}

function severityOf(graph: ClusterGraph, subject: ObjectRef): Severity {
  if (subject.kind === 'Job' || subject.kind === 'CronJob') return 'warning';
  return hasRunningReadyPod(graph, subject) ? 'warning' : 'critical';
}

/** Where a controller keeps the pod template it creates from. */
function templateOf(controller: KubeObject): Refused['template'] {
  const spec = controller.spec as { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } | undefined;
  if (controller.kind === 'CronJob') {
    const pod = spec?.jobTemplate?.spec?.template?.spec;
    return pod ? { owner: controller, path: 'spec.jobTemplate.spec.template.spec', spec: pod } : undefined;
  }
  return spec?.template?.spec ? { owner: controller, path: 'spec.template.spec', spec: spec.template.spec } : undefined;
}

/** How many pods the controller has of those it wants, as `kubectl describe` shows it. */
function shortfallEvidence(controller: KubeObject | undefined): Evidence[] {
  if (!controller) return [];
  const spec = controller.spec as { replicas?: number; parallelism?: number } | undefined;
  const status = controller.status as { replicas?: number; active?: number; desiredNumberScheduled?: number; currentNumberScheduled?: number } | undefined;
  switch (controller.kind) {
    case 'ReplicaSet': case 'StatefulSet': case 'ReplicationController':
      return [statusEvidence(controller, 'status.replicas', `Replicas: ${status?.replicas ?? 0} current / ${spec?.replicas ?? 1} desired`)];
    case 'DaemonSet':
      return [statusEvidence(controller, 'status', `Desired Number of Nodes Scheduled: ${status?.desiredNumberScheduled ?? 0}, Current Number of Nodes Scheduled: ${status?.currentNumberScheduled ?? 0}`)];
    case 'Job':
      return [statusEvidence(controller, 'status.active', `Parallelism: ${spec?.parallelism ?? 1}, Active: ${status?.active ?? 0}`)];
    default:
      return [];
  }
}

/** A part of the event's message, quoted on its own (the whole message may exceed a quote's length). */
function messagePart(ev: Obj<CoreEvent>, quote: string): Evidence {
  const io = ev.involvedObject;
  const namespace = io.namespace ?? ev.metadata.namespace;
  return { source: 'event', ref: { kind: io.kind ?? 'Unknown', name: io.name ?? '', ...(namespace ? { namespace } : {}) }, field: 'message', quote: quoteUntrusted(quote) };
}

// ---------------------------------------------------------------------------------------------------
// Webhooks

function webhookUnavailable(r: Refused, refusal: RefusalOf<'webhook-unavailable'>): Detail {
  const declared = declaredWebhook(r.graph, refusal.webhook);
  const backend = webhookService(r.graph, declared, refusal.error);
  const evidence: Evidence[] = [messagePart(r.ev, `failed calling webhook "${refusal.webhook}": ${refusal.error}`)];
  if (declared) evidence.push(webhookEvidence(declared, backend));
  evidence.push(...backendEvidence(backend));
  const recovered = backend?.endpoints && backend.endpoints.ready.length > 0;
  const idle = recovered ? [] : idleBackends(r.graph, backend);
  for (const w of idle) evidence.push(specEvidence(w.obj, 'spec.replicas', `replicas: 0`), ...(w.scaledDown ? [eventEvidence(w.scaledDown.ev)] : []));
  const text = `the API server could not call admission webhook "${refusal.webhook}"${configurationText(declared)}: ${callFailure(refusal.error, declared)}. `
    + 'A webhook with failurePolicy Fail that cannot be reached refuses every request it matches, these pods included. '
    + `${backendText(backend)}`
    + idle.map((w) => `${w.obj.kind.toLowerCase()}/${w.obj.metadata.name}, which runs the webhook's pods, is scaled to 0 replicas${w.scaledDown ? ` (it ran ${w.scaledDown.from})` : ''}. `).join('')
    + (recovered ? 'The Service has ready endpoints now: the webhook may have recovered since the event, and the controller\'s next retry may succeed. ' : '')
    + 'Bring the webhook\'s backend back (when its pods have their own finding, that is the root cause); '
    + 'setting failurePolicy: Ignore would let pods through unchecked, a security decision no fix makes for you.';
  const culprit = backend?.ref ?? (declared ? refOf(declared.configuration) : undefined);
  const fixes = idle.flatMap((w) => w.scaledDown ? [scale(refOf(w.obj), w.scaledDown.from, 0,
    `${w.obj.kind.toLowerCase()}/${w.obj.metadata.name} serves admission webhook "${refusal.webhook}" (failurePolicy Fail) and was scaled from ${w.scaledDown.from} to 0, so pods it must admit are refused`)] : []);
  return {
    text, evidence, fixes, ...(culprit ? { culprit } : {}),
    ...(backend ? { related: [backend.ref, ...backend.workloads.map((w) => refOf(w.obj))] } : {}),
    ...(recovered ? { confidence: 0.7 } : {}),
  };
}

/** The deployment controller's words when it scales a Deployment's ReplicaSet down (pkg/controller/deployment/sync.go). */
const SCALED_DOWN = /^Scaled down replica set \S+ from (\d+) to 0$/;

/**
 * The webhook's workloads that want no pods at all, with the scale-down that took them to zero when
 * an event of it says from how many (the count a scale back up restores).
 */
function idleBackends(graph: ClusterGraph, backend: WebhookService | undefined): { obj: KubeObject; scaledDown?: { ev: Obj<CoreEvent>; from: number } }[] {
  if (!backend || (backend.pods?.selected ?? 0) > 0) return [];
  return backend.workloads.filter((w) => w.replicas === 0).map(({ obj }) => {
    const ev = eventsWithReason(graph, refOf(obj), ['ScalingReplicaSet']).filter((e) => SCALED_DOWN.test(e.message ?? '')).at(-1);
    const from = ev ? Number(SCALED_DOWN.exec(ev.message!)![1]) : 0;
    return ev && from > 0 ? { obj, scaledDown: { ev, from } } : { obj };
  });
}

function webhookDenied(r: Refused, refusal: RefusalOf<'webhook-denied'>): Detail {
  const declared = declaredWebhook(r.graph, refusal.webhook);
  const evidence: Evidence[] = [messagePart(r.ev, refusal.reason)];
  if (declared) evidence.push(webhookEvidence(declared, webhookService(r.graph, declared, '')));
  const said = refusal.message ? `: "${quoteUntrusted(refusal.message, MAX_INLINE)}"` : ' without giving a reason';
  const text = `admission webhook "${refusal.webhook}"${configurationText(declared)} was called and denied them${said}. `
    + 'The webhook works; the pod template breaks a policy it enforces. Change the template to comply (the webhook\'s message says what it wants), '
    + 'or ask the policy\'s owners for an exception. No change is proposed: the policy, not this analysis, decides what complies.';
  return { text, evidence };
}

function configurationText(declared: DeclaredWebhook | undefined): string {
  return declared ? ` (${declared.configuration.kind} ${declared.configuration.metadata.name}, failurePolicy ${declared.failurePolicy})` : '';
}

function webhookEvidence(declared: DeclaredWebhook, backend: WebhookService | undefined): Evidence {
  const { webhook } = declared;
  const target = backend
    ? `service: ${backend.ref.namespace}/${backend.ref.name}${backend.port !== undefined ? `:${backend.port}` : ''}${backend.path ?? ''}`
    : webhook.clientConfig.url ? `url: ${webhook.clientConfig.url}` : 'no service or url';
  const timeout = webhook.timeoutSeconds !== undefined ? `, timeoutSeconds: ${webhook.timeoutSeconds}` : '';
  return specEvidence(declared.configuration, `webhooks[${webhook.name}]`, `webhook ${webhook.name}: failurePolicy: ${declared.failurePolicy}, ${target}${timeout}`);
}

function backendEvidence(backend: WebhookService | undefined): Evidence[] {
  if (!backend?.service) return [];
  const out: Evidence[] = [];
  if (backend.endpoints) out.push(statusEvidence(backend.endpoints.source, backend.endpoints.source.kind === 'Endpoints' ? 'subsets' : 'endpoints', describeEndpoints(backend.endpoints)));
  if (backend.pods) out.push(statusEvidence(backend.service, 'spec.selector', `selects ${backend.pods.selected} pod(s), ${backend.pods.ready} ready`));
  return out;
}

/** The call's failure in plain words, from the transport error the API server quotes. */
function callFailure(error: string, declared: DeclaredWebhook | undefined): string {
  if (/no endpoints available for service/.test(error)) return 'its Service has no endpoints';
  if (/connection refused/.test(error)) return 'the connection was refused: nothing answers behind the webhook\'s Service (typically it has no ready endpoints)';
  if (/context deadline exceeded|Client\.Timeout exceeded|i\/o timeout|deadline exceeded|timed out/.test(error)) {
    const seconds = declared?.webhook.timeoutSeconds;
    return `the call timed out${seconds !== undefined ? ` (timeoutSeconds: ${seconds})` : ''}: the webhook is too slow or unreachable`;
  }
  if (/x509:|tls:|certificate/.test(error)) return 'TLS failed: the API server does not trust the webhook\'s serving certificate (check the configuration\'s caBundle and the certificate\'s validity)';
  if (/no such host/.test(error)) return 'its Service\'s name does not resolve: the Service may not exist';
  if (/service "[^"]+" not found/.test(error)) return 'its Service does not exist';
  return `the call failed (${quoteUntrusted(error, MAX_INLINE)})`;
}

function backendText(backend: WebhookService | undefined): string {
  if (!backend) return '';
  const name = `Service ${backend.ref.namespace}/${backend.ref.name}`;
  if (!backend.service) return `${name} is not in the input. `;
  const endpoints = backend.endpoints
    ? `has ${backend.endpoints.ready.length} ready endpoint(s)${backend.endpoints.notReady.length ? ` and ${backend.endpoints.notReady.length} not ready` : ''}`
    : 'has no Endpoints or EndpointSlices in the input';
  const pods = backend.pods ? `; its selector matches ${backend.pods.selected} pod(s), ${backend.pods.ready} ready` : '';
  return `${name} ${endpoints}${pods}. `;
}

// ---------------------------------------------------------------------------------------------------
// PodSecurity

function podSecurity(r: Refused, refusal: RefusalOf<'pod-security-violation'>): Detail {
  const evidence: Evidence[] = [];
  const ns = r.graph.get('Namespace', undefined, r.namespace);
  const labels = ns?.metadata.labels ?? {};
  const enforce = labels[ENFORCE_LABEL];
  if (ns && enforce) {
    const version = labels[ENFORCE_VERSION_LABEL];
    evidence.push(specEvidence(ns, 'metadata.labels', `${ENFORCE_LABEL}=${enforce}${version ? `, ${ENFORCE_VERSION_LABEL}=${version}` : ''}`));
  }
  for (const c of refusal.checks) evidence.push(messagePart(r.ev, c.detail ? `${c.check} (${c.detail})` : c.check));
  evidence.push(...securityContextEvidence(r, refusal.checks.map((c) => c.detail ?? '').join(' ')));
  const where = ns && !enforce
    ? `namespace ${r.namespace} carries no ${ENFORCE_LABEL} label, so the cluster's default PodSecurity level "${refusal.level}" applies`
    : `namespace ${r.namespace} enforces the PodSecurity level "${refusal.level}" (version ${refusal.version})`;
  const asks = refusal.checks.map((c) => c.detail ?? c.check).join('; ');
  const text = `${where}, and the pod template breaks ${refusal.checks.length} of its check(s): ${quoteUntrusted(asks, 2 * MAX_INLINE)}. `
    + 'Set what the checks ask in the template\'s securityContext, or run the workload in a namespace whose level allows it. '
    + 'No patch is proposed: whether the image still works under these settings (as non-root, without those capabilities) only its owners know.';
  return { text, evidence };
}

/** The template's securityContext of each container a PodSecurity detail names, as it is now. */
function securityContextEvidence(r: Refused, details: string): Evidence[] {
  if (!r.template) return [];
  const named = new Set([...details.matchAll(/"([^"]+)"/g)].map((m) => m[1]!));
  const containers = [...(r.template.spec.initContainers ?? []), ...r.template.spec.containers].filter((c) => named.has(c.name));
  return containers.slice(0, 3).map((c) => specEvidence(r.template!.owner, `${r.template!.path}.containers[${c.name}].securityContext`,
    `securityContext: ${c.securityContext ? JSON.stringify(c.securityContext) : '<none>'}`));
}

// ---------------------------------------------------------------------------------------------------
// ServiceAccount

function serviceAccount(r: Refused, refusal: RefusalOf<'service-account-missing'>): Detail {
  const { graph } = r;
  const culprit: ObjectRef = { kind: 'ServiceAccount', namespace: refusal.namespace, name: refusal.name };
  const evidence: Evidence[] = [];
  if (r.template) {
    evidence.push(specEvidence(r.template.owner, `${r.template.path}.serviceAccountName`, `serviceAccountName: ${r.template.spec.serviceAccountName ?? r.template.spec.serviceAccount ?? '<default>'}`));
  }
  const accounts = graph.ofKindIn('ServiceAccount', refusal.namespace).map((sa) => sa.metadata.name);
  const existsNow = accounts.includes(refusal.name);
  const others = accounts.length ? ` Namespace ${refusal.namespace} has: ${accounts.slice(0, 10).join(', ')}.` : '';
  const text = existsNow
    ? `the ServiceAccount admission plugin could not find ServiceAccount ${refusal.namespace}/${refusal.name}, which its pods run as; the input holds it now, so it was created after the event and the controller's next retry should succeed.`
    : `its pods run as ServiceAccount ${refusal.name}, which does not exist in namespace ${refusal.namespace}, so the ServiceAccount admission plugin refuses every one of them.${others} `
      + 'Create the ServiceAccount (with the RBAC bindings the application needs) or correct the name in the template. '
      + 'No ServiceAccount is created automatically: what it may do is a permission decision.';
  const fixes = existsNow ? [] : rollbackFix(r, (previous) => {
    const name = previous.serviceAccountName ?? previous.serviceAccount ?? 'default';
    return name !== refusal.name && (accounts.length === 0 || accounts.includes(name));
  }, `the new revision's pods run as ServiceAccount ${refusal.name}, which does not exist; the previous revision's pods run as one that does`);
  return { text, evidence, culprit, fixes, ...(existsNow ? { confidence: 0.5 } : {}) };
}

// ---------------------------------------------------------------------------------------------------
// LimitRange

function limitRange(r: Refused, refusal: RefusalOf<'limit-range-violation'>): Detail {
  const ranges = r.graph.limitRangesIn(r.namespace);
  const evidence: Evidence[] = [];
  const offenders: string[] = [];
  for (const v of refusal.violations) {
    evidence.push(messagePart(r.ev, v.text));
    const range = rangeWithBound(ranges, v);
    if (range) evidence.push(specEvidence(range.obj, `spec.limits[type=${v.scope}].${boundField(v)}.${v.resource}`, `LimitRange ${range.obj.metadata.name}: ${v.scope} ${boundField(v)} ${v.resource}: ${range.value}`));
    for (const c of offendingContainers(r, v)) {
      evidence.push(specEvidence(r.template!.owner, `${r.template!.path}.containers[${c}].resources.${v.observed}s.${v.resource}`, `container ${c}: ${v.observed}s.${v.resource}: ${v.value ?? ''}`));
      offenders.push(c);
    }
  }
  const names = [...new Set(ranges.filter((lr) => refusal.violations.some((v) => rangeWithBound([lr], v))).map((lr) => lr.metadata.name))];
  const by = names.length ? `LimitRange ${names.join(', ')} in namespace ${r.namespace}` : `a LimitRange of namespace ${r.namespace}`;
  const where = offenders.length ? ` (container ${[...new Set(offenders)].join(', ')})` : '';
  const text = `${by} refuses them: ${refusal.violations.map(plainViolation).join('; ')}${where}. `
    + 'Bring the template\'s values within the range, or have the range changed. '
    + 'No value is changed automatically: whether the application fits in less (or needs more) is not known from the refusal.';
  const fixes = rollbackFix(r, (previous) => refusal.violations.every((v) => previousComplies(r, previous, v)),
    `the new revision's resources break ${by}; the previous revision's values for the same containers are within it`);
  return { text, evidence, fixes };
}

function boundField(v: LimitViolation): string {
  return v.bound === 'ratio' ? 'maxLimitRequestRatio' : v.bound === 'maximum' ? 'max' : 'min';
}

function rangeWithBound(ranges: Obj<LimitRange>[], v: LimitViolation): { obj: Obj<LimitRange>; value: string } | undefined {
  const want = parseQuantity(v.enforced);
  for (const obj of ranges) {
    for (const limit of obj.spec?.limits ?? []) {
      if (limit.type !== v.scope) continue;
      const bounds = v.bound === 'ratio' ? limit.maxLimitRequestRatio : v.bound === 'maximum' ? limit.max : limit.min;
      const value = bounds?.[v.resource];
      if (value !== undefined && parseQuantity(value) === want) return { obj, value };
    }
  }
  return undefined;
}

/** Containers of the refused template whose value is the one the violation quotes. */
function offendingContainers(r: Refused, v: LimitViolation): string[] {
  if (!r.template || v.scope !== 'Container' || (v.observed !== 'limit' && v.observed !== 'request') || v.value === undefined) return [];
  const want = parseQuantity(v.value);
  const field = v.observed === 'limit' ? 'limits' : 'requests';
  return [...(r.template.spec.initContainers ?? []), ...r.template.spec.containers]
    .filter((c) => parseQuantity(c.resources?.[field]?.[v.resource]) === want)
    .map((c) => c.name);
}

/** Whether the previous template's same containers keep within a bound the new template breaks. */
function previousComplies(r: Refused, previous: PodSpec, v: LimitViolation): boolean {
  const offenders = offendingContainers(r, v);
  if (!offenders.length || v.bound === 'ratio') return false;
  const bound = parseQuantity(v.enforced);
  const field = v.observed === 'limit' ? 'limits' : 'requests';
  return bound !== undefined && offenders.every((name) => {
    const before = parseQuantity([...(previous.initContainers ?? []), ...previous.containers].find((c) => c.name === name)?.resources?.[field]?.[v.resource]);
    return before !== undefined && (v.bound === 'maximum' ? before <= bound : before >= bound);
  });
}

function plainViolation(v: LimitViolation): string {
  const per = `per ${v.scope}`;
  if (v.bound === 'ratio') {
    return v.value ? `a ${v.resource} limit may be at most ${v.enforced} times its request ${per}, but it is ${Number(v.value)} times` : `a ${v.resource} limit-to-request ratio of at most ${v.enforced} ${per} needs both a request and a limit, and one is missing`;
  }
  const most = v.bound === 'maximum' ? 'at most' : 'at least';
  if (v.observed === 'missing') return `it requires a ${v.resource} ${v.bound === 'maximum' ? 'limit' : 'request'} of ${most} ${v.enforced} ${per}, and none is set`;
  return `it allows ${most} ${v.enforced} of ${v.resource} ${per}, and the ${v.observed} is ${v.value ?? '?'}`;
}

// ---------------------------------------------------------------------------------------------------
// Fixes

/**
 * `kubectl rollout undo` of the Deployment, only when the refused ReplicaSet is its newest revision,
 * the previous revision's pods served, and `complies` shows the previous template does not carry the
 * refused value: the refusal then names exactly what the rollback undoes.
 */
function rollbackFix(r: Refused, complies: (previous: PodSpec) => boolean, reason: string): ActionPlan[] {
  const rs = r.controller;
  if (rs?.kind !== 'ReplicaSet') return [];
  const deployment = r.graph.owner(rs);
  if (deployment?.kind !== 'Deployment') return [];
  const sets = replicaSetsOf(r.graph, deployment);
  if (sets[sets.length - 1] !== rs) return [];
  const previous = previousReplicaSet(sets, rs);
  const template = (previous as Obj<ReplicaSet> | undefined)?.spec?.template?.spec;
  if (!previous || !template || !servedReplicas(previous) || !complies(template)) return [];
  return [rolloutUndo(refOf(deployment), `${reason} (revision ${revisionOf(previous)}, ReplicaSet ${previous.metadata.name})`, revisionOf(previous))];
}
