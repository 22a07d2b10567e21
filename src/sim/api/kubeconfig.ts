/**
 * A kubeconfig for the simulated cluster: one cluster, user and context named `kubetriage-sim`,
 * current. The server takes no credentials; the user entry is there because kubectl expects one.
 */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** The name of the cluster, user and context. */
export const SIM_CONTEXT = 'kubetriage-sim';

/** The kubeconfig document for a server URL. */
export function kubeconfigFor(serverUrl: string, namespace = 'default'): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    // Plain HTTP has no certificate to verify; client-node refuses http:// servers unless told so.
    clusters: [{ name: SIM_CONTEXT, cluster: { server: serverUrl, ...(serverUrl.startsWith('http:') ? { 'insecure-skip-tls-verify': true } : {}) } }],
    users: [{ name: SIM_CONTEXT, user: {} }],
    contexts: [{ name: SIM_CONTEXT, context: { cluster: SIM_CONTEXT, user: SIM_CONTEXT, namespace } }],
    'current-context': SIM_CONTEXT,
    preferences: {},
  };
}

/**
 * Writes the kubeconfig (readable by its owner only, as kubectl writes its own).
 * @example await writeKubeconfig('/tmp/sim.kubeconfig', server.url)
 */
export async function writeKubeconfig(path: string, serverUrl: string): Promise<void> {
  await writeFile(path, stringify(kubeconfigFor(serverUrl)), { mode: 0o600 });
}
