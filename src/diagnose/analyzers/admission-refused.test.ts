import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, log, pod, replicaSet } from '../../../test/k8s.js';
import { diagnose } from '../diagnose.js';
import { admissionRefusedAnalyzer } from './admission-refused.js';
import { rolloutStuckAnalyzer } from './rollout-stuck.js';

const NS = 'shop';
const UNREACHABLE = 'Error creating: Internal error occurred: failed calling webhook "validate.policy.example.com": failed to call webhook: '
  + 'Post "https://policy-webhook.policy-system.svc:443/validate?timeout=10s": dial tcp 10.96.142.17:443: connect: connection refused';

/** A Deployment rolled to revision 2 whose new ReplicaSet has none of its 3 pods; revision 1 still serves 3. */
function stuckRollout(name: string, templateSpec: Record<string, unknown> = {}, previousSpec: Record<string, unknown> = {}): { d: KubeObject; rs: KubeObject; old: KubeObject; pods: KubeObject[] } {
  const container = { name: 'app', image: `registry.example.com/${name}:2.0.0` };
  const d = deployment(NS, name, {
    metadata: { generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 3, template: { spec: { containers: [container], ...templateSpec } } },
    status: { observedGeneration: 2, replicas: 3, updatedReplicas: 0, readyReplicas: 3, availableReplicas: 3 },
  });
  const old = replicaSet(d, '6b8d9c7f5', {
    spec: { replicas: 3, template: { spec: { containers: [{ ...container, image: `registry.example.com/${name}:1.0.0` }], ...previousSpec } } },
    status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 },
  });
  const rs = replicaSet(d, '5d8f7c9b7d', {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 1, template: { spec: { containers: [container], ...templateSpec } } },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0 },
  });
  const pods = [0, 1, 2].map((i) => pod(NS, `${name}-6b8d9c7f5-${i}`, {}, old));
  return { d, rs, old, pods };
}

function webhookConfiguration(): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'policy-guard', uid: 'vwc-1' },
    webhooks: [{
      name: 'validate.policy.example.com', failurePolicy: 'Fail', timeoutSeconds: 10, sideEffects: 'None', admissionReviewVersions: ['v1'],
      clientConfig: { service: { namespace: 'policy-system', name: 'policy-webhook', path: '/validate', port: 443 } },
      rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
    }],
  } as KubeObject;
}

/** The webhook's own backend: a Deployment whose one pod crash-loops, behind Service policy-webhook. */
function crashingWebhookBackend(): KubeObject[] {
  const d = deployment('policy-system', 'policy-webhook', { spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 1 } });
  const rs = replicaSet(d, '7c9f8d6b5', { spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 } });
  const p = pod('policy-system', 'policy-webhook-7c9f8d6b5-k2x9p', {
    status: {
      phase: 'Running',
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }, { type: 'ContainersReady', status: 'False' }],
      containerStatuses: [{
        name: 'app', ready: false, started: false, restartCount: 9, image: 'registry.example.com/policy-webhook:1.0.0', imageID: '',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app pod=policy-webhook-7c9f8d6b5-k2x9p_policy-system(abc)' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(6), finishedAt: ago(5) } },
      }],
    },
  }, rs);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'policy-webhook', namespace: 'policy-system', uid: 'svc-1' }, spec: { selector: { app: 'policy-webhook' }, ports: [{ port: 443, targetPort: 8443 }] } } as KubeObject;
  const endpoints = {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'policy-webhook', namespace: 'policy-system' },
    subsets: [{ notReadyAddresses: [{ ip: '10.244.3.17', targetRef: { kind: 'Pod', name: p.metadata.name, namespace: 'policy-system' } }], ports: [{ port: 8443, protocol: 'TCP' }] }],
  } as KubeObject;
  return [d, rs, p, svc, endpoints];
}

