/**
 * The gateway against the simulator over HTTP, under examples/policy.yaml: what it denies (with its
 * reasons), what it holds for approval and how an approval is checked, how a target that moved
 * between the checks and the write is refused, and the audit chain of it all.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/objects.js';
import { scale, restart, patchObject } from '../diagnose/fixes.js';
import { plan as makePlan } from '../diagnose/plan.js';
import { lookupResource } from '../sim/resources.js';
import { AuditLog } from '../store/audit-log.js';
import { approve, submit, type GatewayDeps } from './gateway.js';
import { loadPolicy } from './policy-file.js';
import type { Policy } from './policy-schema.js';
import { createShop, eventually, startTestCluster, type TestCluster } from './sim.test-support.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));
const web = { kind: 'Deployment', namespace: 'shop', name: 'web' };
let cluster: TestCluster;
let policy: Policy;
const fast = { deadlineMs: 3_000, pollMs: 200 };
const deps = (actor = 'alice', extra: Partial<GatewayDeps> = {}): GatewayDeps => ({ client: cluster.client, db: cluster.db, policy, actor, verify: fast, ...extra });
const replicasOf = (): number => (cluster.get('deployments', 'shop', 'web').spec as { replicas: number }).replicas;

beforeAll(async () => {
  policy = await loadPolicy(EXAMPLE);
  cluster = await startTestCluster();
  createShop(cluster, 4);
  await eventually(async () => ((cluster.get('deployments', 'shop', 'web').status as { readyReplicas?: number } | undefined)?.readyReplicas === 4 ? true : undefined), 20_000, 'web to be ready');
});

afterAll(async () => {
  await cluster.close();
});

describe('submit', () => {
  it('denies scaling production to zero, with its reasons, and changes nothing', async () => {
    const result = await submit(scale(web, 0, 4, 'save money'), deps());
    expect(result.status).toBe('denied');
    expect(result.decision?.reasons).toEqual(expect.arrayContaining(['scales to 0 replicas; the policy keeps at least 1']));
    expect(result.decision?.radius).toMatchObject({ podsRestarted: 4, maxUnavailable: 4, replicas: 4 });
    expect(replicasOf()).toBe(4);
  });

  it('denies deleting a namespace', async () => {
    const result = await submit(makePlan({ verb: 'delete-pod', target: { kind: 'Namespace', name: 'shop' }, summary: 'delete namespace shop', reason: 'cleanup' }), deps());
    expect(result.status).toBe('denied');
    expect(result.message).toMatch(/delete-pod applies to Pod, not Namespace/);
    expect(result.message).toMatch(/deny\[0\]/);
    expect(cluster.get('namespaces', undefined, 'shop').metadata.name).toBe('shop');
  });

  it('is read-only without a policy', async () => {
    const result = await submit(restart(web, 'r'), deps('alice', { policy: undefined }));
    expect(result.status).toBe('denied');
    expect(result.message).toMatch(/read-only/);
  });

  it('checks with a server-side dry-run and changes nothing under --dry-run', async () => {
    const before = cluster.get('deployments', 'shop', 'web').metadata.resourceVersion;
    const result = await submit(restart(web, 'r'), deps(), { dryRun: true });
    expect(result.status).toBe('dry-run');
    expect(result.decision?.radius).toMatchObject({ podsRestarted: 4, maxUnavailable: 1 });
    expect(cluster.get('deployments', 'shop', 'web').metadata.resourceVersion).toBe(before);
  });

  it('refuses a plan whose target changed between the dry-run and the write', async () => {
    const bump = async (): Promise<void> => {
      const d = cluster.get('deployments', 'shop', 'web');
      cluster.sim.store.update(lookupResource('deployments')!, { ...d, spec: { ...(d.spec as object), minReadySeconds: 5 } } as KubeObject, { namespace: 'shop', name: 'web' });
    };
    const plan = patchObject(web, { metadata: { annotations: { owner: 'team-a' } } }, undefined, 'annotate', 'r');
    const result = await submit(plan, deps('alice', { beforeApply: bump }));
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/changed after it was checked \(generation 1 → 2, resourceVersion \d+ → \d+\); nothing was changed/);
    expect(cluster.get('deployments', 'shop', 'web').metadata.annotations?.['owner']).toBeUndefined();
  });
});

describe('approval', () => {
  let approvalId: string;

  it('holds a bounded scale-down for the on-call', async () => {
    const result = await submit(scale(web, 3, 4, 'shrink'), deps('alice'));
    expect(result.status).toBe('held');
    approvalId = result.approvalId!;
    expect(approvalId).toMatch(/^apr-/);
    expect(replicasOf()).toBe(4);
  });

  it('refuses a forged approval: a name the policy does not list, or the requester', async () => {
    expect((await approve(approvalId, 'mallory', deps('mallory'))).message).toMatch(/mallory may not approve this plan \(approvers: sre-oncall, platform-lead\)/);
    expect((await approve('apr-0000000000', 'sre-oncall', deps('sre-oncall'))).message).toMatch(/no approval request apr-0000000000/);
    const self = structuredClone(policy);
    self.approvals[0]!.approvers.push('alice');
    expect((await approve(approvalId, 'alice', deps('alice', { policy: self }))).message).toMatch(/alice asked for this change and may not approve it too/);
    expect(replicasOf()).toBe(4);
  });

  it('refuses an approval whose stored plan was swapped in the database', async () => {
    const held = await submit(scale(web, 3, 4, 'shrink'), deps('alice'));
    const swapped = JSON.stringify(scale(web, 1, 4, 'shrink'));
    cluster.db.prepare('UPDATE approvals SET plan = ? WHERE id = ?').run(swapped, held.approvalId);
    expect((await approve(held.approvalId!, 'sre-oncall', deps('sre-oncall'))).message).toMatch(/not the plan the audit log recorded/);
  });

  it('applies once approved by the on-call, and only once', async () => {
    const result = await approve(approvalId, 'sre-oncall', deps('sre-oncall'));
    expect(result.status, result.message).toBe('verified');
    expect(replicasOf()).toBe(3);
    expect((await approve(approvalId, 'platform-lead', deps('platform-lead'))).message).toMatch(/already used/);
  });

  it('refuses an approval when the target\'s spec changed after the request', async () => {
    const held = await submit(scale(web, 3, 4, 'shrink'), deps('alice'));
    const d = cluster.get('deployments', 'shop', 'web');
    cluster.sim.store.update(lookupResource('deployments')!, { ...d, spec: { ...(d.spec as object), minReadySeconds: 7 } } as KubeObject, { namespace: 'shop', name: 'web' });
    expect((await approve(held.approvalId!, 'sre-oncall', deps('sre-oncall'))).message).toMatch(/changed since the plan was checked \(generation \d+, now \d+\)/);
  });
});

describe('audit', () => {
  it('recorded every step in a valid chain, and detects a row edited with raw SQL', () => {
    const log = new AuditLog(cluster.db);
    const steps = new Set(log.rows().map((r) => r.step));
    expect([...steps].sort()).toEqual(['applied', 'approved', 'decided', 'failed', 'planned', 'verified']);
    const check = log.verify();
    expect(check.ok).toBe(true);
    const denial = log.rows().find((r) => r.step === 'decided' && r.detail.includes('"deny"'))!;
    cluster.db.prepare('UPDATE audit_log SET detail = replace(detail, \'"deny"\', \'"allow"\') WHERE seq = ?').run(denial.seq);
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: denial.seq } });
  });
});
