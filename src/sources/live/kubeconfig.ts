/**
 * Finds the cluster to talk to as kubectl does: `--kubeconfig`, else `KUBECONFIG` (several files,
 * merged with the first to set a name winning), else `~/.kube/config`, else the in-cluster service
 * account; then `--context` or the current context.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../input-error.js';

export interface KubeConfigChoice {
  /** A kubeconfig file; overrides KUBECONFIG. */
  kubeconfig?: string;
  context?: string;
  /** The environment to read KUBECONFIG and the in-cluster variables from. */
  env?: NodeJS.ProcessEnv;
  /** Where the pod's filesystem root is, for the service account's files; `/` in a pod. */
  podRoot?: string;
}

/** @throws InputError naming the file or context at fault */
export function loadKubeConfig(choice: KubeConfigChoice = {}): KubeConfig {
  const env = choice.env ?? process.env;
  const files = choice.kubeconfig !== undefined ? [choice.kubeconfig] : (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  let config: KubeConfig;
  if (files.length > 0) config = merged(files, choice.kubeconfig !== undefined);
  else if (existsSync(home)) config = merged([home], true);
  else if (env.KUBERNETES_SERVICE_HOST) config = inCluster(choice.podRoot ?? '');
  else throw new InputError('kubeconfig', `no cluster configured: give --kubeconfig FILE, set KUBECONFIG, create ${home}, or run in a pod`);
  if (choice.context !== undefined) {
    if (!config.getContextObject(choice.context)) {
      throw new InputError('--context', `no context "${choice.context}" in the kubeconfig (it has: ${config.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    config.setCurrentContext(choice.context);
  }
  if (!config.getCurrentContext()) throw new InputError('kubeconfig', 'no current context: give --context NAME');
  return config;
}

/** kubectl's merge: for every name, the first file that defines it wins; so does the first current-context. */
function merged(files: string[], mustExist: boolean): KubeConfig {
  const parts: KubeConfig[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      // kubectl skips missing KUBECONFIG entries, but an explicit --kubeconfig must exist.
      if (mustExist) throw new InputError(file, 'kubeconfig file not found');
      continue;
    }
    const part = new KubeConfig();
    try {
      part.loadFromFile(file);
    } catch (err) {
      throw new InputError(file, `not a usable kubeconfig: ${(err as Error).message}`, { cause: err });
    }
    parts.push(part);
  }
  if (parts.length === 0) throw new InputError(files.join(delimiter), 'none of the KUBECONFIG files exists');
  const firstWins = <T extends { name: string }>(lists: T[][]): T[] => {
    const byName = new Map<string, T>();
    for (const item of lists.flat()) if (!byName.has(item.name)) byName.set(item.name, item);
    return [...byName.values()];
  };
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: firstWins(parts.map((p) => p.getClusters())),
    users: firstWins(parts.map((p) => p.getUsers())),
    contexts: firstWins(parts.map((p) => p.getContexts())),
    currentContext: parts.map((p) => p.getCurrentContext()).find(Boolean) ?? '',
  });
  return config;
}

function inCluster(podRoot: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromCluster(podRoot);
  } catch (err) {
    throw new InputError('in-cluster', `cannot read the service account: ${(err as Error).message}`, { cause: err });
  }
  return config;
}
