/**
 * One pass of the deployment controller over one Deployment (syncDeployment and the rolling,
 * recreate and scaling paths it takes). Every write goes through the store; the pass keeps its
 * view of the Deployment and its ReplicaSets current as it writes.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { fromSelectorObject, matchesLabels, type LabelSelectorObject } from '../store/label-selector.js';
import type { ObjectStore } from '../store/object-store.js';
import { type EventRecorder, objectReference } from '../events/event-recorder.js';
import {
  R, type Obj, canonicalJson, conditionOf, controllerRef, isAlreadyExists, isNotFound, isTerminal, mutable, num,
  ownerRefTo, rec, specOf, statusOf,
} from './kube.js';
import {
  maxSurge, maxUnavailable, newReplicaSetReplicas, replicasOf, roundHalfAway, specReplicas, statusSum,
} from './deployment-math.js';
import {
  REASON, applyProgress, applyReplicaFailure, calculateStatus, isComplete, msUntilDeadline, newCondition, setCondition,
} from './deployment-status.js';
import { computeHash } from './pod-template-hash.js';

const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
/** Deployment annotations never copied to its ReplicaSets (annotationsToSkip). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED, MAX,
  'deprecated.deployment.rollback.to',
]);

function revisionOf(rs: KubeObject): number {
  const v = Number(rs.metadata.annotations?.[REVISION] ?? '0');
  return Number.isFinite(v) ? v : 0;
}

function created(o: KubeObject): number {
  return Date.parse(o.metadata.creationTimestamp ?? '') || 0;
}

/** ReplicaSetsByCreationTimestamp (name breaks ties). */
function byCreation(a: KubeObject, b: KubeObject): number {
  return created(a) - created(b) || a.metadata.name.localeCompare(b.metadata.name);
}

/** The template without the pod-template-hash label, for EqualIgnoreHash. */
function templateIgnoringHash(template: unknown): string {
  const t = structuredClone(rec(template) ?? {});
  const labels = rec(rec(t['metadata'])?.['labels']);
  if (labels) {
    delete labels[HASH_LABEL];
    if (Object.keys(labels).length === 0) delete rec(t['metadata'])!['labels'];
  }
  return canonicalJson(t);
}

/** One reconcile pass. `run()` returns when to look again (ms), if a deadline or timer calls for it. */
export class DeploymentSync {
  private sets: KubeObject[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
    private readonly recorder: EventRecorder,
    private d: KubeObject,
  ) {}

  run(): number | undefined {
    this.sets = this.claimReplicaSets();
    if (this.d.metadata.deletionTimestamp) {
      this.syncStatusOnly();
      return undefined;
    }
    this.checkPausedConditions();
    if (specOf(this.d)['paused'] === true) {
      this.syncScaling();
      return undefined;
    }
    if (this.isScalingEvent()) {
      this.syncScaling();
      return undefined;
    }
    const strategy = rec(specOf(this.d)['strategy'])?.['type'];
    return strategy === 'Recreate' ? this.rolloutRecreate() : this.rolloutRolling();
  }

  // ---- ReplicaSets ----

  private claimReplicaSets(): KubeObject[] {
    const sel = rec(specOf(this.d)['selector']);
    const selector = sel ? fromSelectorObject(sel as LabelSelectorObject) : [];
    const owned: KubeObject[] = [];
    for (const rs of this.store.list(R.replicasets, { namespace: this.d.metadata.namespace }).items) {
      const owner = controllerRef(rs);
      if (owner) {
        if (owner.uid === this.d.metadata.uid) owned.push(rs);
        continue;
      }
      if (selector.length === 0 || this.d.metadata.deletionTimestamp || !matchesLabels(selector, rs.metadata.labels ?? {})) continue;
      const next = mutable(rs);
      const meta = next['metadata'] as Obj;
      meta['ownerReferences'] = [...((meta['ownerReferences'] as Obj[] | undefined) ?? []), ownerRefTo(this.d)];
      owned.push(this.store.update(R.replicasets, next, { namespace: rs.metadata.namespace, name: rs.metadata.name }));
    }
    return owned;
  }

  private findNewReplicaSet(): KubeObject | undefined {
    const want = templateIgnoringHash(specOf(this.d)['template']);
    return [...this.sets].sort(byCreation).find((rs) => templateIgnoringHash(specOf(rs)['template']) === want);
  }

