/**
 * Verification of an applied change: the cluster is read again and diagnosed until a deadline. It
 * passes when the finding the plan was meant to resolve is gone and no finding appeared that was not
 * there before, on two reads in a row (a rollout in progress looks healthy for a moment).
 */
import { ClusterGraph } from '../cluster/graph.js';
import { diagnose } from '../diagnose/diagnose.js';
import type { ApiClient } from '../sources/live/api-client.js';
import { loadLive } from '../sources/live/load-live.js';

export interface VerifyTiming {
  /** How long the change has to show its effect, in ms. */
  deadlineMs: number;
  /** Between reads, in ms. */
  pollMs: number;
  /** Waits; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Elapsed-time source; tests pass a fake. */
  elapsed?: () => number;
}

export interface Verification {
  ok: boolean;
  /** One sentence: why it passed or failed. */
  reason: string;
  /** Findings present after the change that were not before. */
  newFindings: string[];
  /** Whether the finding the plan was meant to resolve is still there. */
  stillFailing: boolean;
}

/** The ids of every finding (causes and symptoms) in a namespace, or the whole cluster. */
export async function findingIds(client: ApiClient, namespace: string | undefined): Promise<string[]> {
  const snapshot = await loadLive(client, namespace !== undefined ? { namespace } : {});
  const { incidents } = diagnose(new ClusterGraph(snapshot), namespace !== undefined ? { namespace } : {});
  return incidents.flatMap((i) => [i.cause.id, ...i.symptoms.map((s) => s.id)]);
}

/** @example await verifyChange(client, { namespace: 'shop', resolves: finding.id, baseline }, { deadlineMs: 120_000, pollMs: 5_000 }) */
export async function verifyChange(client: ApiClient, what: { namespace: string | undefined; resolves?: string; baseline: readonly string[] }, timing: VerifyTiming): Promise<Verification> {
  const sleep = timing.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  const elapsed = timing.elapsed ?? (() => Date.now() - started);
  const before = new Set(what.baseline);
  let goodReads = 0;
  let last: Verification = { ok: false, reason: 'not read yet', newFindings: [], stillFailing: true };
  for (;;) {
    const now = await findingIds(client, what.namespace);
    const stillFailing = what.resolves !== undefined && now.includes(what.resolves);
    const newFindings = now.filter((id) => !before.has(id));
    last = { ok: !stillFailing && newFindings.length === 0, stillFailing, newFindings, reason: describe(stillFailing, newFindings, what.resolves) };
    goodReads = last.ok ? goodReads + 1 : 0;
    if (goodReads >= 2) return last;
    if (elapsed() >= timing.deadlineMs) return last.ok ? { ...last, reason: `${last.reason} (seen once, at the deadline)` } : last;
    await sleep(timing.pollMs);
  }
}

function describe(stillFailing: boolean, newFindings: string[], resolves: string | undefined): string {
  const parts: string[] = [];
  if (stillFailing) parts.push(`finding ${resolves} is still there`);
  if (newFindings.length) parts.push(`new finding(s) appeared: ${newFindings.join(', ')}`);
  if (parts.length) return parts.join('; ');
  return resolves ? `finding ${resolves} is resolved and nothing new appeared` : 'no new finding appeared';
}
