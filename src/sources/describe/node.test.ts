import { describe, expect, it } from 'vitest';
import { parseDescribe } from './parse.js';
import { POD_CRASH_LOOP_OOM, find } from './samples.test-support.js';

// kubectl 1.32 `describe node` output (describe.go through tabwriter).

const NODE_MEMORY_PRESSURE = `Name:               worker-2
Roles:              <none>
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/arch=amd64
                    kubernetes.io/hostname=worker-2
                    kubernetes.io/os=linux
                    topology.kubernetes.io/zone=eu-west-1b
Annotations:        node.alpha.kubernetes.io/ttl: 0
                    volumes.kubernetes.io/controller-managed-attach-detach: true
CreationTimestamp:  Wed, 01 May 2024 07:30:12 +0000
Taints:             node.kubernetes.io/memory-pressure:NoSchedule
                    dedicated=batch:PreferNoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  worker-2
  AcquireTime:     <unset>
  RenewTime:       Tue, 14 May 2024 09:44:31 +0000
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                         Message
  ----             ------  -----------------                 ------------------                ------                         -------
  MemoryPressure   True    Tue, 14 May 2024 09:44:29 +0000   Tue, 14 May 2024 09:31:07 +0000   KubeletHasInsufficientMemory   kubelet has insufficient memory available
  DiskPressure     False   Tue, 14 May 2024 09:44:29 +0000   Wed, 01 May 2024 07:30:12 +0000   KubeletHasNoDiskPressure       kubelet has no disk pressure
  PIDPressure      False   Tue, 14 May 2024 09:44:29 +0000   Wed, 01 May 2024 07:30:12 +0000   KubeletHasSufficientPID        kubelet has sufficient PID available
  Ready            True    Tue, 14 May 2024 09:44:29 +0000   Wed, 01 May 2024 07:30:43 +0000   KubeletReady                   kubelet is posting ready status
Addresses:
  InternalIP:  10.0.1.12
  Hostname:    worker-2
Capacity:
  cpu:                4
  ephemeral-storage:  101430960Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             16370512Ki
  pods:               110
Allocatable:
  cpu:                3920m
  ephemeral-storage:  93478772582
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             15219536Ki
  pods:               110
System Info:
  Machine ID:                 ec2b5f0c1d9a4e7b8c6d5e4f3a2b1c0d
  System UUID:                ec2b5f0c-1d9a-4e7b-8c6d-5e4f3a2b1c0d
  Boot ID:                    7a1c9e2b-3d4f-4a5b-8c6d-9e0f1a2b3c4d
  Kernel Version:             6.1.0-21-cloud-amd64
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.15
  Kubelet Version:            v1.32.4
PodCIDR:                      10.244.2.0/24
PodCIDRs:                     10.244.2.0/24
ProviderID:                   aws:///eu-west-1b/i-0a1b2c3d4e5f60718
Non-terminated Pods:          (3 in total)
  Namespace                   Name                        CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                        ------------  ----------  ---------------  -------------  ---
  kube-system                 kube-proxy-7tq2n            0 (0%)        0 (0%)      0 (0%)           0 (0%)         13d
  shop                        checkout-7d9c8b6f5-x2kqp    250m (6%)     0 (0%)      256Mi (1%)       256Mi (1%)     32m
  analytics                   batch-worker-0              1 (25%)       2 (51%)     12Gi (82%)       12Gi (82%)     2d4h
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests       Limits
  --------           --------       ------
  cpu                1250m (31%)    2 (51%)
  memory             12544Mi (84%)  12544Mi (84%)
  ephemeral-storage  0 (0%)         0 (0%)
  hugepages-1Gi      0 (0%)         0 (0%)
  hugepages-2Mi      0 (0%)         0 (0%)
Events:
  Type     Reason                     Age                From     Message
  ----     ------                     ----               ----     -------
  Normal   NodeHasInsufficientMemory  13m                kubelet  Node worker-2 status is now: NodeHasInsufficientMemory
  Warning  EvictionThresholdMet       13m (x3 over 14m)  kubelet  Attempting to reclaim memory
`;

