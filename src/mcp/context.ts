/**
 * What the MCP tools share: the cluster, the database, the policy, and who is asking. One context
 * serves every session of a server; each tool call names its session, and the audit log records the
 * session's identity (`agent:NAME/SESSION`) as the actor of every step.
 */
import { agentActor, type AgentIdentity } from '../actions/agent-session.js';
import type { GatewayDeps } from '../actions/gateway.js';
import type { Policy } from '../actions/policy-schema.js';
import type { VerifyTiming } from '../actions/verify.js';
import type { ApiClient } from '../sources/live/api-client.js';
import type { Db } from '../store/database.js';

export interface McpContext {
  client: ApiClient;
  db: Db;
  /** None: every change is denied (read-only). */
  policy: Policy | undefined;
  verify?: VerifyTiming;
  /** Serialises the changes of one agent, over all its sessions: two concurrent calls cannot both pass a budget meant for one. */
  readonly queues: Map<string, Promise<unknown>>;
}

/** @example const context = mcpContext({ client, db, policy }); */
export function mcpContext(parts: Omit<McpContext, 'queues'>): McpContext {
  return { ...parts, queues: new Map() };
}

/** The gateway's dependencies for one agent session: the same gateway a person's `act` calls, with the agent named. */
export function agentGatewayDeps(context: McpContext, agent: AgentIdentity): GatewayDeps {
  return {
    client: context.client, db: context.db, policy: context.policy, actor: agentActor(agent), agent,
    ...(context.verify ? { verify: context.verify } : {}),
  };
}

/** Runs `work` after every earlier change of the same agent (any of its sessions) has finished. */
export function serialised<T>(context: McpContext, agent: AgentIdentity, work: () => Promise<T>): Promise<T> {
  const key = agent.name;
  const before = context.queues.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  context.queues.set(key, settled);
  void settled.then(() => {
    if (context.queues.get(key) === settled) context.queues.delete(key);
  });
  return run;
}
