/**
 * The whole simulated cluster (API server, controllers, scheduler, kubelets) seen through the real
 * kubectl, and its state diagnosed by the built `./bin/kubetriage`: the simulator's scheduler and
 * the Pending analyzer agree because they run the same filters.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type KubectlResult } from '../api/kubectl.test-support.js';
import { writeKubeconfig } from '../api/kubeconfig.js';
import { type SimCluster, startSimCluster } from '../cluster.js';

const BIN = new URL('../../../bin/kubetriage', import.meta.url).pathname;

let sim: SimCluster;
let dir: string;
let kubeconfig: string;

function run(command: string, args: string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, HOME: dir, NO_COLOR: '1' }, timeout: 40_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 });
    });
  });
}

const kubectl = (...args: string[]): Promise<KubectlResult> => run('kubectl', ['--kubeconfig', kubeconfig, ...args]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubetriage-sched-'));
  kubeconfig = join(dir, 'kubeconfig');
  sim = await startSimCluster({ nodes: 3, host: '127.0.0.1' });
  await writeKubeconfig(kubeconfig, sim.url);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const BIG = `apiVersion: apps/v1
kind: Deployment
metadata: {name: cache, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        resources: {requests: {memory: 64Gi}}
`;

describe('the scheduler in a simulated cluster, through kubectl', () => {
  it('runs a deployment over the nodes, and leaves one asking 64Gi Pending with the scheduler message', async () => {
    expect((await kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3')).code).toBe(0);
    let listing = '';
    await eventually(async () => {
      listing = (await kubectl('get', 'pods', '-o', 'wide', '--no-headers')).stdout;
      return (listing.match(/ 1\/1 +Running /g) ?? []).length === 3;
    }, 20_000, 'three web pods Running');
    const nodes = listing.trim().split('\n').map((line) => line.trim().split(/\s+/)[6]);
    expect(new Set(nodes)).toEqual(new Set(['sim-worker-1', 'sim-worker-2', 'sim-worker-3']));
    const rollout = await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');

    writeFileSync(join(dir, 'cache.yaml'), BIG);
    expect((await kubectl('apply', '-f', join(dir, 'cache.yaml'))).code).toBe(0);
    const message = '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..';
    let describe = '';
    await eventually(async () => {
      describe = (await kubectl('describe', 'pod', '-l', 'app=cache')).stdout;
      return describe.includes('FailedScheduling');
    }, 20_000, 'a FailedScheduling event');
    expect(describe).toMatch(/Status:\s+Pending/);
    expect(describe).toMatch(new RegExp(`Warning\\s+FailedScheduling\\s+.*default-scheduler\\s+${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const pending = await kubectl('get', 'pods', '-l', 'app=cache', '--no-headers');
    expect(pending.stdout).toMatch(/0\/1 +Pending /);

    const state = await kubectl('get', 'pods,nodes,events,deployments,replicasets', '-A', '-o', 'json');
    expect(state.code).toBe(0);
    const input = join(dir, 'state.json');
    writeFileSync(input, state.stdout);
    const diagnosis = await run(process.execPath, [BIN, 'diagnose', input, '-o', 'json', '--captured-at', 'now']);
    const report = JSON.parse(diagnosis.stdout) as { incidents: { cause: { mode: string; category: string; explanation: string } }[] };
    const causes = report.incidents.map((i) => i.cause);
    const pendingCause = causes.find((c) => c.mode === 'Pending');
    expect(pendingCause).toMatchObject({ category: 'insufficient-memory' });
    // The analyzer reads the scheduler's event, recomputes the filters from the objects, and gets the same message.
    expect(JSON.stringify(pendingCause)).toContain(`Warning FailedScheduling: ${message}`);
    expect(pendingCause!.explanation).toContain('Recomputing from the objects gives the same message.');
    expect(causes.filter((c) => c.mode === 'Pending')).toHaveLength(1);
  }, 90_000);
});
