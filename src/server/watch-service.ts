/**
 * Watch mode's engine: the cluster kept current by informers, re-diagnosed after each burst of
 * changes (and on a heartbeat, since ages and grace periods move with time alone), its incidents
 * tracked as they open, change and resolve. One analysis runs at a time; changes that arrive during
 * one are folded into the next.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterGraph } from '../cluster/graph.js';
import { diagnose } from '../diagnose/diagnose.js';
import { IncidentTracker, type IncidentChange, type TrackedIncident } from '../diagnose/incident-tracker.js';
import { toReport, type DiagnosisReport } from '../diagnose/report.js';
import type { ApiClient } from '../sources/live/api-client.js';
import { LiveCache } from '../sources/live/live-cache.js';

export interface WatchServiceOptions {
  client: ApiClient;
  kubeConfig: KubeConfig;
  namespace?: string;
  labelSelector?: string;
  /** Quiet time after a change before re-analysis. */
  settleMs?: number;
  /** Re-analysis with no change, for what time alone changes. */
  heartbeatMs?: number;
  /** Incidents still open from a previous run (from the store). */
  known?: readonly TrackedIncident[];
  resolveAfter?: number;
  backoffMs?: number;
  onChanges: (changes: IncidentChange[], report: DiagnosisReport) => void | Promise<void>;
  /** An analysis failed (the server went away mid-read ...); the next change or heartbeat tries again. */
  onError?: (err: unknown) => void;
  /** Each finished analysis's duration. */
  onAnalyzed?: (ms: number) => void;
}

export interface WatchStats {
  analyses: number;
  /** Milliseconds of the last analysis (snapshot, diagnosis, tracking). */
  lastAnalysisMs: number;
  lists: number;
  watches: number;
  expired: number;
}

export class WatchService {
  private readonly cache: LiveCache;
  private readonly tracker: IncidentTracker;
  private running: Promise<void> | undefined;
  private again = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  private analyses = 0;
  private lastAnalysisMs = 0;

  constructor(private readonly options: WatchServiceOptions) {
    this.tracker = new IncidentTracker(options.known ?? [], options.resolveAfter !== undefined ? { resolveAfter: options.resolveAfter } : {});
    this.cache = new LiveCache(options.client, options.kubeConfig, {
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
      ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
      onSettled: () => void this.analyze(),
    });
  }

  /** Lists the cluster, runs the first analysis, and keeps watching. */
  async start(): Promise<void> {
    await this.cache.start();
    await this.analyze();
    this.heartbeat = setInterval(() => void this.analyze(), this.options.heartbeatMs ?? 30_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.cache.stop();
    await this.running;
  }

  open(): TrackedIncident[] {
    return this.tracker.current();
  }

  stats(): WatchStats {
    return { analyses: this.analyses, lastAnalysisMs: this.lastAnalysisMs, ...this.cache.stats() };
  }

  /** Runs an analysis now, or right after the one running. */
  analyze(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runAnalyses().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async runAnalyses(): Promise<void> {
    do {
      this.again = false;
      if (this.stopped) return;
      const started = performance.now();
      try {
        const snapshot = await this.cache.snapshot();
        const report = toReport(diagnose(new ClusterGraph(snapshot), this.options.namespace ? { namespace: this.options.namespace } : {}));
        const changes = this.tracker.update(report);
        this.analyses++;
        this.lastAnalysisMs = performance.now() - started;
        this.options.onAnalyzed?.(this.lastAnalysisMs);
        if (changes.length > 0) await this.options.onChanges(changes, report);
      } catch (err) {
        this.options.onError?.(err);
      }
    } while (this.again);
  }
}
