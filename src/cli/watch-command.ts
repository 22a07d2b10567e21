/**
 * `kubetriage watch`: keeps diagnosing the live cluster and reports incidents as they open, change
 * and resolve, until interrupted. `-o json` prints one JSON object per change (JSON lines, for a log
 * shipper or another program); text prints one line per change, or a live view on a terminal.
 */
import { Command, Option } from 'commander';
import { displayRef } from '../cluster/objects.js';
import type { IncidentChange, TrackedIncident } from '../diagnose/incident-tracker.js';
import { parseListen, startEndpoint } from '../server/http-endpoint.js';
import { watchMetrics } from '../server/metrics.js';
import { WatchService } from '../server/watch-service.js';
import { defaultDatabasePath } from '../store/database.js';
import { openIncidentStore } from '../store/open-incident-store.js';
import { ApiClient } from '../sources/live/api-client.js';
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
    .option('--listen <host:port>', 'serve /metrics (Prometheus), /healthz and /readyz here, e.g. 127.0.0.1:9090 (or :9090 in a pod)')
    .action(async (flags: WatchFlags) => {
      await runWatch(flags, io, untilSignalled());
    });
}

/** Watches until `until` resolves. */
export async function runWatch(flags: WatchFlags, io: Pick<Io, 'stdout' | 'stderr'>, until: Promise<void>): Promise<void> {
  const kubeConfig = loadKubeConfig({
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context !== undefined ? { context: flags.context } : {}),
  });
  const client = new ApiClient(kubeConfig);
  const style = styleFor(io.stdout);
  const live = flags.output === 'text' && io.stdout.isTTY;
  const listen = flags.listen !== undefined ? parseListen(flags.listen) : undefined;
  let ready = false;
  const metrics = watchMetrics(() => service, () => client.requests);
  const store = await openIncidentStore(flags.store ?? defaultDatabasePath());
  const service: WatchService = new WatchService({
    client, kubeConfig, onAnalyzed: (ms) => metrics.analyzed(ms),
    // The store keeps the whole report: what it gives back is what the tracker wrote.
    known: (await store.openIncidents()) as TrackedIncident[],
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}), ...(flags.selector !== undefined ? { labelSelector: flags.selector } : {}),
    onChanges: async (changes) => {
      await store.record(changes);
      if (flags.output === 'json') for (const change of changes) io.stdout.write(`${JSON.stringify(change)}\n`);
      else if (live) io.stdout.write(liveView(service.open(), changes, client.server, style));
      else for (const change of changes) io.stdout.write(`${changeLine(change, style)}\n`);
    },
    onError: (err) => io.stderr.write(`kubetriage watch: analysis failed, retrying on the next change: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  const endpoint = listen ? await startEndpoint(listen, metrics.registry, () => ready) : undefined;
  await service.start();
  ready = true;
  if (live && service.open().length === 0) io.stdout.write(liveView([], [], client.server, style));
  io.stderr.write(`kubetriage watch: watching ${client.server}${flags.namespace ? ` (namespace ${flags.namespace})` : ''}${endpoint ? `; metrics at ${endpoint.url}/metrics` : ''}; Ctrl-C to stop\n`);
  await until;
  await service.stop();
  await endpoint?.close();
  await store.close();
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
