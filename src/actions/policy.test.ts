import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apply, cordon, deletePod, patchContainer, patchObject, restart, rolloutUndo, scale } from '../diagnose/fixes.js';
import { plan as makePlan } from '../diagnose/plan.js';
import { blastRadius } from './blast-radius.js';
import { shopGraph } from './fixtures.test-support.js';
import { decide, type PolicyContext } from './policy.js';
import { loadPolicy, parsePolicy } from './policy-file.js';
import type { Policy } from './policy-schema.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));
const web = { kind: 'Deployment', namespace: 'shop', name: 'web' };
const now = new Date('2026-03-04T10:00:00Z'); // a Wednesday
const context: PolicyContext = { now, applied: [] };
const graph = shopGraph({ replicas: 4 });
const decideOn = (policy: Policy | undefined, p: ReturnType<typeof restart>, ctx: PolicyContext = context) => decide(policy, p, blastRadius(graph, p), ctx);

describe('parsePolicy', () => {
  it('names the file and the line of a wrong field', () => {
    const text = 'apiVersion: kubetriage.io/v1alpha1\nkind: RemediationPolicy\nlimits:\n  maxPodsRestarted: 5\n  maxUnavailableFraction: 1.5\n';
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(/^p\.yaml:5: limits\.maxUnavailableFraction: Too big/);
  });

  it('names the line of a wrong item in a list, and of an unknown key', () => {
    const text = 'apiVersion: kubetriage.io/v1alpha1\nkind: RemediationPolicy\nallow:\n  - verbs: [patch]\n  - verbs: [drain]\nrateLimit: {}\n';
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(/^p\.yaml:5: allow\[1\]\.verbs\[0\]: Invalid option/);
    expect(() => parsePolicy('apiVersion: kubetriage.io/v1alpha1\nkind: RemediationPolicy\nrateLimit: {}\n', 'p.yaml')).toThrow(/^p\.yaml:1: \(top level\): Unrecognized key: "rateLimit"/);
  });

  it('names the line of broken YAML', () => {
    expect(() => parsePolicy('apiVersion: x\nkind: [\n', 'p.yaml')).toThrow(/^p\.yaml:\d: not valid YAML/);
  });

  it('protects kube-system when the file says nothing', () => {
    expect(parsePolicy('apiVersion: kubetriage.io/v1alpha1\nkind: RemediationPolicy\n', 'p.yaml').protectedNamespaces).toEqual(['kube-system']);
  });
});

