/**
 * `kubetriage demo`: starts the simulated cluster with a faulty app, lets the faults show (on a
 * clock running faster than real time), reads the cluster live as `diagnose` would, and prints the
 * diagnosis. `--keep` then serves the cluster for kubectl until interrupted; `--offline` diagnoses the
 * bundled example files instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterSnapshot } from '../cluster/snapshot.js';
import { writeKubeconfig } from '../sim/api/kubeconfig.js';
import { RealClock } from '../sim/clock.js';
import { startSimCluster } from '../sim/cluster.js';
import { applyScenario, type AppliedScenario } from '../sim/scenario/apply.js';
import { meetsExpectation } from '../sim/scenario/expectation.js';
import { loadScenario, type Scenario } from '../sim/scenario/scenario.js';
import { ApiClient } from '../sources/live/api-client.js';
import { InputError } from '../sources/input-error.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import { loadLive } from '../sources/live/load-live.js';
import { diagnoseSnapshot, printReport, runDiagnose, type DiagnoseFlags, type Io } from './diagnose-command.js';
import { untilSignalled } from './sim-command.js';

/** The app the demo breaks: a shop of a dozen services behind an ingress. */
export const DEMO_SCENARIO = fileURLToPath(new URL('../../scenarios/shop-microservices.yaml', import.meta.url));
/** The bundled files `--offline` diagnoses. */
export const DEMO_INPUT = fileURLToPath(new URL('../../examples/shop-outage/cluster.json', import.meta.url));

export interface DemoFlags extends Pick<DiagnoseFlags, 'output' | 'namespace' | 'severity'> {
  scenario?: string;
  speed: number;
  /** Real seconds to wait for the faults before diagnosing what there is. */
  wait: number;
  keep?: boolean;
  kubeconfig?: string;
  offline?: boolean;
}

const POLL_MS = 500;

export async function runDemo(flags: DemoFlags, io: Io): Promise<number> {
  if (flags.offline) return runDiagnose([DEMO_INPUT], { ...flags, logs: [], previousLogs: [] }, io);
  const scenario = await loadScenario(flags.scenario ?? DEMO_SCENARIO);
  const dir = mkdtempSync(join(tmpdir(), 'kubetriage-demo-'));
  const kubeconfig = flags.kubeconfig ?? join(dir, 'kubeconfig');
  let applied: AppliedScenario | undefined;
  const cluster = await startSimCluster({ clock: new RealClock(flags.speed), nodes: scenario.nodes === undefined ? 3 : 0, catalog: scenario.catalog });
  try {
    await writeKubeconfig(kubeconfig, cluster.url);
    applied = applyScenario(cluster, scenario);
    applied.steps.catch((err: unknown) => io.stderr.write(`kubetriage demo: ${err instanceof Error ? err.message : String(err)}\n`));
    io.stderr.write(`kubetriage demo: simulated cluster at ${cluster.url} running "${scenario.title}" (clock ${flags.speed}x real time)\n`);
    const client = new ApiClient(loadKubeConfig({ kubeconfig }));
    const { snapshot, report } = await untilFaultsShow(client, scenario, flags, io.stderr);
    const code = printReport(report, snapshot.objects.length, flags.output, io);
    if (flags.keep) {
      io.stderr.write(`kubetriage demo: the cluster keeps running; try: kubectl --kubeconfig ${kubeconfig} get pods -A (Ctrl-C to stop)\n`);
      await untilSignalled();
    }
    return code;
  } finally {
    applied?.cancel();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads and diagnoses the cluster until it shows the scenario's faults, or the wait is over. */
async function untilFaultsShow(client: ApiClient, scenario: Scenario, flags: DemoFlags, stderr: NodeJS.WriteStream): Promise<{ snapshot: ClusterSnapshot; report: ReturnType<typeof diagnoseSnapshot> }> {
  const deadline = Date.now() + flags.wait * 1000;
  for (;;) {
    const snapshot = await loadLive(client);
    const report = diagnoseSnapshot(snapshot, {});
    const settled = meetsExpectation(report.incidents, scenario);
    if (settled || Date.now() >= deadline) {
      if (stderr.isTTY) stderr.write('\r\u001b[2K');
      return { snapshot, report: flags.namespace || flags.severity ? diagnoseSnapshot(snapshot, flags) : report };
    }
    if (stderr.isTTY) stderr.write(`\r\u001b[2Kwaiting for the faults to show: ${report.incidents.length} incident(s) so far`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Parses a positive number flag. */
export function positive(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InputError(name, `"${value}" is not a positive number`);
    return n;
  };
}
