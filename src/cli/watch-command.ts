/**
 * `kubetriage watch`: keeps diagnosing the live cluster and reports incidents as they open, change
 * and resolve, until interrupted. `-o json` prints one JSON object per change (JSON lines, for a log
 * shipper or another program); text prints one line per change, or a live view on a terminal.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { displayRef } from '../cluster/objects.js';
import type { IncidentChange, TrackedIncident } from '../diagnose/incident-tracker.js';
import { parseListen, startEndpoint } from '../server/http-endpoint.js';
import { LeaderElector } from '../server/leader-election.js';
import { watchMetrics } from '../server/metrics.js';
import { WatchService } from '../server/watch-service.js';
import { Autopilot } from '../server/autopilot.js';
import { loadPolicy } from '../actions/policy-file.js';
import { defaultDatabasePath, openDatabase } from '../store/database.js';
import { openIncidentStore } from '../store/open-incident-store.js';
import { ApiClient } from '../sources/live/api-client.js';
import { InputError } from '../sources/input-error.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import type { Io } from './diagnose-command.js';
import { untilSignalled } from './sim-command.js';
import { styleFor, type Style } from './style.js';

export interface WatchFlags {
  output: 'text' | 'json';
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  selector?: string;
  /** `HOST:PORT` for /metrics, /healthz and /readyz. */
  listen?: string;
  /** A SQLite file or a `postgres://` URL. */
  store?: string;
  leaderElect?: boolean;
  /** `NAMESPACE/NAME` of the leader Lease. */
  lease?: string;
  /** Apply the fixes of new incidents through the gateway, under this policy. */
  autopilot?: boolean;
  policy?: string;
  /** The SQLite database of the audit log (the gateway's), when --autopilot. */
  db?: string;
}

export function registerWatchCommand(program: Command, io: Io): void {
  program.command('watch')
    .description('Watch the live cluster and report incidents as they open, change and resolve (Ctrl-C to stop).')
    .addOption(new Option('-o, --output <format>', 'text: a line per change (a live view on a terminal); json: one JSON object per line').choices(['text', 'json']).default('text'))
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'watch one namespace (default: all)')
    .option('-l, --selector <selector>', 'watch only the pods, services and controllers with these labels')
    .option('--store <file|url>', 'where incidents are kept across restarts: a SQLite file (default: KUBETRIAGE_DB, else ~/.kubetriage/kubetriage.db) or a postgres:// URL')
    .option('--leader-elect', 'run as one of several replicas: only the holder of the lease watches and raises incidents (share a postgres:// store between them)')
    .option('--lease <namespace/name>', 'the leader Lease (default: the pod\'s namespace, or default, and kubetriage-watch)')
    .option('--autopilot', 'apply the first fix of each new incident through the gateway, as "autopilot", within --policy')
    .option('--policy <file>', 'with --autopilot: the remediation policy that bounds it (required)')
    .option('--db <file>', 'with --autopilot: the database of the audit log and approvals (default: KUBETRIAGE_DB, else ~/.kubetriage/kubetriage.db)')
    .option('--listen <host:port>', 'serve /metrics (Prometheus), /healthz and /readyz here, e.g. 127.0.0.1:9090 (or :9090 in a pod)')
    .action(async (flags: WatchFlags) => {
      await runWatch(flags, io, untilSignalled());
    });
}

/** Watches until `until` resolves (or, with leader election, until leadership is lost). */
export async function runWatch(flags: WatchFlags, io: Pick<Io, 'stdout' | 'stderr'>, until: Promise<void>): Promise<void> {
  const kubeConfig = loadKubeConfig({
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context !== undefined ? { context: flags.context } : {}),
  });
  const client = new ApiClient(kubeConfig);
  const style = styleFor(io.stdout);
  const live = flags.output === 'text' && io.stdout.isTTY;
  let service: WatchService | undefined;
  let ready = false;
  const metrics = watchMetrics(() => service, () => client.requests);
  if (flags.autopilot && flags.policy === undefined) throw new InputError('--autopilot', 'needs --policy FILE: the autopilot does only what a policy allows');
  const autopilot = flags.autopilot ? await startAutopilot(client, flags, io) : undefined;
  const store = await openIncidentStore(flags.store ?? defaultDatabasePath());
  const startService = async (): Promise<void> => {
    const started: WatchService = new WatchService({
      client, kubeConfig, onAnalyzed: (ms) => metrics.analyzed(ms),
      // Read when the service starts: under leader election, the previous leader's last word.
      known: (await store.openIncidents()) as TrackedIncident[],
      ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}), ...(flags.selector !== undefined ? { labelSelector: flags.selector } : {}),
      onChanges: async (changes) => {
        await store.record(changes);
        if (flags.output === 'json') for (const change of changes) io.stdout.write(`${JSON.stringify(change)}\n`);
        else if (live) io.stdout.write(liveView(started.open(), changes, client.server, style));
        else for (const change of changes) io.stdout.write(`${changeLine(change, style)}\n`);
        autopilot?.pilot.consider(changes);
      },
      onError: (err) => io.stderr.write(`kubetriage watch: analysis failed, retrying on the next change: ${err instanceof Error ? err.message : String(err)}\n`),
    });
    service = started;
    await started.start();
    if (live && started.open().length === 0) io.stdout.write(liveView([], [], client.server, style));
  };
  const endpoint = flags.listen !== undefined ? await startEndpoint(parseListen(flags.listen), metrics.registry, () => ready) : undefined;
  const where = `${client.server}${flags.namespace ? ` (namespace ${flags.namespace})` : ''}${endpoint ? `; metrics at ${endpoint.url}/metrics` : ''}`;
  try {
    if (flags.leaderElect) {
      await leadWhileElected(client, flags, io, startService, until, where, () => { ready = true; });
    } else {
      await startService();
      ready = true;
      io.stderr.write(`kubetriage watch: watching ${where}; Ctrl-C to stop\n`);
      await until;
    }
  } finally {
    await service?.stop();
    await autopilot?.pilot.idle();
    autopilot?.close();
    await endpoint?.close();
    await store.close();
  }
}

