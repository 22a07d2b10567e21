/**
 * The status a kubelet posts for its Node (pkg/kubelet/nodestatus setters): the four conditions with
 * the kubelet's reasons and messages, addresses, capacity and allocatable, and node info.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { createHash } from 'node:crypto';

type Obj = Record<string, unknown>;

/** Defaults for a node that declares no capacity: a 4-CPU, 16 GiB machine, 110 pods. */
const DEFAULT_CAPACITY = { cpu: '4', 'ephemeral-storage': '102400000Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16371940Ki', pods: '110' };

/** A node condition as the kubelet posts it: the transition time moves only when the status changes. */
export function condition(type: string, status: string, reason: string, message: string, now: string, previous: Obj[]): Obj {
  const before = previous.find((c) => c['type'] === type);
  const transition = before && before['status'] === status && typeof before['lastTransitionTime'] === 'string' ? before['lastTransitionTime'] : now;
  return { type, status, lastHeartbeatTime: now, lastTransitionTime: transition, reason, message };
}

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** The node's status as its kubelet reports it; `index` numbers the node (its InternalIP). */
export function nodeStatus(node: KubeObject, index: number, now: string, memoryPressure = false): Obj {
  const status = (node.status as Obj | undefined) ?? {};
  const previous = (status['conditions'] as Obj[] | undefined) ?? [];
  const name = node.metadata.name;
  const capacity = { ...DEFAULT_CAPACITY, ...((status['capacity'] as Obj | undefined) ?? {}) };
  const allocatable = { ...capacity, ...((status['allocatable'] as Obj | undefined) ?? {}) };
  const labels = node.metadata.labels ?? {};
  const addresses = (status['addresses'] as Obj[] | undefined) ?? [
    { type: 'InternalIP', address: `172.18.0.${index + 2}` },
    { type: 'Hostname', address: name },
  ];
  return {
    ...status,
    capacity, allocatable, addresses,
    conditions: [
      memoryPressure
        ? condition('MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available', now, previous)
        : condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now, previous),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now, previous),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now, previous),
      condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now, previous),
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: hex(`machine/${name}`, 32), systemUUID: hex(`uuid/${name}`, 32), bootID: hex(`boot/${name}`, 32),
      kernelVersion: '6.8.0-49-generic', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.24',
      kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: labels['kubernetes.io/os'] ?? 'linux',
      architecture: labels['kubernetes.io/arch'] ?? 'amd64',
    },
  };
}

/** The node's InternalIP as posted. */
export function nodeInternalIP(status: Obj): string {
  const addresses = (status['addresses'] as Obj[] | undefined) ?? [];
  return String(addresses.find((a) => a['type'] === 'InternalIP')?.['address'] ?? '');
}
