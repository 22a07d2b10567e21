#!/usr/bin/env node
/**
 * The simulator's benchmark: a simulated cluster of 500 nodes filled with 10,000 running pods, then
 * what a user and a live source feel: `kubectl get pods -A`, kubectl's own floor on the same pages,
 * a paged list over raw HTTP and through `@kubernetes/client-node`, the memory of the sim, the
 * fan-out of pod changes to many concurrent watches, and finally, in a fresh sim, how long 500
 * Deployments of 20 replicas take to settle through the controllers, the scheduler and the kubelets.
 *
 *   npm run build && node bench/sim/run.mjs [--pods 10000] [--nodes 500] [--watchers 100] [--updates 100]
 *     [--speed 20] [--settle-s 120] [--deployments] [--no-deployment-settle]
 *
 * The first sim's pods are created already bound to nodes (the kubelets still run them to Running),
 * so that its figures do not depend on the scheduler; --deployments fills it through Deployments
 * instead (and skips the separate settle run). --no-deployment-settle skips the settle run.
 * Aims: kubectl under 2 s, paged list under 2 s, RSS under 1 GB. kubectl pages by 500 and client-go
 * throttles it to 5 requests a second after a burst of 10, so 20 pages cost it about 2 s whatever
 * the server does: the floor line measures that on pre-serialized pages.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { benchArgs } from '../args.mjs';
import { REPLICAS, countRunning, createBoundPods, createDeployments, createNamespaces } from './workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (path) => import(pathToFileURL(join(here, '..', '..', 'dist', path)).href);
const { startSimCluster } = await dist('sim/cluster.js');
const { writeKubeconfig } = await dist('sim/api/kubeconfig.js');
const { lookupResource } = await dist('sim/resources.js');
const { RealClock } = await dist('sim/clock.js');

// Simulated time runs faster (--speed) so image pulls and container starts do not dominate the set-up.
const args = benchArgs({
  numbers: { pods: 10_000, nodes: 500, watchers: 100, updates: 100, speed: 20, 'settle-s': 120 },
  flags: ['deployments', 'no-deployment-settle'],
  usage: 'run.mjs [--pods N] [--nodes N] [--watchers N] [--updates N] [--speed N] [--settle-s N] [--deployments] [--no-deployment-settle]',
});
const { pods: podCount, nodes: nodeCount, watchers: watcherCount, updates: updateCount, speed } = args;
const settleMs = args['settle-s'] * 1000;
const direct = !args.deployments;
const settleDeployments = direct && !args['no-deployment-settle'];
const namespaceCount = 10;

const r = {
  namespaces: lookupResource('namespaces'),
  pods: lookupResource('pods'),
  deployments: lookupResource('deployments'),
};
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const workDir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
const kubeconfig = join(workDir, 'kubeconfig');
let sim = await startSimCluster({ nodes: nodeCount, clock: new RealClock(speed) });
try {
  await writeKubeconfig(kubeconfig, sim.url);
  console.log(`sim: ${sim.url}, ${nodeCount} nodes, ${podCount} pods asked for, clock x${speed}, node ${process.version}`);
  const settled = await fill(direct);
  const rss = process.memoryUsage();
  console.log(`memory after settling: rss ${(rss.rss / 2 ** 20).toFixed(0)} MB, heapUsed ${(rss.heapUsed / 2 ** 20).toFixed(0)} MB (aim: rss < 1024 MB)`);
  if (!settled) console.log('note: not every pod is Running; the figures below are for the pods that exist');
  const kubectlMs = await measureKubectl();
  await measureKubectlFloor(kubectlMs);
  const httpMs = await measurePagedList();
  console.log(`kubectl / raw HTTP paged list: ${(kubectlMs / httpMs).toFixed(1)}x (${seconds(kubectlMs)} / ${seconds(httpMs)})`);
  await measureClientNodeList();
  await measureWatchFanOut();
  if (settleDeployments) {
    await sim.close();
    sim = await startSimCluster({ nodes: nodeCount, clock: new RealClock(speed) });
    console.log(`settle run: a fresh sim, ${nodeCount} nodes`);
    await fill(false);
  }
} finally {
  await sim.close();
  rmSync(workDir, { recursive: true, force: true });
}

/** Creates the workload (bound pods, or Deployments) and waits until every pod is Running; false when it did not in time. */
async function fill(boundPods) {
  const started = performance.now();
  createNamespaces(sim, r, namespaceCount);
  if (boundPods) createBoundPods(sim, r, { podCount, nodeCount, namespaceCount });
  else createDeployments(sim, r, { podCount, namespaceCount });
  const created = performance.now();
  let running = 0;
  let total = 0;
  while (performance.now() - started < settleMs) {
    await sleep(1000);
    ({ running, total } = countRunning(sim, r));
    if (total >= podCount && running >= podCount) break;
  }
  const how = boundPods ? 'bound pods created directly' : `${Math.ceil(podCount / REPLICAS)} Deployments x ${REPLICAS} replicas through controllers, scheduler and kubelets`;
  console.log(`fill: ${how}; created in ${seconds(created - started)}, ${running}/${podCount} Running after ${seconds(performance.now() - started)} (bound: ~${settleMs / 1000} s)`);
  if (running < podCount) console.log('note: did not settle in time');
  return running >= podCount;
}

