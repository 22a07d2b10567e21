/**
 * The node lifecycle controller (kube-controller-manager's node-lifecycle-controller,
 * pkg/controller/nodelifecycle), as it behaves in v1.32. Every node monitor period (5 s) it judges
 * each node's heartbeats (see node-lifecycle-controller-health.ts); a node that stopped
 * heartbeating gets Unknown conditions, a `NodeNotReady` Node event, and its pods' Ready
 * conditions set False (each with a `NodeNotReady` / `Node is not ready` Warning). The
 * Ready-derived NoSchedule taint follows the node's condition at once; the NoExecute taint is
 * queued per zone on the next pass and added at the zone's eviction rate, and the taint eviction
 * controller (taint-eviction-controller.ts) then evicts the pods that do not tolerate it. A node
 * whose kubelet posts Ready again loses both taints. New nodes get a `RegisteredNode` event.
 *
 * The simulator's clock can run faster than the process keeps up with: a pass that runs well
 * after its time means every kubelet's timers were held up too, so that pass records heartbeats
 * but judges no node (with a manual clock no pass is ever late).
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { EventRecorder, objectReference } from '../events/event-recorder.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { watchAll } from './informer.js';
import { R, type Obj, arr, conditionOf, statusOf, timestamp, tryGet } from './kube.js';
import { type NodeHealth, judgeNodeHealth } from './node-lifecycle-controller-health.js';
import {
  NOT_READY_NO_EXECUTE, type TaintKey, UNREACHABLE_NO_EXECUTE, hasTaint, noScheduleDiff, swapTaints,
} from './node-lifecycle-controller-taints.js';
import { type TaintOutcome, type ZoneState, ZoneTainter, excludedFromDisruption, zoneOf, zoneQps, zoneState } from './node-lifecycle-controller-zones.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

const NODES = lookupResource('nodes')!;
const LEASES = lookupResource('leases')!;
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** --node-monitor-period. */
export const NODE_MONITOR_PERIOD_MS = 5_000;
/** A pass this late means the simulator itself stalled (see the file comment). */
const STALLED_MS = NODE_MONITOR_PERIOD_MS;
/** How soon a queued node whose Ready condition is missing is looked at again. */
const RETRY_NO_CONDITION_MS = 50;

/** Runs the node lifecycle controller until stopped. */
export function startNodeLifecycleController(store: ObjectStore, clock: SimClock): () => void {
  const controller = new NodeLifecycleController(store, clock);
  return () => controller.stop();
}

class NodeLifecycleController {
  private readonly recorder: EventRecorder;
  /** The informers' caches. */
  private readonly nodes = new Map<string, KubeObject>();
  private readonly renewals = new Map<string, number>();
  /** The node each pod was last seen bound to, to notice a new binding. */
  private readonly podNodes = new Map<string, string>();
  private readonly health = new Map<string, NodeHealth>();
  /** The nodes the controller registered, with their uids. */
  private readonly known = new Map<string, string | undefined>();
  /** Nodes whose pods must still be marked not ready (a write failed). */
  private readonly retry = new Set<string>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, ZoneTainter>();
  private readonly noScheduleQueue: WorkQueue;
  private readonly podQueue: WorkQueue;
  private readonly stops: (() => void)[];
  private cancelPass: () => void = () => undefined;

  constructor(private readonly store: ObjectStore, private readonly clock: SimClock) {
    this.recorder = new EventRecorder(store, clock, { component: 'node-controller' });
    this.noScheduleQueue = new WorkQueue(clock, (name) => this.syncNoScheduleTaint(name));
    this.podQueue = new WorkQueue(clock, (key) => this.processPod(key));
    this.stops = [
      watchAll(store, NODES, (type, node) => {
        if (type === 'DELETED') this.nodes.delete(node.metadata.name);
        else this.nodes.set(node.metadata.name, node);
        if (type !== 'DELETED') this.noScheduleQueue.add(node.metadata.name);
      }),
      watchAll(store, LEASES, (type, lease) => {
        if (lease.metadata.namespace !== NODE_LEASE_NAMESPACE) return;
        const renew = Date.parse(String((lease['spec'] as Obj | undefined)?.['renewTime'] ?? ''));
        if (type === 'DELETED' || Number.isNaN(renew)) this.renewals.delete(lease.metadata.name);
        else this.renewals.set(lease.metadata.name, renew);
      }),
      watchAll(store, R.pods, (type, pod) => this.podChanged(type, pod)),
    ];
    this.schedulePass();
  }

  stop(): void {
    for (const stop of this.stops) stop();
    this.cancelPass();
    this.noScheduleQueue.stop();
    this.podQueue.stop();
  }

  private schedulePass(): void {
    const dueMs = this.clock.now().getTime() + NODE_MONITOR_PERIOD_MS;
    this.cancelPass = this.clock.after(NODE_MONITOR_PERIOD_MS, () => {
      this.schedulePass();
      this.monitorNodeHealth(this.clock.now().getTime() - dueMs <= STALLED_MS);
    });
  }

