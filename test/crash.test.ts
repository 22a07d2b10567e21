/**
 * A crash between apply and verify: `kubetriage act` is killed (SIGKILL) right after the audit log
 * records its write. The log survives with the action recorded as applied and unresolved; its chain
 * verifies; the next run of the gateway finds the action, verifies it, and records the outcome.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../src/sim/api/kubeconfig.js';
import { RealClock } from '../src/sim/clock.js';
import { startSimCluster } from '../src/sim/cluster.js';
import { applyScenario } from '../src/sim/scenario/apply.js';
import { loadScenario } from '../src/sim/scenario/scenario.js';
import { BIN, kubetriage } from './run-bin.js';

const POLICY = fileURLToPath(new URL('../examples/policy.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubetriage-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The steps the audit log holds, in order, read without writing. */
function steps(db: string): { action: string; step: string }[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (conn.prepare('SELECT action_id AS action, step FROM audit_log ORDER BY seq').all() as { action: string; step: string }[]);
  } finally {
    conn.close();
  }
}

describe('a crash between apply and verify', () => {
  it('leaves the action recorded, and the next run resolves it', async () => {
    const scenario = await loadScenario(fileURLToPath(new URL('../scenarios/checkout-memory.yaml', import.meta.url)));
    const sim = await startSimCluster({ clock: new RealClock(20), nodes: 2, catalog: scenario.catalog });
    const kubeconfig = join(dir, 'kubeconfig');
    const db = join(dir, 'kubetriage.db');
    try {
      await writeKubeconfig(kubeconfig, sim.url);
      applyScenario(sim, scenario);
      const patch = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'worker', resources: { limits: { memory: '512Mi' } } }] } } } });
      const child = spawn(process.execPath, [BIN, 'act', 'patch', 'deployment/checkout', '-n', 'shop', '-p', patch, '--policy', POLICY, '--db', db, '--kubeconfig', kubeconfig, '--verify-timeout', '120', '--as', 'alice'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const deadline = Date.now() + 60_000;
      let seen: { action: string; step: string }[] = [];
      for (; !seen.some((s) => s.step === 'applied'); await new Promise((resolve) => setTimeout(resolve, 20))) {
        if (Date.now() > deadline) throw new Error(`act never applied: ${JSON.stringify(seen)}`);
        try { seen = steps(db); } catch { /* the database does not exist yet */ }
      }
      child.kill('SIGKILL');
      await exited;
      const action = seen.find((s) => s.step === 'applied')!.action;
      expect(steps(db).filter((s) => s.action === action).map((s) => s.step)).toEqual(['planned', 'decided', 'applied']);
      expect((await kubetriage(['audit', 'verify', '--db', db])).code).toBe(0);

      // The next run of the gateway (here a dry run of anything) resolves the interrupted action first.
      const next = await kubetriage(['act', 'restart', 'deployment/checkout', '-n', 'shop', '--dry-run', '--policy', POLICY, '--db', db, '--kubeconfig', kubeconfig, '--verify-timeout', '60', '--as', 'bob']);
      expect(next.stderr).toContain(`resolved an interrupted action ${action}: verified`);
      expect(steps(db).filter((s) => s.action === action).map((s) => s.step)).toEqual(['planned', 'decided', 'applied', 'verified']);
      const verified = await kubetriage(['audit', 'verify', '--db', db]);
      expect(verified.code).toBe(0);
      const head = /^head: (\d+:[0-9a-f]{64})/m.exec(verified.stdout)![1]!;

      // Deleting the newest rows leaves a valid, shorter chain: only the anchor kept elsewhere shows it.
      const conn = new Database(db);
      conn.prepare('DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)').run();
      conn.close();
      expect((await kubetriage(['audit', 'verify', '--db', db])).code).toBe(0);
      const anchored = await kubetriage(['audit', 'verify', '--db', db, '--anchor', head]);
      expect(anchored.code).toBe(1);
      expect(anchored.stdout).toMatch(/before the anchored row \d+: rows were deleted from its end/);
    } finally {
      await sim.close();
    }
  }, 180_000);
});
