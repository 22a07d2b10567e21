/** What `act` and `approve` share: reading the policy, opening the cluster and the database, printing a gateway result, its exit code. */
import { Option, type Command } from 'commander';
import { resolveInterrupted, type GatewayDeps, type GatewayResult } from '../actions/gateway.js';
import { loadPolicy } from '../actions/policy-file.js';
import { ApiClient } from '../sources/live/api-client.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import { defaultDatabasePath, openDatabase } from '../store/database.js';
import { InputError } from '../sources/input-error.js';
import type { Io } from './diagnose-command.js';

/** Exit codes of `act` and `approve`: 0 applied (or dry-run), 2 error or not applied, 3 denied, 4 held for approval. */
export const ACT_EXIT = { ok: 0, error: 2, denied: 3, held: 4 } as const;

export interface GatewayFlags {
  policy?: string;
  kubeconfig?: string;
  context?: string;
  db?: string;
  as?: string;
  output: 'text' | 'json';
  verifyTimeout: number;
}

export function withGatewayOptions(command: Command): Command {
  return command
    .option('--policy <file>', 'the remediation policy (YAML); without one every change is denied')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--db <file>', 'the kubetriage database holding the audit log and approvals (default: KUBETRIAGE_DB, else ~/.kubetriage/kubetriage.db)')
    .option('--as <name>', 'who is acting, as the audit log records it (default: $USER)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--verify-timeout <seconds>', 'how long a change has to resolve its finding before it is rolled back').default(120).argParser(seconds));
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InputError('--verify-timeout', `"${value}" is not a positive number of seconds`);
  return n;
}

/** The gateway's dependencies from the flags; `close` releases the database. */
export async function gatewayDeps(flags: GatewayFlags, env: NodeJS.ProcessEnv = process.env): Promise<GatewayDeps & { close(): void; namespace: string }> {
  const policy = flags.policy !== undefined ? await loadPolicy(flags.policy) : undefined;
  const config = loadKubeConfig({ ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context !== undefined ? { context: flags.context } : {}), env });
  const db = openDatabase(flags.db ?? defaultDatabasePath(env));
  const timeoutMs = flags.verifyTimeout * 1000;
  return {
    client: new ApiClient(config), db, policy, actor: flags.as ?? env['USER'] ?? 'unknown',
    verify: { deadlineMs: timeoutMs, pollMs: Math.min(5_000, Math.max(250, timeoutMs / 10)) },
    namespace: config.getContextObject(config.getCurrentContext())?.namespace ?? 'default',
    close: () => db.close(),
  };
}

type CommandDeps = Awaited<ReturnType<typeof gatewayDeps>>;

/**
 * Runs one gateway command: opens its dependencies, first finishes any action a killed run left
 * between apply and verify (saying so on stderr), then `work`; the database is closed either way.
 */
export async function withGateway<T>(flags: GatewayFlags, io: Pick<Io, 'stderr'>, env: NodeJS.ProcessEnv, work: (deps: CommandDeps) => Promise<T>): Promise<T> {
  const deps = await gatewayDeps(flags, env);
  try {
    for (const resumed of await resolveInterrupted(deps)) io.stderr.write(`kubetriage: resolved an interrupted action ${resumed.actionId}: ${resumed.status}: ${resumed.message}\n`);
    return await work(deps);
  } finally {
    deps.close();
  }
}

/** Prints a result and returns its exit code. */
export function report(result: GatewayResult, output: GatewayFlags['output'], io: Pick<Io, 'stdout'>): number {
  io.stdout.write(output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderText(result));
  return exitCode(result);
}

export function exitCode(result: GatewayResult): number {
  switch (result.status) {
    case 'verified':
    case 'dry-run': return ACT_EXIT.ok;
    case 'denied': return ACT_EXIT.denied;
    case 'held': return ACT_EXIT.held;
    default: return ACT_EXIT.error;
  }
}

function renderText(result: GatewayResult): string {
  const lines = [`plan:     ${result.plan.summary} (${result.plan.verb} ${result.plan.target.kind}/${result.plan.target.name}${result.plan.target.namespace ? ` -n ${result.plan.target.namespace}` : ''})`];
  const r = result.decision?.radius;
  if (r) {
    lines.push(`radius:   ${r.objects.length} object(s), ${r.podsRestarted} pod(s) restarted, up to ${r.maxUnavailable}${r.replicas ? ` of ${r.replicas}` : ''} unavailable at once`);
    if (r.services.length) lines.push(`          backends touched: ${r.services.map((s) => `${s.kind.toLowerCase()}/${s.name}`).join(', ')}`);
    if (r.disruptionBudgetsBroken.length) lines.push(`          PodDisruptionBudgets broken: ${r.disruptionBudgetsBroken.map((b) => b.name).join(', ')}`);
    for (const note of r.notes) lines.push(`          ${note}`);
  }
  if (result.diff) lines.push('change:', ...result.diff.trimEnd().split('\n').map((line) => `  ${line}`));
  if (result.decision) {
    lines.push(`decision: ${result.decision.outcome}`);
    for (const reason of result.decision.reasons) lines.push(`  - ${reason}`);
  }
  lines.push(`result:   ${result.status}: ${result.message}`, `audit:    action ${result.actionId}`);
  return `${lines.join('\n')}\n`;
}
