/**
 * VolumePending: claims that do not bind, and pods whose volumes do not mount.
 *
 * A Pending claim is read the way the PV controller decides (pkg/controller/volume/persistentvolume):
 * pre-bound to a volume that does not satisfy it, no class and no static volume
 * (`no persistent volumes available for this claim and no storage class is set`), a class that
 * does not exist (`storageclass.storage.k8s.io "fast" not found`), a provisioner that fails
 * (`ProvisioningFailed`) or never answers (`ExternalProvisioning` for minutes). Waiting for the
 * first consumer is normal and never a finding by itself.
 *
 * Category choice for a class that names no StorageClass: when static volumes carry that class
 * name, the class is only a label for static binding and the mismatch with those volumes is the
 * cause (`no-matching-pv`); otherwise the missing class is (`no-storage-class`): no provisioner ran,
 * so `provisioning-failed` is kept for provisioners that ran and failed.
 *
 * Mount failures (kubelet `FailedMount`, attach-detach controller `FailedAttachVolume`) are
 * `mount-failed` on the pod, with the claim (or the missing Secret/ConfigMap behind a volume) as
 * culprit. A missing Secret or ConfigMap mounted as a volume is a mount failure; the same object
 * missing from an env reference is CreateContainerConfigError's.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { CoreEvent, ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import { parseQuantity, readableBytes } from '../../cluster/quantity.js';
import { selectorMatches } from '../../cluster/selectors.js';
import { secondsSince } from '../../cluster/time.js';
import { finding, type Analyzer } from '../analyzer.js';
import { eventEvidence, eventsWithReason, specEvidence, statusEvidence } from '../evidence.js';
import type { Category, Evidence, Finding, Severity } from '../finding.js';
import { apply } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { hasRunningReadyPod, isPodFinished, isPodReady } from '../pod-state.js';

type VolumeCategory = Category<'VolumePending'>;

/** A claim younger than this, with no warning, is still binding. */
const SETTLE_SECONDS = 60;
/** An external provisioner silent this long is not coming. */
const PROVISIONER_SILENT_SECONDS = 300;
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const MOUNT_REASONS = ['FailedMount', 'FailedAttachVolume', 'FailedMapVolume'];

export const volumePendingAnalyzer: Analyzer = {
  mode: 'VolumePending',
  description: 'PersistentVolumeClaims that do not bind (no class, missing class, no matching volume, failing provisioner) and pods whose volumes do not mount.',
  analyze(graph) {
    return [...claimFindings(graph), ...mountFindings(graph)];
  },
};

// ---------------------------------------------------------------------------------------------
// Pending claims

function claimFindings(graph: ClusterGraph): Finding[] {
  const pending = graph.ofKind<PersistentVolumeClaim>('PersistentVolumeClaim')
    .filter((c) => c.status?.phase === 'Pending' && !c.metadata.deletionTimestamp);
  if (pending.length === 0) return [];
  const consumers = consumersOf(graph);
  const out: Finding[] = [];
  for (const claim of pending) {
    const f = claimFinding(graph, claim, consumers.get(claimKey(claim.metadata.namespace, claim.metadata.name)) ?? []);
    if (f) out.push(f);
  }
  return out;
}

function claimKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Pods by the claims they mount: one pass over the pods. */
function consumersOf(graph: ClusterGraph): Map<string, Obj<Pod>[]> {
  const map = new Map<string, Obj<Pod>[]>();
  for (const pod of graph.pods()) {
    if (isPodFinished(pod)) continue;
    for (const vol of pod.spec?.volumes ?? []) {
      const name = vol.persistentVolumeClaim?.claimName ?? (vol.ephemeral ? `${pod.metadata.name}-${vol.name}` : undefined);
      if (!name) continue;
      const key = claimKey(pod.metadata.namespace, name);
      const list = map.get(key);
      if (list) list.push(pod);
      else map.set(key, [pod]);
    }
  }
  return map;
}

