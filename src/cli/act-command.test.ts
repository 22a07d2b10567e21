/**
 * `act`, `approve` and `audit verify` as a user runs them, against the simulator over HTTP, under
 * examples/policy.yaml: exit 0 applied, 3 denied, 4 held, and the audit chain checked.
 */
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, eventually, startTestCluster, type TestCluster } from '../actions/sim.test-support.js';
import { registerActCommand } from './act-command.js';
import { registerApproveCommand } from './approve-command.js';
import { registerAuditCommand } from './audit-command.js';
import type { Io } from './diagnose-command.js';

const POLICY = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));
let cluster: TestCluster;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let code = -1;
  const io = { stdin: process.stdin, stdout: { write: (s: string) => { out += s; return true; } }, stderr: { write: (s: string) => { err += s; return true; } } } as unknown as Io;
  const program = new Command('kubetriage').exitOverride();
  const set = (c: number): void => { code = c; };
  registerActCommand(program, io, set);
  registerApproveCommand(program, io, set);
  registerAuditCommand(program, io, set);
  const common = ['--kubeconfig', cluster.kubeconfig, '--db', cluster.dbPath, '--verify-timeout', '3'];
  const withCommon = args[0] === 'audit' ? [...args, '--db', cluster.dbPath] : [...args, ...common];
  await program.parseAsync(withCommon, { from: 'user' });
  return { code, out, err };
}

const replicas = (): number => (cluster.get('deployments', 'shop', 'web').spec as { replicas: number }).replicas;

beforeAll(async () => {
  cluster = await startTestCluster();
  createShop(cluster, 4);
  cluster.db.close();
  await eventually(async () => ((cluster.get('deployments', 'shop', 'web').status as { readyReplicas?: number } | undefined)?.readyReplicas === 4 ? true : undefined), 20_000, 'web to be ready');
});

afterAll(async () => {
  const { openDatabase } = await import('../store/database.js');
  cluster.db = openDatabase(cluster.dbPath);
  await cluster.close();
});

describe('kubetriage act', () => {
  it('denies `scale deployment/web --replicas 0` with exit 3 and its reason', async () => {
    const r = await run(['act', 'scale', 'deployment/web', '-n', 'shop', '--replicas', '0', '--policy', POLICY, '--as', 'alice']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('decision: deny');
    expect(r.out).toContain('scales to 0 replicas; the policy keeps at least 1');
    expect(replicas()).toBe(4);
  });

  it('denies `delete namespace/shop` with exit 3', async () => {
    const r = await run(['act', 'delete', 'namespace/shop', '--policy', POLICY, '-o', 'json']);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out) as { status: string; decision: { reasons: string[] } };
    expect(json.status).toBe('denied');
    expect(json.decision.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^deny\[0\]: delete-pod on Namespace/)]));
  });

  it('denies everything without --policy', async () => {
    const r = await run(['act', 'restart', 'deployment/web', '-n', 'shop']);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/read-only/);
  });

  it('applies and verifies an allowed patch with exit 0', async () => {
    const r = await run(['act', 'patch', 'deployment/web', '-n', 'shop', '--type', 'merge', '-p', '{"metadata":{"annotations":{"team":"storefront"}}}', '--policy', POLICY]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/result: +verified/);
    expect(cluster.get('deployments', 'shop', 'web').metadata.annotations?.['team']).toBe('storefront');
  });

  it('holds a scale-down for approval (exit 4), then applies it when the on-call approves', async () => {
    const held = await run(['act', 'scale', 'deployment/web', '-n', 'shop', '--replicas', '3', '--policy', POLICY, '--as', 'alice', '-o', 'json']);
    expect(held.code).toBe(4);
    const id = (JSON.parse(held.out) as { approvalId: string }).approvalId;
    expect(replicas()).toBe(4);
    const forged = await run(['approve', id, '--policy', POLICY, '--as', 'alice']);
    expect(forged.code).toBe(2);
    expect(forged.out).toMatch(/alice may not approve this plan/);
    const approved = await run(['approve', id, '--policy', POLICY, '--as', 'sre-oncall']);
    expect(approved.code, approved.out).toBe(0);
    expect(replicas()).toBe(3);
  });
});

describe('kubetriage audit verify', () => {
  it('passes on the chain written above, and names the row edited with raw SQL', async () => {
    const ok = await run(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^audit log intact: \d+ row\(s\)/);
    const { openDatabase } = await import('../store/database.js');
    const db = openDatabase(cluster.dbPath);
    db.prepare(`UPDATE audit_log SET actor = 'nobody' WHERE seq = 2`).run();
    db.close();
    const broken = await run(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.out).toBe('audit log broken at row 2: its content does not match its hash (the row was edited)\n');
  });
});
