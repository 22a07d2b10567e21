/**
 * The kubelet's node status loop (pkg/kubelet/kubelet_node_status.go): every
 * nodeStatusUpdateFrequency (10 s) it compares the conditions it would post with the Node's, and
 * posts when one differs (the node lifecycle controller set them Unknown while the kubelet was
 * silent) or when nodeStatusReportFrequency (5 m) has passed since its last post, which refreshes
 * every condition's lastHeartbeatTime. A condition whose status changes gets its Node event, as
 * the status setters (pkg/kubelet/nodestatus/setters.go) record it.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { StatusError, formatTime } from '../store/index.js';
import { nodeStatus } from './node-status.js';
import type { NodeContext } from './pod-worker.js';

const NODES = lookupResource('nodes')!;

/** nodeStatusUpdateFrequency: how often the kubelet computes its node's status. */
export const NODE_STATUS_UPDATE_MS = 10_000;
/** nodeStatusReportFrequency: how often it posts a status that has not changed. */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;

type Obj = Record<string, unknown>;

/** The Node event a condition's new status records. */
const TRANSITION_EVENTS: Record<string, Record<string, string>> = {
  MemoryPressure: { True: 'NodeHasInsufficientMemory', False: 'NodeHasSufficientMemory' },
  DiskPressure: { True: 'NodeHasDiskPressure', False: 'NodeHasNoDiskPressure' },
  PIDPressure: { True: 'NodeHasInsufficientPID', False: 'NodeHasSufficientPID' },
  Ready: { True: 'NodeReady', False: 'NodeNotReady' },
};

/** Keeps one node's status posted. */
export class NodeStatusReporter {
  private lastPostMs: number;
  private cancel: (() => void) | undefined;

  /**
   * `index` numbers the node (its InternalIP); `memoryPressure` is the eviction manager's view,
   * which the MemoryPressure condition follows. Events go to the context's recorder of the moment.
   */
  constructor(private readonly ctx: NodeContext, private readonly index: number, private readonly memoryPressure: () => boolean) {
    this.lastPostMs = ctx.clock.now().getTime();
  }

  /** Checks every update period until stopped. */
  start(): void {
    const tick = (): void => {
      this.cancel = this.ctx.clock.after(NODE_STATUS_UPDATE_MS, tick);
      this.sync();
    };
    this.cancel = this.ctx.clock.after(NODE_STATUS_UPDATE_MS, tick);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /**
   * Posts the status now and records the event of each condition whose status changed;
   * `beforeReady` runs just before the Ready condition's event (the start-up events' order).
   */
  post(beforeReady?: () => void): void {
    const node = this.node();
    if (!node) return;
    const now = this.ctx.clock.now();
    const previous = conditionsOf(node.status);
    const status = nodeStatus(node, this.index, formatTime(now), this.memoryPressure());
    try {
      this.ctx.store.update(NODES, { ...node, status }, { name: this.ctx.nodeName, subresource: 'status' });
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      return;
    }
    this.lastPostMs = now.getTime();
    for (const c of conditionsOf(status)) {
      const type = String(c['type']);
      const before = previous.find((p) => p['type'] === type);
      if (before?.['status'] === c['status']) continue;
      if (type === 'Ready') beforeReady?.();
      const reason = TRANSITION_EVENTS[type]?.[String(c['status'])];
      if (reason !== undefined) this.record(reason);
    }
  }

  private sync(): void {
    const node = this.node();
    if (!node) return;
    const due = this.ctx.clock.now().getTime() - this.lastPostMs >= NODE_STATUS_REPORT_MS;
    if (due || this.differs(node)) this.post();
  }

  /** Whether a condition on the Node is not the one the kubelet would post. */
  private differs(node: KubeObject): boolean {
    const wanted = conditionsOf(nodeStatus(node, this.index, formatTime(this.ctx.clock.now()), this.memoryPressure()));
    const posted = conditionsOf(node.status);
    return wanted.some((w) => posted.find((c) => c['type'] === w['type'])?.['status'] !== w['status']);
  }

  private node(): KubeObject | undefined {
    try {
      return this.ctx.store.get(NODES, undefined, this.ctx.nodeName);
    } catch (err) {
      if (err instanceof StatusError) return undefined;
      throw err;
    }
  }

  private record(reason: string): void {
    // The kubelet's node reference carries the node name as its uid.
    const subject = { kind: 'Node' as const, name: this.ctx.nodeName, uid: this.ctx.nodeName };
    this.ctx.recorder.record(subject, 'Normal', reason, `Node ${this.ctx.nodeName} status is now: ${reason}`);
  }
}

function conditionsOf(status: unknown): Obj[] {
  const conditions = (status as Obj | undefined)?.['conditions'];
  return Array.isArray(conditions) ? (conditions as Obj[]) : [];
}
