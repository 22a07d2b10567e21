/**
 * Diagnose, fix, verify, end to end through the command line: the demo's shop, broken in the
 * simulator, is diagnosed live; `kubetriage fix` applies the incident's own fix through the gateway
 * under examples/policy.yaml; the gateway verifies that the root cause and its cascade are gone; the
 * audit log holds every step and verifies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../src/sim/api/kubeconfig.js';
import { RealClock } from '../src/sim/clock.js';
import { startSimCluster } from '../src/sim/cluster.js';
import { applyScenario } from '../src/sim/scenario/apply.js';
import { loadScenario } from '../src/sim/scenario/scenario.js';
import { kubetriage } from './run-bin.js';

const POLICY = fileURLToPath(new URL('../examples/policy.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubetriage-fix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report { incidents: { id: string; cause: { id: string; mode: string; category: string; subject: { name: string } }; symptoms: unknown[] }[] }

describe('kubetriage fix', () => {
  it('applies the incident\'s fix through the gateway, verifies that the cascade is gone, and audits every step', async () => {
    const scenario = await loadScenario(fileURLToPath(new URL('../scenarios/shop-microservices.yaml', import.meta.url)));
    const sim = await startSimCluster({ clock: new RealClock(20), nodes: 3, catalog: scenario.catalog });
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      const db = join(dir, 'kubetriage.db');
      await writeKubeconfig(kubeconfig, sim.url);
      applyScenario(sim, scenario);
      let report: Report = { incidents: [] };
      const deadline = Date.now() + 40_000;
      while (!(report.incidents.length === 1 && report.incidents[0]!.symptoms.length >= 4) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        report = JSON.parse((await kubetriage(['diagnose', '--kubeconfig', kubeconfig, '-o', 'json'])).stdout) as Report;
      }
      const incident = report.incidents[0]!;
      expect(incident.cause).toMatchObject({ mode: 'OOMKilled', category: 'memory-limit-too-low' });

      const unknown = await kubetriage(['fix', 'inc-00000000', '--kubeconfig', kubeconfig, '--db', db, '--policy', POLICY]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`open incidents: ${incident.id} (OOMKilled/memory-limit-too-low)`);

      const fixed = await kubetriage(['fix', incident.id, '--kubeconfig', kubeconfig, '--db', db, '--policy', POLICY, '--verify-timeout', '60', '--as', 'alice', '-o', 'json']);
      const result = JSON.parse(fixed.stdout) as { status: string; diff: string; plan: { verb: string; target: { kind: string; name: string } }; verification?: { resolved: boolean } };
      expect(result.status, fixed.stdout + fixed.stderr).toBe('verified');
      expect(fixed.code).toBe(0);
      expect(result.plan).toMatchObject({ verb: 'patch', target: { kind: 'Deployment', name: 'payments' } });
      expect(result.diff.split('\n').filter((l) => /^[-+]\s/.test(l)).map((l) => l.replace(/\s+/g, ' '))).toEqual(['- memory: 128Mi', '+ memory: 256Mi']);
      const after = JSON.parse((await kubetriage(['diagnose', '--kubeconfig', kubeconfig, '-o', 'json'])).stdout) as Report;
      expect(after.incidents.filter((i) => i.cause.mode === 'OOMKilled')).toEqual([]);
      const audit = await kubetriage(['audit', 'verify', '--db', db]);
      expect(audit.code).toBe(0);
    } finally {
      await sim.close();
    }
  }, 180_000);
});
