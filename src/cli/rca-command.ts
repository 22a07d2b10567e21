/**
 * `kubetriage rca CASE_DIR`: ranks the components most likely at fault in a telemetry case (a
 * PetShop issue folder or an RCAEval case folder), with the evidence behind each rank.
 * Exit codes as `diagnose`: 0 no root cause found, 1 found; errors (2) are thrown to the caller.
 */
import { Command, Option } from 'commander';
import { loadCase } from '../rca/load-case.js';
import { rankByGraphWalk } from '../rca/graph-walk.js';
import type { RankedComponent } from '../rca/ranking.js';
import type { Io } from './diagnose-command.js';

export const RCA_OUTPUT_FORMATS = ['text', 'json'] as const;

/** The options of `rca`. */
export interface RcaFlags {
  output: (typeof RCA_OUTPUT_FORMATS)[number];
  top: number;
}

const NOTHING_FOUND = 'no root cause found: no component is anomalous in this case';

/** Adds `rca` to the program; `setExitCode` receives 0 or 1. */
export function registerRcaCommand(program: Command, io: Io, setExitCode: (code: number) => void = (code) => { process.exitCode = code; }): void {
  program.command('rca')
    .description('Rank the components most likely at fault in a telemetry case (a PetShop issue_N folder or an RCAEval case folder), with evidence.')
    .argument('<case-dir>', 'the case folder')
    .addOption(new Option('-o, --output <format>', 'output format').choices(RCA_OUTPUT_FORMATS).default('text'))
    .addOption(new Option('--top <n>', 'how many components to print in text output').default(5).argParser((v) => Math.max(1, Number.parseInt(v, 10) || 5)))
    .action(async (dir: string, flags: RcaFlags) => {
      setExitCode(await runRca(dir, flags, io));
    });
}

/** Analyses one case and prints the ranking; 0 when nothing is anomalous, 1 when causes are ranked. */
export async function runRca(dir: string, flags: RcaFlags, io: Pick<Io, 'stdout'>): Promise<number> {
  const ranking = rankByGraphWalk(await loadCase(dir));
  io.stdout.write(flags.output === 'json' ? `${JSON.stringify(toJson(ranking), null, 2)}\n` : renderText(ranking, flags.top));
  return ranking.length > 0 ? 1 : 0;
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
