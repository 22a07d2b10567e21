/**
 * The only per-object reads of a live diagnosis: the logs of containers that are failing, which
 * the crash-loop and probe analyzers quote. Bounded in count, fetched a few at a time, the last
 * instance's log first (`previous=true`: what the crashed process printed before it died).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../cluster/objects.js';
import { MAX_LOG_LINES, type SnapshotBuilder } from '../../cluster/snapshot.js';
import { ApiError, type ApiClient } from './api-client.js';
import { forEachLimited } from './limited.js';

export interface LogBudget {
  /** Container logs read at most, whatever the number of failing containers. */
  maxContainers: number;
  concurrency: number;
  tailLines: number;
}

export const DEFAULT_LOG_BUDGET: LogBudget = { maxContainers: 40, concurrency: 4, tailLines: MAX_LOG_LINES };

interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

/** Which container logs to read: terminated instances first, then running containers that are not ready. */
export function failingContainers(objects: readonly KubeObject[]): LogTarget[] {
  const previous: LogTarget[] = [];
  const current: LogTarget[] = [];
  for (const obj of objects) {
    if (obj.kind !== 'Pod') continue;
    const pod = obj as Pod & KubeObject;
    const at = { namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name ?? '' };
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (status.lastState?.terminated) previous.push({ ...at, container: status.name, previous: true });
      const terminated = status.state?.terminated;
      if ((terminated && terminated.exitCode !== 0) || (status.state?.running && !status.ready)) {
        current.push({ ...at, container: status.name, previous: false });
      }
    }
  }
  return [...previous, ...current];
}

/** Reads the chosen logs into the builder; a log the server cannot give (gone, forbidden) is skipped, forbidden noted once per namespace. */
export async function fetchFailingLogs(client: ApiClient, objects: readonly KubeObject[], budget: Partial<LogBudget> = {}, builder: SnapshotBuilder): Promise<void> {
  const limits = { ...DEFAULT_LOG_BUDGET, ...budget };
  const targets = failingContainers(objects).slice(0, limits.maxContainers);
  const forbidden = new Set<string>();
  await forEachLimited(targets, limits.concurrency, async (t) => {
    if (forbidden.has(t.namespace)) return;
    const path = `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/log`;
    try {
      const text = await client.getText(path, { container: t.container, previous: t.previous || undefined, tailLines: limits.tailLines });
      builder.addLog({ namespace: t.namespace, pod: t.pod, container: t.container, previous: t.previous, text, origin: `${client.server}${path}` });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 403 && !forbidden.has(t.namespace)) {
        forbidden.add(t.namespace);
        builder.addGap(`cannot get pods/log in namespace ${t.namespace}: forbidden`);
      }
      // 400/404: the instance is gone or has not started; its state still speaks for it.
    }
  });
}