/** `kubectl get pods -A`, the real binary against the sim, best of 3. */
async function measureKubectl() {
  const run = promisify(execFile);
  const times = [];
  let lines = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods', '-A'], { maxBuffer: 1 << 30 });
    times.push(performance.now() - t);
    lines = stdout.trimEnd().split('\n').length - 1;
  }
  console.log(`kubectl get pods -A: best ${seconds(Math.min(...times))} of 3 (${times.map((t) => (t / 1000).toFixed(2)).join(', ')}), ${lines} rows (aim: < 2 s)`);
  return Math.min(...times);
}

/**
 * kubectl's own floor: the same `kubectl get pods -A` against a server that answers every request
 * at once with bytes the sim produced beforehand (discovery, and the Table pages with their continue
 * tokens replaced by page numbers), so that what remains is kubectl: its start, client-go's rate
 * limiter and its printing.
 */
async function measureKubectlFloor(kubectlMs) {
  const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const discoveryAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const capture = async (path, accept) => {
    const res = await fetch(`${sim.url}${path}`, { headers: { accept } });
    return { type: res.headers.get('content-type') ?? 'application/json', body: Buffer.from(await res.arrayBuffer()) };
  };
  const fixed = new Map([['/api', await capture('/api', discoveryAccept)], ['/apis', await capture('/apis', discoveryAccept)]]);
  const pages = [];
  let token = '';
  do {
    const { type, body } = await capture(`/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`, tableAccept);
    const table = JSON.parse(body.toString());
    token = table.metadata?.continue ?? '';
    if (token) table.metadata.continue = String(pages.length + 1);
    pages.push({ type, body: Buffer.from(JSON.stringify(table)) });
  } while (token);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://floor');
    const answer = url.pathname === '/api/v1/pods' ? pages[Number(url.searchParams.get('continue') ?? 0)] : fixed.get(url.pathname);
    if (!answer) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}');
      return;
    }
    res.writeHead(200, { 'content-type': answer.type, 'content-length': answer.body.length }).end(answer.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const floorConfig = join(workDir, 'kubeconfig-floor');
  await writeKubeconfig(floorConfig, `http://127.0.0.1:${server.address().port}`);
  const run = promisify(execFile);
  const times = [];
  let lines = 0;
  try {
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const { stdout } = await run('kubectl', ['--kubeconfig', floorConfig, 'get', 'pods', '-A'], { maxBuffer: 1 << 30 });
      times.push(performance.now() - t);
      lines = stdout.trimEnd().split('\n').length - 1;
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const floor = Math.min(...times);
  console.log(`  kubectl's floor (same ${pages.length} pages pre-serialized, answered at once): best ${seconds(floor)} of 3, ${lines} rows; the sim's share: ${seconds(Math.max(0, kubectlMs - floor))}`);
}

/**
 * Every pod over HTTP in pages of 500. The live source will read through `@kubernetes/client-node`
 * (not installed yet); this issues the same requests it will (list with limit and continue).
 */
async function measurePagedList() {
  const t = performance.now();
  let pages = 0;
  let items = 0;
  let token = '';
  do {
    const url = `${sim.url}/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`list page ${pages + 1}: HTTP ${res.status}`);
    const page = await res.json();
    pages++;
    items += page.items.length;
    token = page.metadata?.continue ?? '';
  } while (token);
  const elapsed = performance.now() - t;
  console.log(`paged list over HTTP (limit=500): ${seconds(elapsed)}, ${pages} pages, ${items} pods (aim: < 2 s)`);
  return elapsed;
}

/** Every pod through `@kubernetes/client-node`, as the live source reads: listPodForAllNamespaces in pages of 500. */
async function measureClientNodeList() {
  const { KubeConfig, CoreV1Api } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(CoreV1Api);
  const t = performance.now();
  let pages = 0;
  let items = 0;
  let token;
  do {
    const page = await api.listPodForAllNamespaces({ limit: 500, ...(token ? { _continue: token } : {}) });
    pages++;
    items += page.items.length;
    token = page.metadata?._continue;
  } while (token);
  console.log(`paged list through @kubernetes/client-node (limit=500): ${seconds(performance.now() - t)}, ${pages} pages, ${items} pods`);
}

/**
 * Opens N watches on pods from the current resourceVersion, then labels pods one after another
 * through the store, and times until every watcher has seen each change.
 */
async function measureWatchFanOut() {
  const rv = sim.store.resourceVersion();
  const abort = new AbortController();
  const sentAt = new Map(); // seq -> time the update was written
  const seenBy = new Map(); // seq -> the watchers that saw it
  const lastSeenAt = new Map(); // seq -> time the last watcher saw it
  let allSeen;
  const everyoneSaw = new Promise((resolve) => { allSeen = resolve; });
  // A later status write to the same pod repeats its label, so count each watcher once per change.
  const onEvent = (watcher, line) => {
    const seq = JSON.parse(line).object?.metadata?.labels?.['bench-seq'];
    if (seq === undefined || !sentAt.has(seq)) return;
    const seen = seenBy.get(seq) ?? new Set();
    seenBy.set(seq, seen);
    if (seen.has(watcher)) return;
    seen.add(watcher);
    if (seen.size === watcherCount) {
      lastSeenAt.set(seq, performance.now());
      if (lastSeenAt.size === updateCount) allSeen();
    }
  };
  const openStarted = performance.now();
  const streams = await Promise.all(Array.from({ length: watcherCount }, async () => {
    const res = await fetch(`${sim.url}/api/v1/pods?watch=1&resourceVersion=${rv}`, { signal: abort.signal });
    if (!res.ok) throw new Error(`watch: HTTP ${res.status}`);
    return res.body;
  }));
  const opened = performance.now() - openStarted;
  const readers = streams.map((body, watcher) => readLines(body, (line) => onEvent(watcher, line)).catch(() => {}));

  const targets = sim.store.list(r.pods, { limit: updateCount }).items;
  const started = performance.now();
  for (let i = 0; i < updateCount; i++) {
    const seq = String(i);
    sentAt.set(seq, performance.now());
    labelPod(targets[i % targets.length], seq);
    await new Promise((resolve) => setImmediate(resolve));
  }
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), 60_000); });
  const outcome = await Promise.race([everyoneSaw, timeout]);
  const total = performance.now() - started;
  clearTimeout(timer);
  abort.abort();
  await Promise.all(readers);
  const latencies = [...lastSeenAt].map(([seq, at]) => at - sentAt.get(seq)).sort((a, b) => a - b);
  const ms = (v) => (v === undefined ? 'n/a' : `${v.toFixed(1)} ms`);
  console.log(`watch fan-out: ${watcherCount} watches opened in ${seconds(opened)}; ${updateCount} pod label updates, ${watcherCount * updateCount} deliveries`);
  console.log(`  until every watcher had an event: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}; all delivered in ${seconds(total)}${outcome === 'timeout' ? ` (TIMED OUT: ${lastSeenAt.size}/${updateCount} complete)` : ''}`);
}

/** Reads one watch stream as JSON lines. */
async function readLines(body, onLine) {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
  }
}

/** A label patch written through the store, retried once if a kubelet wrote the pod in between. */
function labelPod(pod, seq) {
  for (let attempt = 0; ; attempt++) {
    const current = structuredClone(sim.store.get(r.pods, pod.metadata.namespace, pod.metadata.name));
    current.metadata.labels = { ...current.metadata.labels, 'bench-seq': seq };
    try {
      sim.store.update(r.pods, current, { namespace: pod.metadata.namespace });
      return;
    } catch (err) {
      if (attempt > 0 || err?.status?.reason !== 'Conflict') throw err;
    }
  }
}
