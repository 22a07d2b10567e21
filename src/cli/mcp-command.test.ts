/**
 * `kubetriage mcp` over stdio: the command's own wiring (kubeconfig, policy file, database, agent name)
 * driven in-process by the SDK's client through newline-delimited JSON-RPC streams, as an agent that
 * spawned it would; and, once the command is built into dist/, the real process over stdio.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, eventually, startTestCluster, type TestCluster } from '../actions/sim.test-support.js';
import { AuditLog } from '../store/audit-log.js';
import { openDatabase } from '../store/database.js';
import type { Io } from './diagnose-command.js';
import { runMcp, type McpFlags } from './mcp-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The example's own agents: section gives way to this test's narrower one.
const POLICY = `${readFileSync(join(ROOT, 'examples/policy.yaml'), 'utf8').split('\nagents:')[0]}\nagents:\n  allow:\n    - {verbs: [restart], namespaces: [shop]}\n  session: {maxActions: 1}\n`;
let cluster: TestCluster;
let policyFile: string;
let dbFile: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  createShop(cluster, 2);
  policyFile = join(cluster.dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  dbFile = join(cluster.dir, 'mcp.db');
  await eventually(async () => ((cluster.get('deployments', 'shop', 'web').status as { readyReplicas?: number } | undefined)?.readyReplicas === 2 ? true : undefined), 20_000, 'web to be ready');
}, 30_000);

afterAll(async () => {
  await cluster?.close();
});

const flags = (extra: Partial<McpFlags> = {}): McpFlags => ({ kubeconfig: cluster.kubeconfig, policy: policyFile, db: dbFile, agentName: 'local-claude', verifyTimeout: 5, ...extra });
const text = (res: unknown): { status: string; result: Record<string, unknown> } => JSON.parse((res as { content: { text: string }[] }).content[0]!.text) as { status: string; result: Record<string, unknown> };

describe('kubetriage mcp over stdio', () => {
  it('serves the tools on stdin/stdout, records the agent\'s name and session as the actor, and stops when stdin ends', async () => {
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    const stderr = new PassThrough();
    const logged: string[] = [];
    stderr.on('data', (c: Buffer) => logged.push(c.toString()));
    const io = { stdin: toServer, stdout: fromServer, stderr } as unknown as Pick<Io, 'stdin' | 'stdout' | 'stderr'>;
    const running = runMcp(flags(), io);
    const client = new Client({ name: 'spawner', version: '1' });
    // The server's line framing is symmetric: the same transport, with the streams swapped, is a client's end.
    await client.connect(new StdioServerTransport(fromServer, toServer));

    const first = text(await client.callTool({ name: 'submit_plan', arguments: { change: { verb: 'restart', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'refresh' } } }));
    expect(first.status, JSON.stringify(first)).toBe('success');
    const second = text(await client.callTool({ name: 'check_plan', arguments: { change: { verb: 'restart', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'again' } } }));
    expect((second.result['decision'] as { reasons: { quoted: string }[] }).reasons.map((r) => r.quoted)).toEqual(['agent session budget: 1 change(s) already taken in this session; agents.session.maxActions allows 1']);

    toServer.end();
    expect(await running).toBe(0);
    expect(logged.join('')).toMatch(/serving local-claude over stdio/);
    const db = openDatabase(dbFile);
    const actors = new Set(new AuditLog(db).rows().map((r) => r.actor));
    db.close();
    expect([...actors]).toEqual([expect.stringMatching(/^agent:local-claude\/[0-9a-f-]{36}$/)]);
  }, 40_000);

  it('refuses to listen beyond loopback without a token file, and a token file without --listen', async () => {
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() } as unknown as Pick<Io, 'stdin' | 'stdout' | 'stderr'>;
    await expect(runMcp(flags({ listen: '0.0.0.0:0' }), io)).rejects.toThrow(/--token-file/);
    await expect(runMcp(flags({ tokenFile: policyFile }), io)).rejects.toThrow(/give --listen HOST:PORT too/);
  });

  const built = existsSync(join(ROOT, 'dist/cli/mcp-command.js')) && readFileSync(join(ROOT, 'dist/cli/main.js'), 'utf8').includes('registerMcpCommand');
  it.skipIf(!built)('runs as a real process: node bin/kubetriage mcp, spawned by the SDK\'s stdio client', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'bin/kubetriage'), 'mcp', '--kubeconfig', cluster.kubeconfig, '--db', join(cluster.dir, 'spawned.db'), '--agent-name', 'spawned'], stderr: 'pipe' });
    const client = new Client({ name: 'spawner', version: '1' });
    await client.connect(transport);
    const listed = text(await client.callTool({ name: 'list_incidents', arguments: { namespace: 'shop' } }));
    expect(['success', 'no_data']).toContain(listed.status);
    const denied = text(await client.callTool({ name: 'check_plan', arguments: { change: { verb: 'restart', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'r' } } }));
    expect((denied.result['decision'] as { outcome: string }).outcome).toBe('deny');
    await client.close();
  }, 30_000);
});
