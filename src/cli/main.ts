/**
 * The `kubetriage` command line. `main` returns the exit code instead of exiting, so tests and the
 * kubectl plugin can call it: 0 healthy, 1 findings, 2 error.
 */
import { fstatSync, readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../sources/input-error.js';
import { asksForLive } from './live-snapshot.js';
import { INPUT_FORMATS, OUTPUT_FORMATS, SEVERITIES, runDiagnose, type DiagnoseFlags, type Io } from './diagnose-command.js';
import { positive, runDemo, type DemoFlags } from './demo-command.js';
import { registerActCommand } from './act-command.js';
import { registerApproveCommand } from './approve-command.js';
import { registerFixCommand } from './fix-command.js';
import { registerMcpCommand } from './mcp-command.js';
import { registerAuditCommand } from './audit-command.js';
import { registerRcaCommand } from './rca-command.js';
import { registerSimCommand } from './sim-command.js';
import { registerWatchCommand } from './watch-command.js';

export const EXIT_ERROR = 2;


const collect = (value: string, previous: string[]): string[] => [...previous, value];

export async function main(argv: string[], io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = 0;
  const program = new Command('kubetriage')
    .description('An SRE for Kubernetes: finds the root cause of what is failing, with evidence, and proposes the fix.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const diagnoseCommand = program.command('diagnose')
    .description('Diagnose a cluster: the live one your kubeconfig names, or state read from files (`kubectl get -o json|yaml` output, a `kubectl cluster-info dump` folder, pasted `kubectl describe` text, - for stdin).')
    .argument('[inputs...]', 'files, dump folders, or - for stdin; none: the live cluster (or stdin when it is a pipe)');
  withLiveOptions(withDiagnoseOptions(diagnoseCommand)).action(async (inputs: string[], flags: DiagnoseFlags) => {
    exitCode = await runDiagnose(chooseSource(inputs, flags, io), flags, io);
  });

  program.command('demo')
    .description('Start a simulated cluster running a shop of a dozen services, break it, and diagnose it live.')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('-n, --namespace <namespace>', 'only incidents that involve this namespace')
    .addOption(new Option('--severity <level>', 'only incidents at least this severe').choices(SEVERITIES))
    .option('--scenario <file>', 'run this scenario (scenarios/*.yaml) instead of the shop')
    .addOption(new Option('--speed <factor>', 'how much faster than real time the simulated clock runs').default(10).argParser(positive('--speed')))
    .addOption(new Option('--wait <seconds>', 'real seconds to wait for the faults to show').default(30).argParser(positive('--wait')))
    .option('--keep', 'keep serving the cluster after the diagnosis, for kubectl (Ctrl-C to stop)')
    .option('--kubeconfig <file>', 'write the simulated cluster\'s kubeconfig here (default: a temporary file)')
    .option('--offline', 'diagnose the bundled example files instead (examples/shop-outage)')
    .action(async (flags: DemoFlags) => {
      exitCode = await runDemo(flags, io);
    });

  registerSimCommand(program, io);
  registerWatchCommand(program, io);
  registerRcaCommand(program, io, (code) => { exitCode = code; });
  registerActCommand(program, io, (code) => { exitCode = code; });
  registerFixCommand(program, io, (code) => { exitCode = code; });
  registerApproveCommand(program, io, (code) => { exitCode = code; });
  registerAuditCommand(program, io, (code) => { exitCode = code; });
  registerMcpCommand(program, io, (code) => { exitCode = code; });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_ERROR;
    io.stderr.write(`kubetriage: error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_ERROR;
  }
}

function withDiagnoseOptions(command: Command): Command {
  return command
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('-n, --namespace <namespace>', 'only incidents that involve this namespace')
    .addOption(new Option('--severity <level>', 'only incidents at least this severe').choices(SEVERITIES))
    .addOption(new Option('--format <format>', 'read every input as this format instead of detecting it').choices(INPUT_FORMATS))
    .option('--logs <pod=file>', 'container log text: [NAMESPACE/]POD[/CONTAINER]=FILE (repeatable)', collect, [])
    .option('--previous-logs <pod=file>', 'log of the previous container instance, as `kubectl logs --previous` (repeatable)', collect, [])
    .option('--captured-at <time>', 'when the state was captured (RFC 3339, or `now`); default: the newest timestamp in the input', capturedAt);
}

function withLiveOptions(command: Command): Command {
  return command
    .option('--live', 'read the live cluster even when stdin is a pipe')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-A, --all-namespaces', 'read every namespace (the default without -n)')
    .option('-l, --selector <selector>', 'read only the pods, services and controllers with these labels (nodes, events and storage are read whole)');
}

/** Files when named; else the live cluster, unless stdin is a pipe and no live flag says otherwise. */
function chooseSource(inputs: string[], flags: DiagnoseFlags, io: Io): string[] | 'live' {
  if (inputs.length > 0) {
    if (asksForLive(flags)) throw new InputError(inputs[0]!, 'give either input files or live-cluster flags (--live, --kubeconfig, --context, -A, -l), not both');
    return inputs;
  }
  return asksForLive(flags) || !stdinHasData(io.stdin) ? 'live' : ['-'];
}

/** A pipe or a redirected file carries input; a terminal or /dev/null (a cron job, a CI step) does not. */
function stdinHasData(stdin: NodeJS.ReadStream): boolean {
  if (stdin.isTTY) return false;
  try {
    const stat = fstatSync((stdin as NodeJS.ReadStream & { fd?: number }).fd ?? 0);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return true;
  }
}

/** Saved output does not say when it was taken: the user can, so that ages are judged from then. */
function capturedAt(value: string): string {
  const ms = value === 'now' ? Date.now() : Date.parse(value);
  if (Number.isNaN(ms)) throw new InputError('--captured-at', `"${value}" is not a time: give RFC 3339 (2026-11-20T10:00:00Z) or now`);
  return new Date(ms).toISOString();
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
