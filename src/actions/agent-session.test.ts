import { describe, expect, it } from 'vitest';
import { restart, scale } from '../diagnose/fixes.js';
import { AuditLog } from '../store/audit-log.js';
import { openDatabase } from '../store/database.js';
import { agentActor, agentUsage, agentUsageWithin, sessionUsage } from './agent-session.js';
import { blastRadius } from './blast-radius.js';
import { shopGraph } from './fixtures.test-support.js';
import { decide, type PolicyContext } from './policy.js';
import { parsePolicy } from './policy-file.js';

const web = { kind: 'Deployment', namespace: 'shop', name: 'web' };
const graph = shopGraph({ replicas: 4 });
const HEAD = 'apiVersion: kubetriage.io/v1alpha1\nkind: RemediationPolicy\nallow:\n  - {verbs: [patch, restart, scale], namespaces: ["*"]}\n';
const AGENTS = `${HEAD}agents:\n  allow:\n    - {verbs: [restart], namespaces: [shop]}\n  limits: {maxPodsRestarted: 4}\n  session: {maxActions: 2, maxPodsRestarted: 6}\n`;
const none = { actions: 0, podsRestarted: 0, objects: 0 };
const at = (agent?: PolicyContext['agent']): PolicyContext => ({ now: new Date('2026-03-04T10:00:00Z'), applied: [], ...(agent ? { agent } : {}) });

describe('agents in the policy', () => {
  it('gives agents nothing when the policy has no agents: section, and leaves people as they were', () => {
    const policy = parsePolicy(HEAD, 'p.yaml');
    const p = restart(web, 'r');
    expect(decide(policy, p, blastRadius(graph, p), at()).outcome).toBe('allow');
    const asAgent = decide(policy, p, blastRadius(graph, p), at({ name: 'bot', usage: none }));
    expect(asAgent.outcome).toBe('deny');
    expect(asAgent.reasons).toEqual(['agent bot: the policy has no agents: section, so agents change nothing (a person can, with kubetriage act)']);
  });

  it('narrows verbs and radius for agents only', () => {
    const policy = parsePolicy(AGENTS, 'p.yaml');
    const down = scale(web, 3, 4, 'shrink');
    expect(decide(policy, down, blastRadius(graph, down), at()).outcome).toBe('allow');
    expect(decide(policy, down, blastRadius(graph, down), at({ name: 'bot', usage: none })).reasons)
      .toEqual(['agent bot: no agents.allow rule covers scale on Deployment in namespace shop']);
    const big = restart(web, 'r');
    const wide = decide(policy, big, blastRadius(shopGraph({ replicas: 5 }), big), at({ name: 'bot', usage: none }));
    expect(wide.reasons).toEqual(['agent bot: restarts 5 pods; agents.limits allows at most 4']);
  });

  it('denies by the session budget, naming it, once the summed radius or the count would pass it', () => {
    const policy = parsePolicy(AGENTS, 'p.yaml');
    const p = restart(web, 'r');
    const radius = blastRadius(graph, p);
    expect(decide(policy, p, radius, at({ name: 'bot', usage: { actions: 1, podsRestarted: 1, objects: 1 } })).outcome).toBe('allow');
    const pods = decide(policy, p, radius, at({ name: 'bot', usage: { actions: 1, podsRestarted: 4, objects: 1 } }));
    expect(pods.reasons).toEqual(['agent session budget: this change restarts 4 pod(s) after 4 in this session; agents.session.maxPodsRestarted allows 6 in all']);
    const count = decide(policy, p, radius, at({ name: 'bot', usage: { actions: 2, podsRestarted: 0, objects: 2 } }));
    expect(count.reasons).toEqual(['agent session budget: 2 change(s) already taken in this session; agents.session.maxActions allows 2']);
  });
});

