/**
 * The simulator's cAdvisor and kube-state-metrics scrape endpoints: real metric names and labels,
 * a CPU counter that grows at the modelled rate, memory and limits as the usage model has them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../api/kubectl.test-support.js';
import { RealClock } from '../clock.js';
import { type SimCluster, startSimCluster } from '../cluster.js';
import { lookupResource } from '../resources.js';
import { parseExposition, type ExposedSample } from './exposition.test-support.js';

let sim: SimCluster;
const PODS = lookupResource('pods')!;

const WORKER = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'worker', namespace: 'default', labels: { app: 'worker' } },
  spec: {
    containers: [{
      name: 'crunch', image: 'polinux/stress:1.0.4', command: ['stress', '--cpu', '2', '--vm', '1', '--vm-bytes', '48M'],
      resources: { limits: { cpu: '500m', memory: '128Mi' } },
    }],
  },
};

async function scrape(path: string): Promise<{ samples: ExposedSample[]; types: Map<string, string>; simTime: number; contentType: string }> {
  const res = await fetch(`${sim.url}${path}`);
  expect(res.status, path).toBe(200);
  const { samples, types } = parseExposition(await res.text());
  return { samples, types, simTime: Date.parse(res.headers.get('date')!) / 1000, contentType: res.headers.get('content-type') ?? '' };
}

const crunch = (samples: ExposedSample[], name: string) => samples.find((s) => s.name === name && s.labels['container'] === 'crunch');

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 2, clock: new RealClock(20) });
  sim.store.create(PODS, WORKER);
  await eventually(async () => crunch((await scrape('/metrics/cadvisor')).samples, 'container_cpu_usage_seconds_total') !== undefined, 20_000, 'the worker running');
}, 30_000);

afterAll(async () => { await sim?.close(); });

describe('cAdvisor metrics', () => {
  it('labels each running container as cAdvisor does, with the runtime\'s id and image', async () => {
    const { samples, types, contentType } = await scrape('/metrics/cadvisor');
    expect(contentType).toContain('version=0.0.4');
    expect(types.get('container_cpu_usage_seconds_total')).toBe('counter');
    expect(types.get('container_memory_working_set_bytes')).toBe('gauge');
    const pod = sim.store.get(PODS, 'default', 'worker');
    const status = (pod.status as { containerStatuses: { containerID: string; image: string }[] }).containerStatuses[0]!;
    const id = status.containerID.replace('containerd://', '');
    const cpu = crunch(samples, 'container_cpu_usage_seconds_total')!;
    expect(cpu.labels).toEqual({
      container: 'crunch', namespace: 'default', pod: 'worker', image: status.image, name: id,
      // Both limits set, requests default to them: a Guaranteed pod's cgroup sits right under kubepods.
      id: `/kubepods.slice/kubepods-pod${pod.metadata.uid!.replace(/-/g, '_')}.slice/cri-containerd-${id}.scope`,
    });
    expect(crunch(samples, 'container_spec_memory_limit_bytes')!.value).toBe(128 * 2 ** 20);
    // stress holds its 48M plus the image's own footprint, under the limit.
    const workingSet = crunch(samples, 'container_memory_working_set_bytes')!.value;
    expect(workingSet).toBeGreaterThanOrEqual(48 * 2 ** 20);
    expect(workingSet).toBeLessThan(128 * 2 ** 20);
  });

  it('counts CPU seconds at the modelled rate, throttled at the CPU limit', async () => {
    const first = await scrape('/metrics/cadvisor');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await scrape('/metrics/cadvisor');
    const grew = crunch(second.samples, 'container_cpu_usage_seconds_total')!.value - crunch(first.samples, 'container_cpu_usage_seconds_total')!.value;
    const simSeconds = second.simTime - first.simTime;
    // Two cores of stress under a 500m limit: half a CPU second per simulated second (Date is to the second).
    expect(simSeconds).toBeGreaterThan(20);
    expect(grew / simSeconds).toBeGreaterThan(0.45);
    expect(grew / simSeconds).toBeLessThan(0.55);
  });

  it('serves one node through the apiserver proxy path, and refuses a node that does not exist', async () => {
    const pod = sim.store.get(PODS, 'default', 'worker');
    const node = (pod.spec as { nodeName: string }).nodeName;
    const other = node === 'sim-worker-1' ? 'sim-worker-2' : 'sim-worker-1';
    expect(crunch((await scrape(`/api/v1/nodes/${node}/proxy/metrics/cadvisor`)).samples, 'container_cpu_usage_seconds_total')).toBeDefined();
    expect(crunch((await scrape(`/api/v1/nodes/${other}/proxy/metrics/cadvisor`)).samples, 'container_cpu_usage_seconds_total')).toBeUndefined();
    const missing = await fetch(`${sim.url}/api/v1/nodes/absent/proxy/metrics/cadvisor`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe('nodes "absent" not found');
  });

  it('exposes container restarts with kube-state-metrics\' name and labels', async () => {
    const { samples, types } = await scrape('/metrics/kube-state-metrics');
    expect(types.get('kube_pod_container_status_restarts_total')).toBe('counter');
    const pod = sim.store.get(PODS, 'default', 'worker');
    expect(samples.find((s) => s.labels['pod'] === 'worker')).toEqual({
      name: 'kube_pod_container_status_restarts_total', value: 0,
      labels: { namespace: 'default', pod: 'worker', uid: pod.metadata.uid, container: 'crunch' },
    });
  });
});