describe('describe node: memory pressure', () => {
  const objects = parseDescribe(NODE_MEMORY_PRESSURE, 'node.txt');
  const node = find(objects, 'Node', 'worker-2');

  it('is cluster scoped and keeps labels, annotations and creation time', () => {
    expect(node.metadata.namespace).toBeUndefined();
    expect(node.metadata.labels['topology.kubernetes.io/zone']).toBe('eu-west-1b');
    expect(Object.keys(node.metadata.labels)).toHaveLength(6);
    expect(node.metadata.annotations).toEqual({
      'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', 'kubetriage.io/source': 'describe',
    });
    expect(node.metadata.creationTimestamp).toBe('2024-05-01T07:30:12Z');
  });

  it('reads every taint and the schedulability', () => {
    expect(node.spec.taints).toEqual([
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      { key: 'dedicated', value: 'batch', effect: 'PreferNoSchedule' },
    ]);
    expect(node.spec.unschedulable).toBeUndefined();
    expect(node.spec.providerID).toBe('aws:///eu-west-1b/i-0a1b2c3d4e5f60718');
  });

  it('reads the conditions table with its times', () => {
    expect(node.status.conditions[0]).toEqual({
      type: 'MemoryPressure', status: 'True', lastHeartbeatTime: '2024-05-14T09:44:29Z', lastTransitionTime: '2024-05-14T09:31:07Z',
      reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available',
    });
    expect(node.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`))
      .toEqual(['MemoryPressure=True', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  });

  it('reads addresses, capacity, allocatable and system info', () => {
    expect(node.status.addresses).toEqual([{ type: 'InternalIP', address: '10.0.1.12' }, { type: 'Hostname', address: 'worker-2' }]);
    expect(node.status.capacity).toEqual({
      cpu: '4', 'ephemeral-storage': '101430960Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16370512Ki', pods: '110',
    });
    expect(node.status.allocatable.memory).toBe('15219536Ki');
    expect(node.status.allocatable.cpu).toBe('3920m');
    expect(node.status.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.4', containerRuntimeVersion: 'containerd://1.7.15', osImage: 'Debian GNU/Linux 12 (bookworm)' });
  });

  it('turns the non-terminated pods into partial pods bound to the node, with their requests and limits', () => {
    expect(find(objects, 'Pod', 'batch-worker-0')).toEqual({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'batch-worker-0', namespace: 'analytics', annotations: { 'kubetriage.io/source': 'describe', 'kubetriage.io/partial': 'true' } },
      spec: { nodeName: 'worker-2', containers: [{ name: '', resources: { requests: { cpu: '1', memory: '12Gi' }, limits: { cpu: '2', memory: '12Gi' } } }] },
    });
    expect(find(objects, 'Pod', 'kube-proxy-7tq2n').spec.containers).toEqual([{ name: '' }]);
    expect(objects.filter((o) => o.kind === 'Pod')).toHaveLength(3);
  });

  it('reads node events without a namespace', () => {
    const events = objects.filter((o) => o.kind === 'Event');
    expect(events.map((e) => [e['reason'], e['count']])).toEqual([['NodeHasInsufficientMemory', 1], ['EvictionThresholdMet', 3]]);
    expect(events[1]).toMatchObject({ involvedObject: { apiVersion: 'v1', kind: 'Node', name: 'worker-2' }, message: 'Attempting to reclaim memory' });
    expect(events[1]!['involvedObject']).not.toHaveProperty('namespace');
    expect(events[1]!.metadata.namespace).toBeUndefined();
  });
});

describe('describe node next to a pod it runs', () => {
  it('keeps the full describe of the pod instead of the partial one', () => {
    const objects = parseDescribe(`${NODE_MEMORY_PRESSURE}\n\n\n${POD_CRASH_LOOP_OOM}`, 'ticket.txt');
    const pods = objects.filter((o) => o.kind === 'Pod' && o.metadata.name === 'checkout-7d9c8b6f5-x2kqp');
    expect(pods).toHaveLength(1);
    expect(pods[0]!.metadata.annotations).not.toHaveProperty('kubetriage.io/partial');
    expect(find(objects, 'Pod', 'batch-worker-0').metadata.annotations!['kubetriage.io/partial']).toBe('true');
  });
});