interface ClaimVerdict {
  category: VolumeCategory;
  explanation: string;
  evidence: Evidence[];
  confidence: number;
  fixes?: ActionPlan[];
}

function claimFinding(graph: ClusterGraph, claim: Obj<PersistentVolumeClaim>, users: Obj<Pod>[]): Finding | undefined {
  const events = graph.eventsFor(refOf(claim));
  const age = secondsSince(claim.metadata.creationTimestamp, graph.now);
  if (age !== undefined && age < SETTLE_SECONDS && !events.some((e) => e.type === 'Warning')) return undefined;
  const verdict = classify(graph, claim, events, age);
  if (!verdict) return undefined;
  const waiting = users.filter((p) => p.status?.phase !== 'Running');
  const severity: Severity = waiting.length > 0 && waiting.length === users.length ? 'critical' : 'warning';
  const evidence = [statusEvidence(claim, 'status.phase', 'Status: Pending'), ...verdict.evidence].slice(0, 8);
  const usedBy = users.length ? ` Used by ${users.length} pod(s): ${users.slice(0, 3).map((p) => p.metadata.name).join(', ')}${users.length > 3 ? ', ...' : ''}.` : ' No pod uses it yet.';
  return finding({
    mode: 'VolumePending', category: verdict.category, subject: refOf(claim),
    explanation: `PersistentVolumeClaim ${claim.metadata.name} is Pending${age !== undefined ? ` after ${formatAge(age)}` : ''}. ${verdict.explanation}${usedBy}`,
    evidence, confidence: verdict.confidence, severity, fixes: verdict.fixes ?? [],
    ...(users.length ? { related: users.slice(0, 50).map(refOf) } : {}),
  });
}

function classify(graph: ClusterGraph, claim: Obj<PersistentVolumeClaim>, events: Obj<CoreEvent>[], age: number | undefined): ClaimVerdict | undefined {
  if (claim.spec?.volumeName) return preBound(graph, claim, events);
  const className = claim.spec?.storageClassName;
  const cls = className === '' ? undefined : className ? graph.get<StorageClass>('StorageClass', undefined, className) : graph.defaultStorageClass();
  if (cls?.volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata.annotations?.[SELECTED_NODE]) {
    // Binding waits for a pod to be scheduled: normal. If its pods cannot be scheduled, the Pending analyzer says why.
    return undefined;
  }
  // Without StorageClasses in the input, a named class may well exist: unless static volumes carry
  // that name, only the events can tell.
  if (!cls && className && graph.ofKind('StorageClass').length === 0
    && !graph.ofKind<PersistentVolume>('PersistentVolume').some((pv) => pv.spec?.storageClassName === className)) return fromEvents(events, age);
  if (!cls) return withoutClass(graph, claim, className, events);
  return provisioning(graph, claim, cls, events, age);
}

/** What the PV controller's events alone say, when the input lacks the objects to check them. */
function fromEvents(events: Obj<CoreEvent>[], age: number | undefined): ClaimVerdict | undefined {
  const failed = latest(events, ['ProvisioningFailed']);
  if (failed && /storageclass\.storage\.k8s\.io "[^"]+" not found/.test(failed.message ?? '')) {
    return { category: 'no-storage-class', confidence: 0.9, evidence: [eventEvidence(failed)], explanation: `Its StorageClass does not exist: ${failed.message}.` };
  }
  if (failed) return { category: 'provisioning-failed', confidence: 0.85, evidence: [eventEvidence(failed)], explanation: `Provisioning fails: ${failed.message ?? ''}` };
  const waiting = latest(events, ['ExternalProvisioning']);
  if (waiting && age !== undefined && age >= PROVISIONER_SILENT_SECONDS) {
    return { category: 'provisioning-failed', confidence: 0.6, evidence: [eventEvidence(waiting)], explanation: `For ${formatAge(age)} it has waited on an external provisioner that neither creates a volume nor reports an error.` };
  }
  return undefined;
}

