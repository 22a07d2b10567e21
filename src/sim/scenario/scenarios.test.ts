/**
 * Every scenario in scenarios/, end to end: a simulated cluster serves it on a fast clock; the real
 * kubectl captures its state (and the previous logs of restarting containers) as a user would, and
 * `kubetriage diagnose --kubeconfig` reads it live, and watch mode follows it from before it is applied.
 * All three must name exactly the root causes the scenario expects.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterGraph, diagnose, loadInputs } from '../../lib.js';
import { WatchService } from '../../server/watch-service.js';
import { ApiClient } from '../../sources/live/api-client.js';
import { loadKubeConfig } from '../../sources/live/kubeconfig.js';
import type { Incident } from '../../lib.js';
import { ROOT_CAUSES } from '../../diagnose/finding.js';
import { writeKubeconfig } from '../api/kubeconfig.js';
import { RealClock } from '../clock.js';
import { startSimCluster } from '../cluster.js';
import { type AppliedScenario, applyScenario } from './apply.js';
import { type ReportedFinding, type ReportedIncident, matchesExpected, meetsExpectation } from './expectation.js';
import { type Scenario, loadScenario } from './scenario.js';

const SCENARIOS = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/kubetriage', import.meta.url));
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();
/** 20 simulated seconds per real second: a 10 s crash back-off takes half a second. */
const SPEED = 20;
/** Simulated time before the first capture: enough for pulls, a few restarts and probe periods. */
const SETTLE_MS = 3_000;
/**
 * Real time a scenario may take to settle on its expectation. Most settle in the first round; a node's
 * memory pressure needs the kubelet's 5-minute transition period (15 s here) to clear.
 */
const DEADLINE_MS = 35_000;
/** What a user captures for a diagnosis: the workloads, their pods and events, and what they depend on (storage, autoscalers, nodes, ingresses, admission webhooks). */
const CAPTURED = [
  'pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'services', 'endpoints', 'endpointslices',
  'events', 'nodes', 'configmaps', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses', 'horizontalpodautoscalers',
  'ingresses', 'ingressclasses', 'validatingwebhookconfigurations', 'mutatingwebhookconfigurations',
].join(',');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function kubectl(dir: string, kubeconfig: string, args: string[]): Promise<string> {
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

interface PodJson {
  metadata: { name: string; namespace: string };
  status?: { containerStatuses?: { name: string; restartCount: number; ready: boolean; state?: { running?: object; terminated?: { exitCode: number } } }[] };
}

/** Captures the cluster with kubectl as a user would (with the logs of crashed, failed and unready containers), and diagnoses the files. */
async function captureAndDiagnose(dir: string, kubeconfig: string, round: number): Promise<Incident[]> {
  const state = await kubectl(dir, kubeconfig, ['get', CAPTURED, '-A', '-o', 'json']);
  const stateFile = join(dir, `state-${round}.json`);
  writeFileSync(stateFile, state);
  const logs: string[] = [];
  const previousLogs: string[] = [];
  const save = async (pod: PodJson, container: string, previous: boolean): Promise<void> => {
    const log = await kubectl(dir, kubeconfig, ['logs', ...(previous ? ['--previous'] : []), '-n', pod.metadata.namespace, pod.metadata.name, '-c', container]).catch(() => undefined);
    if (log === undefined) return;
    const file = join(dir, `${previous ? 'prev' : 'cur'}-${round}-${pod.metadata.name}-${container}.log`);
    writeFileSync(file, log);
    (previous ? previousLogs : logs).push(`${pod.metadata.namespace}/${pod.metadata.name}/${container}=${file}`);
  };
  const pods = (JSON.parse(state) as { items: (PodJson & { kind: string })[] }).items.filter((o) => o.kind === 'Pod');
  for (const pod of pods) {
    for (const c of pod.status?.containerStatuses ?? []) {
      if (c.restartCount > 0) await save(pod, c.name, true);
      // The log of a container that is up but unready, or that failed and will not restart (a Job's pod).
      if ((c.state?.running && !c.ready) || (c.state?.terminated && c.state.terminated.exitCode !== 0 && c.restartCount === 0)) await save(pod, c.name, false);
    }
  }
  const snapshot = await loadInputs([stateFile], { logs, previousLogs });
  return diagnose(new ClusterGraph(snapshot)).incidents;
}

const reported = (f: Incident['cause']): ReportedFinding => ({ mode: f.mode, category: f.rootCause.category, subject: f.subject });
const reportedIncident = (i: Incident): ReportedIncident => ({ cause: reported(i.cause), symptoms: i.symptoms.map(reported) });

/** `kubetriage diagnose` on the live cluster, through the built command line. */
function diagnoseLive(kubeconfig: string): Promise<ReportedIncident[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'diagnose', '--kubeconfig', kubeconfig, '-o', 'json'], { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && err.code !== 1) reject(new Error(`kubetriage diagnose: ${stderr || err.message}`));
      else resolve((JSON.parse(stdout) as { incidents: ReportedIncident[] }).incidents);
    });
  });
}

