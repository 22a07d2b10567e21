/**
 * The taint eviction controller (kube-controller-manager's taint-eviction-controller,
 * pkg/controller/tainteviction): evicts the pods of a node with NoExecute taints. A pod that does
 * not tolerate every such taint is deleted at once; one that tolerates them all for a while (the
 * smallest tolerationSeconds of the tolerations used; every pod gets 300 s for the not-ready and
 * unreachable taints at admission) is deleted when that time has passed since the controller saw
 * the taint; one that tolerates them forever stays. Before deleting, it records `TaintManagerEviction`
 * / `Marking for deletion Pod NS/NAME` and sets the pod's `DisruptionTarget` condition; a scheduled
 * deletion that no longer applies (taint gone, toleration added) is cancelled with `Cancelling
 * deletion of Pod NS/NAME`. The deletion is the ordinary graceful one: with kubelets running, the
 * pod stays Terminating until its kubelet confirms, so forever while that kubelet is down.
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../cluster/objects.js';
import { toleratesTaint } from '../../cluster/scheduling.js';
import type { SimClock } from '../clock.js';
import { EventRecorder } from '../events/event-recorder.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { watchAll } from './informer.js';
import { R, type Obj, arr, canonicalJson, specOf, statusOf, timestamp, tryGet } from './kube.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const NODES = lookupResource('nodes')!;

/** A scheduled deletion; null once it ran (the key stays so that it is not scheduled again). */
type Work = { createdAtMs: number; cancel: () => void } | null;

/** Runs the taint eviction controller until stopped. */
export function startTaintEvictionController(store: ObjectStore, clock: SimClock): () => void {
  const controller = new TaintEvictionController(store, clock);
  return () => controller.stop();
}

function noExecuteTaints(node: KubeObject): Taint[] {
  return arr(specOf(node)['taints']).filter((t) => t['effect'] === 'NoExecute') as unknown as Taint[];
}

function tolerationsOf(pod: KubeObject): Toleration[] {
  return arr(specOf(pod)['tolerations']) as unknown as Toleration[];
}

/** Whether every taint is tolerated, and the first toleration that tolerates each (GetMatchingTolerations). */
function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (!match) return { all: false, used: [] };
    used.push(match);
  }
  return { all: true, used };
}