  private oldSets(newRS: KubeObject | undefined): KubeObject[] {
    return this.sets.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  }

  private replace(rs: KubeObject): KubeObject {
    this.sets = [...this.sets.filter((s) => s.metadata.uid !== rs.metadata.uid), rs];
    return rs;
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked) with its revision synced. */
  private newReplicaSet(create: boolean): KubeObject | undefined {
    const existing = this.findNewReplicaSet();
    const maxOld = Math.max(0, ...this.oldSets(existing).map(revisionOf));
    const revision = String(maxOld + 1);
    if (existing) return this.syncExistingRevision(existing, revision);
    if (!create) return undefined;
    return this.createNewReplicaSet(revision);
  }

  private syncExistingRevision(rs: KubeObject, revision: string): KubeObject {
    let current = rs;
    const next = mutable(rs);
    const minReady = num(specOf(this.d)['minReadySeconds']);
    const minReadyChanged = num(specOf(rs)['minReadySeconds']) !== minReady;
    if (minReadyChanged) (next['spec'] as Obj)['minReadySeconds'] = minReady;
    if (this.setNewReplicaSetAnnotations(next, revision) || minReadyChanged) {
      current = this.replace(this.store.update(R.replicasets, next, { namespace: rs.metadata.namespace, name: rs.metadata.name }));
    }
    this.setDeploymentRevision(current.metadata.annotations?.[REVISION] ?? revision);
    if (!conditionOf(statusOf(this.d), 'Progressing')) {
      this.writeCondition(newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${current.metadata.name}"`, this.clock.now()));
    }
    return current;
  }

  /** SetNewReplicaSetAnnotations: copy the deployment's annotations and raise the revision. True when changed. */
  private setNewReplicaSetAnnotations(rs: Obj, revision: string): boolean {
    const meta = rs['metadata'] as Obj;
    const before = canonicalJson(meta['annotations'] ?? {});
    const annotations = { ...((rec(meta['annotations']) ?? {}) as Record<string, string>) };
    for (const [k, v] of Object.entries(this.d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) annotations[k] = v;
    const old = annotations[REVISION];
    if (old === undefined || Number(old) < Number(revision)) {
      annotations[REVISION] = revision;
      if (old !== undefined) annotations[REVISION_HISTORY] = annotations[REVISION_HISTORY] ? `${annotations[REVISION_HISTORY]},${old}` : old;
    }
    meta['annotations'] = annotations;
    return canonicalJson(annotations) !== before;
  }

  private createNewReplicaSet(revision: string): KubeObject | undefined {
    const collisionCount = statusOf(this.d)['collisionCount'];
    const template = structuredClone(rec(specOf(this.d)['template']) ?? {});
    const hash = computeHash(template, typeof collisionCount === 'number' ? collisionCount : undefined);
    const tmeta = (template['metadata'] ??= {}) as Obj;
    tmeta['labels'] = { ...((rec(tmeta['labels']) ?? {}) as Record<string, string>), [HASH_LABEL]: hash };
    const selector = structuredClone(rec(specOf(this.d)['selector']) ?? {});
    selector['matchLabels'] = { ...((rec(selector['matchLabels']) ?? {}) as Record<string, string>), [HASH_LABEL]: hash };
    const replicas = newReplicaSetReplicas(this.d, this.sets, undefined);
    const rs: Obj = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: `${this.d.metadata.name}-${hash}`, namespace: this.d.metadata.namespace, labels: tmeta['labels'], ownerReferences: [ownerRefTo(this.d)] },
      spec: { replicas, minReadySeconds: num(specOf(this.d)['minReadySeconds']), selector, template },
    };
    this.setNewReplicaSetAnnotations(rs, revision);
    const annotations = (rs['metadata'] as Obj)['annotations'] as Record<string, string>;
    annotations[DESIRED] = String(replicasOf(this.d));
    annotations[MAX] = String(replicasOf(this.d) + maxSurge(this.d));
    let stored: KubeObject;
    try {
      stored = this.store.create(R.replicasets, rs, { namespace: this.d.metadata.namespace });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return this.handleCollision(`${this.d.metadata.name}-${hash}`, typeof collisionCount === 'number' ? collisionCount : 0);
    }
    this.replace(stored);
    if (replicas > 0) this.recordScale(stored, 0, replicas);
    this.setDeploymentRevision(revision);
    this.writeCondition(newCondition('Progressing', 'True', REASON.newRSCreated, `Created new replica set "${stored.metadata.name}"`, this.clock.now()));
    return stored;
  }