/** No usable class: static volumes with the claim's class name, or none at all. */
function withoutClass(graph: ClusterGraph, claim: Obj<PersistentVolumeClaim>, className: string | undefined, events: Obj<CoreEvent>[]): ClaimVerdict {
  const wanted = className ?? '';
  const candidates = graph.ofKind<PersistentVolume>('PersistentVolume').filter((pv) => (pv.spec?.storageClassName ?? '') === wanted);
  const said = latest(events, ['FailedBinding', 'ProvisioningFailed', 'VolumeMismatch']);
  if (candidates.length > 0) return noMatchingVolume(claim, candidates, said);
  const evidence: Evidence[] = [specEvidence(claim, 'spec.storageClassName', `storageClassName: ${className === undefined ? '<unset>' : `"${className}"`}`)];
  if (said) evidence.push(eventEvidence(said));
  const classes = graph.ofKind<StorageClass>('StorageClass');
  const known = classes.length ? ` StorageClasses in the input: ${classes.map((c) => c.metadata.name).join(', ')}.` : ' The input holds no StorageClass.';
  const explanation = className
    ? `It names StorageClass "${className}", which does not exist, and no PersistentVolume carries that class: nothing can provision or bind it.${known}`
    : className === ''
      ? `It sets storageClassName: "" (static binding only), and no PersistentVolume without a class exists to bind it.${known}`
      : `It sets no storage class, the cluster has no default class, and no PersistentVolume without a class exists to bind it.${known}`;
  const fixes = classFix(graph, claim, classes);
  // Without volumes in the input, "no volume to bind" is an inference unless the controller said so.
  const confidence = said ? 0.95 : graph.ofKind('PersistentVolume').length > 0 ? 0.8 : 0.6;
  return { category: 'no-storage-class', explanation, evidence, confidence, fixes };
}

/**
 * The one class a person would mean: the default class, else the only class there is. A Pending
 * claim holds no data, and its spec is immutable, so the fix recreates it with the class set.
 */
function classFix(graph: ClusterGraph, claim: Obj<PersistentVolumeClaim>, classes: Obj<StorageClass>[]): ActionPlan[] {
  const target = graph.defaultStorageClass() ?? (classes.length === 1 ? classes[0] : undefined);
  if (!target || claim.spec?.storageClassName === target.metadata.name) return [];
  const spec: Record<string, unknown> = { ...claim.spec, storageClassName: target.metadata.name };
  delete spec['volumeName'];
  const manifest = {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: claim.metadata.name, ...(claim.metadata.namespace ? { namespace: claim.metadata.namespace } : {}), ...(claim.metadata.labels ? { labels: claim.metadata.labels } : {}) },
    spec,
  };
  const why = graph.defaultStorageClass() === target ? 'the default class' : 'the only class in the cluster';
  return [apply(manifest, `recreate PersistentVolumeClaim ${claim.metadata.name} with storageClassName ${target.metadata.name}`,
    `its class cannot provision; ${target.metadata.name} is ${why}. A claim's spec is immutable: delete the Pending claim (it holds no data) and apply this one`)];
}

/** A claim pre-bound by spec.volumeName: that volume must exist and satisfy it. */
function preBound(graph: ClusterGraph, claim: Obj<PersistentVolumeClaim>, events: Obj<CoreEvent>[]): ClaimVerdict | undefined {
  const name = claim.spec!.volumeName!;
  const pv = graph.get<PersistentVolume>('PersistentVolume', undefined, name);
  const said = latest(events, ['VolumeMismatch', 'FailedBinding']);
  const evidence: Evidence[] = [specEvidence(claim, 'spec.volumeName', `volumeName: ${name}`)];
  if (said) evidence.push(eventEvidence(said));
  if (!pv) {
    if (graph.ofKind('PersistentVolume').length === 0 && !said) return undefined;
    return { category: 'no-matching-pv', explanation: `It is pre-bound (spec.volumeName) to PersistentVolume ${name}, which does not exist.`, evidence, confidence: 0.85 };
  }
  const mismatches = volumeMismatches(claim, pv);
  if (mismatches.length === 0) return undefined;
  evidence.push(...volumeEvidence(pv));
  return { category: 'no-matching-pv', explanation: `It is pre-bound to PersistentVolume ${name}, which cannot satisfy it: ${mismatches.join('; ')}.`, evidence, confidence: said ? 0.95 : 0.85 };
}

