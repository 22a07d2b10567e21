#!/usr/bin/env node
/**
 * The live source's benchmark, against the simulator over HTTP: requests per live diagnosis at two
 * cluster sizes (counted by the server) and its time, then, in watch mode on the large cluster, the
 * latency from a fault injected to its incident opened (p50/p95), with the analysis time apart.
 *
 *   npm run build && node bench/live/run.mjs [--pods 10000] [--small 1000] [--nodes 500] [--faults 20] [--speed 20]
 *
 * Aims: requests independent of the pod count (beyond the pages of a list of 500), watch p95 under 2 s.
 * The fault is a pod whose image tag does not exist: the simulated kubelet reports ErrImagePull about
 * a pull time after it starts, so the latency includes the cluster's own time to show the fault.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchArgs } from '../args.mjs';
import { countRunning, createBoundPods, createNamespaces } from '../sim/workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (path) => import(pathToFileURL(join(here, '..', '..', 'dist', path)).href);
const { startSimCluster } = await dist('sim/cluster.js');
const { writeKubeconfig } = await dist('sim/api/kubeconfig.js');
const { lookupResource } = await dist('sim/resources.js');
const { RealClock } = await dist('sim/clock.js');
const { ApiClient } = await dist('sources/live/api-client.js');
const { loadKubeConfig } = await dist('sources/live/kubeconfig.js');
const { loadLive } = await dist('sources/live/load-live.js');
const { LIVE_KINDS } = await dist('sources/live/kinds.js');
const { ClusterGraph } = await dist('cluster/graph.js');
const { diagnose } = await dist('diagnose/diagnose.js');
const { WatchService } = await dist('server/watch-service.js');

const args = benchArgs({
  numbers: { pods: 10_000, small: 1_000, nodes: 500, faults: 20, speed: 20 },
  usage: 'run.mjs [--pods 10000] [--small 1000] [--nodes 500] [--faults 20] [--speed 20]',
});
const { pods: large, small, nodes: nodeCount, faults: faultCount, speed } = args;
const namespaceCount = 10;
const r = { namespaces: lookupResource('namespaces'), pods: lookupResource('pods') };
const ms = (x) => `${x.toFixed(0)} ms`;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));

const workDir = mkdtempSync(join(tmpdir(), 'live-bench-'));
const kubeconfig = join(workDir, 'kubeconfig');
const sim = await startSimCluster({ nodes: nodeCount, clock: new RealClock(speed) });
try {
  await writeKubeconfig(kubeconfig, sim.url);
  console.log(`sim: ${sim.url}, ${nodeCount} nodes, clock x${speed}, node ${process.version}; ${LIVE_KINDS.length} kinds read`);
  createNamespaces(sim, r, namespaceCount);
  createBoundPods(sim, r, { podCount: small, nodeCount, namespaceCount });
  await untilRunning(small);
  const few = await measureDiagnose(small);
  createBoundPods(sim, r, { podCount: large - small, nodeCount, namespaceCount, first: small });
  await untilRunning(large);
  const many = await measureDiagnose(large);
  console.log(`requests: ${few.requests} at ${small} pods, ${many.requests} at ${large} pods; the difference (${many.requests - few.requests}) is list pages of 500 (aim: independent of pods beyond pages)`);
  console.log(`time: ${(many.ms / few.ms).toFixed(1)}x for ${(large / small).toFixed(0)}x the pods`);
  await measureWatchLatency();
} finally {
  await sim.close();
  rmSync(workDir, { recursive: true, force: true });
}

async function untilRunning(count) {
  const started = performance.now();
  while (countRunning(sim, r).running < count && performance.now() - started < 120_000) await sleep(500);
}

/** One live diagnosis (best of 3), with the requests the server counted for it. */
async function measureDiagnose(pods) {
  let best = Infinity;
  let requests = 0;
  let pages = 0;
  for (let i = 0; i < 3; i++) {
    sim.faults.resetCount();
    const t = performance.now();
    const snapshot = await loadLive(new ApiClient(loadKubeConfig({ kubeconfig })));
    const incidents = diagnose(new ClusterGraph(snapshot)).incidents.length;
    best = Math.min(best, performance.now() - t);
    requests = sim.faults.requests;
    pages = sim.faults.log.filter((line) => line.includes('continue=')).length;
    if (i === 0) console.log(`  ${snapshot.objects.length} objects, ${snapshot.logs.length} logs, ${incidents} incidents`);
  }
  console.log(`live diagnose at ${pods} pods: best ${ms(best)} of 3, ${requests} requests (${LIVE_KINDS.length} lists, ${pages} further pages, ${requests - LIVE_KINDS.length - pages} logs)`);
  return { ms: best, requests };
}

/** Watch mode on the large cluster: one faulty pod at a time, from its creation to its incident opened. */
async function measureWatchLatency() {
  const kubeConfig = loadKubeConfig({ kubeconfig });
  const openedAt = new Map();
  const analysisMs = [];
  const service = new WatchService({
    client: new ApiClient(kubeConfig), kubeConfig, settleMs: 100, heartbeatMs: 5_000,
    onAnalyzed: (t) => analysisMs.push(t),
    onChanges: (changes) => {
      for (const c of changes) if (c.type === 'opened') openedAt.set(c.incident.report.cause.subject.name, performance.now());
    },
  });
  const startT = performance.now();
  await service.start();
  console.log(`watch: first list and analysis of ${large} pods in ${ms(performance.now() - startT)}`);
  const latencies = [];
  for (let i = 0; i < faultCount; i++) {
    const name = `canary-${i}`;
    const t = performance.now();
    sim.store.create(r.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team-0' },
      spec: { nodeName: `sim-worker-${(i % nodeCount) + 1}`, containers: [{ name: 'app', image: 'nginx:9.99-missing' }] },
    }, { namespace: 'team-0' });
    while (!openedAt.has(name) && performance.now() - t < 30_000) await sleep(10);
    if (openedAt.has(name)) latencies.push(openedAt.get(name) - t);
    sim.store.delete(r.pods, 'team-0', name);
    await sleep(300);
  }
  await service.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const analyses = [...analysisMs].sort((a, b) => a - b);
  console.log(`watch: fault injected -> incident opened, ${latencies.length}/${faultCount} faults: p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))} (aim: p95 < 2 s)`);
  console.log(`  of which one analysis (snapshot + logs + diagnosis of ${large} pods): p50 ${ms(percentile(analyses, 50))}, p95 ${ms(percentile(analyses, 95))} over ${analyses.length} analyses`);
}
