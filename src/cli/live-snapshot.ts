/** Reads the live cluster a kubeconfig (or the pod's service account) names, for `diagnose` and the kubectl plugin. */
import type { ClusterSnapshot } from '../cluster/snapshot.js';
import { ApiClient } from '../sources/live/api-client.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import { loadLive } from '../sources/live/load-live.js';

export interface LiveFlags {
  live?: boolean;
  kubeconfig?: string;
  context?: string;
  allNamespaces?: boolean;
  selector?: string;
  namespace?: string;
}

/** Any of these flags asks for the live cluster even when stdin is a pipe. */
export function asksForLive(flags: LiveFlags): boolean {
  return Boolean(flags.live || flags.kubeconfig || flags.context || flags.allNamespaces || flags.selector);
}

export async function readLiveSnapshot(flags: LiveFlags, stderr: NodeJS.WriteStream): Promise<ClusterSnapshot> {
  const client = new ApiClient(loadKubeConfig({
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context !== undefined ? { context: flags.context } : {}),
  }));
  const snapshot = await loadLive(client, {
    ...(flags.namespace !== undefined && !flags.allNamespaces ? { namespace: flags.namespace } : {}),
    ...(flags.selector !== undefined ? { labelSelector: flags.selector } : {}),
    ...(stderr.isTTY ? { onProgress: (p) => stderr.write(`\r\u001b[2Kreading ${client.server}: ${p.kindsDone}/${p.kindsTotal} kinds, ${p.objects} objects`) } : {}),
  });
  if (stderr.isTTY) stderr.write('\r\u001b[2K');
  return snapshot;
}
