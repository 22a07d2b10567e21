/**
 * What every tool answers: a status an agent can branch on, the exact invocation echoed, the result
 * (bounded in size), and for an error, what was wrong and what to do about it. Tools return this
 * instead of throwing, so that a refusal reads as an answer, not as a crash.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fitJson } from './bounded.js';
import { UNTRUSTED_NOTICE } from './quoted.js';

export type ToolStatus = 'success' | 'no_data' | 'approval_required' | 'denied' | 'error';

/** Largest answer a tool returns, in characters of JSON. */
export const MAX_RESULT_CHARS = 24_000;

/** A tool's answer before it is bounded and rendered. */
export interface ToolAnswer {
  status: ToolStatus;
  result?: unknown;
  /** For errors: what was wrong, in one sentence. */
  error?: string;
  /** For errors and refusals: what the agent can do next. */
  next?: string;
}

/** An error the agent can act on: what was wrong, and what to do. */
export class ToolError extends Error {
  constructor(message: string, readonly next: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/** Renders an answer as MCP content: one JSON text block, bounded, errors flagged. */
export function render(tool: string, invocation: unknown, answer: ToolAnswer, maxChars = MAX_RESULT_CHARS): CallToolResult {
  const { value, truncated } = fitJson(answer.result ?? null, maxChars);
  const body = {
    status: answer.status, tool, invocation,
    ...(answer.error !== undefined ? { error: answer.error } : {}),
    ...(answer.next !== undefined ? { next: answer.next } : {}),
    ...(answer.result !== undefined ? { untrustedFields: UNTRUSTED_NOTICE, result: value } : {}),
    ...(truncated.length ? { truncated: { note: 'the answer was too large and was cut; ask for less (a namespace, a smaller limit, one object)', cuts: truncated } } : {}),
  };
  let text = JSON.stringify(body);
  // Many small lists can stay over the bound after every cut: then the result goes, the advice stays.
  if (text.length > maxChars * 1.5) text = JSON.stringify({ ...body, result: null, truncated: { note: `the result was over ${maxChars} characters even after cutting and was left out; ask for less (a namespace, a smaller limit, one object)` } });
  return { content: [{ type: 'text', text }], ...(answer.status === 'error' ? { isError: true } : {}) };
}

/**
 * Runs a tool's body and renders what it returns or throws: a ToolError keeps its advice, anything
 * else becomes an error that says the call can be retried and how to check the cause.
 */
export async function answer(tool: string, invocation: unknown, body: () => Promise<ToolAnswer>): Promise<CallToolResult> {
  try {
    return render(tool, invocation, await body());
  } catch (err) {
    if (err instanceof ToolError) return render(tool, invocation, { status: 'error', error: err.message, next: err.next });
    const message = err instanceof Error ? err.message : String(err);
    return render(tool, invocation, { status: 'error', error: message, next: 'this is a failure of kubetriage or the cluster, not of your arguments: retry once; if it persists, tell the user the message' });
  }
}