function noMatchingVolume(claim: Obj<PersistentVolumeClaim>, candidates: Obj<PersistentVolume>[], said: Obj<CoreEvent> | undefined): ClaimVerdict {
  const ranked = candidates.map((pv) => ({ pv, mismatches: volumeMismatches(claim, pv) })).sort((a, b) => a.mismatches.length - b.mismatches.length);
  const closest = ranked[0]!;
  const evidence: Evidence[] = [];
  const request = claim.spec?.resources?.requests?.['storage'];
  evidence.push(specEvidence(claim, 'spec', `requests.storage: ${request ?? '<none>'}, accessModes: [${(claim.spec?.accessModes ?? []).join(', ')}], storageClassName: "${claim.spec?.storageClassName ?? ''}"`));
  if (said) evidence.push(eventEvidence(said));
  evidence.push(...volumeEvidence(closest.pv));
  const why = closest.mismatches.length ? closest.mismatches.join('; ') : 'it looks compatible, yet the controller has not bound it';
  const explanation = `${candidates.length} PersistentVolume(s) of class "${claim.spec?.storageClassName ?? ''}" exist, none can bind it. The closest, ${closest.pv.metadata.name}: ${why}.`;
  return { category: 'no-matching-pv', explanation, evidence, confidence: closest.mismatches.length ? (said ? 0.9 : 0.8) : 0.5 };
}

/** Why a volume cannot bind a claim, in the PV controller's terms (checkVolumeSatisfyClaim and the binder's filters). */
function volumeMismatches(claim: Obj<PersistentVolumeClaim>, pv: Obj<PersistentVolume>): string[] {
  const out: string[] = [];
  const ref = pv.spec?.claimRef;
  if (ref && (ref.name !== claim.metadata.name || (ref.namespace ?? '') !== (claim.metadata.namespace ?? ''))) {
    out.push(`bound to claim ${ref.namespace ?? ''}/${ref.name}`);
  } else if (pv.status?.phase && pv.status.phase !== 'Available' && !ref) {
    out.push(`phase ${pv.status.phase}`);
  }
  const pvClass = pv.spec?.storageClassName ?? '';
  const claimClass = claim.spec?.storageClassName ?? '';
  if (pvClass !== claimClass) out.push(`storageClassName "${pvClass}" is not "${claimClass}"`);
  const wanted = parseQuantity(claim.spec?.resources?.requests?.['storage']);
  const has = parseQuantity(pv.spec?.capacity?.['storage']);
  if (wanted !== undefined && has !== undefined && has < wanted) out.push(`capacity ${readableBytes(has)} is less than the requested ${readableBytes(wanted)}`);
  const modes = pv.spec?.accessModes ?? [];
  const missing = (claim.spec?.accessModes ?? []).filter((m) => !modes.includes(m));
  if (missing.length) out.push(`accessModes [${modes.join(', ')}] lack ${missing.join(', ')}`);
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) out.push(`volumeMode ${pv.spec?.volumeMode ?? 'Filesystem'} is not ${claim.spec?.volumeMode ?? 'Filesystem'}`);
  const selector = claim.spec?.selector;
  if (selector && (selector.matchLabels || selector.matchExpressions) && !selectorMatches(selector, pv.metadata.labels)) out.push('its labels do not match the claim\'s selector');
  return out;
}

function volumeEvidence(pv: Obj<PersistentVolume>): Evidence[] {
  const quote = `capacity: ${pv.spec?.capacity?.['storage'] ?? '?'}, accessModes: [${(pv.spec?.accessModes ?? []).join(', ')}], storageClassName: "${pv.spec?.storageClassName ?? ''}", status: ${pv.status?.phase ?? '?'}`;
  return [specEvidence(pv, 'spec', quote)];
}

