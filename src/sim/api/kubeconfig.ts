/**
 * A kubeconfig for the simulated cluster: one cluster, user and context named `kubetriage-sim`,
 * current. Over plain HTTP the user has no credentials (the server takes the admin to be calling);
 * over TLS it carries the admin's bearer token and the server's CA.
 */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** The name of the cluster, user and context. */
export const SIM_CONTEXT = 'kubetriage-sim';

/** The kubeconfig document for a server URL. */
export function kubeconfigFor(serverUrl: string, namespace = 'default', tls: KubeconfigTls = {}): object {
  const cluster = tls.ca !== undefined
    ? { server: serverUrl, 'certificate-authority-data': Buffer.from(tls.ca).toString('base64') }
    // Plain HTTP has no certificate to verify; client-node refuses http:// servers unless told so.
    : { server: serverUrl, ...(serverUrl.startsWith('http:') ? { 'insecure-skip-tls-verify': true } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: SIM_CONTEXT, cluster }],
    users: [{ name: SIM_CONTEXT, user: tls.token !== undefined ? { token: tls.token } : {} }],
    contexts: [{ name: SIM_CONTEXT, context: { cluster: SIM_CONTEXT, user: SIM_CONTEXT, namespace } }],
    'current-context': SIM_CONTEXT,
    preferences: {},
  };
}

/**
 * Writes the kubeconfig (readable by its owner only, as kubectl writes its own).
 * @example await writeKubeconfig('/tmp/sim.kubeconfig', server.url)
 */
export async function writeKubeconfig(path: string, serverUrl: string, tls: KubeconfigTls = {}): Promise<void> {
  await writeFile(path, stringify(kubeconfigFor(serverUrl, 'default', tls)), { mode: 0o600 });
}

/** For a server on TLS: the CA to trust, and the admin's bearer token (client-go sends tokens only over TLS). */
export interface KubeconfigTls {
  ca?: string;
  token?: string;
}
