/**
 * A cluster's state at one moment, as read from one or more sources: the objects, the container
 * logs that came with them, and the time the state was captured (analyzers never read the clock).
 */
import { keyOf, refOf, type KubeObject } from './objects.js';

/** Container log text, as `kubectl logs [--previous]` prints it. */
export interface ContainerLog {
  namespace?: string;
  pod: string;
  /** Absent when the source did not say which container (a single-container pod's log). */
  container?: string;
  /** True for the log of the previous, terminated instance (`kubectl logs --previous`). */
  previous: boolean;
  text: string;
  /** Where the text came from: a file path, `-`, or a URL. */
  origin: string;
}

export interface ClusterSnapshot {
  objects: KubeObject[];
  logs: ContainerLog[];
  /** ISO time of capture; when absent, the newest timestamp found in the objects stands for it. */
  capturedAt?: string;
  /** Inputs the snapshot was read from, in order. */
  origins: string[];
  /** What the source could not read (`cannot list secrets in namespace shop: forbidden`): analyzers that need it see less. */
  gaps?: string[];
}

/** Log text kept per container: enough for every log rule, bounded for huge inputs. */
export const MAX_LOG_LINES = 500;

/** Keeps the last {@link MAX_LOG_LINES} lines of a log. */
export function tailLines(text: string, max = MAX_LOG_LINES): string {
  let end = text.length;
  if (text.endsWith('\n')) end -= 1;
  let idx = end;
  for (let n = 0; n < max; n++) {
    idx = text.lastIndexOf('\n', idx - 1);
    if (idx < 0) return text;
  }
  return text.slice(idx + 1);
}

/**
 * Gathers objects from any number of sources into one snapshot. The same object read twice (by uid,
 * else by kind/namespace/name) keeps its last reading. Fields no analyzer reads and that can dominate
 * memory on large clusters (`managedFields`, the last-applied annotation) are dropped on the way in.
 */
export class SnapshotBuilder {
  private readonly objects = new Map<string, KubeObject>();
  private readonly logs: ContainerLog[] = [];
  private readonly origins: string[] = [];
  private capturedAt: string | undefined;
  private readonly gaps: string[] = [];

  addOrigin(origin: string): void {
    this.origins.push(origin);
  }

  add(obj: KubeObject): void {
    const meta = obj.metadata;
    if (meta.managedFields !== undefined) delete meta.managedFields;
    const annotations = meta.annotations;
    if (annotations && 'kubectl.kubernetes.io/last-applied-configuration' in annotations) {
      delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    }
    this.objects.set(meta.uid ?? keyOf(refOf(obj)), obj);
  }

  addLog(log: ContainerLog): void {
    this.logs.push({ ...log, text: tailLines(log.text) });
  }

  addGap(gap: string): void {
    this.gaps.push(gap);
  }

  setCapturedAt(iso: string): void {
    this.capturedAt = iso;
  }

  get size(): number {
    return this.objects.size;
  }

  build(): ClusterSnapshot {
    const snapshot: ClusterSnapshot = { objects: [...this.objects.values()], logs: this.logs, origins: this.origins };
    if (this.capturedAt !== undefined) snapshot.capturedAt = this.capturedAt;
    if (this.gaps.length > 0) snapshot.gaps = [...this.gaps];
    return snapshot;
  }
}