/** A class exists: provisioning failed, a static-only class has no fitting volume, or nothing answers. */
function provisioning(graph: ClusterGraph, claim: Obj<PersistentVolumeClaim>, cls: Obj<StorageClass>, events: Obj<CoreEvent>[], age: number | undefined): ClaimVerdict | undefined {
  const failed = latest(events, ['ProvisioningFailed']);
  const classEvidence = specEvidence(cls, 'provisioner', `provisioner: ${cls.provisioner}, volumeBindingMode: ${cls.volumeBindingMode ?? 'Immediate'}`);
  if (failed) {
    return {
      category: 'provisioning-failed', confidence: 0.95, evidence: [eventEvidence(failed), classEvidence],
      explanation: `Provisioner ${cls.provisioner} (StorageClass ${cls.metadata.name}) fails to create its volume: ${failed.message ?? ''}`,
    };
  }
  if (cls.provisioner === NO_PROVISIONER) {
    const candidates = graph.ofKind<PersistentVolume>('PersistentVolume').filter((pv) => pv.spec?.storageClassName === cls.metadata.name);
    if (candidates.length) return noMatchingVolume(claim, candidates, latest(events, ['FailedBinding', 'ProvisioningFailed']));
    return { category: 'no-matching-pv', confidence: 0.85, evidence: [classEvidence], explanation: `StorageClass ${cls.metadata.name} provisions nothing (${NO_PROVISIONER}) and no PersistentVolume of that class exists.` };
  }
  const waiting = latest(events, ['ExternalProvisioning']);
  if (waiting && age !== undefined && age >= PROVISIONER_SILENT_SECONDS) {
    return {
      category: 'provisioning-failed', confidence: 0.7, evidence: [eventEvidence(waiting), classEvidence],
      explanation: `For ${formatAge(age)} the claim has waited on external provisioner ${cls.provisioner} without a volume or an error: the provisioner (its CSI controller) is likely not running or not registered.`,
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Mount failures

/** Pods that mount or attach events are about, in the order of their first such event; each with its own events. */
function mountFindings(graph: ClusterGraph): Finding[] {
  const pods = new Set<Obj<Pod>>();
  for (const ev of graph.eventsByReason(MOUNT_REASONS)) {
    const io = ev.involvedObject;
    const pod = io.kind === 'Pod' && io.name ? graph.get<Pod>('Pod', io.namespace ?? ev.metadata.namespace, io.name) : undefined;
    if (pod) pods.add(pod);
  }
  return [...pods]
    .filter((pod) => !pod.metadata.deletionTimestamp && !isPodFinished(pod) && !(pod.status?.phase === 'Running' && isPodReady(pod)))
    // Events about an earlier pod of the same name (another uid) are left out by eventsFor.
    .flatMap((pod) => mountFinding(graph, pod, eventsWithReason(graph, refOf(pod), MOUNT_REASONS)) ?? []);
}

interface MountCause {
  culprit: ObjectRef;
  explanation: string;
  confidence: number;
  event: Obj<CoreEvent>;
}

function mountFinding(graph: ClusterGraph, pod: Obj<Pod>, events: Obj<CoreEvent>[]): Finding | undefined {
  const newestFirst = [...events].reverse();
  const cause = firstCause(newestFirst, (ev) => multiAttach(graph, pod, ev))
    ?? firstCause(newestFirst, (ev) => missingSource(graph, pod, ev))
    ?? firstCause(newestFirst, (ev) => volumeOperation(graph, pod, ev))
    ?? firstCause(newestFirst, (ev) => timedOut(graph, pod, ev));
  if (!cause) return undefined;
  const evidence: Evidence[] = [eventEvidence(cause.event)];
  const other = newestFirst.find((e) => e !== cause.event);
  if (other) evidence.push(eventEvidence(other));
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
  if (waiting?.reason) evidence.push(statusEvidence(pod, 'status.containerStatuses', `State: Waiting, Reason: ${waiting.reason}`));
  const runs = hasRunningReadyPod(graph, graph.workloadOf(pod));
  return finding({
    mode: 'VolumePending', category: 'mount-failed', subject: refOf(pod),
    explanation: `Pod ${pod.metadata.name} cannot start: ${cause.explanation}`,
    evidence, confidence: cause.confidence, severity: runs ? 'warning' : 'critical', culprit: cause.culprit,
  });
}

function firstCause(events: Obj<CoreEvent>[], read: (ev: Obj<CoreEvent>) => MountCause | undefined): MountCause | undefined {
  for (const ev of events) {
    const cause = read(ev);
    if (cause) return cause;
  }
  return undefined;
}

/** `Multi-Attach error for volume "pvc-..." Volume is already exclusively attached to one node ...` */
function multiAttach(graph: ClusterGraph, pod: Obj<Pod>, ev: Obj<CoreEvent>): MountCause | undefined {
  const m = /Multi-Attach error for volume "([^"]+)"/.exec(ev.message ?? '');
  if (!m) return undefined;
  const volume = m[1]!;
  const claim = claimForVolume(graph, pod, volume);
  const culprit = claim ? refOf(claim) : graph.workloadOf(pod);
  const holders = claim ? graph.podsIn(pod.metadata.namespace ?? '').filter((p) => p !== pod && p.spec?.nodeName && p.spec.nodeName !== pod.spec?.nodeName
    && !isPodFinished(p) && (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name)) : [];
  const held = holders.length
    ? ` Pod(s) using the same claim on other nodes: ${holders.slice(0, 3).map((p) => `${p.metadata.name} on ${p.spec!.nodeName}${p.metadata.deletionTimestamp ? ' (Terminating)' : ''}`).join(', ')}.`
    : '';
  const modes = claim?.spec?.accessModes?.join(', ');
  // A rolling update that keeps the old pod until the new one is ready never frees the volume.
  const owner = graph.resolve<{ spec?: { strategy?: { type?: string } } }>(graph.workloadOf(pod));
  const deadlock = holders.some((p) => !p.metadata.deletionTimestamp) && owner?.kind === 'Deployment' && owner.spec?.strategy?.type !== 'Recreate'
    ? ' Here the old pod is still running and the rolling update waits for the new one to be ready first: it never will. A Deployment with a ReadWriteOnce volume needs strategy Recreate (or a StatefulSet).'
    : '';
  return {
    culprit, event: ev, confidence: 0.9,
    explanation: `volume ${volume}${claim ? ` (claim ${claim.metadata.name}${modes ? `, ${modes}` : ''})` : ''} is still attached to another node, and a ReadWriteOnce volume attaches to one node at a time.${held} The attach proceeds once the other pod is gone and the volume detaches (for a node that is down, after the attach-detach controller's 6-minute timeout).${deadlock}`,
  };
}

/** `MountVolume.SetUp failed for volume "config" : configmap "app-config" not found` */
function missingSource(graph: ClusterGraph, pod: Obj<Pod>, ev: Obj<CoreEvent>): MountCause | undefined {
  const m = /failed for volume "([^"]+)" : (configmap|secret) "([^"]+)" not found/i.exec(ev.message ?? '');
  if (!m) return undefined;
  const [, volume, kindText, name] = m;
  const kind = kindText!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
  const ns = pod.metadata.namespace;
  const culprit: ObjectRef = { kind, name: name!, ...(ns ? { namespace: ns } : {}) };
  const exists = graph.get(kind, ns, name!) !== undefined;
  const now = exists ? ` ${kind} ${name} exists in the input now: the kubelet retries the mount about every two minutes.` : ` Create it in namespace ${ns ?? ''}, fix the name in the volume, or mark the volume optional.`;
  return { culprit, event: ev, confidence: exists ? 0.6 : 0.95, explanation: `volume "${volume}" mounts ${kind} ${name}, which does not exist.${now}` };
}

/** `MountVolume.MountDevice failed for volume "pvc-..." : rpc error: ...`, `AttachVolume.Attach failed ...` */
function volumeOperation(graph: ClusterGraph, pod: Obj<Pod>, ev: Obj<CoreEvent>): MountCause | undefined {
  const m = /((?:MountVolume|MapVolume|AttachVolume|UnmapVolume)\.[A-Za-z]+) failed for volume "([^"]+)"\s*:?\s*([\s\S]*)$/.exec(ev.message ?? '');
  if (!m) return undefined;
  const [, operation, volume, error] = m;
  const culprit = culpritOfVolume(graph, pod, volume!);
  return { culprit, event: ev, confidence: 0.85, explanation: `${operation} fails for volume ${volume}: ${error!.trim()}` };
}