  /** A ReplicaSet of that name exists: ours with our template is the new one; else bump collisionCount and retry. */
  private handleCollision(name: string, count: number): KubeObject | undefined {
    const taken = this.store.get(R.replicasets, this.d.metadata.namespace, name);
    const ours = controllerRef(taken)?.uid === this.d.metadata.uid;
    if (ours && templateIgnoringHash(specOf(taken)['template']) === templateIgnoringHash(specOf(this.d)['template'])) return this.replace(taken);
    const next = mutable(this.d);
    next['status'] = { ...statusOf(this.d), collisionCount: count + 1 };
    this.d = this.store.update(R.deployments, next, { namespace: this.d.metadata.namespace, name: this.d.metadata.name, subresource: 'status' });
    throw new Error(`hash collision for ReplicaSet ${name}; collisionCount raised to ${count + 1}`);
  }

  private setDeploymentRevision(revision: string): void {
    if (this.d.metadata.annotations?.[REVISION] === revision) return;
    const next = mutable(this.d);
    const meta = next['metadata'] as Obj;
    meta['annotations'] = { ...((rec(meta['annotations']) ?? {}) as Record<string, string>), [REVISION]: revision };
    this.d = this.store.update(R.deployments, next, { namespace: this.d.metadata.namespace, name: this.d.metadata.name });
  }

  private writeCondition(condition: Obj): void {
    const status = structuredClone(statusOf(this.d));
    setCondition(status, condition);
    this.writeStatus(status);
  }

  private writeStatus(status: Obj): void {
    if (canonicalJson(status) === canonicalJson(statusOf(this.d))) return;
    const next = mutable(this.d);
    next['status'] = status;
    this.d = this.store.update(R.deployments, next, { namespace: this.d.metadata.namespace, name: this.d.metadata.name, subresource: 'status' });
  }

  // ---- scaling ----

