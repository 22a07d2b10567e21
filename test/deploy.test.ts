/**
 * The manifests of deploy/, applied with the real kubectl to the simulator: they are accepted, and
 * the identity they create may read what a diagnosis reads and take its leader Lease, and nothing more.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { writeKubeconfig } from '../src/sim/api/kubeconfig.js';
import { runKubectl, type KubectlResult } from '../src/sim/api/kubectl.test-support.js';
import { startSimCluster, type SimCluster } from '../src/sim/cluster.js';

const DEPLOY = fileURLToPath(new URL('../deploy/', import.meta.url));
const SA = 'system:serviceaccount:kubetriage:kubetriage';
const dir = mkdtempSync(join(tmpdir(), 'kubetriage-deploy-'));
let sim: SimCluster;
const kubeconfig = join(dir, 'kubeconfig');

const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(kubeconfig, args, { home: dir });

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 1 });
  await writeKubeconfig(kubeconfig, sim.url);
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deploy/', () => {
  it('applies cleanly with kubectl', async () => {
    const r = await kubectl('apply', '-f', join(DEPLOY, 'rbac.yaml'), '-f', join(DEPLOY, 'watch.yaml'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('clusterrole.rbac.authorization.k8s.io/kubetriage-reader created');
    expect(r.stdout).toContain('deployment.apps/kubetriage-watch created');
  });

  it('lets the service account read, take its lease, and nothing else', async () => {
    const can = async (...args: string[]): Promise<string> => (await kubectl('auth', 'can-i', ...args, '--as', SA)).stdout.trim();
    expect(await can('list', 'pods', '-A')).toBe('yes');
    expect(await can('get', 'pods/log', '-n', 'shop')).toBe('yes');
    expect(await can('watch', 'deployments.apps', '-A')).toBe('yes');
    expect(await can('update', 'leases.coordination.k8s.io', '-n', 'kubetriage')).toBe('yes');
    expect(await can('update', 'leases.coordination.k8s.io', '-n', 'kube-system')).toBe('no');
    expect(await can('delete', 'pods', '-n', 'shop')).toBe('no');
    expect(await can('patch', 'deployments.apps', '-n', 'shop')).toBe('no');
    expect(await can('list', 'secrets', '-A')).toBe('no');
  });

  it('probes the port the watch serves its endpoints on, with requests and limits set', () => {
    const docs = parseAllDocuments(readFileSync(join(DEPLOY, 'watch.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; spec: { template: { spec: { containers: { args: string[]; ports: { name: string; containerPort: number }[]; readinessProbe: { httpGet: { port: string; path: string } }; livenessProbe: { httpGet: { path: string } }; resources: { requests: object; limits: object } }[] } } } });
    const container = docs.find((d) => d.kind === 'Deployment')!.spec.template.spec.containers[0]!;
    const listen = container.args[container.args.indexOf('--listen') + 1]!;
    const port = container.ports.find((p) => p.name === container.readinessProbe.httpGet.port)!;
    expect(listen).toBe(`:${port.containerPort}`);
    expect([container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path]).toEqual(['/readyz', '/healthz']);
    expect(container.args).toContain('--leader-elect');
    expect(Object.keys(container.resources.requests)).toEqual(['cpu', 'memory']);
    expect(Object.keys(container.resources.limits)).toEqual(['memory']);
  });
});
