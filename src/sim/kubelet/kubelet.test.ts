/**
 * The simulated kubelet on a manual clock: pods bound to a node go through the real kubelet's
 * states, messages and events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerStatus, KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/index.js';
import type { Kubelets } from './index.js';
import { startKubeletHarness, stopKubeletHarness } from './kubelet.test-support.js';

const PODS = lookupResource('pods')!;
const NODES = lookupResource('nodes')!;
const EVENTS = lookupResource('events')!;
const CONFIGMAPS = lookupResource('configmaps')!;

let clock: ManualClock;
let store: ObjectStore;
let kubelets: Kubelets;

beforeEach(() => {
  ({ clock, store, kubelets } = startKubeletHarness({ metadata: { name: 'worker-1', labels: { 'kubernetes.io/os': 'linux' } } }));
});
afterEach(() => stopKubeletHarness({ kubelets, store }));

function createPod(name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject {
  return store.create(PODS, {
    metadata: { name, namespace: 'shop' },
    spec: { nodeName: 'worker-1', containers: [{ name: 'app', ...container }], ...spec },
  });
}

function pod(name: string): KubeObject {
  return store.get(PODS, 'shop', name);
}

function status(name: string): Record<string, unknown> {
  return pod(name).status as Record<string, unknown>;
}

function app(name: string): ContainerStatus {
  return (status(name)['containerStatuses'] as ContainerStatus[])[0]!;
}

function condition(name: string, type: string): Record<string, unknown> | undefined {
  return (status(name)['conditions'] as Record<string, unknown>[]).find((c) => c['type'] === type);
}

function events(name: string): { reason: string; message: string; type: string; count: number; source: unknown }[] {
  return store.list(EVENTS, { namespace: 'shop' }).items
    .filter((e) => (e['involvedObject'] as { name: string }).name === name)
    .map((e) => ({ reason: e['reason'] as string, message: e['message'] as string, type: e['type'] as string, count: e['count'] as number, source: e['source'] }));
}

function messages(name: string, reason: string): string[] {
  return events(name).filter((e) => e.reason === reason).map((e) => e.message);
}

describe('node status', () => {
  it('posts Ready and the pressure conditions with the kubelet reasons, node info and addresses', () => {
    const node = store.get(NODES, undefined, 'worker-1').status as Record<string, unknown>;
    const conditions = node['conditions'] as Record<string, unknown>[];
    expect(conditions.map((c) => [c['type'], c['status'], c['reason']])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(conditions[3]!['message']).toBe('kubelet is posting ready status');
    expect((node['nodeInfo'] as Record<string, unknown>)['kubeletVersion']).toBe('v1.32.0');
    expect((node['nodeInfo'] as Record<string, unknown>)['containerRuntimeVersion']).toMatch(/^containerd:\/\/1\.7\./);
    expect((node['addresses'] as Record<string, unknown>[]).map((a) => a['type'])).toEqual(['InternalIP', 'Hostname']);
    expect((node['allocatable'] as Record<string, unknown>)['pods']).toBe('110');
  });

  it('records the startup Node events and keeps the node Lease renewed', () => {
    const nodeEvents = store.list(EVENTS, { namespace: 'default' }).items
      .filter((e) => (e['involvedObject'] as { kind: string }).kind === 'Node')
      .map((e) => [e['reason'], e['message']]);
    expect(nodeEvents).toEqual([
      ['Starting', 'Starting kubelet.'],
      ['NodeHasSufficientMemory', 'Node worker-1 status is now: NodeHasSufficientMemory'],
      ['NodeHasNoDiskPressure', 'Node worker-1 status is now: NodeHasNoDiskPressure'],
      ['NodeHasSufficientPID', 'Node worker-1 status is now: NodeHasSufficientPID'],
      ['NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods'],
      ['NodeReady', 'Node worker-1 status is now: NodeReady'],
    ]);
    const lease = () => store.get(lookupResource('leases')!, 'kube-node-lease', 'worker-1').spec as Record<string, unknown>;
    expect(lease()).toMatchObject({ holderIdentity: 'worker-1', leaseDurationSeconds: 40, renewTime: '2026-03-01T10:00:00.000000Z' });
    clock.advance(25_000);
    expect(lease()['renewTime']).toBe('2026-03-01T10:00:20.000000Z');
  });
});

describe('pod lifecycle', () => {
  it('runs nginx to Running and Ready with the conditions and events of a real kubelet', () => {
    const created = createPod('web-1', { image: 'nginx:1.27', resources: { limits: { cpu: '100m', memory: '64Mi' } } });
    clock.advance(0);
    expect(status('web-1')['phase']).toBe('Pending');
    expect(app('web-1').state?.waiting?.reason).toBe('ContainerCreating');
    clock.advance(5_000);
    const s = status('web-1');
    expect(s['phase']).toBe('Running');
    expect(s['podIP']).toMatch(/^10\.244\.0\.\d+$/);
    expect(s['hostIP']).toBe('172.18.0.2');
    expect(s['qosClass']).toBe('Guaranteed');
    expect(app('web-1').ready).toBe(true);
    expect(app('web-1').state?.running?.startedAt).toBeDefined();
    expect(app('web-1').image).toBe('docker.io/library/nginx:1.27');
    expect((s['conditions'] as Record<string, unknown>[]).map((c) => [c['type'], c['status']])).toEqual([
      ['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True'],
    ]);
    expect(events('web-1').map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Normal', 'Pulling', 'Pulling image "nginx:1.27"'],
      ['Normal', 'Pulled', 'Successfully pulled image "nginx:1.27" in 1.2s (1.2s including waiting). Image size: 68000000 bytes.'],
      ['Normal', 'Created', 'Created container: app'],
      ['Normal', 'Started', 'Started container app'],
    ]);
    expect(events('web-1')[0]!.source).toEqual({ component: 'kubelet', host: 'worker-1' });
    expect(created.metadata.uid).toBe(pod('web-1').metadata.uid);
    expect(kubelets.logs('shop', 'web-1', 'app', false)).toContain('Configuration complete; ready for start up');
  });

  it('reports an unknown tag as ErrImagePull, then ImagePullBackOff with the real messages', () => {
    createPod('web-2', { image: 'nginx:9.99' });
    clock.advance(2_000);
    expect(app('web-2').state?.waiting?.reason).toBe('ErrImagePull');
    const error = 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:9.99": failed to resolve reference "docker.io/library/nginx:9.99": docker.io/library/nginx:9.99: not found';
    expect(app('web-2').state?.waiting?.message).toBe(error);
    expect(messages('web-2', 'Failed')).toEqual([`Failed to pull image "nginx:9.99": ${error}`, 'Error: ErrImagePull']);
    clock.advance(1_000);
    expect(app('web-2').state?.waiting?.reason).toBe('ImagePullBackOff');
    expect(app('web-2').state?.waiting?.message).toBe(`Back-off pulling image "nginx:9.99": ErrImagePull: ${error}`);
    expect(messages('web-2', 'BackOff')).toEqual(['Back-off pulling image "nginx:9.99"']);
    expect(status('web-2')['phase']).toBe('Pending');
    clock.advance(60_000);
    const pulling = events('web-2').find((e) => e.reason === 'Pulling')!;
    expect(pulling.count).toBeGreaterThan(1);
  });

  it("loops `sh -c 'exit 1'` with back-off 10s, 20s, 40s ... capped at 5m and a growing restartCount", () => {
    createPod('job-1', { image: 'busybox:1.36', command: ['sh', '-c', 'exit 1'] });
    clock.advance(1_000);
    expect(app('job-1').state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    const backoffs: string[] = [];
    for (let i = 0; i < 600; i++) {
      clock.advance(1_000);
      const msg = app('job-1').state?.waiting?.message;
      if (msg !== undefined && backoffs[backoffs.length - 1] !== msg) backoffs.push(msg);
    }
    const delays = backoffs.map((m) => /^back-off (\S+) restarting failed container=app pod=job-1_shop\(.+\)$/.exec(m)?.[1]);
    expect(delays.slice(0, 6)).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s']);
    expect(app('job-1').restartCount).toBeGreaterThanOrEqual(6);
    expect(app('job-1').lastState?.terminated?.exitCode).toBe(1);
    expect(status('job-1')['phase']).toBe('Running');
    expect(messages('job-1', 'BackOff')[0]).toMatch(/^Back-off restarting failed container app in pod job-1_shop\(/);
  });

  it('kills stress above its memory limit as OOMKilled 137, then CrashLoopBackOff', () => {
    createPod('load-1', { image: 'polinux/stress:1.0.4', command: ['stress'], args: ['--vm', '1', '--vm-bytes', '300M'], resources: { limits: { memory: '200Mi' } } });
    clock.advance(2_000);
    const first = app('load-1');
    expect(first.restartCount === 0 ? first.state?.terminated : first.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    clock.advance(3_000);
    expect(app('load-1').state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(app('load-1').lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('holds a container in CreateContainerConfigError until its ConfigMap exists', () => {
    createPod('api-1', { image: 'nginx:1.27', env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }] });
    clock.advance(3_000);
    expect(app('api-1').state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' });
    expect(messages('api-1', 'Failed')).toEqual(['Error: configmap "settings" not found']);
    store.create(CONFIGMAPS, { metadata: { name: 'settings', namespace: 'shop' }, data: { other: 'x' } });
    clock.advance(10_000);
    expect(app('api-1').state?.waiting?.message).toBe("couldn't find key mode in ConfigMap shop/settings");
    store.update(CONFIGMAPS, { metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'fast' } }, { namespace: 'shop', name: 'settings' });
    clock.advance(11_000);
    expect(app('api-1').state?.running).toBeDefined();
    expect(status('api-1')['phase']).toBe('Running');
  });

  it('runs init containers in order before the app container', () => {
    store.create(PODS, {
      metadata: { name: 'db-1', namespace: 'shop' },
      spec: {
        nodeName: 'worker-1',
        initContainers: [{ name: 'wait', image: 'busybox:1.36', command: ['sleep', '5'] }],
        containers: [{ name: 'app', image: 'redis:7' }],
      },
    });
    clock.advance(3_000);
    expect(condition('db-1', 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [wait]' });
    expect(app('db-1').state?.waiting?.reason).toBe('PodInitializing');
    clock.advance(10_000);
    expect(condition('db-1', 'Initialized')?.['status']).toBe('True');
    expect(app('db-1').state?.running).toBeDefined();
  });
});

describe('probes', () => {
  it('keeps Ready False while a readiness probe hits a wrong path, with Unhealthy events', () => {
    createPod('web-3', { image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/ready', port: 80 }, periodSeconds: 5 } });
    clock.advance(30_000);
    expect(app('web-3').ready).toBe(false);
    expect(status('web-3')['phase']).toBe('Running');
    expect(condition('web-3', 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    const unhealthy = events('web-3').filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy).toHaveLength(1);
    expect(unhealthy[0]).toMatchObject({ type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404' });
    expect(unhealthy[0]!.count).toBeGreaterThan(3);
  });

  it('restarts a container whose liveness probe hits a wrong port', () => {
    createPod('web-4', { image: 'nginx:1.27', livenessProbe: { httpGet: { path: '/', port: 8081 }, periodSeconds: 5, failureThreshold: 3 } });
    clock.advance(25_000);
    const ip = status('web-4')['podIP'] as string;
    expect(messages('web-4', 'Unhealthy')).toEqual([`Liveness probe failed: Get "http://${ip}:8081/": dial tcp ${ip}:8081: connect: connection refused`]);
    expect(messages('web-4', 'Killing')).toEqual(['Container app failed liveness probe, will be restarted']);
    expect(app('web-4').restartCount).toBeGreaterThanOrEqual(1);
    expect(app('web-4').lastState?.terminated?.reason).toBe('Completed');
  });
});

describe('runtime errors and logs', () => {
  it('fails a command missing from the image with the runtime message (StartError 128)', () => {
    createPod('tool-1', { image: 'alpine:3.20', command: ['migrate', '--up'] });
    clock.advance(1_000);
    const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "migrate": executable file not found in $PATH: unknown';
    expect(app('tool-1').state?.terminated).toMatchObject({ exitCode: 128, reason: 'StartError', message });
    expect(messages('tool-1', 'Failed')).toEqual([`Error: ${message}`]);
    clock.advance(3_000);
    expect(app('tool-1').state?.waiting?.reason).toBe('CrashLoopBackOff');
  });

  it('exits 127 when a shell runs a command the image lacks', () => {
    createPod('tool-2', { image: 'alpine:3.20', command: ['sh', '-c', 'migrate --up'] });
    clock.advance(1_000);
    expect(app('tool-2').state?.terminated).toMatchObject({ exitCode: 127, reason: 'Error' });
    expect(kubelets.logs('shop', 'tool-2', 'app', false)).toBe('sh: migrate: not found\n');
  });

  it('keeps the current and previous instance logs apart', () => {
    createPod('hello-1', { image: 'busybox:1.36', command: ['sh', '-c', 'echo starting worker; exit 3'] });
    clock.advance(1_000);
    expect(kubelets.logs('shop', 'hello-1', 'app', false)).toBe('starting worker\n');
    expect(kubelets.logs('shop', 'hello-1', 'app', true)).toBeUndefined();
    clock.advance(1_500);
    expect(app('hello-1').restartCount).toBe(1);
    expect(kubelets.logs('shop', 'hello-1', 'app', true)).toBe('starting worker\n');
    expect(kubelets.logs('shop', 'hello-1', 'app', false)).toBe('starting worker\n');
    expect(kubelets.logs('shop', 'missing', 'app', false)).toBeUndefined();
  });

  it('completes a restartPolicy Never pod as Succeeded', () => {
    createPod('once-1', { image: 'busybox:1.36', command: ['echo', 'done'] }, { restartPolicy: 'Never' });
    clock.advance(5_000);
    expect(status('once-1')['phase']).toBe('Succeeded');
    expect(app('once-1').state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(condition('once-1', 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});

describe('back-off reset, late nodes and deletion', () => {
  it('forgets the back-off of a container that ran 10 minutes before exiting', () => {
    createPod('batch-3', { image: 'busybox:1.36', command: ['sh', '-c', 'sleep 700; exit 2'] });
    clock.advance(702_000);
    expect(app('batch-3').restartCount).toBe(1);
    clock.advance(702_000);
    expect(app('batch-3').restartCount).toBe(2);
    expect(app('batch-3').state?.running).toBeDefined();
    expect(events('batch-3').some((e) => e.reason === 'BackOff')).toBe(false);
  });

  it('runs a pod bound to a node that registers later', () => {
    store.create(PODS, { metadata: { name: 'late-1', namespace: 'shop' }, spec: { nodeName: 'worker-2', containers: [{ name: 'app', image: 'httpd:2.4' }] } });
    clock.advance(5_000);
    expect(status('late-1')['containerStatuses']).toBeUndefined();
    store.create(NODES, { metadata: { name: 'worker-2' } });
    clock.advance(5_000);
    expect(status('late-1')['phase']).toBe('Running');
    expect(status('late-1')['podIP']).toMatch(/^10\.244\.1\.\d+$/);
    expect(status('late-1')['hostIP']).toBe('172.18.0.3');
  });

  it('stops the containers of a deleted pod with Killing events', () => {
    createPod('web-5', { image: 'nginx:1.27' });
    clock.advance(5_000);
    store.delete(PODS, 'shop', 'web-5');
    clock.advance(0);
    expect(messages('web-5', 'Killing')).toEqual(['Stopping container app']);
  });

  it('kills the containers of a pod marked for deletion and records their exit', () => {
    store.create(PODS, {
      metadata: { name: 'held-1', namespace: 'shop', finalizers: ['example.com/hold'] },
      spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
    });
    clock.advance(5_000);
    expect(app('held-1').state?.running).toBeDefined();
    store.delete(PODS, 'shop', 'held-1');
    clock.advance(1_000);
    expect(messages('held-1', 'Killing')).toEqual(['Stopping container app']);
    // `sleep` ignores SIGTERM: SIGKILL comes when the 30 s grace period is over.
    expect(app('held-1').state?.running).toBeDefined();
    clock.advance(30_000);
    expect(app('held-1').state?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(pod('held-1').metadata.deletionGracePeriodSeconds).toBe(0);
    expect(status('held-1')['phase']).toBe('Running');
  });
});

describe('volumes, image names, failed pods', () => {
  it('keeps a pod in ContainerCreating with FailedMount while a ConfigMap volume is missing', () => {
    createPod('cfg-1', { image: 'nginx:1.27' }, { volumes: [{ name: 'config', configMap: { name: 'site' } }] });
    clock.advance(5_000);
    expect(app('cfg-1').state?.waiting?.reason).toBe('ContainerCreating');
    expect(status('cfg-1')['podIP']).toBeUndefined();
    expect(condition('cfg-1', 'PodReadyToStartContainers')?.['status']).toBe('False');
    const mounts = events('cfg-1').filter((e) => e.reason === 'FailedMount');
    expect(mounts.map((e) => [e.type, e.message])).toEqual([['Warning', 'MountVolume.SetUp failed for volume "config" : configmap "site" not found']]);
    expect(mounts[0]!.count).toBeGreaterThan(1);
    store.create(CONFIGMAPS, { metadata: { name: 'site', namespace: 'shop' }, data: { 'index.html': 'hi' } });
    clock.advance(10_000);
    expect(status('cfg-1')['phase']).toBe('Running');
    expect(condition('cfg-1', 'PodReadyToStartContainers')?.['status']).toBe('True');
  });

  it('refuses an image reference with upper-case letters as InvalidImageName', () => {
    createPod('bad-1', { image: 'Nginx:1.27' });
    clock.advance(1_000);
    const message = 'Failed to apply default image tag "Nginx:1.27": couldn\'t parse image name "Nginx:1.27": invalid reference format: repository name (library/Nginx) must be lowercase';
    expect(app('bad-1').state?.waiting).toEqual({ reason: 'InvalidImageName', message });
    expect(messages('bad-1', 'InspectFailed')).toEqual([message]);
    expect(messages('bad-1', 'Failed')).toEqual(['Error: InvalidImageName']);
  });

  it('fails a restartPolicy Never pod whose container exits non-zero, keeping the log tail as message', () => {
    createPod('task-1', { image: 'busybox:1.36', command: ['sh', '-c', 'echo cannot reach db:5432; exit 2'], terminationMessagePolicy: 'FallbackToLogsOnError' }, { restartPolicy: 'Never' });
    clock.advance(5_000);
    expect(status('task-1')['phase']).toBe('Failed');
    expect(app('task-1').state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error', message: 'cannot reach db:5432\n' });
    expect(app('task-1').restartCount).toBe(0);
  });

  it('restarts a failing init container with back-off and never starts the app container', () => {
    store.create(PODS, {
      metadata: { name: 'db-2', namespace: 'shop' },
      spec: {
        nodeName: 'worker-1',
        initContainers: [{ name: 'migrate', image: 'busybox:1.36', command: ['sh', '-c', 'exit 1'] }],
        containers: [{ name: 'app', image: 'redis:7' }],
      },
    });
    clock.advance(30_000);
    const init = (status('db-2')['initContainerStatuses'] as ContainerStatus[])[0]!;
    expect(init.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(init.restartCount).toBeGreaterThanOrEqual(2);
    expect(app('db-2').state?.waiting?.reason).toBe('PodInitializing');
    expect(status('db-2')['phase']).toBe('Pending');
  });
});

