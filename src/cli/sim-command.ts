/**
 * `kubetriage sim start`: serves a simulated Kubernetes API in the foreground, writes a kubeconfig
 * pointing at it once it answers, and stops on SIGINT or SIGTERM.
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { Command, Option } from 'commander';
import { startSimCluster } from '../sim/cluster.js';
import { writeKubeconfig } from '../sim/api/kubeconfig.js';
import { applyScenario } from '../sim/scenario/apply.js';
import { loadScenario } from '../sim/scenario/scenario.js';
import { InputError } from '../sources/input-error.js';
import type { Io } from './diagnose-command.js';

/** The options of `sim start`. */
export interface SimStartFlags {
  port: number;
  host: string;
  kubeconfig: string;
  scenario?: string;
  nodes: number;
  tls?: boolean;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InputError('--port', `"${value}" is not a port: give 0 (any free port) to 65535`);
  return n;
}

function count(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 5000) throw new InputError('--nodes', `"${value}" is not a node count: give 0 to 5000`);
  return Number(value);
}

/** Adds `sim start` to the program. */
export function registerSimCommand(program: Command, io: Io): void {
  const sim = program.command('sim').description('A simulated Kubernetes cluster that kubectl and client libraries can talk to.');
  sim.command('start')
    .description('Serve the simulated Kubernetes API in the foreground until interrupted (Ctrl-C).')
    .requiredOption('--kubeconfig <file>', 'write a kubeconfig for the simulated cluster here')
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').default(0).argParser(port))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--nodes <count>', 'worker nodes to start with').default(3).argParser(count))
    .option('--scenario <file>', 'load a scenario (scenarios/*.yaml) into the cluster once it answers')
    .option('--tls', 'serve HTTPS with a certificate made at start; the kubeconfig trusts it and carries the admin\'s token')
    .action(async (flags: SimStartFlags) => {
      await runSimStart(flags, io, untilSignalled());
    });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Serves until `until` resolves. The kubeconfig is written only once the server answers a health
 * check, so a client that waits for the file can use it at once.
 */
export async function runSimStart(flags: SimStartFlags, io: Pick<Io, 'stderr'>, until: Promise<void>): Promise<void> {
  // Read before serving: a mistake in the file should not leave a kubeconfig to an empty cluster.
  const scenario = flags.scenario === undefined ? undefined : await loadScenario(flags.scenario);
  const nodes = scenario?.nodes === undefined ? flags.nodes : 0;
  const server = await startSimCluster({ port: flags.port, host: flags.host, nodes, ...(scenario ? { catalog: scenario.catalog } : {}), ...(flags.tls ? { tls: true } : {}) });
  try {
    const ready = await healthCheck(server.url, server.tls?.ca);
    if (!ready) throw new Error('the simulated API server did not answer its health check');
    const applied = scenario ? applyScenario(server, scenario) : undefined;
    applied?.steps.catch((err: unknown) => io.stderr.write(`kubetriage sim: ${err instanceof Error ? err.message : String(err)}\n`));
    await writeKubeconfig(flags.kubeconfig, server.url, server.tls ?? {});
    io.stderr.write(`kubetriage sim: Kubernetes API at ${server.url}, kubeconfig written to ${flags.kubeconfig} (Ctrl-C to stop)\n`);
    if (scenario) io.stderr.write(`kubetriage sim: scenario "${scenario.title}" loaded from ${scenario.file}\n`);
    await until;
    applied?.cancel();
  } finally {
    await server.close();
  }
}

/** GET /readyz, trusting the simulator's own CA when it serves TLS. */
function healthCheck(url: string, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    get(`${url}/readyz`, ca ? { ca } : {}, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}
