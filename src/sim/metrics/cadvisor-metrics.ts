/**
 * The container metrics the kubelet's embedded cAdvisor serves at
 * `/api/v1/nodes/{node}/proxy/metrics/cadvisor`, in the Prometheus text exposition format, from the
 * simulated kubelets' usage model: per running container CPU time (a counter), memory working set
 * and memory limit, with cAdvisor's labels (`container`, `id`, `image`, `name`, `namespace`, `pod`).
 *
 * What differs from a real kubelet, on purpose: only container-level series (no pod, QoS-class or
 * root cgroups, which queries filter out with `container!=""` anyway), and no sample timestamps:
 * the simulated clock may run faster than real time, and Prometheus must stamp samples with its
 * own clock to accept them. So with a clock N times faster, CPU seconds grow N times per real second.
 */
import type { Container, KubeObject } from '../../cluster/objects.js';
import type { ClusterUsage, ContainerUsage, PodUsage } from '../kubelet/usage.js';
import { memoryLimitBytes } from '../kubelet/usage.js';

/** What the exporter reads of a pod's status. */
interface ContainerStatus {
  name: string;
  image?: string;
  containerID?: string;
  state?: { running?: { startedAt?: string } };
}

/** One running container with what its labels and values need. */
interface ContainerSample {
  readonly pod: KubeObject;
  readonly usage: ContainerUsage;
  readonly status: ContainerStatus;
  readonly spec: Container | undefined;
  readonly startedMs: number;
}

const FAMILIES = [
  { name: 'container_cpu_usage_seconds_total', type: 'counter', help: 'Cumulative cpu time consumed in seconds.' },
  { name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set in bytes.' },
  { name: 'container_spec_memory_limit_bytes', type: 'gauge', help: 'Memory limit for the container.' },
  { name: 'container_start_time_seconds', type: 'gauge', help: 'Start time of the container since unix epoch in seconds.' },
] as const;

type FamilyName = (typeof FAMILIES)[number]['name'];

/**
 * The exposition text of the containers running on `node` (every node when omitted), at the
 * usage's instant. `podOf` finds a pod object by namespace and name (the store).
 * @example cadvisorMetricsText(kubelets.usage(), (ns, name) => store.tryGet(PODS, ns, name), 'sim-worker-1')
 */
export function cadvisorMetricsText(usage: ClusterUsage, podOf: (namespace: string, name: string) => KubeObject | undefined, node?: string): string {
  const samples = usage.nodes.filter((n) => node === undefined || n.name === node)
    .flatMap((n) => n.pods.flatMap((p) => containerSamples(p, podOf(p.namespace, p.name))));
  const nowMs = usage.at.getTime();
  const lines: string[] = [];
  for (const family of FAMILIES) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const s of samples) lines.push(`${family.name}{${labelText(s)}} ${formatValue(valueOf(family.name, s, nowMs))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The running containers of a pod whose status the kubelet has already written. */
function containerSamples(usage: PodUsage, pod: KubeObject | undefined): ContainerSample[] {
  if (!pod) return [];
  const statuses = ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses) ?? [];
  const specs = ((pod.spec as { containers?: Container[] } | undefined)?.containers) ?? [];
  const samples: ContainerSample[] = [];
  for (const c of usage.containers) {
    const status = statuses.find((s) => s.name === c.name);
    const startedAt = status?.state?.running?.startedAt;
    if (!status?.containerID || startedAt === undefined) continue;
    samples.push({ pod, usage: c, status, spec: specs.find((s) => s.name === c.name), startedMs: Date.parse(startedAt) });
  }
  return samples;
}

/**
 * CPU seconds are the model's rate integrated over the container's run. The model's rate is
 * constant for one container instance (its program's demand, capped by the CPU limit), so the
 * integral is rate times uptime: the same at every scrape, from any scraper, and reset by a restart
 * (a new container id, a new series), as cAdvisor's counter is.
 */
function valueOf(family: FamilyName, s: ContainerSample, nowMs: number): number {
  switch (family) {
    case 'container_cpu_usage_seconds_total': return (s.usage.cpuMillis / 1000) * Math.max(0, nowMs - s.startedMs) / 1000;
    case 'container_memory_working_set_bytes': return s.usage.memoryBytes;
    // cAdvisor reports no limit as 0.
    case 'container_spec_memory_limit_bytes': return (s.spec && memoryLimitBytes(s.spec)) ?? 0;
    case 'container_start_time_seconds': return s.startedMs / 1000;
  }
}

/**
 * cAdvisor's labels under containerd with the systemd cgroup driver: `id` is the cgroup path,
 * `name` the container id, `image` the image the runtime reports.
 */
function labelText(s: ContainerSample): string {
  const id = (s.status.containerID ?? '').replace(/^[a-z]+:\/\//, '');
  const namespace = s.pod.metadata.namespace ?? '';
  const labels: [string, string][] = [
    ['container', s.usage.name],
    ['id', cgroupPath(s.pod, id)],
    ['image', s.status.image ?? ''],
    ['name', id],
    ['namespace', namespace],
    ['pod', s.pod.metadata.name],
  ];
  return labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
}

/** The container's cgroup under the systemd driver, by the pod's QoS class. */
function cgroupPath(pod: KubeObject, containerId: string): string {
  const qos = ((pod.status as { qosClass?: string } | undefined)?.qosClass ?? 'BestEffort').toLowerCase();
  const uid = (pod.metadata.uid ?? '').replace(/-/g, '_');
  const scope = `cri-containerd-${containerId}.scope`;
  if (qos === 'guaranteed') return `/kubepods.slice/kubepods-pod${uid}.slice/${scope}`;
  return `/kubepods.slice/kubepods-${qos}.slice/kubepods-${qos}-pod${uid}.slice/${scope}`;
}

/** Label values escape backslash, double quote and newline (text exposition format 0.0.4). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The shortest text that reads back as the same float (what Prometheus's parser accepts). */
export function formatValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}
