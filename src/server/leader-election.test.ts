/** Leader election on the simulator's Leases over HTTP: one leader at a time, handed over on release or expiry. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../sim/api/kubeconfig.js';
import { startSimCluster, type SimCluster } from '../sim/cluster.js';
import { lookupResource } from '../sim/resources.js';
import { ApiClient } from '../sources/live/api-client.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import { LeaderElector } from './leader-election.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetriage-lease-'));
let sim: SimCluster;
let kubeconfig: string;

beforeAll(async () => {
  sim = await startSimCluster();
  kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, sim.url);
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Candidate {
  elector: LeaderElector;
  log: string[];
}

function candidate(identity: string, name: string): Candidate {
  const log: string[] = [];
  const elector = new LeaderElector(new ApiClient(loadKubeConfig({ kubeconfig })), {
    namespace: 'default', name, identity, leaseDurationMs: 1_000, renewDeadlineMs: 800, retryPeriodMs: 100,
    onStartedLeading: () => log.push('started'), onStoppedLeading: () => log.push('stopped'),
  });
  return { elector, log };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function leaseHolder(name: string): Promise<{ holderIdentity?: string; leaseTransitions?: number }> {
  const client = new ApiClient(loadKubeConfig({ kubeconfig }));
  return (await client.getJson<{ spec: { holderIdentity?: string; leaseTransitions?: number } }>(`/apis/coordination.k8s.io/v1/namespaces/default/leases/${name}`)).spec;
}

describe('LeaderElector', () => {
  it('lets exactly one of three candidates lead, and hands over at once when the leader releases', async () => {
    const ids = ['a', 'b', 'c'];
    const all = ids.map((id) => candidate(id, 'release'));
    for (const c of all) c.elector.start();
    await sleep(600);
    const leaders = all.filter((c) => c.elector.isLeader);
    expect(leaders).toHaveLength(1);
    const first = leaders[0]!;
    expect((await leaseHolder('release')).holderIdentity).toBe(ids[all.indexOf(first)]);
    await first.elector.stop();
    expect(first.log).toEqual(['started', 'stopped']);
    await sleep(1_500);
    const next = all.filter((c) => c.elector.isLeader);
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(first);
    expect((await leaseHolder('release')).leaseTransitions).toBe(1);
    for (const c of all) await c.elector.stop();
  });

  it('takes over a lease whose holder stopped renewing, only after its duration', async () => {
    // A holder that crashed: it took the lease a moment ago and will never renew it.
    sim.store.create(lookupResource('leases')!, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'expiry', namespace: 'default' },
      spec: { holderIdentity: 'crashed', leaseDurationSeconds: 1, renewTime: new Date().toISOString().replace('Z', '000Z'), leaseTransitions: 0 },
    });
    const successor = candidate('successor', 'expiry');
    successor.elector.start();
    await sleep(500);
    expect(successor.elector.isLeader).toBe(false);
    await sleep(1_500);
    expect(successor.elector.isLeader).toBe(true);
    expect((await leaseHolder('expiry')).holderIdentity).toBe('successor');
    await successor.elector.stop();
  });
});
