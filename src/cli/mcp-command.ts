/**
 * `kubetriage mcp`: the MCP server for AI agents, over stdio (the default, for a local agent that
 * starts it) or streamable HTTP (`--listen HOST:PORT`, loopback unless `--token-file` is given).
 * Every change an agent asks for passes the gateway as a person's `act` does, under the policy's
 * `agents:` section and a per-session budget. Nothing is printed on stdout: over stdio it is the protocol.
 */
import { Option, type Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { resolveInterrupted } from '../actions/gateway.js';
import { loadPolicy } from '../actions/policy-file.js';
import { mcpContext } from '../mcp/context.js';
import { startMcpHttpServer } from '../mcp/http-server.js';
import { loadTokens, parseListen } from '../mcp/listen.js';
import { createMcpServer } from '../mcp/server.js';
import { ApiClient } from '../sources/live/api-client.js';
import { InputError } from '../sources/input-error.js';
import { loadKubeConfig } from '../sources/live/kubeconfig.js';
import { defaultDatabasePath, openDatabase } from '../store/database.js';
import type { Io } from './diagnose-command.js';

export interface McpFlags {
  policy?: string;
  kubeconfig?: string;
  context?: string;
  db?: string;
  agentName: string;
  listen?: string;
  tokenFile?: string;
  verifyTimeout: number;
}

/** Adds `mcp` to the program; `setExitCode` receives 2 when the server cannot start. */
export function registerMcpCommand(program: Command, io: Io, setExitCode: (code: number) => void = (code) => { process.exitCode = code; }): void {
  program.command('mcp')
    .description('Serve AI agents over MCP (stdio, or streamable HTTP with --listen): diagnosis tools, and changes that pass the gateway under the policy\'s agents: section.')
    .option('--policy <file>', 'the remediation policy (YAML); without one, or without its agents: section, agents change nothing')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--db <file>', 'the kubetriage database holding the audit log and approvals (default: KUBETRIAGE_DB, else ~/.kubetriage/kubetriage.db)')
    .option('--agent-name <name>', 'the agent\'s name in the audit log when no token names it', 'mcp-agent')
    .option('--listen <host:port>', 'serve streamable HTTP at http://HOST:PORT/mcp instead of stdio (loopback unless --token-file)')
    .option('--token-file <file>', 'bearer tokens, one "NAME TOKEN" per line: each request must carry one, and its NAME is the agent')
    .addOption(new Option('--verify-timeout <seconds>', 'how long a change has to resolve its finding before it is rolled back').default(120).argParser(seconds))
    .action(async (flags: McpFlags) => {
      setExitCode(await runMcp(flags, io));
    });
}

/** Starts the server; resolves when it stops (stdin closed, or SIGINT/SIGTERM for HTTP). Returns the exit code. */
export async function runMcp(flags: McpFlags, io: Pick<Io, 'stdin' | 'stdout' | 'stderr'>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (flags.tokenFile && !flags.listen) throw new InputError('--token-file', 'tokens guard the HTTP transport: give --listen HOST:PORT too');
  const listen = flags.listen !== undefined ? parseListen(flags.listen) : undefined;
  const tokens = flags.tokenFile !== undefined ? await loadTokens(flags.tokenFile) : undefined;
  const policy = flags.policy !== undefined ? await loadPolicy(flags.policy) : undefined;
  const config = loadKubeConfig({ ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context !== undefined ? { context: flags.context } : {}), env });
  const db = openDatabase(flags.db ?? defaultDatabasePath(env));
  const timeoutMs = flags.verifyTimeout * 1000;
  const context = mcpContext({ client: new ApiClient(config), db, policy, verify: { deadlineMs: timeoutMs, pollMs: Math.min(5_000, Math.max(250, timeoutMs / 10)) } });
  try {
    // A change a previous run applied and never verified is verified (or rolled back) before any agent acts.
    for (const resumed of await resolveInterrupted({ client: context.client, db, policy, actor: 'kubetriage-mcp', ...(context.verify ? { verify: context.verify } : {}) })) {
      io.stderr.write(`kubetriage mcp: resolved an interrupted action ${resumed.actionId}: ${resumed.status}: ${resumed.message}\n`);
    }
    if (!listen) {
      const server = createMcpServer(context, { name: flags.agentName });
      const transport = new StdioServerTransport(io.stdin as NodeJS.ReadStream, io.stdout as NodeJS.WriteStream);
      const closed = new Promise<void>((resolve) => { transport.onclose = resolve; io.stdin.once('end', resolve); });
      await server.connect(transport);
      io.stderr.write(`kubetriage mcp: serving ${flags.agentName} over stdio${policy ? '' : ' (no --policy: read-only)'}\n`);
      await closed;
      await server.close();
      return 0;
    }
    const http = await startMcpHttpServer(context, { ...listen, agentName: flags.agentName, ...(tokens ? { tokens } : {}) });
    io.stderr.write(`kubetriage mcp: listening on ${http.url}${tokens ? ` for ${new Set(tokens.values()).size} agent(s) with bearer tokens` : ' (loopback, no token)'}${policy ? '' : ' (no --policy: read-only)'}\n`);
    await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); });
    await http.close();
    return 0;
  } finally {
    db.close();
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InputError('--verify-timeout', `"${value}" is not a positive number of seconds`);
  return n;
}
