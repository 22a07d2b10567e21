/**
 * The gateway's adversarial suite (actions/adversarial-cases.test-support.ts) replayed through MCP,
 * over both transports, by an agent whose policy section is as wide as a person's: each unsafe attempt
 * is denied (or held for a person) with the gateway's reason, changes nothing, and is audited under
 * the agent's session; what the tool schemas reject never reaches the gateway, and says which field.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNSAFE_ATTEMPTS, createAdversarialTargets, type UnsafeAttempt } from '../actions/adversarial-cases.test-support.js';
import { parsePolicy } from '../actions/policy-file.js';
import { POLICY_VERBS } from '../actions/policy-schema.js';
import { isObjectName } from '../actions/validate-plan.js';
import { eventually, startTestCluster, type TestCluster } from '../actions/sim.test-support.js';
import type { ActionPlan } from '../diagnose/plan.js';
import { AuditLog } from '../store/audit-log.js';
import { mcpContext, type McpContext } from './context.js';
import { startMcpHttpServer, type McpHttpServer } from './http-server.js';
import { parseTokens } from './listen.js';
import { createMcpServer } from './server.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));
/** Agents as wide as people: every refusal below is the people's policy speaking, replayed through MCP. */
const AGENTS = '\nagents:\n  allow:\n    - {}\n';
const TOKEN = '9a8b7c6d5e4f3a2b1c0d9e8f';
let cluster: TestCluster;
let context: McpContext;
let http: McpHttpServer;

/** The attempt's plan as an agent describes it to submit_plan. */
function changeOf(plan: ActionPlan): Record<string, unknown> {
  const change = plan.change as { replicas?: number; type?: string; patch?: unknown; toRevision?: number } | undefined;
  return {
    verb: plan.verb, kind: plan.target.kind, name: plan.target.name, reason: plan.reason,
    ...(plan.target.namespace !== undefined ? { namespace: plan.target.namespace } : {}),
    ...(plan.verb === 'scale' ? { replicas: change?.replicas } : {}),
    ...(plan.verb === 'patch' ? { patchType: change?.type, patch: change?.patch } : {}),
    ...(plan.verb === 'apply' ? { manifest: plan.change } : {}),
  };
}

/** Attempts the tool's schema refuses (not one object's name, a verb that does not exist), and the field it names. */
const SCHEMA_REFUSES = (a: UnsafeAttempt): RegExp | undefined =>
  !isObjectName(a.plan.target.name) ? /name/ : !(POLICY_VERBS as readonly string[]).includes(a.plan.verb) ? /verb/ : undefined;

beforeAll(async () => {
  cluster = await startTestCluster();
  createAdversarialTargets(cluster);
  context = mcpContext({ client: cluster.client, db: cluster.db, policy: parsePolicy(readFileSync(EXAMPLE, 'utf8').split('\nagents:')[0] + AGENTS, EXAMPLE), verify: { deadlineMs: 3_000, pollMs: 200 } });
  http = await startMcpHttpServer(context, { host: '127.0.0.1', port: 0, agentName: 'unused', tokens: parseTokens(`steered ${TOKEN}`, 'tokens') });
  await eventually(async () => ((cluster.get('deployments', 'shop', 'web').status as { readyReplicas?: number } | undefined)?.readyReplicas === 4 ? true : undefined), 20_000, 'web to be ready');
}, 30_000);

afterAll(async () => {
  await http?.close();
  await cluster?.close();
});

const transports: [string, () => Promise<Client>][] = [
  ['a linked pair (the stdio server)', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(context, { name: 'steered' }).connect(serverSide);
    const client = new Client({ name: 'steered', version: '1' });
    await client.connect(clientSide);
    return client;
  }],
  ['streamable HTTP', async () => {
    const client = new Client({ name: 'steered', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    return client;
  }],
];

describe.each(transports)('the adversarial suite through MCP over %s', (_transport, open) => {
  let agent: Client;
  beforeAll(async () => { agent = await open(); });
  afterAll(async () => { await agent.close(); });

  it.each(UNSAFE_ATTEMPTS.map((a) => [a.name, a] as const))('%s: refused, with its reason, nothing changed', async (_name, attempt) => {
    const generation = cluster.get('deployments', 'shop', 'web').metadata.generation;
    const res = await agent.callTool({ name: 'submit_plan', arguments: { change: changeOf(attempt.plan) } });
    const text = (res.content as { text: string }[])[0]!.text;
    const field = SCHEMA_REFUSES(attempt);
    if (field) {
      expect(res.isError).toBe(true);
      expect(text).toMatch(/validation/i);
      expect(text).toMatch(field);
    } else {
      const body = JSON.parse(text) as { status: string; result: { actionId: string; decision: { reasons: { quoted: string }[] } } };
      expect(body.status, text).toBe(attempt.outcome === 'deny' ? 'denied' : 'approval_required');
      expect(body.result.decision.reasons.map((r) => r.quoted).join('; ')).toMatch(attempt.reason);
      const rows = new AuditLog(cluster.db).rows(body.result.actionId);
      expect(rows.map((r) => r.step)).toEqual(['planned', 'decided']);
      expect(rows.every((r) => r.actor.startsWith('agent:steered/'))).toBe(true);
    }
    expect(cluster.get('deployments', 'shop', 'web').metadata.generation).toBe(generation);
  });
});

describe('after the replay', () => {
  it('kept every refusal in one valid audit chain', () => {
    expect(new AuditLog(cluster.db).verify()).toMatchObject({ ok: true });
  });
});
