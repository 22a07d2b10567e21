/**
 * Remediation end to end, scenario by scenario: each scenario of scenarios/ runs in the simulator,
 * is diagnosed live, and the first fix of each incident goes through the gateway under
 * examples/policy.yaml. What must happen is written here per scenario: the fix verified (the
 * finding is gone and nothing new broke), held for a person's approval, or rolled back when the
 * proposed change does not resolve the fault; scenarios whose cause no change can fix propose none.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { submit, type GatewayStatus } from '../src/actions/gateway.js';
import { loadPolicy } from '../src/actions/policy-file.js';
import { startTestCluster } from '../src/actions/sim.test-support.js';
import { ClusterGraph } from '../src/cluster/graph.js';
import { diagnose } from '../src/diagnose/diagnose.js';
import type { Incident } from '../src/diagnose/finding.js';
import { applyScenario } from '../src/sim/scenario/apply.js';
import { loadScenario } from '../src/sim/scenario/scenario.js';
import { meetsExpectation } from '../src/sim/scenario/expectation.js';
import { loadLive } from '../src/sources/live/load-live.js';

const scenarioFile = (name: string): string => fileURLToPath(new URL(`../scenarios/${name}`, import.meta.url));
const POLICY = fileURLToPath(new URL('../examples/policy.yaml', import.meta.url));

/** The outcome of the first fix of the scenario's incident, or `none` when it proposes none. */
const OUTCOMES: [string, GatewayStatus | 'none'][] = [
  ['shop-microservices.yaml', 'verified'],
  ['search-service.yaml', 'verified'],
  ['catalog-image.yaml', 'verified'],
  // The headroom rule proposes 256Mi for a worker that allocates 300M: the gateway sees the pods still OOM-killed and rolls it back.
  ['checkout-memory.yaml', 'rolled-back'],
  // Which path the app serves, and what the missing ConfigMap or Secret should hold, are not in the evidence.
  ['storefront-readiness.yaml', 'none'],
  ['billing-config.yaml', 'none'],
  ['ledger-credentials.yaml', 'none'],
];

describe('remediation of the scenarios', () => {
  // Concurrently: each waits mostly on its simulated clock and on verification.
  it.concurrent.each(OUTCOMES)('%s: the first fix of its incident: %s', async (file, outcome) => {
    const scenario = await loadScenario(scenarioFile(file));
    const cluster = await startTestCluster({ speed: 20, nodes: scenario.nodes === undefined ? 1 : 0, catalog: scenario.catalog });
    try {
      applyScenario(cluster.sim, scenario);
      let incidents: Incident[] = [];
      const deadline = Date.now() + 30_000;
      const reported = (i: Incident) => ({ cause: { mode: i.cause.mode, category: i.cause.rootCause.category, subject: i.cause.subject }, symptoms: [] });
      while (!meetsExpectation(incidents.map(reported), { expect: scenario.expect.map(({ symptoms: _s, ...cause }) => cause) }) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        incidents = diagnose(new ClusterGraph(await loadLive(cluster.client))).incidents;
      }
      const cause = incidents[0]!.cause;
      const fix = cause.fixes[0];
      if (outcome === 'none') {
        expect(fix, `${file}: ${cause.mode}/${cause.rootCause.category}`).toBeUndefined();
        return;
      }
      expect(fix, `${file}: ${cause.mode}/${cause.rootCause.category} proposes no fix`).toBeDefined();
      const result = await submit(fix!, { client: cluster.client, db: cluster.db, policy: await loadPolicy(POLICY), actor: 'autopilot', verify: { deadlineMs: 30_000, pollMs: 1_000 } }, { resolves: cause.id });
      expect(result.status, `${file}: ${fix!.summary}: ${result.message}`).toBe(outcome);
    } finally {
      await cluster.close();
    }
  }, 90_000);
});