  private recordScale(rs: KubeObject, from: number, to: number): void {
    const direction = from < to ? 'up' : 'down';
    this.recorder.record(objectReference(this.d), 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${rs.metadata.name} to ${to} from ${from}`);
  }

  /** scaleReplicaSet: new size and the desired/max annotations; an event when the size changed. */
  private scaleTo(rs: KubeObject, size: number): KubeObject {
    const from = replicasOf(rs);
    const desired = String(replicasOf(this.d));
    const max = String(replicasOf(this.d) + maxSurge(this.d));
    const annotations = rs.metadata.annotations ?? {};
    if (from === size && annotations[DESIRED] === desired && annotations[MAX] === max) return rs;
    const next = mutable(rs);
    (next['spec'] as Obj)['replicas'] = size;
    const meta = next['metadata'] as Obj;
    meta['annotations'] = { ...annotations, [DESIRED]: desired, [MAX]: max };
    const stored = this.replace(this.store.update(R.replicasets, next, { namespace: rs.metadata.namespace, name: rs.metadata.name }));
    if (from !== size) this.recordScale(stored, from, size);
    return stored;
  }

  /** scaleReplicaSetAndRecordEvent: nothing when the size is already right. */
  private scaleIfNeeded(rs: KubeObject, size: number): boolean {
    if (replicasOf(rs) === size) return false;
    this.scaleTo(rs, size);
    return true;
  }

  private current(rs: KubeObject): KubeObject {
    return this.sets.find((s) => s.metadata.uid === rs.metadata.uid) ?? rs;
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different replica count. */
  private isScalingEvent(): boolean {
    this.newReplicaSet(false);
    const desired = String(replicasOf(this.d));
    return this.sets.some((rs) => replicasOf(rs) > 0 && rs.metadata.annotations?.[DESIRED] !== undefined && rs.metadata.annotations[DESIRED] !== desired);
  }

  /** sync(): scale (proportionally during a rollout), clean up when paused, and write the status. */
  private syncScaling(): void {
    const newRS = this.newReplicaSet(false);
    this.scale(newRS);
    if (specOf(this.d)['paused'] === true) this.cleanup(newRS);
    this.syncStatusOnly();
  }

  private scale(newRS: KubeObject | undefined): void {
    const active = this.sets.filter((rs) => replicasOf(rs) > 0);
    const target = active.length === 1 ? active[0] : active.length === 0 ? newRS ?? [...this.sets].sort(byCreation).at(-1) : undefined;
    if (target) {
      this.scaleIfNeeded(target, replicasOf(this.d));
      return;
    }
    if (newRS && this.isSaturated(newRS)) {
      for (const rs of this.oldSets(newRS).filter((s) => replicasOf(s) > 0)) this.scaleIfNeeded(rs, 0);
      return;
    }
    if (rec(specOf(this.d)['strategy'])?.['type'] === 'Recreate') return;
    this.scaleProportionally(active);
  }

  private isSaturated(rs: KubeObject): boolean {
    const desired = replicasOf(this.d);
    return replicasOf(rs) === desired && rs.metadata.annotations?.[DESIRED] === String(desired) && num(statusOf(rs)['availableReplicas']) === desired;
  }

  /** Spreads a change of replicas over the active ReplicaSets in proportion to their size. */
  private scaleProportionally(active: KubeObject[]): void {
    const desired = replicasOf(this.d);
    const allowed = desired > 0 ? desired + maxSurge(this.d) : 0;
    const toAdd = allowed - specReplicas(active);
    const sorted = [...active].sort((a, b) => (toAdd > 0
      ? replicasOf(b) - replicasOf(a) || created(b) - created(a)
      : replicasOf(b) - replicasOf(a) || created(a) - created(b)));
    const sizes = new Map<string, number>();
    let added = 0;
    for (const rs of sorted) {
      let proportion = 0;
      if (toAdd !== 0) {
        const fraction = this.fraction(rs);
        const left = toAdd - added;
        proportion = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
      }
      sizes.set(rs.metadata.uid ?? '', replicasOf(rs) + proportion);
      added += proportion;
    }
    const first = sorted[0];
    if (first && toAdd !== added) {
      const uid = first.metadata.uid ?? '';
      sizes.set(uid, Math.max(0, (sizes.get(uid) ?? 0) + toAdd - added));
    }
    for (const rs of sorted) this.scaleTo(this.current(rs), sizes.get(rs.metadata.uid ?? '') ?? replicasOf(rs));
  }

  /** getReplicaSetFraction: the share of a change this ReplicaSet takes, from its max-replicas annotation. */
  private fraction(rs: KubeObject): number {
    const desired = replicasOf(this.d);
    if (desired === 0) return -replicasOf(rs);
    const total = desired + maxSurge(this.d);
    const fromAnnotation = Number(rs.metadata.annotations?.[MAX]);
    const annotated = Number.isInteger(fromAnnotation) && fromAnnotation > 0 ? fromAnnotation : num(statusOf(this.d)['replicas']);
    if (annotated === 0) return 0;
    return roundHalfAway((replicasOf(rs) * total) / annotated) - replicasOf(rs);
  }

  // ---- rollouts ----

  private rolloutRolling(): number | undefined {
    const newRS = this.newReplicaSet(true);
    if (newRS && this.reconcileNewReplicaSet(newRS)) return this.syncRolloutStatus();
    if (newRS && this.reconcileOldReplicaSets(this.current(newRS))) return this.syncRolloutStatus();
    if (isComplete(this.d, statusOf(this.d))) this.cleanup(newRS);
    return this.syncRolloutStatus();
  }

  private reconcileNewReplicaSet(newRS: KubeObject): boolean {
    const desired = replicasOf(this.d);
    if (replicasOf(newRS) === desired) return false;
    if (replicasOf(newRS) > desired) return this.scaleIfNeeded(newRS, desired);
    return this.scaleIfNeeded(newRS, newReplicaSetReplicas(this.d, this.sets, newRS));
  }

  private reconcileOldReplicaSets(newRS: KubeObject): boolean {
    const old = this.oldSets(newRS);
    if (specReplicas(old) === 0) return false;
    const minAvailable = replicasOf(this.d) - maxUnavailable(this.d);
    const newUnavailable = replicasOf(newRS) - num(statusOf(newRS)['availableReplicas']);
    const maxScaledDown = specReplicas(this.sets) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleaned = this.cleanupUnhealthyReplicas(old, maxScaledDown);
    const scaledDown = this.scaleDownOldForRollingUpdate(newRS, minAvailable);
    return cleaned + scaledDown > 0;
  }

  /** Scales down old ReplicaSets' unavailable replicas first: they serve nothing. */
  private cleanupUnhealthyReplicas(old: KubeObject[], maxCleanup: number): number {
    let total = 0;
    for (const rs of [...old].sort(byCreation)) {
      if (total >= maxCleanup) break;
      const size = replicasOf(rs);
      const available = num(statusOf(rs)['availableReplicas']);
      if (size === 0 || size === available) continue;
      const down = Math.min(maxCleanup - total, size - available);
      this.scaleTo(rs, size - down);
      total += down;
    }
    return total;
  }

  private scaleDownOldForRollingUpdate(newRS: KubeObject, minAvailable: number): number {
    const available = statusSum(this.sets, 'availableReplicas');
    if (available <= minAvailable) return 0;
    const budget = available - minAvailable;
    let total = 0;
    for (const rs of this.oldSets(newRS).sort(byCreation)) {
      if (total >= budget) break;
      const size = replicasOf(rs);
      if (size === 0) continue;
      const down = Math.min(size, budget - total);
      this.scaleTo(rs, size - down);
      total += down;
    }
    return total;
  }

  private rolloutRecreate(): number | undefined {
    let newRS = this.newReplicaSet(false);
    const activeOld = this.oldSets(newRS).filter((rs) => replicasOf(rs) > 0);
    let scaledDown = false;
    for (const rs of activeOld) scaledDown = this.scaleIfNeeded(rs, 0) || scaledDown;
    if (scaledDown || this.oldPodsRunning(newRS)) return this.syncRolloutStatus();
    newRS ??= this.newReplicaSet(true);
    if (newRS) this.scaleIfNeeded(this.current(newRS), replicasOf(this.d));
    if (isComplete(this.d, statusOf(this.d))) this.cleanup(newRS);
    return this.syncRolloutStatus();
  }

  /** oldPodsRunning: Recreate starts the new pods only once no old pod is left running. */
  private oldPodsRunning(newRS: KubeObject | undefined): boolean {
    const old = this.oldSets(newRS);
    if (statusSum(old, 'replicas') > 0) return true;
    const oldUids = new Set(old.map((rs) => rs.metadata.uid));
    return this.store.list(R.pods, { namespace: this.d.metadata.namespace }).items
      .some((pod) => oldUids.has(controllerRef(pod)?.uid) && !isTerminal(pod));
  }

  /** cleanupDeployment: delete the oldest idle ReplicaSets beyond revisionHistoryLimit. */
  private cleanup(newRS: KubeObject | undefined): void {
    const limit = specOf(this.d)['revisionHistoryLimit'];
    if (typeof limit !== 'number') return;
    const cleanable = this.oldSets(newRS).filter((rs) => !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    const excess = cleanable.length - limit;
    for (const rs of cleanable.slice(0, Math.max(0, excess))) {
      const idle = replicasOf(rs) === 0 && num(statusOf(rs)['replicas']) === 0
        && num(statusOf(rs)['observedGeneration']) >= (rs.metadata.generation ?? 0);
      if (!idle) continue;
      try {
        this.store.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name);
        this.sets = this.sets.filter((s) => s.metadata.uid !== rs.metadata.uid);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // ---- status ----

  private syncStatusOnly(): void {
    const newRS = this.findNewReplicaSet();
    this.writeStatus(calculateStatus(this.d, this.sets, newRS, this.clock.now()));
  }

  private syncRolloutStatus(): number | undefined {
    const newRS = this.findNewReplicaSet();
    const now = this.clock.now();
    const status = calculateStatus(this.d, this.sets, newRS, now);
    applyProgress(this.d, status, newRS, now);
    applyReplicaFailure(status, newRS, this.sets);
    this.writeStatus(status);
    return msUntilDeadline(this.d, status, now);
  }

  /** checkPausedConditions: Progressing Unknown while paused, and once more when resumed. */
  private checkPausedConditions(): void {
    const cond = conditionOf(statusOf(this.d), 'Progressing');
    if (cond?.['reason'] === REASON.timedOut) return;
    const pausedCond = cond?.['reason'] === REASON.paused;
    const paused = specOf(this.d)['paused'] === true;
    if (paused && !pausedCond) this.writeCondition(newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', this.clock.now()));
    else if (!paused && pausedCond) this.writeCondition(newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', this.clock.now()));
  }
}
