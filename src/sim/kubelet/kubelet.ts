/**
 * The kubelet of one Node: posts the node's status, and runs a pod worker for every pod bound to
 * the node. Pods arrive from the kubelets' shared watch (see index.ts) through `podSeen`/`podGone`.
 * Its service can be stopped and started again (`systemctl stop kubelet`): meanwhile the
 * containers run on, but neither the Lease, the node status nor the pods' statuses are posted.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { type ObjectStore, StatusError, formatTime } from '../store/index.js';
import { Backoff } from './backoff.js';
import type { ImageCatalog } from './catalog.js';
import { EventRecorder } from '../events/event-recorder.js';
import { EvictionManager } from './eviction.js';
import { keepNodeLease } from './node-lease.js';
import { nodeInternalIP, nodeStatus } from './node-status.js';
import { NodeStatusReporter } from './node-status-reporter.js';
import { type NodeContext, PodWorker } from './pod-worker.js';
import { type NodeUsage, type PodUsage, nodeUsage } from './usage.js';

const NODES = lookupResource('nodes')!;
const PODS = lookupResource('pods')!;

/** The simulated kubelet of one node. */
export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly ctx: NodeContext;
  private readonly podCidrBase: string;
  private nextHost = 2;
  private stopped = false;
  private stopLease: () => void;
  private readonly eviction: EvictionManager;
  private readonly reporter: NodeStatusReporter;
  /** Pod changes seen while the service was stopped, by uid: the kubelet acts on them when it starts. */
  private readonly missed = new Map<string, { pod: KubeObject; gone: boolean }>();

  constructor(store: ObjectStore, clock: SimClock, catalog: ImageCatalog, readonly nodeName: string, index: number) {
    const node = store.get(NODES, undefined, nodeName);
    const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
    this.podCidrBase = cidr !== undefined ? cidr.replace(/\.\d+\/\d+$/, '') : `10.244.${index}`;
    const status = this.postNodeStatus(store, clock, node, index);
    this.ctx = {
      store, clock, catalog, recorder: new EventRecorder(store, clock, { component: 'kubelet', host: nodeName }), nodeName,
      hostIP: nodeInternalIP(status), images: new Set(), crashBackoff: new Backoff(), imageBackoff: new Backoff(), offline: false,
    };
    this.recordStartup(status);
    this.stopLease = keepNodeLease(store, clock, node);
    this.eviction = new EvictionManager(this.ctx, () => this.runningPods());
    this.eviction.start();
    this.reporter = new NodeStatusReporter(this.ctx, index, () => this.eviction.underPressure);
    this.reporter.start();
  }

  /** False while the kubelet service is stopped. */
  get running(): boolean {
    return !this.ctx.offline;
  }

  /** Stops the kubelet service: no Lease renewal, node status, pod status or event until {@link startService}. */
  stopService(): void {
    if (this.stopped || this.ctx.offline) return;
    this.ctx.offline = true;
    this.stopLease();
    this.eviction.stop();
    this.reporter.stop();
  }

  /**
   * Starts the kubelet service again: its start-up events, the node status (Ready again), the
   * Lease, then every pod's status as the kubelet holds it and the pod changes it missed.
   */
  startService(): void {
    if (this.stopped || !this.ctx.offline) return;
    this.ctx.offline = false;
    // A new kubelet process: its events are new ones, not repeats counted on the old process's.
    this.ctx.recorder = new EventRecorder(this.ctx.store, this.ctx.clock, { component: 'kubelet', host: this.nodeName });
    this.recordNodeEvent('Starting', 'Starting kubelet.');
    let enforced = false;
    const enforce = (): void => {
      enforced = true;
      this.recordNodeEvent('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    };
    this.reporter.post(enforce);
    if (!enforced) enforce();
    try {
      this.stopLease = keepNodeLease(this.ctx.store, this.ctx.clock, this.ctx.store.get(NODES, undefined, this.nodeName));
    } catch (err) {
      // The Node is gone: the kubelets' node watch stops this kubelet.
      if (!(err instanceof StatusError)) throw err;
    }
    this.eviction.start();
    this.reporter.start();
    for (const worker of this.workers.values()) worker.resync();
    const missed = [...this.missed.values()];
    this.missed.clear();
    for (const { pod, gone } of missed) {
      if (gone) this.podGone(pod);
      else this.podSeen(pod);
    }
  }

  /** The pods with a running container and their usage now. */
  private runningPods(): { pod: PodWorker['object']; usage: PodUsage; evict: (message: string) => void }[] {
    const nowMs = this.ctx.clock.now().getTime();
    const running = [];
    for (const worker of this.workers.values()) {
      const usage = worker.usage(nowMs);
      if (usage) running.push({ pod: worker.object, usage, evict: (message: string) => worker.evict(message) });
    }
    return running;
  }

  /** What the node and its pods use now (the summary API metrics-server reads). */
  usage(): NodeUsage {
    return nodeUsage(this.nodeName, this.runningPods().map((p) => p.usage));
  }

  /** The Node events a starting kubelet records (`kubectl describe node` shows them). */
  private recordStartup(status: Record<string, unknown>): void {
    const record = (reason: string, message: string) => this.recordNodeEvent(reason, message);
    record('Starting', 'Starting kubelet.');
    const conditions = (status['conditions'] as { type: string }[] | undefined) ?? [];
    const reasons: Record<string, string> = {
      MemoryPressure: 'NodeHasSufficientMemory', DiskPressure: 'NodeHasNoDiskPressure', PIDPressure: 'NodeHasSufficientPID', Ready: 'NodeReady',
    };
    for (const c of conditions) {
      const reason = reasons[c.type];
      if (c.type === 'Ready') record('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
      if (reason !== undefined) record(reason, `Node ${this.nodeName} status is now: ${reason}`);
    }
  }

  private recordNodeEvent(reason: string, message: string): void {
    // The kubelet's node reference carries the node name as its uid.
    this.ctx.recorder.record({ kind: 'Node', name: this.nodeName, uid: this.nodeName }, 'Normal', reason, message);
  }

  /** A pod bound to this node was added or changed. */
  podSeen(pod: KubeObject): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid ?? '';
    if (this.ctx.offline) {
      this.missed.set(uid, { pod, gone: false });
      return;
    }
    const existing = this.workers.get(uid);
    if (existing) {
      existing.update(pod);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      this.finishDeletion(pod);
      return;
    }
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const worker = new PodWorker(this.ctx, pod, `${this.podCidrBase}.${this.nextHost++}`);
    this.workers.set(uid, worker);
    worker.start();
  }

  /**
   * A pod being deleted that this kubelet runs nothing of (it never started it, or it ended):
   * there is nothing to stop, so the deletion is confirmed at once with grace period 0.
   */
  private finishDeletion(pod: KubeObject): void {
    const { namespace, name, uid } = pod.metadata;
    try {
      this.ctx.store.delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: uid ?? '' } });
    } catch (err) {
      // Gone already, or a new pod of the same name: nothing of ours to confirm.
      if (!(err instanceof StatusError)) throw err;
    }
  }

  /** A pod bound to this node is gone from the store. */
  podGone(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    if (this.ctx.offline && !this.stopped) {
      this.missed.set(uid, { pod, gone: true });
      return;
    }
    this.workers.get(uid)?.remove();
    this.workers.delete(uid);
  }

  /** A container's log text in the pod with this uid, if this kubelet runs it. */
  logs(uid: string, container: string, previous: boolean): string | undefined {
    return this.workers.get(uid)?.logs(container, previous);
  }

  /** Stops every pod worker (containers stop silently) and the kubelet. */
  stop(): void {
    this.stopped = true;
    this.stopLease();
    this.eviction.stop();
    this.reporter.stop();
    for (const w of this.workers.values()) w.remove(true);
    this.workers.clear();
  }

  private postNodeStatus(store: ObjectStore, clock: SimClock, node: KubeObject, index: number): Record<string, unknown> {
    const status = nodeStatus(node, index, formatTime(clock.now()));
    try {
      store.update(NODES, { ...node, status }, { name: node.metadata.name, subresource: 'status' });
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
    }
    return status;
  }
}