/** The shortest toleration in ms; -1 when every used toleration is forever. */
function minTolerationMs(used: Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

class TaintEvictionController {
  private readonly recorder: EventRecorder;
  /** NoExecute taints by node, as last handled. */
  private readonly taintedNodes = new Map<string, Taint[]>();
  /** NoExecute taints by node as last seen, to notice a change. */
  private readonly seenTaints = new Map<string, string>();
  /** Each pod's node and tolerations as last seen, to notice a change. */
  private readonly seenPods = new Map<string, string>();
  private readonly workers = new Map<string, Work>();
  private readonly nodeQueue: WorkQueue;
  private readonly podQueue: WorkQueue;
  private readonly stops: (() => void)[];

  constructor(private readonly store: ObjectStore, private readonly clock: SimClock) {
    this.recorder = new EventRecorder(store, clock, { component: 'taint-eviction-controller' });
    this.nodeQueue = new WorkQueue(clock, (name) => this.handleNodeUpdate(name));
    this.podQueue = new WorkQueue(clock, (key) => this.handlePodUpdate(key));
    this.stops = [
      watchAll(store, NODES, (type, node) => {
        const name = node.metadata.name;
        const taints = type === 'DELETED' ? undefined : canonicalJson(noExecuteTaints(node));
        if (taints !== undefined && this.seenTaints.get(name) === taints) return;
        if (taints === undefined) this.seenTaints.delete(name);
        else this.seenTaints.set(name, taints);
        this.nodeQueue.add(name);
      }),
      watchAll(store, R.pods, (type, pod) => {
        const key = keyFor(pod.metadata.namespace, pod.metadata.name);
        const seen = type === 'DELETED' ? undefined : `${String(specOf(pod)['nodeName'] ?? '')}\u0000${canonicalJson(tolerationsOf(pod))}`;
        if (seen !== undefined && this.seenPods.get(key) === seen) return;
        if (seen === undefined) this.seenPods.delete(key);
        else this.seenPods.set(key, seen);
        this.podQueue.add(key);
      }),
    ];
  }

  stop(): void {
    for (const stop of this.stops) stop();
    this.nodeQueue.stop();
    this.podQueue.stop();
    for (const work of this.workers.values()) work?.cancel();
    this.workers.clear();
  }

  private handleNodeUpdate(name: string): void {
    const node = tryGet(NODES, undefined, name, (r, ns, n) => this.store.get(r, ns, n));
    if (!node) {
      this.taintedNodes.delete(name);
      return;
    }
    const taints = noExecuteTaints(node);
    if (taints.length === 0) this.taintedNodes.delete(name);
    else this.taintedNodes.set(name, taints);
    const pods = this.store.list(R.pods, { fieldSelector: `spec.nodeName=${name}` }).items;
    const nowMs = this.clock.now().getTime();
    for (const pod of pods) {
      const key = keyFor(pod.metadata.namespace, pod.metadata.name);
      if (taints.length === 0) this.cancelWork(key);
      else this.processPodOnNode(key, tolerationsOf(pod), taints, nowMs);
    }
  }

  private handlePodUpdate(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = tryGet(R.pods, namespace, name, (r, ns, n) => this.store.get(r, ns, n));
    if (!pod) {
      this.cancelWork(key);
      return;
    }
    const taints = this.taintedNodes.get(String(specOf(pod)['nodeName'] ?? ''));
    if (taints) this.processPodOnNode(key, tolerationsOf(pod), taints, this.clock.now().getTime());
  }

  private processPodOnNode(key: string, tolerations: Toleration[], taints: Taint[], nowMs: number): void {
    const { all, used } = matchingTolerations(taints, tolerations);
    if (!all) {
      this.cancelWork(key);
      this.addWork(key, nowMs, nowMs);
      return;
    }
    const tolerationMs = minTolerationMs(used);
    if (tolerationMs < 0) {
      this.cancelWork(key);
      return;
    }
    // A deletion already scheduled is kept: counted from when it was scheduled, it comes no later.
    const scheduled = this.workers.get(key);
    if (scheduled && scheduled.createdAtMs <= nowMs) return;
    if (scheduled) this.cancelWork(key);
    this.addWork(key, scheduled?.createdAtMs ?? nowMs, nowMs + tolerationMs);
  }

  private addWork(key: string, createdAtMs: number, fireAtMs: number): void {
    if (this.workers.has(key)) return;
    const cancel = this.clock.after(Math.max(0, fireAtMs - this.clock.now().getTime()), () => this.evict(key));
    this.workers.set(key, { createdAtMs, cancel });
  }

  /** Cancels a scheduled deletion, with its event when one was pending. */
  private cancelWork(key: string): void {
    if (!this.workers.has(key)) return;
    const work = this.workers.get(key);
    this.workers.delete(key);
    if (!work) return;
    work.cancel();
    this.recordAbout(key, `Cancelling deletion of Pod ${key}`);
  }

  private evict(key: string): void {
    this.recordAbout(key, `Marking for deletion Pod ${key}`);
    const done = this.markAndDelete(key);
    if (done) this.workers.set(key, null);
    else this.workers.delete(key);
  }

  /** Sets DisruptionTarget (DeletionByTaintManager) and deletes the pod; false when a write failed. */
  private markAndDelete(key: string): boolean {
    const { namespace, name } = splitKey(key);
    const pod = tryGet(R.pods, namespace, name, (r, ns, n) => this.store.get(r, ns, n));
    if (!pod) return false;
    const status = statusOf(pod);
    const conditions = arr(status['conditions']);
    const now = timestamp(this.clock.now());
    const before = conditions.find((c) => c['type'] === 'DisruptionTarget');
    const target: Obj = {
      type: 'DisruptionTarget', status: 'True', lastProbeTime: null,
      lastTransitionTime: before?.['status'] === 'True' ? before['lastTransitionTime'] : now,
      reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
    };
    try {
      if (canonicalJson(before) !== canonicalJson(target)) {
        const next = before ? conditions.map((c) => (c === before ? target : c)) : [...conditions, target];
        this.store.update(R.pods, { ...pod, status: { ...status, conditions: next } }, { namespace, name, subresource: 'status' });
      }
      this.store.delete(R.pods, namespace, name, { preconditions: { uid: pod.metadata.uid ?? '' } });
      return true;
    } catch (err) {
      if (err instanceof StatusError) return false;
      throw err;
    }
  }

  /** The controller's pod reference names no uid. */
  private recordAbout(key: string, message: string): void {
    const { namespace, name } = splitKey(key);
    this.recorder.record({ apiVersion: 'v1', kind: 'Pod', namespace, name }, 'Normal', 'TaintManagerEviction', message);
  }
}
