/**
 * `kubetriage rca CASE_DIR` and `kubetriage rca --prometheus URL -n NAMESPACE`: ranks the components
 * most likely at fault in a telemetry case (a PetShop issue folder, an RCAEval case folder, or a
 * namespace's workloads read live from Prometheus), with the evidence behind each rank.
 * Exit codes as `diagnose`: 0 no root cause found, 1 found; errors (2) are thrown to the caller.
 */
import { Command, Option } from 'commander';
import { loadCase } from '../rca/load-case.js';
import { rankByGraphWalk } from '../rca/graph-walk.js';
import { parseSince, readPrometheusCase } from '../rca/prometheus-source.js';
import type { RcaCase } from '../rca/rca-case.js';
import type { RankedComponent } from '../rca/ranking.js';
import { withClusterEvents } from '../rca/cluster-events.js';
import { clusterEvents } from './rca-cluster-events.js';
import { InputError } from '../sources/input-error.js';
import type { Io } from './diagnose-command.js';

export const RCA_OUTPUT_FORMATS = ['text', 'json'] as const;

/** The options of `rca`. */
export interface RcaFlags {
  output: (typeof RCA_OUTPUT_FORMATS)[number];
  top: number;
  /** Read the namespace's workloads from this Prometheus instead of a case folder. */
  prometheus?: string;
  namespace?: string;
  /** How far back to read from Prometheus (`30m`). */
  since?: string;
  /** The workload a user alerted on. */
  target?: string;
  /** With --prometheus: read the cluster too (this kubeconfig, or the default one with --cluster). */
  kubeconfig?: string;
  context?: string;
  cluster?: boolean;
}

const NOTHING_FOUND = 'no root cause found: no component is anomalous in this case';

/** Adds `rca` to the program; `setExitCode` receives 0 or 1. */
export function registerRcaCommand(program: Command, io: Io, setExitCode: (code: number) => void = (code) => { process.exitCode = code; }): void {
  program.command('rca')
    .description('Rank the components most likely at fault in a telemetry case (a PetShop issue_N folder, an RCAEval case folder, or a namespace read from Prometheus with --prometheus), with evidence.')
    .argument('[case-dir]', 'the case folder (omit with --prometheus)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(RCA_OUTPUT_FORMATS).default('text'))
    .addOption(new Option('--top <n>', 'how many components to print in text output').default(5).argParser((v) => Math.max(1, Number.parseInt(v, 10) || 5)))
    .option('--prometheus <url>', 'read the namespace\'s workloads from this Prometheus (query_range over cAdvisor, kube-state-metrics and HTTP metrics)')
    .option('-n, --namespace <namespace>', 'with --prometheus: the namespace whose workloads to rank')
    .option('--since <duration>', 'with --prometheus: how far back to read (30m, 1h)', '30m')
    .option('--target <workload>', 'with --prometheus: the workload a user alerted on (the symptom)')
    .option('--cluster', 'with --prometheus: also read the cluster (the default kubeconfig) for findings and rollouts in the window, as evidence')
    .option('--kubeconfig <file>', 'with --prometheus: read the cluster through this kubeconfig (implies --cluster)')
    .option('--context <name>', 'with --prometheus: the kubeconfig context (implies --cluster)')
    .action(async (dir: string | undefined, flags: RcaFlags) => {
      setExitCode(await runRca(dir, flags, io));
    });
}

/** Analyses one case and prints the ranking; 0 when nothing is anomalous, 1 when causes are ranked. */
export async function runRca(dir: string | undefined, flags: RcaFlags, io: Pick<Io, 'stdout'>): Promise<number> {
  const rcaCase = await caseOf(dir, flags);
  let ranking = rankByGraphWalk(rcaCase);
  if (flags.prometheus !== undefined && (flags.cluster || flags.kubeconfig !== undefined || flags.context !== undefined)) {
    const choice = { ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context !== undefined ? { context: flags.context } : {}) };
    ranking = withClusterEvents(ranking, await clusterEvents(choice, flags.namespace!, parseSince(flags.since ?? '30m')));
  }
  io.stdout.write(flags.output === 'json' ? `${JSON.stringify(toJson(ranking), null, 2)}\n` : renderText(ranking, flags.top));
  return ranking.length > 0 ? 1 : 0;
}

/** The case folder, or the live case --prometheus names; exactly one of the two. */
async function caseOf(dir: string | undefined, flags: RcaFlags): Promise<RcaCase> {
  if (flags.prometheus === undefined) {
    if (dir === undefined) throw new InputError('rca', 'give a case folder, or --prometheus URL -n NAMESPACE');
    return loadCase(dir);
  }
  if (dir !== undefined) throw new InputError(dir, 'give either a case folder or --prometheus, not both');
  if (flags.namespace === undefined) throw new InputError('--prometheus', 'name the namespace whose workloads to rank with -n NAMESPACE');
  return readPrometheusCase({
    url: flags.prometheus, namespace: flags.namespace, sinceSeconds: parseSince(flags.since ?? '30m'),
    ...(flags.target !== undefined ? { target: flags.target } : {}),
  });
}

function toJson(ranking: readonly RankedComponent[]): { ranking: readonly RankedComponent[]; message?: string } {
  return ranking.length > 0 ? { ranking } : { ranking: [], message: NOTHING_FOUND };
}

function renderText(ranking: readonly RankedComponent[], top: number): string {
  if (ranking.length === 0) return `${NOTHING_FOUND}\n`;
  const lines = ranking.slice(0, top).flatMap((r, i) => [
    `${i + 1}. ${r.component}  (score ${r.score})`,
    ...r.evidence.map((e) => `     - ${e.quote}${e.at && e.series ? ` at ${e.at}` : ''}`),
  ]);
  if (ranking.length > top) lines.push(`(${ranking.length - top} more anomalous components: -o json lists them all)`);
  return `${lines.join('\n')}\n`;
}