describe('sessionUsage', () => {
  it('sums allowed and held changes of one session from the audit log, not dry-runs, denials or other sessions', () => {
    const db = openDatabase(':memory:');
    const log = new AuditLog(db);
    const me = agentActor({ name: 'bot', sessionId: 's1' });
    const radius = (pods: number) => ({ podsRestarted: pods, objects: [web] });
    const action = (id: string, actor: string, dryRun: boolean, outcome: string, pods: number): void => {
      log.append({ actionId: id, step: 'planned', actor, planId: 'p', detail: { dryRun } });
      log.append({ actionId: id, step: 'decided', actor, planId: 'p', detail: { decision: { outcome, dryRunOnly: false, radius: radius(pods) } } });
    };
    action('a1', me, false, 'allow', 2);
    action('a2', me, false, 'needs-approval', 3);
    action('a3', me, true, 'allow', 50);
    action('a4', me, false, 'deny', 50);
    action('a5', agentActor({ name: 'bot', sessionId: 's2' }), false, 'allow', 50);
    expect(sessionUsage(db, me)).toEqual({ actions: 2, podsRestarted: 5, objects: 2 });
    db.close();
  });
});

describe('agentUsage', () => {
  it('sums one agent\'s changes over all its sessions since a time, and no other agent\'s', () => {
    const db = openDatabase(':memory:');
    const log = new AuditLog(db);
    const action = (id: string, actor: string, at: string, pods: number): void => {
      log.append({ actionId: id, step: 'planned', actor, planId: 'p', detail: { dryRun: false }, at });
      log.append({ actionId: id, step: 'decided', actor, planId: 'p', detail: { decision: { outcome: 'allow', dryRunOnly: false, radius: { podsRestarted: pods, objects: [web] } } }, at });
    };
    action('old', agentActor({ name: 'bot', sessionId: 's0' }), '2026-03-04T08:59:59.000Z', 40);
    action('a1', agentActor({ name: 'bot', sessionId: 's1' }), '2026-03-04T09:10:00.000Z', 1);
    action('a2', agentActor({ name: 'bot', sessionId: 's2' }), '2026-03-04T09:50:00.000Z', 2);
    action('b1', agentActor({ name: 'bot2', sessionId: 's1' }), '2026-03-04T09:20:00.000Z', 30);
    action('c1', agentActor({ name: 'b%', sessionId: 's1' }), '2026-03-04T09:20:00.000Z', 30);
    expect(agentUsage(db, 'bot', '2026-03-04T09:00:00.000Z')).toEqual({ actions: 2, podsRestarted: 3, objects: 2 });
    expect(agentUsage(db, 'b%', '2026-03-04T09:00:00.000Z')).toEqual({ actions: 1, podsRestarted: 30, objects: 1 });
    expect(agentUsage(db, 'bot', '2026-03-04T10:00:00.000Z')).toEqual({ actions: 0, podsRestarted: 0, objects: 0 });
    // The window ends at the time given and reaches back by the policy's duration.
    expect(agentUsageWithin(db, 'bot', '1h', new Date('2026-03-04T10:00:00.000Z'))).toEqual({ actions: 2, podsRestarted: 3, objects: 2 });
    expect(agentUsageWithin(db, 'bot', '30m', new Date('2026-03-04T10:00:00.000Z'))).toEqual({ actions: 1, podsRestarted: 2, objects: 1 });
    db.close();
  });

  it('denies by the window budget, naming it and the agent, when a session alone would pass', () => {
    const policy = parsePolicy(`${AGENTS}  window: {per: 1h, maxActions: 3, maxPodsRestarted: 5}\n`, 'p.yaml');
    const p = restart(web, 'r');
    const radius = blastRadius(graph, p);
    const fresh = { name: 'bot', usage: none };
    expect(decide(policy, p, radius, at({ ...fresh, windowUsage: { actions: 2, podsRestarted: 1, objects: 2 } })).outcome).toBe('allow');
    expect(decide(policy, p, radius, at({ ...fresh, windowUsage: { actions: 3, podsRestarted: 2, objects: 3 } })).reasons)
      .toEqual(['agent budget: 3 change(s) already taken by agent bot in the last 1h, over all its sessions; agents.window.maxActions allows 3',
        'agent budget: this change restarts 4 pod(s) after 2 by agent bot in the last 1h, over all its sessions; agents.window.maxPodsRestarted allows 5 in all']);
  });
});