describe('admissionRefusedAnalyzer: webhooks', () => {
  it('names the unreachable webhook\'s Service as culprit, and the webhook\'s crash-looping pods become the incident\'s cause', () => {
    const { d, rs, old, pods } = stuckRollout('orders');
    const ev = event(rs, 'Warning', 'FailedCreate', UNREACHABLE, { count: 25, minutesAgo: 1 });
    const graph = graphOf([d, rs, old, ...pods, ev, webhookConfiguration(), ...crashingWebhookBackend()]);
    const [f] = admissionRefusedAnalyzer.analyze(graph);
    expect(f).toMatchObject({ mode: 'AdmissionRefused', subject: { kind: 'Deployment', name: 'orders' }, culprit: { kind: 'Service', namespace: 'policy-system', name: 'policy-webhook' } });
    expect(f!.rootCause.category).toBe('webhook-unavailable');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f!.fixes).toEqual([]);
    const quotes = f!.evidence.map((e) => e.quote);
    expect(quotes).toContain('webhook validate.policy.example.com: failurePolicy: Fail, service: policy-system/policy-webhook:443/validate, timeoutSeconds: 10');
    expect(quotes).toContain('Endpoints: <none> (not ready: 10.244.3.17:8443)');
    expect(quotes).toContain('Replicas: 0 current / 1 desired');
    expect(f!.rootCause.explanation).toContain('connection was refused');

    // The webhook's previous log says why it crashes: that crash is the root of every refusal.
    const crashLog = log('policy-system', 'policy-webhook-7c9f8d6b5-k2x9p', 'starting webhook server\nopen /etc/webhook/certs/tls.crt: no such file or directory\n', { previous: true });
    const { incidents } = diagnose(graphOf([...graph.ofKind('Event'), d, rs, old, ...pods, webhookConfiguration(), ...crashingWebhookBackend()], [crashLog]));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.cause).toMatchObject({ mode: 'CrashLoopBackOff', subject: { name: 'policy-webhook-7c9f8d6b5-k2x9p' } });
    const symptoms = incidents[0]!.symptoms.map((s) => `${s.mode}/${s.rootCause.category} ${s.subject.name}`);
    expect(symptoms).toContain('AdmissionRefused/webhook-unavailable orders');
    expect(symptoms.some((s) => s.startsWith('RolloutStuck/insufficient-capacity'))).toBe(false);
  });

  it('lowers its confidence when the webhook\'s Service has ready endpoints now', () => {
    const { d, rs, old, pods } = stuckRollout('orders');
    const backend = crashingWebhookBackend().filter((o) => o.kind !== 'Endpoints');
    const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'policy-webhook', namespace: 'policy-system' }, subsets: [{ addresses: [{ ip: '10.244.3.18' }], ports: [{ port: 8443 }] }] } as KubeObject;
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([d, rs, old, ...pods, event(rs, 'Warning', 'FailedCreate', UNREACHABLE), webhookConfiguration(), ...backend, endpoints]));
    expect(f!.confidence).toBeLessThan(0.9);
    expect(f!.rootCause.explanation).toContain('may have recovered');
  });

  it('proposes scaling the webhook back only to the count its scale-down event names', () => {
    const { d, rs, old, pods } = stuckRollout('orders');
    const backend = crashingWebhookBackend().filter((o) => o.kind === 'Service' || o.kind === 'Endpoints');
    const idle = deployment('policy-system', 'policy-webhook', { spec: { replicas: 0 }, status: { replicas: 0 } });
    const base = [d, rs, old, ...pods, event(rs, 'Warning', 'FailedCreate', UNREACHABLE), webhookConfiguration(), ...backend, idle];
    const [unexplained] = admissionRefusedAnalyzer.analyze(graphOf(base));
    expect(unexplained!.rootCause.explanation).toContain('deployment/policy-webhook, which runs the webhook\'s pods, is scaled to 0 replicas');
    expect(unexplained!.fixes).toEqual([]);
    const scaledDown = event(idle, 'Normal', 'ScalingReplicaSet', 'Scaled down replica set policy-webhook-7c9f8d6b5 from 2 to 0', { minutesAgo: 30 });
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([...base, scaledDown]));
    expect(f!.fixes.map((p) => [p.verb, p.target.name, p.change])).toEqual([['scale', 'policy-webhook', { replicas: 2 }]]);
  });

  it('reports a denial as the webhook\'s word on the workload, with no fix', () => {
    const { d, rs, old, pods } = stuckRollout('catalog');
    const ev = event(rs, 'Warning', 'FailedCreate', 'Error creating: admission webhook "validate.policy.example.com" denied the request: image "registry.example.com/catalog:2.0.0" is not signed', { count: 12 });
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([d, rs, old, ...pods, ev, webhookConfiguration()]));
    expect(f!.rootCause.category).toBe('webhook-denied');
    expect(f!.culprit).toEqual({ kind: 'Deployment', namespace: NS, name: 'catalog' });
    expect(f!.rootCause.explanation).toContain('is not signed');
    expect(f!.rootCause.explanation).toContain('ValidatingWebhookConfiguration policy-guard');
    expect(f!.severity).toBe('warning');
    expect(f!.fixes).toEqual([]);
  });
});

