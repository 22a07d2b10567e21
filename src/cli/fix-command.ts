/**
 * `kubetriage fix INCIDENT`: applies the fix an incident proposes, through the gateway, exactly as
 * `act` would apply the same plan: blast radius, policy, apply, then verification that the incident's
 * root-cause finding is gone (and nothing new broke), or rollback. The incident is found in a fresh
 * live diagnosis, by the id `diagnose` printed.
 */
import { Option, type Command } from 'commander';
import { submit } from '../actions/gateway.js';
import type { IncidentReport } from '../diagnose/report.js';
import { InputError } from '../sources/input-error.js';
import { loadLive } from '../sources/live/load-live.js';
import { diagnoseSnapshot, type Io } from './diagnose-command.js';
import { report, withGateway, withGatewayOptions, type GatewayFlags } from './act-options.js';

export interface FixFlags extends GatewayFlags {
  /** Which of the incident's fixes, from 1. */
  fix: number;
  dryRun?: boolean;
}

export function registerFixCommand(program: Command, io: Io, setExitCode: (code: number) => void): void {
  withGatewayOptions(program.command('fix')
    .description('Apply the fix an incident proposes, through the gateway (blast radius, policy, apply, verify, roll back on regression, audit).')
    .argument('<incident>', 'the incident id, as diagnose prints it (inc-...)')
    .addOption(new Option('--fix <n>', 'which of the incident\'s proposed fixes (default: the first)').default(1).argParser(positiveInteger))
    .option('--dry-run', 'check everything, with a server-side dry-run; change nothing'))
    .action(async (incidentId: string, flags: FixFlags) => {
      setExitCode(await runFix(incidentId, flags, io));
    });
}

export async function runFix(incidentId: string, flags: FixFlags, io: Pick<Io, 'stdout' | 'stderr'>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withGateway(flags, io, env, async (deps) => {
    const incident = findIncident(diagnoseSnapshot(await loadLive(deps.client), {}).incidents, incidentId);
    const plan = incident.cause.fixes[flags.fix - 1];
    if (!plan) {
      throw new InputError(incidentId, incident.cause.fixes.length === 0
        ? `the incident (${incident.cause.mode}/${incident.cause.category}) proposes no fix that can be applied: see its explanation`
        : `it proposes ${incident.cause.fixes.length} fix(es); --fix ${flags.fix} is not one of them`);
    }
    const result = await submit(plan, deps, { resolves: incident.cause.id, ...(flags.dryRun ? { dryRun: true } : {}) });
    return report(result, flags.output, io);
  });
}

function findIncident(incidents: readonly IncidentReport[], id: string): IncidentReport {
  const found = incidents.find((i) => i.id === id);
  if (found) return found;
  const open = incidents.map((i) => `${i.id} (${i.cause.mode}/${i.cause.category})`).join(', ');
  throw new InputError(id, `no such incident in the cluster now${open ? `; open incidents: ${open}` : ': it has no incident'}`);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError('--fix', `"${value}" is not a fix number (1, 2 ...)`);
  return n;
}
