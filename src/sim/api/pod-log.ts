/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's log as the kubelet serves it through
 * the apiserver, with the apiserver's own refusals (which container, previous instance, waiting).
 */
import type { KubeObject, Pod } from '../../cluster/objects.js';
import { badRequest } from '../store/status-error.js';

/** Where log text comes from: the simulated kubelet. Undefined when that instance has no log. */
export type PodLogSource = (namespace: string, pod: string, container: string, previous: boolean) => string | undefined;

export interface LogQuery {
  container?: string;
  previous: boolean;
  tailLines?: number;
}

/** The text `kubectl logs` prints, or a 400 Status as the apiserver answers. */
export function podLog(pod: KubeObject, query: LogQuery, source: PodLogSource | undefined): string {
  const p = pod as KubeObject & Pod;
  const name = p.metadata.name;
  const containers = [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => c.name);
  const appContainers = (p.spec?.containers ?? []).map((c) => c.name);
  const container = query.container ?? (appContainers.length === 1 ? appContainers[0] : undefined);
  if (container === undefined) {
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${appContainers.join(' ')}]`);
  }
  if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const text = source?.(p.metadata.namespace ?? 'default', name, container, query.previous);
  if (text === undefined) {
    if (query.previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const waiting = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]
      .find((s) => s.name === container)?.state?.waiting;
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting?.reason ?? 'ContainerCreating'}`);
  }
  return query.tailLines === undefined ? text : lastLines(text, query.tailLines);
}

function lastLines(text: string, n: number): string {
  if (n <= 0) return '';
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return `${lines.slice(-n).join('\n')}\n`;
}