  // ---- the monitor pass ----

  private monitorNodeHealth(judge: boolean): void {
    const now = this.clock.now();
    this.classify([...this.nodes.values()]);
    const zoneConditions = new Map<string, (Obj | undefined)[]>();
    // Read each node from the cache as the pass reaches it: the pass's own writes change them.
    for (const name of [...this.nodes.keys()]) {
      const cached = this.nodes.get(name);
      if (!cached) continue;
      const result = this.updateHealth(cached, now, judge);
      if (!result) continue;
      const { node, observed, current } = result;
      if (!excludedFromDisruption(node)) {
        const zone = zoneOf(node);
        zoneConditions.set(zone, [...(zoneConditions.get(zone) ?? []), current]);
      }
      if (current) this.afterHealthUpdate(node, observed, current, now);
    }
    this.handleDisruption(zoneConditions, now);
    for (const tainter of this.tainters.values()) tainter.drain(now.getTime(), (name) => this.taintNoExecute(name, now));
  }

  /** New nodes are registered (and lose any NoExecute taint of ours); deleted ones are forgotten. */
  private classify(nodes: KubeObject[]): void {
    const present = new Set(nodes.map((n) => n.metadata.name));
    for (const node of nodes) {
      const name = node.metadata.name;
      this.addZone(node);
      if (this.known.has(name)) continue;
      this.recordNodeEvent(name, node.metadata.uid, 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
      this.known.set(name, node.metadata.uid);
      this.markReachable(node);
    }
    for (const [name, uid] of [...this.known]) {
      if (present.has(name)) continue;
      this.recordNodeEvent(name, uid, 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
      this.retry.delete(name);
    }
  }

  private addZone(node: KubeObject): void {
    const zone = zoneOf(node);
    if (this.zoneStates.has(zone)) return;
    this.zoneStates.set(zone, 'Initial');
    this.tainters.set(zone, new ZoneTainter(this.clock.now().getTime()));
  }

  /** Judges one node and writes its Unknown conditions; undefined when the write failed (the next pass retries). */
  private updateHealth(cached: KubeObject, now: Date, judge: boolean): { node: KubeObject; observed: Obj; current: Obj | undefined } | undefined {
    const name = cached.metadata.name;
    const verdict = judgeNodeHealth(cached, this.renewals.get(name), this.health.get(name), now.getTime(), judge);
    let node = cached;
    if (verdict.status) {
      try {
        node = this.store.update(NODES, { ...cached, status: verdict.status }, { name, subresource: 'status' });
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        return undefined;
      }
    }
    this.health.set(name, verdict.health);
    return { node, observed: verdict.observed, current: verdict.current };
  }

  private afterHealthUpdate(node: KubeObject, observed: Obj, current: Obj, now: Date): void {
    const name = node.metadata.name;
    this.processTaintBasedEviction(node, String(observed['status']), now);
    const turnedNotReady = current['status'] !== 'True' && observed['status'] === 'True';
    if (turnedNotReady) this.recordNodeEvent(name, node.metadata.uid, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (turnedNotReady || (this.retry.has(name) && observed['status'] !== 'True')) {
      if (!this.markPodsNotReady(this.podsOn(name), name, now)) {
        this.retry.add(name);
        return;
      }
    }
    this.retry.delete(name);
  }

  /** Queues the NoExecute taint of a node that was not Ready at this pass's start; removes it from a Ready one. */
  private processTaintBasedEviction(node: KubeObject, observed: string, now: Date): void {
    const tainter = this.tainters.get(zoneOf(node));
    const [wanted, opposite] = observed === 'False' ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE]
      : observed === 'Unknown' ? [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE] : [undefined, undefined];
    if (!wanted || !opposite) {
      this.markReachable(node);
      return;
    }
    // A node that went from NotReady to unreachable (or back) swaps its taint at once.
    if (hasTaint(node, opposite)) {
      swapTaints(this.store, node.metadata.name, [wanted], [opposite], now);
      return;
    }
    if (!hasTaint(node, wanted)) tainter?.forget(node.metadata.name);
    tainter?.add(node.metadata.name, now.getTime());
  }

  /** Removes both NoExecute taints and forgets the node in its zone's queue. */
  private markReachable(node: KubeObject): void {
    const present = [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE].filter((t) => hasTaint(node, t));
    if (present.length > 0) swapTaints(this.store, node.metadata.name, [], present, this.clock.now());
    this.tainters.get(zoneOf(node))?.forget(node.metadata.name);
  }

  /** The zone queues' tainting pass for one node: the taint its Ready condition calls for now. */
  private taintNoExecute(name: string, now: Date): TaintOutcome {
    const node = tryGet(NODES, undefined, name, (r, ns, n) => this.store.get(r, ns, n));
    if (!node) return { done: true };
    const ready = conditionOf(statusOf(node), 'Ready')?.['status'];
    if (ready === undefined) return { done: false, retryMs: RETRY_NO_CONDITION_MS };
    let swap: [TaintKey, TaintKey];
    if (ready === 'False') swap = [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE];
    else if (ready === 'Unknown') swap = [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
    else return { done: true };
    return swapTaints(this.store, name, [swap[0]], [swap[1]], now) ? { done: true } : { done: false, retryMs: 0 };
  }

  /**
   * Zone states decide the tainting rate. When every zone is fully disrupted the controller stops
   * tainting and removes the NoExecute taints; when a node is Ready again it starts every node's
   * grace period afresh.
   */
  private handleDisruption(zoneConditions: Map<string, (Obj | undefined)[]>, now: Date): void {
    const nowMs = now.getTime();
    const next = new Map<string, ZoneState>();
    let allAreFull = true;
    for (const [zone, conditions] of zoneConditions) {
      const state = zoneState(conditions);
      if (state !== 'FullDisruption') allAreFull = false;
      next.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWereFull = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWereFull = false;
        break;
      }
    }
    if (allAreFull && allWereFull) return;
    if (allAreFull) {
      for (const node of [...this.nodes.values()]) this.markReachable(node);
      for (const zone of this.zoneStates.keys()) {
        this.tainters.get(zone)?.setQps(0, nowMs);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWereFull) {
      for (const [name, health] of this.health) this.health.set(name, { ...health, probeMs: nowMs, readyTransitionMs: nowMs });
    }
    for (const [zone, state] of this.zoneStates) {
      const wanted = next.get(zone);
      if (wanted === undefined || (state === wanted && !allWereFull)) continue;
      this.tainters.get(zone)?.setQps(zoneQps(wanted, zoneConditions.get(zone)?.length ?? 0), nowMs);
      this.zoneStates.set(zone, wanted);
    }
  }

  // ---- pods ----

  private podsOn(nodeName: string): KubeObject[] {
    return this.store.list(R.pods, { fieldSelector: `spec.nodeName=${nodeName}` }).items;
  }

  /**
   * MarkPodsNotReady: each pod's Ready condition turns False (its transition time now, its other
   * fields kept), with a Warning on the pod. False when a write failed.
   */
  private markPodsNotReady(pods: KubeObject[], nodeName: string, now: Date): boolean {
    let ok = true;
    for (const pod of pods) {
      if ((pod.spec as Obj | undefined)?.['nodeName'] !== nodeName) continue;
      const status = statusOf(pod);
      const conditions = arr(status['conditions']);
      const ready = conditions.find((c) => c['type'] === 'Ready');
      if (!ready || ready['status'] === 'False') continue;
      const next = conditions.map((c) => (c === ready ? { ...c, status: 'False', lastTransitionTime: timestamp(now) } : c));
      try {
        this.store.update(R.pods, { ...pod, status: { ...status, conditions: next } }, { namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: 'status' });
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        if (err.code !== 404) ok = false;
        continue;
      }
      this.recorder.record(objectReference(pod), 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    return ok;
  }

  /** A pod newly bound to a node is looked at (processPod). */
  private podChanged(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KubeObject): void {
    const key = keyFor(pod.metadata.namespace, pod.metadata.name);
    if (type === 'DELETED') {
      this.podNodes.delete(key);
      return;
    }
    const nodeName = String((pod.spec as Obj | undefined)?.['nodeName'] ?? '');
    if (nodeName === '' || this.podNodes.get(key) === nodeName) return;
    this.podNodes.set(key, nodeName);
    this.podQueue.add(key);
  }

  /** A pod bound to a node the controller last saw not Ready is marked not ready too. */
  private processPod(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = tryGet(R.pods, namespace, name, (r, ns, n) => this.store.get(r, ns, n));
    const nodeName = String((pod?.spec as Obj | undefined)?.['nodeName'] ?? '');
    const health = this.health.get(nodeName);
    if (!pod || !health || !this.nodes.has(nodeName)) return;
    const ready = health.savedReady?.['status'];
    if (ready !== undefined && ready !== 'True' && !this.markPodsNotReady([pod], nodeName, this.clock.now())) this.podQueue.add(key);
  }

  // ---- the NoSchedule tainting pass ----

  private syncNoScheduleTaint(name: string): void {
    const node = tryGet(NODES, undefined, name, (r, ns, n) => this.store.get(r, ns, n));
    if (!node) return;
    const { add, remove } = noScheduleDiff(node);
    if (add.length > 0 || remove.length > 0) swapTaints(this.store, name, add, remove, this.clock.now());
  }

  /** A Normal event about a node, referenced by its uid (RecordNodeEvent, RecordNodeStatusChange). */
  private recordNodeEvent(name: string, uid: string | undefined, reason: string, message: string): void {
    this.recorder.record({ apiVersion: 'v1', kind: 'Node', name, ...(uid !== undefined ? { uid } : {}) }, 'Normal', reason, message);
  }
}
