/**
 * Reads the `kubectl describe <type> …` command lines that people paste above describe output
 * (`$ kubectl describe pod web -n shop`, `user@host:~$ k -n shop describe deploy/web`): they name the
 * kind of the blocks that follow when the fields alone do not.
 */
import type { SourceLine } from './text.js';

export interface Prompt {
  line: number;
  /** Kinds the command names (`pod,svc` names two), as API kinds: `Pod`, `Service`. */
  kinds: string[];
  namespace?: string;
}

const KIND_BY_RESOURCE: Record<string, string> = {
  po: 'Pod', pod: 'Pod', pods: 'Pod',
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment',
  rs: 'ReplicaSet', replicaset: 'ReplicaSet', replicasets: 'ReplicaSet',
  sts: 'StatefulSet', statefulset: 'StatefulSet', statefulsets: 'StatefulSet',
  no: 'Node', node: 'Node', nodes: 'Node',
  svc: 'Service', service: 'Service', services: 'Service',
  pvc: 'PersistentVolumeClaim', persistentvolumeclaim: 'PersistentVolumeClaim', persistentvolumeclaims: 'PersistentVolumeClaim',
  pv: 'PersistentVolume', persistentvolume: 'PersistentVolume', persistentvolumes: 'PersistentVolume',
  ing: 'Ingress', ingress: 'Ingress', ingresses: 'Ingress',
  job: 'Job', jobs: 'Job',
  cj: 'CronJob', cronjob: 'CronJob', cronjobs: 'CronJob',
  ds: 'DaemonSet', daemonset: 'DaemonSet', daemonsets: 'DaemonSet',
  cm: 'ConfigMap', configmap: 'ConfigMap', configmaps: 'ConfigMap',
  secret: 'Secret', secrets: 'Secret',
  hpa: 'HorizontalPodAutoscaler', horizontalpodautoscaler: 'HorizontalPodAutoscaler', horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  ep: 'Endpoints', endpoints: 'Endpoints',
};

/** Flags of kubectl that take a separate value (`-n shop`); others are booleans or `--flag=value`. */
const FLAGS_WITH_VALUE = new Set([
  '-n', '--namespace', '-l', '--selector', '--context', '--kubeconfig', '-f', '--filename', '--cluster',
  '--user', '--chunk-size', '-s', '--server', '--token', '--as', '--request-timeout', '-k', '--kustomize',
]);

const COMMAND = /(?:^|[\s$#>%`(])(?:kubectl|oc|k)((?:\s+\S+)*?)\s+describe\s+([^`|;&>]*)/;

/** The describe command a line holds, if any. */
export function promptOf(line: SourceLine): Prompt | undefined {
  if (!line.text.includes('describe')) return undefined;
  const m = COMMAND.exec(line.text);
  if (!m) return undefined;
  const before = tokens(m[1] ?? '');
  const after = tokens(m[2] ?? '');
  const namespace = namespaceFlag(before) ?? namespaceFlag(after);
  const type = positionals(after)[0];
  if (type === undefined) return undefined;
  const kinds = type.split('/')[0]!.split(',').map(kindOfResource).filter((k): k is string => k !== undefined);
  const prompt: Prompt = { line: line.no, kinds };
  if (namespace !== undefined) prompt.namespace = namespace;
  return prompt;
}

function tokens(text: string): string[] {
  return text.trim().split(/\s+/).filter((t) => t !== '');
}

function namespaceFlag(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-n' || arg === '--namespace') return args[i + 1];
    const m = /^(?:--namespace=|-n=?)(.+)$/.exec(arg);
    if (m) return m[1];
  }
  return undefined;
}

function positionals(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) out.push(arg);
    else if (FLAGS_WITH_VALUE.has(arg)) i++;
  }
  return out;
}

/** `deployments.apps` → `Deployment`; undefined for a resource we do not know. */
export function kindOfResource(resource: string): string | undefined {
  return KIND_BY_RESOURCE[resource.toLowerCase().split('.')[0]!];
}
