/**
 * The streamable HTTP transport, for agents that are not on this machine's stdio: one endpoint,
 * `/mcp`, loopback by default. With a token file every request needs `Authorization: Bearer TOKEN`,
 * and the token names the agent; a session belongs to the agent that opened it, and each session gets
 * its own server, so the audit log's actor is `agent:NAME/SESSION-ID`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { InputError } from '../sources/input-error.js';
import type { McpContext } from './context.js';
import { agentOfToken, isLoopback, type ListenAddress, type Tokens } from './listen.js';
import { createMcpServer } from './server.js';

export interface HttpOptions extends ListenAddress {
  /** Bearer tokens by agent; required unless the address is loopback. */
  tokens?: Tokens;
  /** The agent's name when there are no tokens (loopback only). */
  agentName: string;
  /** Largest request body read, in bytes. */
  maxBodyBytes?: number;
}

export interface McpHttpServer {
  /** `http://HOST:PORT/mcp` */
  url: string;
  /** Open sessions. */
  sessions(): number;
  close(): Promise<void>;
}

interface Session { agent: string; transport: StreamableHTTPServerTransport; server: McpServer }

const PATH = '/mcp';

/** @throws InputError for a non-loopback address without tokens */
export async function startMcpHttpServer(context: McpContext, options: HttpOptions): Promise<McpHttpServer> {
  const loopback = isLoopback(options.host);
  if (!loopback && !options.tokens) {
    throw new InputError('--listen', `${options.host} is reachable from other machines: give --token-file FILE so that every request must carry a bearer token, or listen on 127.0.0.1`);
  }
  const sessions = new Map<string, Session>();
  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, -32603, `internal error: ${err instanceof Error ? err.message : String(err)}`);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? '/', 'http://x').pathname !== PATH) return reply(res, 404, -32601, `not found: the MCP endpoint is ${PATH}`);
    // A web page in a browser on this machine could reach a loopback port by a rebound DNS name.
    if (loopback && !loopbackHost(req.headers.host)) return reply(res, 403, -32600, 'the Host header must name this loopback address');
    const agent = authenticate(req, options);
    if (!agent) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="kubetriage"');
      return reply(res, 401, -32001, 'unauthorized: send Authorization: Bearer TOKEN with a token from the server\'s token file');
    }
    const body = req.method === 'POST' ? await readJson(req, options.maxBodyBytes ?? 4 * 1024 * 1024) : undefined;
    if (body instanceof Error) return reply(res, 400, -32700, body.message);
    const id = req.headers['mcp-session-id'];
    if (typeof id === 'string') {
      const session = sessions.get(id);
      if (!session) return reply(res, 404, -32001, 'session not found: it ended or never existed; initialize a new one');
      if (session.agent !== agent) return reply(res, 403, -32001, 'this session belongs to another agent');
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) return reply(res, 400, -32600, 'no mcp-session-id header: the first request of a session must be initialize');
    const server = createMcpServer(context, { name: agent });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => { sessions.set(sessionId, { agent, transport, server }); },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${PATH}`,
    sessions: () => sessions.size,
    close: async () => {
      for (const session of [...sessions.values()]) await session.server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** The agent a request speaks for: its token's name, or the configured name on a loopback server without tokens. */
function authenticate(req: IncomingMessage, options: HttpOptions): string | undefined {
  if (!options.tokens) return options.agentName;
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? agentOfToken(options.tokens, m[1]!) : undefined;
}

function loopbackHost(header: string | undefined): boolean {
  if (!header) return false;
  const host = header.startsWith('[') ? header.slice(1, header.indexOf(']')) : header.split(':')[0]!;
  return isLoopback(host);
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return new Error(`request body larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return new Error('parse error: the body is not JSON');
  }
}

function reply(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