describe('admissionRefusedAnalyzer: PodSecurity, ServiceAccount, LimitRange', () => {
  it('quotes the namespace\'s enforce label, each failed check, and the named container\'s securityContext', () => {
    const { d, rs, old, pods } = stuckRollout('api');
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS, 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } } } as KubeObject;
    const ev = event(rs, 'Warning', 'FailedCreate', 'Error creating: pods "api-5d8f7c9b7d-x7k2p" is forbidden: violates PodSecurity "restricted:latest": '
      + 'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), '
      + 'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)', { count: 30 });
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([d, rs, old, ...pods, ev, ns]));
    expect(f!.rootCause.category).toBe('pod-security-violation');
    const quotes = f!.evidence.map((e) => e.quote);
    expect(quotes).toContain('pod-security.kubernetes.io/enforce=restricted, pod-security.kubernetes.io/enforce-version=latest');
    expect(quotes).toContain('runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)');
    expect(quotes).toContain('securityContext: <none>');
    expect(f!.rootCause.explanation).toContain('"restricted"');
    expect(f!.fixes).toEqual([]);
  });

  it('names the missing ServiceAccount as culprit and rolls back when the previous revision ran as an existing one', () => {
    const { d, rs, old, pods } = stuckRollout('api', { serviceAccountName: 'api-runner' }, { serviceAccountName: 'api' });
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: NS } } as KubeObject;
    const ev = event(rs, 'Warning', 'FailedCreate', `Error creating: pods "api-5d8f7c9b7d-" is forbidden: error looking up service account ${NS}/api-runner: serviceaccount "api-runner" not found`, { count: 18 });
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([d, rs, old, ...pods, ev, sa]));
    expect(f!.rootCause.category).toBe('service-account-missing');
    expect(f!.culprit).toEqual({ kind: 'ServiceAccount', namespace: NS, name: 'api-runner' });
    expect(f!.evidence.map((e) => e.quote)).toContain('serviceAccountName: api-runner');
    expect(f!.rootCause.explanation).toContain('Namespace shop has: api');
    expect(f!.fixes.map((p) => [p.verb, p.change])).toEqual([['rollout-undo', { toRevision: 1 }]]);
  });

  it('proposes no rollback when the previous revision used the same missing account, and doubts a refusal whose account exists now', () => {
    const same = stuckRollout('api', { serviceAccountName: 'api-runner' }, { serviceAccountName: 'api-runner' });
    const message = `Error creating: pods "api-5d8f7c9b7d-" is forbidden: error looking up service account ${NS}/api-runner: serviceaccount "api-runner" not found`;
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([same.d, same.rs, same.old, event(same.rs, 'Warning', 'FailedCreate', message)]));
    expect(f!.fixes).toEqual([]);
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api-runner', namespace: NS } } as KubeObject;
    const [later] = admissionRefusedAnalyzer.analyze(graphOf([same.d, same.rs, same.old, event(same.rs, 'Warning', 'FailedCreate', message), sa]));
    expect(later!.confidence).toBeLessThan(0.6);
  });

  it('quotes the LimitRange\'s bound and the offending container, and rolls back to values within it', () => {
    const resources = (memory: string): Record<string, unknown> => ({ containers: [{ name: 'app', image: 'registry.example.com/reports:2.0.0', resources: { requests: { memory }, limits: { memory } } }] });
    const { d, rs, old, pods } = stuckRollout('reports', resources('2Gi'), resources('512Mi'));
    const range = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'container-limits', namespace: NS }, spec: { limits: [{ type: 'Container', max: { memory: '1Gi', cpu: '2' }, default: { memory: '512Mi' } }] } } as KubeObject;
    const ev = event(rs, 'Warning', 'FailedCreate', 'Error creating: pods "reports-5d8f7c9b7d-q9w8e" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi', { count: 9 });
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([d, rs, old, ...pods, ev, range]));
    expect(f!.rootCause.category).toBe('limit-range-violation');
    const quotes = f!.evidence.map((e) => e.quote);
    expect(quotes).toContain('LimitRange container-limits: Container max memory: 1Gi');
    expect(quotes).toContain('container app: limits.memory: 2Gi');
    expect(f!.rootCause.explanation).toContain('at most 1Gi of memory per Container, and the limit is 2Gi');
    expect(f!.fixes.map((p) => p.verb)).toEqual(['rollout-undo']);
  });
});

