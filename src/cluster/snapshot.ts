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
 * What a large offline input keeps of its pods and nodes. Most of a 150,000-pod snapshot's heap is
 * its pods, and every retained byte is copied by the young-generation collector while reading, so
 * with {@link SnapshotBuilderOptions.dropUnread} the fields below are cleared (set to undefined, which
 * keeps the object's shape; `JSON.stringify` omits them) as each object arrives. Each was checked
 * to be read by no analyzer, evidence, fix or graph index (docs/adr/0012-diagnose-memory.md); a field
 * not listed is kept, so a new analyzer sees every field it did not know it would need. Measured on
 * the diagnose benchmark, they are a quarter of a pod's heap.
 */
export const UNREAD_FIELDS = {
  /** `spec.volumes[].projected`: the service-account token volume every pod carries; volume analyzers read claims, ephemeral and emptyDir volumes. */
  podVolumeSources: ['projected'],
  /** `spec.{initContainers,containers,ephemeralContainers}[]`: mounts name volumes, which analyzers read from the pod's volumes. */
  containerSpec: ['volumeMounts'],
  /** `status.{initContainerStatuses,containerStatuses}[]`: runtime ids, quoted by nothing. */
  containerStatus: ['containerID', 'imageID'],
  /** `status`: the IP lists repeat `podIP` / `hostIP`, which are kept. */
  podStatus: ['hostIPs', 'podIPs'],
  /** Node `status`: the images cached on the node (a dozen or more entries with digests). */
  nodeStatus: ['images'],
} as const;

export interface SnapshotBuilderOptions {
  /** Clear {@link UNREAD_FIELDS} from pods and nodes as they are added (offline inputs; see ADR 0012). */
  dropUnread?: boolean;
}

/**
 * Gathers objects from any number of sources into one snapshot. The same object read twice (by uid,
 * else by kind/namespace/name) keeps its last reading. Fields no analyzer reads and that can dominate
 * memory on large clusters (`managedFields`, the last-applied annotation) are dropped on the way in,
 * and with `dropUnread` the {@link UNREAD_FIELDS} of pods and nodes too.
 */
export class SnapshotBuilder {
  private readonly objects = new Map<string, KubeObject>();
  private readonly logs: ContainerLog[] = [];
  private readonly origins: string[] = [];
  private capturedAt: string | undefined;
  private readonly gaps: string[] = [];
  private readonly dropUnread: boolean;

  constructor(options: SnapshotBuilderOptions = {}) {
    this.dropUnread = options.dropUnread === true;
  }

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
    if (this.dropUnread) dropUnreadFields(obj);
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

type Fields = Record<string, unknown>;

/** Clears the listed fields that are present; absent ones are not added (that would change the object's shape). */
function clear(obj: unknown, fields: readonly string[]): void {
  if (typeof obj !== 'object' || obj === null) return;
  const record = obj as Fields;
  for (const field of fields) if (record[field] !== undefined) record[field] = undefined;
}

function clearEach(list: unknown, fields: readonly string[]): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) clear(list[i], fields);
}

/** Clears {@link UNREAD_FIELDS} from a pod or a node read from JSON (other kinds are left whole). */
export function dropUnreadFields(obj: KubeObject): void {
  const spec = (obj as { spec?: Fields }).spec;
  const status = (obj as { status?: Fields }).status;
  if (obj.kind === 'Pod') {
    if (spec) {
      clearEach(spec['volumes'], UNREAD_FIELDS.podVolumeSources);
      clearEach(spec['initContainers'], UNREAD_FIELDS.containerSpec);
      clearEach(spec['containers'], UNREAD_FIELDS.containerSpec);
      clearEach(spec['ephemeralContainers'], UNREAD_FIELDS.containerSpec);
    }
    if (status) {
      clear(status, UNREAD_FIELDS.podStatus);
      clearEach(status['initContainerStatuses'], UNREAD_FIELDS.containerStatus);
      clearEach(status['containerStatuses'], UNREAD_FIELDS.containerStatus);
    }
  } else if (obj.kind === 'Node') {
    clear(status, UNREAD_FIELDS.nodeStatus);
  }
}