describe('decide under examples/policy.yaml', async () => {
  const policy = await loadPolicy(EXAMPLE);

  it('is read-only without a policy, and says so', () => {
    const d = decideOn(undefined, restart(web, 'r'));
    expect(d.outcome).toBe('deny');
    expect(d.reasons.join()).toMatch(/no policy given.*read-only/);
  });

  it('allows the fixes of an incident: a limit raise, a rollout undo, a restart, a Service correction', () => {
    const raise = patchContainer(web, 'app', { resources: { limits: { memory: '512Mi' } } }, { resources: { limits: { memory: '256Mi' } } }, 's', 'r');
    for (const p of [raise, rolloutUndo(web, 'r'), restart(web, 'r'), patchObject({ kind: 'Service', namespace: 'shop', name: 'web' }, { spec: { selector: { app: 'web' } } }, undefined, 's', 'r')]) {
      expect(decideOn(policy, p).outcome, p.verb).toBe('allow');
    }
  });

  it('denies scaling to zero, with both reasons, even though scale needs approval', () => {
    const d = decideOn(policy, scale(web, 0, 4, 'r'));
    expect(d.outcome).toBe('deny');
    expect(d.reasons).toContain('scales to 0 replicas; the policy keeps at least 1');
    expect(d.reasons).toContain('takes 4 of 4 replicas down at once (100%); the policy allows at most 50%');
  });

  it('holds a bounded scale-down for approval by the on-call', () => {
    const d = decideOn(policy, scale(web, 3, 4, 'r'));
    expect(d).toMatchObject({ outcome: 'needs-approval', approval: { approvers: ['sre-oncall', 'platform-lead'], allowSelfApproval: false } });
  });

  it('denies a namespace, a Secret, RBAC and anything in kube-system', () => {
    const del = makePlan({ verb: 'delete-pod', target: { kind: 'Namespace', name: 'shop' }, summary: 's', reason: 'r' });
    expect(decideOn(policy, del).reasons).toEqual(expect.arrayContaining(['deny[0]: delete-pod on Namespace (cluster-scoped) is denied by the policy']));
    expect(decideOn(policy, patchObject({ kind: 'Secret', namespace: 'shop', name: 'db' }, { data: {} }, undefined, 's', 'r')).outcome).toBe('deny');
    expect(decideOn(policy, patchObject({ kind: 'ClusterRoleBinding', name: 'admin' }, { subjects: [] }, undefined, 's', 'r')).outcome).toBe('deny');
    const d = decideOn(policy, restart({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, 'r'));
    expect(d.reasons).toContain('namespace kube-system is protected: no change is made there');
  });

  it('denies what no rule allows', () => {
    const d = decideOn(policy, apply({ kind: 'Job', metadata: { name: 'x', namespace: 'shop' } }, 's', 'r'));
    expect(d.reasons).toContain('no allow rule covers apply on Job in namespace shop');
  });

  it('denies a change past the radius bounds: a Recreate restart, a broken PodDisruptionBudget', () => {
    const recreate = shopGraph({ replicas: 4, strategy: { type: 'Recreate' }, pdb: { minAvailable: 3 } });
    const p = restart(web, 'r');
    const d = decide(policy, p, blastRadius(recreate, p), context);
    expect(d.reasons).toEqual(expect.arrayContaining(['breaks PodDisruptionBudget web', expect.stringMatching(/^takes 4 of 4 replicas down/)]));
  });

  it('denies the fourth change to one target within the hour, not the first', () => {
    const p = deletePod({ kind: 'Pod', namespace: 'shop', name: 'web-5d8f-0' }, 'r');
    const at = (minutesAgo: number): string => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
    const history = [10, 20, 30].map((m) => ({ target: p.target, at: at(m) }));
    expect(decideOn(policy, p, { now, applied: history.slice(0, 2) }).outcome).toBe('allow');
    expect(decideOn(policy, p, { now, applied: history }).reasons).toContain('rate limit: 3 change(s) to Pod/web-5d8f-0 in the last 1h; the policy allows 3');
    expect(decideOn(policy, p, { now, applied: history.map((h) => ({ ...h, at: at(90) })) }).outcome).toBe('allow');
  });

  it('holds a cordon for approval', () => {
    expect(decideOn(policy, cordon({ kind: 'Node', name: 'node-1' }, 'r')).outcome).toBe('needs-approval');
  });
});

describe('change windows and dry-run-only', () => {
  const base = 'apiVersion: kubetriage.io/v1alpha1\nkind: RemediationPolicy\nallow: [{verbs: [restart]}]\n';

  it('denies outside the window, in the window\'s time zone', () => {
    const policy = parsePolicy(`${base}changeWindows: [{days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", timezone: Asia/Tokyo}]\n`, 'p.yaml');
    // 10:00 UTC is 19:00 in Tokyo: closed; 00:00 UTC is 09:00 there: open.
    expect(decideOn(policy, restart(web, 'r')).reasons[0]).toMatch(/^outside every change window/);
    expect(decideOn(policy, restart(web, 'r'), { now: new Date('2026-03-04T00:00:00Z'), applied: [] }).outcome).toBe('allow');
  });

  it('allows in dry-run-only mode but flags it, and never asks for approval', () => {
    const policy = parsePolicy(`${base}mode: dry-run-only\napprovals: [{verbs: [restart], approvers: [ann]}]\n`, 'p.yaml');
    expect(decideOn(policy, restart(web, 'r'))).toMatchObject({ outcome: 'allow', dryRunOnly: true });
  });
});
