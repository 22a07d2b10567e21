/**
 * The cluster kept current in memory: an {@link Informer} per kind the analyzers read, and a
 * snapshot of them on demand (with the logs of failing containers), for watch mode. A change is
 * announced once per burst: a rollout's hundred events cost one re-analysis.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { SnapshotBuilder, type ClusterSnapshot } from '../../cluster/snapshot.js';
import type { ApiClient } from './api-client.js';
import { fetchFailingLogs, type LogBudget } from './failing-logs.js';
import { Informer, type InformerStats } from './informer.js';
import { LIVE_KINDS, resourceName } from './kinds.js';
import { forEachLimited } from './limited.js';

export interface LiveCacheOptions {
  namespace?: string;
  labelSelector?: string;
  /** Quiet time after the last change before {@link LiveCacheOptions.onSettled} is called. */
  settleMs?: number;
  /** Called once the changes of a burst have settled. */
  onSettled: () => void;
  logs?: Partial<LogBudget>;
  backoffMs?: number;
}

const SETTLE_MS = 500;

export class LiveCache {
  private readonly informers: Informer[];
  private readonly gaps = new Map<string, string>();
  private settleTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly client: ApiClient, kubeConfig: KubeConfig, private readonly options: LiveCacheOptions) {
    const scope = {
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    };
    this.informers = LIVE_KINDS.map((kind) => new Informer(client, kubeConfig, kind, {
      ...scope,
      onChange: () => this.changed(),
      onForbidden: (k) => {
        const where = k.namespaced && options.namespace !== undefined ? `in namespace ${options.namespace}` : 'at the cluster scope';
        this.gaps.set(k.kind, `cannot list ${resourceName(k)} ${where}: forbidden`);
      },
    }));
  }

  /** Lists every kind (a few at a time) and starts the watches; resolves once all first lists are in. */
  async start(): Promise<void> {
    await forEachLimited(this.informers, 4, (informer) => informer.start());
    this.started = true;
  }

  stop(): void {
    clearTimeout(this.settleTimer);
    for (const informer of this.informers) informer.stop();
  }

  /** The objects as last seen, the logs of failing containers read now, capture time from the server's clock now (ages move while nothing changes). */
  async snapshot(): Promise<ClusterSnapshot> {
    const builder = new SnapshotBuilder();
    builder.addOrigin(this.client.server);
    // No copies: `typed` already dropped what the builder would strip, and nothing downstream writes to objects.
    for (const informer of this.informers) for (const obj of informer.current()) builder.add(obj);
    for (const gap of this.gaps.values()) builder.addGap(gap);
    const pods = this.informers.find((informer) => informer.kind.kind === 'Pod')?.current() ?? [];
    await fetchFailingLogs(this.client, pods, this.options.logs, builder);
    builder.setCapturedAt((await this.client.serverNow()).toISOString());
    return builder.build();
  }

  stats(): InformerStats {
    const total: InformerStats = { lists: 0, watches: 0, expired: 0 };
    for (const { stats } of this.informers) {
      total.lists += stats.lists;
      total.watches += stats.watches;
      total.expired += stats.expired;
    }
    return total;
  }

  private changed(): void {
    if (!this.started) return;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.options.onSettled(), this.options.settleMs ?? SETTLE_MS);
  }
}
