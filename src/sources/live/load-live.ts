/**
 * The live entry: reads a running cluster into one {@link ClusterSnapshot}. Its cost does not grow
 * with the number of pods beyond the pages of a list: one paginated list per kind, never a request per
 * object, except the logs of failing containers, bounded in count and fetched a few at a time.
 * A kind the credentials may not list becomes a gap in the snapshot, not a failure.
 */
import { SnapshotBuilder, type ClusterSnapshot } from '../../cluster/snapshot.js';
import type { KubeObject } from '../../cluster/objects.js';
import { ApiError, type ApiClient } from './api-client.js';
import { LIVE_KINDS, resourceName, type LiveKind } from './kinds.js';
import { pagedList } from './list-kind.js';
import { fetchFailingLogs, type LogBudget } from './failing-logs.js';
import { forEachLimited } from './limited.js';

export interface LiveOptions {
  /** One namespace; all when absent. Cluster-scoped kinds are read either way. */
  namespace?: string;
  /** Narrows the workload kinds (pods, services and their controllers). */
  labelSelector?: string;
  /** Items per page of a list. */
  pageSize?: number;
  logs?: Partial<LogBudget>;
  /** Called after each kind is read. */
  onProgress?: (progress: LiveProgress) => void;
}

export interface LiveProgress {
  kind: string;
  kindsDone: number;
  kindsTotal: number;
  objects: number;
}

/** Kinds listed at once: a few keep latency low without a burst the API server's fairness would throttle. */
const LIST_CONCURRENCY = 4;

/** @throws InputError when the API server cannot be reached; ApiError for answers no retry fixed */
export async function loadLive(client: ApiClient, options: LiveOptions = {}): Promise<ClusterSnapshot> {
  const builder = new SnapshotBuilder();
  builder.addOrigin(client.server);
  let done = 0;
  let objects = 0;
  let pods: KubeObject[] = [];
  await forEachLimited(LIVE_KINDS, LIST_CONCURRENCY, async (k) => {
    const items = await listKind(client, k, options, builder);
    if (k.kind === 'Pod') pods = items;
    for (const item of items) builder.add(item);
    objects += items.length;
    options.onProgress?.({ kind: k.kind, kindsDone: ++done, kindsTotal: LIVE_KINDS.length, objects });
  });
  await fetchFailingLogs(client, pods, options.logs, builder);
  builder.setCapturedAt((client.serverTime ?? new Date()).toISOString());
  return builder.build();
}

async function listKind(client: ApiClient, k: LiveKind, options: LiveOptions, builder: SnapshotBuilder): Promise<KubeObject[]> {
  const scope = k.namespaced && options.namespace !== undefined ? `in namespace ${options.namespace}` : 'at the cluster scope';
  try {
    return (await pagedList(client, k, options)).items;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 403) builder.addGap(`cannot list ${resourceName(k)} ${scope}: forbidden`);
    else if (err.status === 404) builder.addGap(`the server does not serve ${resourceName(k)}/${k.version}`);
    else throw err;
    return [];
  }
}
