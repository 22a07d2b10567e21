/**
 * The autoscaler in the whole simulated cluster through the real kubectl: `kubectl autoscale` on a
 * Deployment whose pods burn more CPU than the target scales it up; `kubectl get hpa` and
 * `kubectl describe hpa` show the targets, the conditions and the rescale events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterKubectl, type KubectlResult, eventually, startClusterKubectl } from '../api/kubectl.test-support.js';
import { RealClock } from '../clock.js';

let cluster: ClusterKubectl | undefined;
const kubectl = (input: string | undefined, ...args: string[]): Promise<KubectlResult> =>
  input === undefined ? cluster!.kubectl(...args) : cluster!.kubectlIn(input, ...args);

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: polinux/stress:1.0.4
        command: [stress, --cpu, "1"]
        resources: {requests: {cpu: 100m}, limits: {cpu: 200m}}
`;

beforeAll(async () => {
  cluster = await startClusterKubectl({ nodes: 2, clock: new RealClock(40) });
}, 20_000);
afterAll(async () => {
  await cluster?.close();
});

const deploymentReplicas = async () => Number((await kubectl(undefined, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}')).stdout);

describe('kubectl autoscale', () => {
  it('scales a busy deployment up to its maximum and describes why', async () => {
    expect((await kubectl(MANIFEST, 'apply', '-f', '-')).code).toBe(0);
    const created = await kubectl(undefined, 'autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=5');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('horizontalpodautoscaler.autoscaling/web autoscaled');

    await eventually(async () => (await deploymentReplicas()) > 1, 20_000, 'a first scale-up');
    await eventually(async () => (await deploymentReplicas()) === 5, 25_000, 'the deployment at maxReplicas');

    const get = await kubectl(undefined, 'get', 'hpa', 'web');
    const [header, row] = get.stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(header).toEqual(['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
    expect(row!.slice(0, 5)).toEqual(['web', 'Deployment/web', 'cpu: 200%/50%', '1', '5']);

    const described = await kubectl(undefined, 'describe', 'hpa', 'web');
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/resource cpu on pods\s+\(as a percentage of request\):\s+200% \(200m\) \/ 50%/);
    expect(described.stdout).toMatch(/AbleToScale\s+True\s+(ReadyForNewScale|SucceededRescale)/);
    expect(described.stdout).toMatch(/ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)/);
    expect(described.stdout).toMatch(/ScalingLimited\s+True\s+TooManyReplicas\s+the desired replica count is more than the maximum replica count/);
    expect(described.stdout).toMatch(/Normal\s+SuccessfulRescale\s+.*horizontal-pod-autoscaler\s+New size: 4; reason: cpu resource utilization \(percentage of request\) above target/);
    expect(described.stdout).toMatch(/New size: 5; reason: cpu resource utilization \(percentage of request\) above target/);
  }, 60_000);
});
