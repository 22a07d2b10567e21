/**
 * Watch mode against the simulator over HTTP: incidents open when a fault shows and resolve when it
 * is fixed, and the service survives an API server restart, an expired watch and a slow server with
 * no incident lost or duplicated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentChange } from '../diagnose/incident-tracker.js';
import { writeKubeconfig } from '../sim/api/kubeconfig.js';
import { RealClock } from '../sim/clock.js';
import { startSimCluster, type SimCluster } from '../sim/cluster.js';
import { lookupResource } from '../sim/resources.js';
import { applyScenario } from '../sim/scenario/apply.js';
import { loadScenario } from '../sim/scenario/scenario.js';
import { ApiClient } from '../sources/live/api-client.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import { WatchService } from './watch-service.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/checkout-memory.yaml', import.meta.url));
const DEPLOYMENTS = lookupResource('deployments')!;

interface Running {
  sim: SimCluster;
  service: WatchService;
  changes: IncidentChange[];
  errors: unknown[];
  dir: string;
}

const running: Running[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.service.stop();
    await r.sim.close();
    rmSync(r.dir, { recursive: true, force: true });
  }
});

/** `before`: what to do to the server before the service's first list. */
async function start(before?: (sim: SimCluster) => void): Promise<Running> {
  const scenario = await loadScenario(SCENARIO);
  const sim = await startSimCluster({ clock: new RealClock(20), nodes: 2, catalog: scenario.catalog });
  const dir = mkdtempSync(join(tmpdir(), 'kubetriage-watch-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, sim.url);
  const kubeConfig = loadKubeConfig({ kubeconfig });
  const changes: IncidentChange[] = [];
  const errors: unknown[] = [];
  const service = new WatchService({
    client: new ApiClient(kubeConfig, { backoffMs: 50 }), kubeConfig, settleMs: 100, heartbeatMs: 500, backoffMs: 100,
    onChanges: (c) => { changes.push(...c); },
    onError: (err) => { errors.push(err); },
  });
  const r = { sim, service, changes, errors, dir };
  running.push(r);
  before?.(sim);
  await service.start();
  applyScenario(sim, scenario);
  return r;
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const opened = (r: Running): IncidentChange[] => r.changes.filter((c) => c.type === 'opened');
const isOom = (c: IncidentChange): boolean => c.incident.report.cause.mode === 'OOMKilled';

/** Raises the checkout container's memory limit, as the fix would. */
function fixMemory(sim: SimCluster): void {
  const deployment = structuredClone(sim.store.get(DEPLOYMENTS, 'shop', 'checkout')) as { spec: { template: { spec: { containers: { resources: { limits: Record<string, string> } }[] } } } };
  deployment.spec.template.spec.containers[0]!.resources.limits['memory'] = '512Mi';
  sim.store.update(DEPLOYMENTS, deployment, { namespace: 'shop', name: 'checkout' });
}

describe('WatchService', () => {
  it('opens an incident when a fault shows and resolves it once the fix has rolled out', async () => {
    const r = await start();
    await until(() => opened(r).some(isOom), 'the OOM incident to open');
    const id = opened(r).find(isOom)!.incident.id;
    fixMemory(r.sim);
    await until(() => r.changes.some((c) => c.type === 'resolved' && c.incident.id === id), 'the OOM incident to resolve');
    expect(opened(r).filter(isOom)).toHaveLength(1);
    expect(r.service.open()).toEqual([]);
  }, 60_000);

  it('survives an API server restart and an expired watch, with the incident neither lost nor duplicated', async () => {
    const r = await start();
    await until(() => opened(r).some(isOom), 'the OOM incident to open');
    const before = r.service.stats();
    await r.sim.restartApi(300);
    // After the restart every watch has to come back; then one is told its version is gone.
    await until(() => r.service.stats().watches >= before.watches + 20, 'the watches to resume');
    r.sim.faults.inject({ path: /\/api\/v1\/pods\?.*watch=true/, status: 410, times: 1 });
    r.sim.faults.inject({ path: /\/api\/v1\/nodes\?.*watch=true/, drop: true, times: 1 });
    r.sim.store.create(lookupResource('pods')!, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'poke', namespace: 'shop' }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    r.sim.store.create(lookupResource('nodes')!, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'spare' } });
    await until(() => r.service.stats().expired >= 1, 'the expired watch to re-list');
    const analysesAfter = r.service.stats().analyses;
    await until(() => r.service.stats().analyses > analysesAfter + 1, 'analyses to go on');
    expect(opened(r).filter(isOom)).toHaveLength(1);
    expect(r.service.open().filter((i) => i.report.cause.mode === 'OOMKilled')).toHaveLength(1);
    // And the watch still delivers: the fix is seen and the incident resolves.
    fixMemory(r.sim);
    await until(() => r.changes.some((c) => c.type === 'resolved' && isOom(c)), 'the OOM incident to resolve after the restart');
  }, 60_000);

  it('keeps going through a slow API server', async () => {
    const started = Date.now();
    // The first list of pods and of events, and the first pods watch, each answer after 1.5 s.
    const r = await start((sim) => {
      sim.faults.inject({ path: /^\/api\/v1\/(pods|events)\?/, delayMs: 1_500, times: 3 });
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    await until(() => opened(r).some(isOom), 'the OOM incident to open');
    expect(opened(r).filter(isOom)).toHaveLength(1);
    expect(r.errors).toEqual([]);
  }, 60_000);
});
