/**
 * The one kube-state-metrics family root-cause ranking needs and cAdvisor cannot give: container
 * restarts (`kube_pod_container_status_restarts_total`, labels `namespace`, `pod`, `uid`,
 * `container`), read from the pods' status as kube-state-metrics reads it from the API. A
 * container killed before a scrape leaves no cAdvisor series, but its restart count stays.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { escapeLabel } from './cadvisor-metrics.js';

const FAMILY = 'kube_pod_container_status_restarts_total';

/** The exposition text for these pods (every container that has a status). */
export function kubeStateMetricsText(pods: readonly KubeObject[]): string {
  const lines = [`# HELP ${FAMILY} [STABLE] The number of container restarts per container.`, `# TYPE ${FAMILY} counter`];
  for (const pod of pods) {
    const statuses = (pod.status as { containerStatuses?: { name: string; restartCount?: number }[] } | undefined)?.containerStatuses ?? [];
    for (const s of statuses) {
      const labels = [['namespace', pod.metadata.namespace ?? ''], ['pod', pod.metadata.name], ['uid', pod.metadata.uid ?? ''], ['container', s.name]];
      lines.push(`${FAMILY}{${labels.map(([k, v]) => `${k}="${escapeLabel(v!)}"`).join(',')}} ${s.restartCount ?? 0}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
