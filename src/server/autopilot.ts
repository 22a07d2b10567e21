/**
 * The autopilot of watch mode: for each incident that opens, the first fix its root cause proposes,
 * submitted to the gateway as `autopilot`, one at a time, exactly as a person's `kubetriage fix`
 * would be. The policy decides what it may do (without one it may do nothing); rate limits stop a fix
 * that does not hold from being repeated; what needs approval waits for a person.
 */
import { submit, type GatewayDeps, type GatewayResult } from '../actions/gateway.js';
import type { IncidentChange } from '../diagnose/incident-tracker.js';

export interface AutopilotResult {
  type: 'remediation';
  incident: string;
  result: GatewayResult;
}

export class Autopilot {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: GatewayDeps, private readonly onResult: (result: AutopilotResult) => void, private readonly onError: (err: unknown) => void) {}

  /** Queues the fixes of the incidents that opened; returns at once (verification takes its time). */
  consider(changes: readonly IncidentChange[]): void {
    for (const change of changes) {
      if (change.type !== 'opened') continue;
      const { cause } = change.incident.report;
      const plan = cause.fixes[0];
      if (!plan) continue;
      this.queue = this.queue.then(async () => {
        try {
          this.onResult({ type: 'remediation', incident: change.incident.id, result: await submit(plan, this.deps, { resolves: cause.id }) });
        } catch (err) {
          this.onError(err);
        }
      });
    }
  }

  /** Resolves once every queued fix has been decided (and applied, verified or rolled back). */
  idle(): Promise<void> {
    return this.queue;
  }
}