/** `Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[...]: timed out waiting for the condition` */
function timedOut(graph: ClusterGraph, pod: Obj<Pod>, ev: Obj<CoreEvent>): MountCause | undefined {
  const m = /unmounted volumes=\[([^\]]*)\]/.exec(ev.message ?? '');
  if (!m) return undefined;
  const volumes = m[1]!.split(/[\s,]+/).filter(Boolean);
  const first = volumes.find((v) => !v.startsWith('kube-api-access-')) ?? volumes[0];
  if (!first) return undefined;
  const culprit = culpritOfVolume(graph, pod, first);
  const missing = (culprit.kind === 'Secret' || culprit.kind === 'ConfigMap') && graph.get(culprit.kind, culprit.namespace, culprit.name) === undefined
    && graph.ofKind(culprit.kind).length > 0;
  const detail = missing ? ` It mounts ${culprit.kind} ${culprit.name}, which is not in the input.` : '';
  return {
    culprit, event: ev, confidence: missing ? 0.75 : 0.6,
    explanation: `volume(s) ${volumes.join(', ')} did not mount in time.${detail} The kubelet's more specific FailedMount event, when present, names the error.`,
  };
}

/** The object behind a pod volume (by its name in the pod, or by the PV name the kubelet prints). */
function culpritOfVolume(graph: ClusterGraph, pod: Obj<Pod>, volume: string): ObjectRef {
  const ns = pod.metadata.namespace;
  const withNs = (kind: string, name: string): ObjectRef => ({ kind, name, ...(ns ? { namespace: ns } : {}) });
  const vol = pod.spec?.volumes?.find((v) => v.name === volume);
  if (vol?.persistentVolumeClaim) return withNs('PersistentVolumeClaim', vol.persistentVolumeClaim.claimName);
  if (vol?.ephemeral) return withNs('PersistentVolumeClaim', `${pod.metadata.name}-${vol.name}`);
  if (vol?.secret?.secretName) return withNs('Secret', vol.secret.secretName);
  if (vol?.configMap?.name) return withNs('ConfigMap', vol.configMap.name);
  const claim = claimForVolume(graph, pod, volume);
  return claim ? refOf(claim) : graph.workloadOf(pod);
}

function claimForVolume(graph: ClusterGraph, pod: Obj<Pod>, volume: string): Obj<PersistentVolumeClaim> | undefined {
  for (const { claimName, claim } of graph.claimsOf(pod)) {
    if (claim && (claim.spec?.volumeName === volume || claimName === volume)) return claim;
  }
  const byVolumeName = pod.spec?.volumes?.find((v) => v.name === volume)?.persistentVolumeClaim?.claimName;
  return byVolumeName ? graph.get<PersistentVolumeClaim>('PersistentVolumeClaim', pod.metadata.namespace, byVolumeName) : undefined;
}

// ---------------------------------------------------------------------------------------------

function latest(events: Obj<CoreEvent>[], reasons: string[]): Obj<CoreEvent> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i]!;
    if (ev.reason && reasons.includes(ev.reason)) return ev;
  }
  return undefined;
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}
