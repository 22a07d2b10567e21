/**
 * kubectl's everyday commands against a whole simulated cluster (controllers, scheduler, kubelets),
 * with the real kubectl: describe with events, server-side apply between two field managers, rollout
 * restart, wait on a condition, a JSONPath and a deletion, logs of a crashed container, create service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterKubectl, type ClusterKubectl, type KubectlResult } from './api/kubectl.test-support.js';
import { RealClock } from './clock.js';

let cluster: ClusterKubectl;
const kubectl = (...args: string[]): Promise<KubectlResult> => cluster.kubectl(...args);
const kubectlIn = (input: string, ...args: string[]): Promise<KubectlResult> => cluster.kubectlIn(input, ...args);

beforeAll(async () => {
  cluster = await startClusterKubectl({ nodes: 2, clock: new RealClock(20) });
  expect((await kubectl('create', 'namespace', 'shop')).code).toBe(0);
  expect((await kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '-n', 'shop')).code).toBe(0);
  expect((await kubectl('rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=30s')).code).toBe(0);
});

afterAll(async () => {
  await cluster.close();
});

describe('kubectl against the simulated cluster', () => {
  it('creates a service for a deployment and describes it with its endpoints', async () => {
    expect((await kubectl('create', 'service', 'clusterip', 'web', '--tcp=80:80', '-n', 'shop')).stdout).toBe('service/web created\n');
    const described = await kubectl('describe', 'service', 'web', '-n', 'shop');
    expect(described.stdout).toMatch(/^Selector:\s+app=web$/m);
    expect(described.stdout).toMatch(/^Endpoints:\s+10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80$/m);
    expect(described.stdout).toMatch(/^Events:\s+<none>$/m);
  });

  it('describes a deployment and a node with their conditions and events', async () => {
    const deployment = (await kubectl('describe', 'deployment', 'web', '-n', 'shop')).stdout;
    expect(deployment).toMatch(/^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    expect(deployment).toMatch(/^\s+Available\s+True\s+MinimumReplicasAvailable$/m);
    expect(deployment).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-[a-z0-9]+ to 2/);
    const node = (await kubectl('describe', 'node', 'sim-worker-1')).stdout;
    expect(node).toMatch(/^\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m);
    expect(node).toMatch(/^\s+memory:\s+\d+Ki$/m);
    expect(node).toMatch(/^Non-terminated Pods:\s+\(\d+ in total\)$/m);
  });

  it('restarts a rollout: a new ReplicaSet, new pods, the restartedAt annotation', async () => {
    const before = (await kubectl('get', 'rs', '-n', 'shop', '-o', 'name')).stdout.trim().split('\n');
    expect((await kubectl('rollout', 'restart', 'deployment/web', '-n', 'shop')).stdout).toBe('deployment.apps/web restarted\n');
    expect((await kubectl('rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=30s')).code).toBe(0);
    const after = (await kubectl('get', 'rs', '-n', 'shop', '-o', 'name')).stdout.trim().split('\n');
    expect(after.filter((rs) => !before.includes(rs))).toHaveLength(1);
    const annotation = (await kubectl('get', 'deploy', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}')).stdout;
    expect(Date.parse(annotation)).not.toBeNaN();
  });

  it('waits for a condition, a JSONPath value, and a deletion', async () => {
    expect((await kubectl('wait', '--for=condition=Available', 'deployment/web', '-n', 'shop', '--timeout=20s')).stdout).toBe('deployment.apps/web condition met\n');
    expect((await kubectl('wait', '--for=jsonpath={.status.readyReplicas}=2', 'deployment/web', '-n', 'shop', '--timeout=20s')).code).toBe(0);
    const pod = (await kubectl('get', 'pods', '-n', 'shop', '-l', 'app=web', '-o', 'name')).stdout.trim().split('\n')[0]!;
    expect((await kubectl('delete', pod, '-n', 'shop', '--wait=false')).code).toBe(0);
    const waited = await kubectl('wait', '--for=delete', pod, '-n', 'shop', '--timeout=20s');
    expect(waited.code).toBe(0);
    expect((await kubectl('get', pod, '-n', 'shop')).stderr).toContain('NotFound');
  });

  it('applies server-side as two field managers: a conflict, then a forced takeover', async () => {
    const manifest = (replicas: number): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: shop}\ndata: {replicas: "${replicas}"}\n`;
    expect((await kubectlIn(manifest(1), 'apply', '--server-side', '--field-manager=alice', '-f', '-')).stdout).toBe('configmap/flags serverside-applied\n');
    const conflict = await kubectlIn(manifest(2), 'apply', '--server-side', '--field-manager=bob', '-f', '-');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "alice": .data.replicas');
    expect((await kubectlIn(manifest(2), 'apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', '-')).code).toBe(0);
    const managers = JSON.parse((await kubectl('get', 'cm', 'flags', '-n', 'shop', '--show-managed-fields', '-o', 'json')).stdout) as { data: { replicas: string }; metadata: { managedFields: { manager: string }[] } };
    expect(managers.data.replicas).toBe('2');
    expect(managers.metadata.managedFields.map((m) => m.manager)).toContain('bob');
  });

  it('shows the log of a crashed container with logs --previous', async () => {
    expect((await kubectl('run', 'task', '--image=busybox:1.36', '-n', 'shop', '--', 'sh', '-c', 'echo starting task; echo fatal: no input; exit 3')).code).toBe(0);
    let previous: KubectlResult = { code: 1, stdout: '', stderr: '' };
    for (let i = 0; i < 60 && previous.code !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      previous = await kubectl('logs', 'task', '-n', 'shop', '--previous');
    }
    expect(previous.stdout).toBe('starting task\nfatal: no input\n');
    const status = (await kubectl('get', 'pod', 'task', '-n', 'shop', '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}')).stdout;
    expect(status).toBe('3');
  });
});
