/** `kubetriage approve ID --as NAME`: approves a held change and carries it out through the gateway. Exit codes as `act`. */
import type { Command } from 'commander';
import { approve } from '../actions/gateway.js';
import type { Io } from './diagnose-command.js';
import { report, withGateway, withGatewayOptions, type GatewayFlags } from './act-options.js';

/** Adds `approve` to the program; `setExitCode` receives 0, 2, 3 or 4. */
export function registerApproveCommand(program: Command, io: Io, setExitCode: (code: number) => void = (code) => { process.exitCode = code; }): void {
  withGatewayOptions(program.command('approve')
    .description('Approve a change the policy held (its id is in the output of `act`), and apply it: the approver must be one the policy names.')
    .argument('<id>', 'the approval id, apr-…'))
    .action(async (id: string, flags: GatewayFlags) => {
      setExitCode(await runApprove(id, flags, io));
    });
}

export async function runApprove(id: string, flags: GatewayFlags, io: Pick<Io, 'stdout' | 'stderr'>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withGateway(flags, io, env, async (deps) => {
    return report(await approve(id, deps.actor, deps), flags.output, io);
  });
}