describe('admissionRefusedAnalyzer: what is current', () => {
  it('finds nothing when the ReplicaSet has since created its pods', () => {
    const { d, rs, old, pods } = stuckRollout('orders');
    const full = { ...rs, status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 } } as KubeObject;
    expect(admissionRefusedAnalyzer.analyze(graphOf([d, full, old, ...pods, event(rs, 'Warning', 'FailedCreate', UNREACHABLE, { minutesAgo: 40 })]))).toEqual([]);
  });

  it('finds nothing for a CronJob that scheduled a Job after the failure, and reports one that did not', () => {
    const cron = (lastScheduleTime: string): KubeObject => ({
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly-export', namespace: NS, uid: 'cj-1' },
      spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'export', image: 'registry.example.com/export:3.1.0' }], restartPolicy: 'Never' } } } } },
      status: { lastScheduleTime },
    } as KubeObject);
    const message = UNREACHABLE.replace('Error creating: ', 'Error creating job: ');
    const since = cron(ago(5));
    expect(admissionRefusedAnalyzer.analyze(graphOf([since, event(since, 'Warning', 'FailedCreate', message, { minutesAgo: 65 })]))).toEqual([]);
    const before = cron(ago(125));
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([before, event(before, 'Warning', 'FailedCreate', message, { minutesAgo: 5 })]));
    expect(f).toMatchObject({ subject: { kind: 'CronJob', name: 'nightly-export' }, severity: 'warning' });
    expect(f!.rootCause.explanation).toContain('cronjob/nightly-export cannot create its jobs');
  });

  it('reports a StatefulSet\'s refused pod on the StatefulSet, and an event alone with less confidence', () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: NS, uid: 'sts-1' }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'postgres', image: 'postgres:16', securityContext: { privileged: true } }] } } }, status: { replicas: 0 } } as KubeObject;
    const message = 'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: violates PodSecurity "baseline:latest": privileged (container "postgres" must not set securityContext.privileged=true)';
    const [f] = admissionRefusedAnalyzer.analyze(graphOf([sts, event(sts, 'Warning', 'FailedCreate', message, { count: 7 })]));
    expect(f).toMatchObject({ subject: { kind: 'StatefulSet', name: 'db' }, severity: 'critical' });
    expect(f!.evidence.map((e) => e.quote)).toContain('securityContext: {"privileged":true}');
    const [alone] = admissionRefusedAnalyzer.analyze(graphOf([event(sts, 'Warning', 'FailedCreate', message)]));
    expect(alone!.confidence).toBeLessThanOrEqual(0.8);
    expect(alone!.rootCause.explanation).toContain('only the event');
  });
});

describe('rolloutStuckAnalyzer with admission refusals', () => {
  it('does not call refused pods a lack of capacity: no finding before the deadline, progress-deadline-exceeded after it', () => {
    const { d, rs, old, pods } = stuckRollout('orders');
    const ev = event(rs, 'Warning', 'FailedCreate', UNREACHABLE, { count: 25, minutesAgo: 1 });
    expect(rolloutStuckAnalyzer.analyze(graphOf([d, rs, old, ...pods, ev]))).toEqual([]);
    const expired = { ...d, status: { ...(d.status as object), conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "orders-5d8f7c9b7d" has timed out progressing.' }] } } as KubeObject;
    const [f] = rolloutStuckAnalyzer.analyze(graphOf([expired, rs, old, ...pods, ev]));
    expect(f!.rootCause.category).toBe('progress-deadline-exceeded');
    expect(f!.rootCause.explanation).toContain('refuses its pods at admission');
  });
});
