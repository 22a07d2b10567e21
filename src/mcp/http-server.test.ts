/**
 * The HTTP transport's guards, with the SDK's real client: no token or a wrong one is a 401, a session
 * cannot be used by another agent, a rebound Host is refused, and an exposed address needs tokens.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../sources/live/api-client.js';
import { openDatabase } from '../store/database.js';
import { mcpContext, type McpContext } from './context.js';
import { startMcpHttpServer, type McpHttpServer } from './http-server.js';
import { parseTokens } from './listen.js';

const ALICE = 'a1b2c3d4e5f60718293a4b5c';
const BOB = 'ffeeddccbbaa998877665544';
let context: McpContext;
let server: McpHttpServer;

function unreachableCluster(): ApiClient {
  const config = new KubeConfig();
  config.loadFromOptions({ clusters: [{ name: 'c', server: 'http://127.0.0.1:9' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return new ApiClient(config, { attempts: 1 });
}

async function connect(token: string | undefined): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {});
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const post = (headers: Record<string, string>, body: unknown = initialize): Promise<Response> =>
  fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  context = mcpContext({ client: unreachableCluster(), db: openDatabase(':memory:'), policy: undefined });
  server = await startMcpHttpServer(context, { host: '127.0.0.1', port: 0, agentName: 'unused', tokens: parseTokens(`alice ${ALICE}\nbob ${BOB}\n`, 'tokens') });
});

afterAll(async () => {
  await server.close();
  context.db.close();
});

describe('the HTTP transport', () => {
  it('answers 401 with a Bearer challenge to a request without a token, or with a wrong one', async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/Authorization: Bearer TOKEN/);
    expect((await post({ Authorization: `Bearer ${ALICE.slice(1)}x` })).status).toBe(401);
    await expect(connect(undefined)).rejects.toThrow(/401|nauthorized/);
    await expect(connect('not-a-valid-token-at-all')).rejects.toThrow(/401|nauthorized/);
  });

  it('serves the tools to a client with a valid token, and keeps its session to its agent', async () => {
    const { client, transport } = await connect(ALICE);
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['check_approval', 'check_plan', 'diagnose_namespace', 'explain_object', 'get_object_yaml', 'list_incidents', 'propose_plan', 'read_audit_log', 'search_events', 'submit_plan']);
    const sessionId = transport.sessionId!;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const stolen = await post({ Authorization: `Bearer ${BOB}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' }, list);
    expect(stolen.status).toBe(403);
    const unknown = await post({ Authorization: `Bearer ${ALICE}`, 'mcp-session-id': '00000000-0000-0000-0000-000000000000' }, list);
    expect(unknown.status).toBe(404);
    await client.close();
  });

  it('turns a cluster it cannot reach into an error the agent can act on', async () => {
    const { client } = await connect(BOB);
    const result = await client.callTool({ name: 'list_incidents', arguments: {} });
    expect(result.isError).toBe(true);
    const body = JSON.parse((result.content as { text: string }[])[0]!.text) as { status: string; error: string; next: string; tool: string };
    expect(body).toMatchObject({ status: 'error', tool: 'list_incidents' });
    expect(body.error).toMatch(/cannot reach the API server/);
    expect(body.next).toMatch(/retry/);
    await client.close();
  });

  it('refuses a Host header that does not name loopback (DNS rebinding)', async () => {
    const url = new URL(server.url);
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { Host: 'evil.example:80', Authorization: `Bearer ${ALICE}`, 'Content-Type': 'application/json' } }, (r) => { r.resume(); resolve(r.statusCode ?? 0); });
        req.on('error', reject);
        req.end(JSON.stringify(initialize));
      }, reject);
    });
    expect(res).toBe(403);
  });

  it('refuses to listen beyond loopback without tokens', async () => {
    await expect(startMcpHttpServer(context, { host: '0.0.0.0', port: 0, agentName: 'x' })).rejects.toThrow(/--token-file/);
  });
});