function summary(incidents: ReportedIncident[]): string[] {
  const line = (c: ReportedFinding): string => `${c.mode}/${c.category} ${c.subject.kind} ${c.subject.namespace ?? ''}/${c.subject.name}`;
  return incidents.map((i) => `${line(i.cause)}${i.symptoms.length ? ` [${i.symptoms.map(line).join('; ')}]` : ''}`);
}

interface Diagnoses {
  files: ReportedIncident[];
  live: ReportedIncident[];
  /** The incidents watch mode holds open. */
  watch: ReportedIncident[];
}

/** Watch mode, in this process, over HTTP: started before the scenario is applied, as a service would run. */
async function startWatching(kubeconfig: string): Promise<WatchService> {
  const kubeConfig = loadKubeConfig({ kubeconfig });
  const service = new WatchService({ client: new ApiClient(kubeConfig), kubeConfig, settleMs: 200, heartbeatMs: 1_000, onChanges: () => undefined });
  await service.start();
  return service;
}

/** Serves the scenario and diagnoses it three ways until all settle on the expectation or time runs out. */
async function run(scenario: Scenario): Promise<Diagnoses> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetriage-scenario-'));
  dirs.push(dir);
  const clock = new RealClock(SPEED);
  const cluster = await startSimCluster({ clock, nodes: scenario.nodes === undefined ? 1 : 0, catalog: scenario.catalog });
  let applied: AppliedScenario | undefined;
  let watching: WatchService | undefined;
  let stepError: unknown;
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, cluster.url);
    watching = await startWatching(kubeconfig);
    applied = applyScenario(cluster, scenario);
    applied.steps.catch((err: unknown) => { stepError = err; });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const deadline = Date.now() + DEADLINE_MS - SETTLE_MS;
    for (let round = 0; ; round++) {
      if (stepError) throw stepError;
      const files = (await captureAndDiagnose(dir, kubeconfig, round)).map(reportedIncident);
      const live = await diagnoseLive(kubeconfig);
      const watch = watching.open().map((i) => i.report);
      if ([files, live, watch].every((route) => meetsExpectation(route, scenario)) || Date.now() > deadline) return { files, live, watch };
      await new Promise((r) => setTimeout(r, 1_000));
    }
  } finally {
    applied?.cancel();
    await watching?.stop();
    await cluster.close();
  }
}

describe('scenarios/', () => {
  it('has scenarios whose expectations use the diagnosis vocabulary, with every failure mode some scenario\'s root cause', async () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    const causes = new Set<string>();
    for (const file of files) {
      const scenario = await loadScenario(join(SCENARIOS, file));
      for (const want of scenario.expect) {
        causes.add(want.mode);
        expect(Object.keys(ROOT_CAUSES), file).toContain(want.mode);
        expect(ROOT_CAUSES[want.mode as keyof typeof ROOT_CAUSES] as readonly string[], file).toContain(want.category);
      }
    }
    expect(Object.keys(ROOT_CAUSES).filter((mode) => !causes.has(mode)), 'failure modes no scenario expects as a root cause').toEqual([]);
  });

  // Concurrently: each scenario spends most of its time waiting on the simulated clock.
  it.concurrent.each(files)('%s: kubectl\'s files, a live diagnosis and watch mode name exactly the expected root causes', async (file) => {
    const scenario = await loadScenario(join(SCENARIOS, file));
    const diagnoses = await run(scenario);
    for (const [route, incidents] of Object.entries(diagnoses) as [string, ReportedIncident[]][]) {
      expect(summary(incidents), `${file} (${route})`).toHaveLength(scenario.expect.length);
      for (const want of scenario.expect) {
        expect(incidents.some((i) => matchesExpected(i, want)), `${file} (${route}): expected ${JSON.stringify(want)} among ${JSON.stringify(summary(incidents))}`).toBe(true);
      }
    }
  }, 60_000);
});
