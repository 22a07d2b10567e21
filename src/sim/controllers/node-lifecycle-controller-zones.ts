/**
 * The node lifecycle controller's zones (pkg/controller/nodelifecycle): nodes are grouped by their
 * region and zone labels; a zone with no Ready node is fully disrupted, one where at least 55 % of
 * more than two nodes are not Ready is partially disrupted. Each zone has a queue of nodes waiting
 * for their NoExecute taint, drained by a token bucket: 0.1 taint a second (--node-eviction-rate)
 * normally, 0.01 (--secondary-node-eviction-rate) in a partially disrupted zone of more than 50
 * nodes (--large-cluster-size-threshold), none in a smaller one. When every zone is fully
 * disrupted the controller assumes its own network is at fault: it removes the NoExecute taints
 * and taints nothing until a node is Ready again.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { Obj } from './kube.js';

const EVICTION_QPS = 0.1;
const SECONDARY_EVICTION_QPS = 0.01;
const LARGE_CLUSTER_THRESHOLD = 50;
const UNHEALTHY_ZONE_THRESHOLD = 0.55;

/** A zone's state as the controller tracks it. */
export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** The zone a node is in (nodetopology.GetZoneKey): region and zone labels, beta labels first; '' without either. */
export function zoneOf(node: KubeObject): string {
  const labels = node.metadata.labels ?? {};
  const zone = labels['failure-domain.beta.kubernetes.io/zone'] ?? labels['topology.kubernetes.io/zone'] ?? '';
  const region = labels['failure-domain.beta.kubernetes.io/region'] ?? labels['topology.kubernetes.io/region'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/** A node labelled out of the zone's disruption count. */
export function excludedFromDisruption(node: KubeObject): boolean {
  return node.metadata.labels?.['node.kubernetes.io/exclude-disruption'] !== undefined;
}

/** A zone's state from its nodes' Ready conditions (a node without one counts as not Ready). */
export function zoneState(readyConditions: readonly (Obj | undefined)[]): ZoneState {
  const ready = readyConditions.filter((c) => c?.['status'] === 'True').length;
  const notReady = readyConditions.length - ready;
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / readyConditions.length >= UNHEALTHY_ZONE_THRESHOLD) return 'PartialDisruption';
  return 'Normal';
}

/** The tainting rate of a zone in `state` with `size` nodes. */
export function zoneQps(state: ZoneState, size: number): number {
  if (state === 'PartialDisruption') return size > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_QPS : 0;
  return EVICTION_QPS;
}

/** A token bucket of burst 1 on the clock (flowcontrol.NewTokenBucketRateLimiter); 0 qps never accepts. */
class TokenBucket {
  private tokens = 1;
  constructor(readonly qps: number, private lastMs: number) {}

  tryAccept(nowMs: number): boolean {
    if (this.qps <= 0) return false;
    this.tokens = Math.min(1, this.tokens + ((nowMs - this.lastMs) / 1000) * this.qps);
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** What tainting one queued node did: done, or try again after `retryMs`. */
export type TaintOutcome = { done: true } | { done: false; retryMs: number };

/**
 * A zone's queue of nodes to taint (RateLimitedTimedQueue). A node stays known after it was
 * tainted, so that it is not queued again, until it is forgotten (Ready again, or its taint gone).
 */
export class ZoneTainter {
  private readonly pending: { name: string; dueMs: number; seq: number }[] = [];
  private readonly known = new Set<string>();
  private limiter: TokenBucket;
  private seq = 0;

  constructor(nowMs: number) {
    this.limiter = new TokenBucket(EVICTION_QPS, nowMs);
  }

  /** Queues a node; false when it is queued or was tainted already. */
  add(name: string, nowMs: number): boolean {
    if (this.known.has(name)) return false;
    this.known.add(name);
    this.pending.push({ name, dueMs: nowMs, seq: this.seq++ });
    return true;
  }

  /** Forgets a node, so that it may be queued again; true when it was queued. */
  forget(name: string): boolean {
    this.known.delete(name);
    const i = this.pending.findIndex((p) => p.name === name);
    if (i >= 0) this.pending.splice(i, 1);
    return i >= 0;
  }

  /** Changes the rate; a bucket that had no token left starts empty. */
  setQps(qps: number, nowMs: number): void {
    if (qps === this.limiter.qps) return;
    const next = new TokenBucket(qps, nowMs);
    if (!this.limiter.tryAccept(nowMs)) next.tryAccept(nowMs);
    this.limiter = next;
  }

  /** Taints queued nodes in due order while the bucket has tokens. */
  drain(nowMs: number, taint: (name: string) => TaintOutcome): void {
    for (;;) {
      this.pending.sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
      const head = this.pending[0];
      if (!head || !this.limiter.tryAccept(nowMs) || head.dueMs > nowMs) return;
      const outcome = taint(head.name);
      if (outcome.done) this.pending.shift();
      else head.dueMs = nowMs + outcome.retryMs + 1;
    }
  }
}
