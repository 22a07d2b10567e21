import { describe, expect, it } from 'vitest';
import { toTable } from './tables.js';
import type { Table } from './tables.js';

const now = new Date('2025-03-01T12:00:00Z');
const created = '2025-03-01T10:00:00Z'; // two hours before `now`
const wide = { wide: true, now, includeObject: 'None' as const };

function pod(name: string, status: object, extra: { spec?: object; metadata?: object } = {}): object {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'shop', creationTimestamp: created, ...extra.metadata },
    spec: { containers: [{ name: 'app', image: 'app:1' }], nodeName: 'node-a', ...extra.spec },
    status,
  };
}

function cellsOf(table: Table, column: string): unknown[] {
  const index = table.columnDefinitions.findIndex((c) => c.name === column);
  return table.rows.map((row) => row.cells[index]);
}

function podStatus(p: object): unknown {
  return cellsOf(toTable({ kind: 'Pod', group: '' }, [p], wide), 'Status')[0];
}

const running = { phase: 'Running', podIP: '10.0.0.7', conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'app:1', imageID: '', state: { running: { startedAt: created } } }] };

describe('pod table', () => {
  it('has the apiserver\'s columns, wide ones at priority 1', () => {
    const table = toTable({ kind: 'Pod', group: '' }, [pod('web-1', running)], wide);
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1',
    ]);
    expect(table.rows[0]?.cells).toEqual(['web-1', '1/1', 'Running', '0', '120m', '10.0.0.7', 'node-a', '<none>', '<none>']);
  });

  it('drops the wide columns and cells when not wide', () => {
    const table = toTable({ kind: 'Pod', group: '' }, [pod('web-1', running)], { ...wide, wide: false });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.rows[0]?.cells).toEqual(['web-1', '1/1', 'Running', '0', '120m']);
  });

  it('shows CrashLoopBackOff with the restart count and when the last restart was', () => {
    const crashing = pod('api-1', { phase: 'Running', containerStatuses: [{
      name: 'app', ready: false, restartCount: 5, image: 'app:1', imageID: '',
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-03-01T11:58:00Z' } },
    }] });
    const table = toTable({ kind: 'Pod', group: '' }, [crashing], wide);
    expect(table.rows[0]?.cells.slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '5 (2m ago)']);
  });

  it('shows the waiting reason of a pending pod, and the phase when nothing has started', () => {
    expect(podStatus(pod('a', { phase: 'Pending', containerStatuses: [{
      name: 'app', ready: false, restartCount: 0, image: 'app:1', imageID: '', state: { waiting: { reason: 'ContainerCreating' } },
    }] }))).toBe('ContainerCreating');
    expect(podStatus(pod('b', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })))
      .toBe('Pending');
  });

  it('shows OOMKilled and an exit code without a reason', () => {
    const terminated = (state: object): object => pod('c', { phase: 'Running', containerStatuses: [{
      name: 'app', ready: false, restartCount: 1, image: 'app:1', imageID: '', state: { terminated: state },
    }] });
    expect(podStatus(terminated({ exitCode: 137, reason: 'OOMKilled' }))).toBe('OOMKilled');
    expect(podStatus(terminated({ exitCode: 3 }))).toBe('ExitCode:3');
  });

  it('marks a completed pod Completed, with the Succeeded row condition', () => {
    const done = pod('job-x', { phase: 'Succeeded', containerStatuses: [{
      name: 'app', ready: false, restartCount: 0, image: 'app:1', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } },
    }] });
    const [row] = toTable({ kind: 'Pod', group: '' }, [done], wide).rows;
    expect(row?.cells.slice(1, 3)).toEqual(['0/1', 'Completed']);
    expect(row?.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });

  it('shows Terminating for a deleted pod that has not finished, and Evicted for an evicted one', () => {
    expect(podStatus(pod('d', running, { metadata: { deletionTimestamp: '2025-03-01T11:59:00Z' } }))).toBe('Terminating');
    expect(podStatus(pod('e', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }))).toBe('Evicted');
  });

  it('shows init progress: Init:0/1 while running, Init:<reason> when it fails', () => {
    const withInit = (state: object): object => pod('f', {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 0, image: 'm:1', imageID: '', state }],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'app:1', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
    }, { spec: { initContainers: [{ name: 'migrate', image: 'm:1' }] } });
    expect(podStatus(withInit({ running: { startedAt: created } }))).toBe('Init:0/1');
    expect(podStatus(withInit({ waiting: { reason: 'CrashLoopBackOff' } }))).toBe('Init:CrashLoopBackOff');
    expect(podStatus(withInit({ terminated: { exitCode: 2 } }))).toBe('Init:ExitCode:2');
  });
});