/** The autopilot, printing each of its results as the watch prints changes. */
async function startAutopilot(client: ApiClient, flags: WatchFlags, io: Pick<Io, 'stdout' | 'stderr'>): Promise<{ pilot: Autopilot; close(): void }> {
  const db = openDatabase(flags.db ?? defaultDatabasePath());
  // Polled more often than a person's `fix`: the watch already knows the cluster is changing.
  const deps = { client, db, policy: await loadPolicy(flags.policy!), actor: 'autopilot', verify: { deadlineMs: 120_000, pollMs: 1_000 } };
  const pilot = new Autopilot(deps, (outcome) => {
    if (flags.output === 'json') io.stdout.write(`${JSON.stringify(outcome)}\n`);
    else io.stdout.write(`${new Date().toISOString()} AUTOPILOT ${outcome.incident} ${outcome.result.status}: ${outcome.result.plan.summary}: ${outcome.result.message}\n`);
  }, (err) => io.stderr.write(`kubetriage watch: autopilot failed: ${err instanceof Error ? err.message : String(err)}\n`));
  return { pilot, close: () => db.close() };
}

/** Campaigns for the lease; watches while leading; a lost lease ends the process so that its pod restarts clean. */
async function leadWhileElected(client: ApiClient, flags: WatchFlags, io: Pick<Io, 'stderr'>, startService: () => Promise<void>, until: Promise<void>, where: string, onReady: () => void): Promise<void> {
  const [namespace, name] = leaseOf(flags);
  let lost: () => void = () => undefined;
  const leadershipLost = new Promise<'lost'>((resolve) => { lost = () => resolve('lost'); });
  const elector = new LeaderElector(client, {
    namespace, name, identity: `${hostname()}_${randomBytes(4).toString('hex')}`,
    onStartedLeading: () => {
      io.stderr.write(`kubetriage watch: leading (lease ${namespace}/${name}); watching ${where}\n`);
      startService().catch((err: unknown) => {
        io.stderr.write(`kubetriage watch: cannot start watching: ${err instanceof Error ? err.message : String(err)}\n`);
        lost();
      });
    },
    onStoppedLeading: () => lost(),
  });
  elector.start();
  // A follower is ready: it serves its probes and metrics while it waits for the lease.
  onReady();
  io.stderr.write(`kubetriage watch: campaigning for lease ${namespace}/${name}; Ctrl-C to stop\n`);
  const outcome = await Promise.race([until.then(() => 'stopped' as const), leadershipLost]);
  await elector.stop();
  if (outcome === 'lost') throw new Error(`lost the lease ${namespace}/${name}: exiting so that another replica leads`);
}

/** `--lease NS/NAME`, else the pod's own namespace (in a cluster) or default, and kubetriage-watch. */
function leaseOf(flags: WatchFlags): [string, string] {
  if (flags.lease !== undefined) {
    const [namespace, name] = flags.lease.split('/');
    if (!namespace || !name) throw new InputError('--lease', `"${flags.lease}" is not NAMESPACE/NAME`);
    return [namespace, name];
  }
  const podNamespace = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
  return [existsSync(podNamespace) ? readFileSync(podNamespace, 'utf8').trim() : 'default', 'kubetriage-watch'];
}

const VERB = { opened: 'OPENED  ', updated: 'UPDATED ', resolved: 'RESOLVED' } as const;

function changeLine(change: IncidentChange, style: Style): string {
  const { incident } = change;
  const colour = change.type === 'resolved' ? style.green : change.type === 'opened' ? style.red : style.yellow;
  return `${incident.updatedAt} ${colour(VERB[change.type])} ${incident.id} ${headline(incident)}`;
}

function headline(incident: TrackedIncident): string {
  const { cause, severity, symptoms } = incident.report;
  return `${severity.toUpperCase()} ${cause.mode}/${cause.category} ${displayRef(cause.subject)}${symptoms.length ? ` (+${symptoms.length} symptoms)` : ''}`;
}

/** The whole screen again: the incidents open now, then the latest changes. */
function liveView(open: TrackedIncident[], changes: IncidentChange[], server: string, style: Style): string {
  const lines = [`\u001b[2J\u001b[H${style.bold(`kubetriage watch ${server}`)}: ${open.length} open incident${open.length === 1 ? '' : 's'}`, ''];
  for (const incident of open) lines.push(`  ${incident.id}  since ${incident.openedAt}  ${headline(incident)}`);
  if (changes.length) lines.push('', 'Latest changes:', ...changes.map((c) => `  ${changeLine(c, style)}`));
  return `${lines.join('\n')}\n`;
}