describe('workload, node, service and event tables', () => {
  it('prints a deployment mid-rollout', () => {
    const deploy = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'checkout', creationTimestamp: '2025-02-27T08:00:00Z' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'checkout' } },
        template: { spec: { containers: [{ name: 'api', image: 'api:2' }, { name: 'proxy', image: 'envoy:1' }] } } },
      status: { replicas: 4, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 2 },
    };
    const table = toTable({ kind: 'Deployment', group: 'apps' }, [deploy], wide);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    expect(table.rows[0]?.cells).toEqual(['checkout', '2/3', 1, 2, '2d4h', 'api,proxy', 'api:2,envoy:1', 'app=checkout']);
  });

  it('prints a cordoned node that is not ready', () => {
    const node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: 'node-b', creationTimestamp: '2025-01-15T12:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }],
        addresses: [{ type: 'InternalIP', address: '192.168.1.12' }, { type: 'Hostname', address: 'node-b' }],
        nodeInfo: { kubeletVersion: 'v1.32.1', osImage: 'Ubuntu 24.04.1 LTS', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.24' },
      },
    };
    const [row] = toTable({ kind: 'Node', group: '' }, [node], wide).rows;
    expect(row?.cells).toEqual(['node-b', 'NotReady,SchedulingDisabled', 'control-plane', '45d', 'v1.32.1',
      '192.168.1.12', '<none>', 'Ubuntu 24.04.1 LTS', '6.8.0', 'containerd://1.7.24']);
  });

  it('prints a LoadBalancer service, pending and then with its address', () => {
    const svc = (status: object): object => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'frontend', creationTimestamp: created },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.12.4', clusterIPs: ['10.96.12.4'], selector: { app: 'frontend', tier: 'web' },
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, nodePort: 30443, protocol: 'TCP' }] },
      status,
    });
    const table = toTable({ kind: 'Service', group: '' }, [svc({}), svc({ loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } })], wide);
    expect(table.rows[0]?.cells).toEqual(['frontend', 'LoadBalancer', '10.96.12.4', '<pending>', '80:30080/TCP,443:30443/TCP', '120m', 'app=frontend,tier=web']);
    expect(cellsOf(table, 'External-IP')[1]).toBe('203.0.113.9');
  });

  it('prints core events and events.k8s.io events alike', () => {
    const core = {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'api-1.17f1', namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'api-1', namespace: 'shop', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff', message: 'Back-off restarting failed container app in pod api-1_shop(uid)\n', type: 'Warning',
      firstTimestamp: '2025-03-01T11:00:00Z', lastTimestamp: '2025-03-01T11:59:30Z', count: 14,
      source: { component: 'kubelet', host: 'node-a' },
    };
    const coreTable = toTable({ kind: 'Event', group: '' }, [core], wide);
    expect(coreTable.columnDefinitions.map((c) => c.name)).toEqual(
      ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
    expect(coreTable.rows[0]?.cells).toEqual(['30s', 'Warning', 'BackOff', 'pod/api-1', 'spec.containers{app}', 'kubelet, node-a',
      'Back-off restarting failed container app in pod api-1_shop(uid)', '60m', 14, 'api-1.17f1']);
    const v1 = {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'api-1.17f2' }, eventTime: '2025-03-01T11:57:00.000000Z',
      regarding: { kind: 'Pod', name: 'api-1' }, reason: 'Scheduled', note: 'Successfully assigned shop/api-1 to node-a', type: 'Normal',
      reportingController: 'default-scheduler', reportingInstance: 'default-scheduler-cp-1',
    };
    const short = toTable({ kind: 'Event', group: 'events.k8s.io' }, [v1], { ...wide, wide: false });
    expect(short.rows[0]?.cells).toEqual(['3m', 'Normal', 'Scheduled', 'pod/api-1', 'Successfully assigned shop/api-1 to node-a']);
  });

  it('gives kinds without a printer the default NAME / CREATED AT table', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', creationTimestamp: created } };
    const table = toTable({ kind: 'Role', group: 'rbac.authorization.k8s.io' }, [role], wide);
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([['Name', 'string'], ['Created At', 'date']]);
    expect(table.rows[0]?.cells).toEqual(['reader', '2025-03-01T10:00:00Z']);
  });
});

describe('table envelope', () => {
  const pods = ['b', 'a', 'c'].map((name) => pod(name, running));

  it('keeps the objects\' order and embeds what includeObject asks for', () => {
    const meta = toTable({ kind: 'Pod', group: '' }, pods, { ...wide, includeObject: 'Metadata' });
    expect(meta.kind).toBe('Table');
    expect(meta.apiVersion).toBe('meta.k8s.io/v1');
    expect(meta.rows.map((r) => r.cells[0])).toEqual(['b', 'a', 'c']);
    expect(meta.rows[0]?.object).toEqual({
      kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: (pods[0] as { metadata: object }).metadata,
    });
    expect(toTable({ kind: 'Pod', group: '' }, pods, { ...wide, includeObject: 'Object' }).rows[1]?.object).toBe(pods[1]);
    expect(toTable({ kind: 'Pod', group: '' }, pods, wide).rows[2]?.object).toBeNull();
  });

  it('serialises every column field, as the apiserver does', () => {
    const [name] = toTable({ kind: 'Pod', group: '' }, [], wide).columnDefinitions;
    expect(Object.keys(name ?? {}).sort()).toEqual(['description', 'format', 'name', 'priority', 'type']);
    expect(name?.description).toMatch(/^Name must be unique within a namespace/);
  });
});
