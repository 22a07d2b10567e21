/**
 * Admission refusals in a whole simulated cluster, through the real kubectl: `kubectl run` of a pod
 * whose service account is missing, and a Deployment whose pods a validating webhook without ready
 * endpoints refuses, seen in the ReplicaSet's events as a user would see them, until the webhook's
 * backend comes up; and a Deployment's pods refused by the restricted Pod Security level.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startClusterKubectl, type ClusterKubectl, type KubectlResult } from '../api/kubectl.test-support.js';
import { RealClock } from '../clock.js';

let cluster: ClusterKubectl;
const kubectl = (...args: string[]): Promise<KubectlResult> => cluster.kubectl(...args);

beforeAll(async () => {
  // Ten simulated seconds per second: the ReplicaSet retries a failed create after ten.
  cluster = await startClusterKubectl({ nodes: 1, clock: new RealClock(10) });
});
afterAll(async () => {
  await cluster.close();
});

const UNAVAILABLE = 'Internal error occurred: failed calling webhook "pods.guard.policy.io": failed to call webhook: '
  + 'Post "https://guard.policy.svc:443/validate?timeout=10s": no endpoints available for service "guard"';

const WEBHOOK = `apiVersion: v1
kind: Namespace
metadata: {name: policy}
---
apiVersion: v1
kind: Service
metadata: {name: guard, namespace: policy}
spec:
  selector: {app: guard}
  ports: [{name: https, port: 443, targetPort: 80}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: guard}
webhooks:
  - name: pods.guard.policy.io
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig: {service: {namespace: policy, name: guard, path: /validate}}
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    namespaceSelector: {matchLabels: {policy: enforced}}
`;

const PAYMENTS = `apiVersion: v1
kind: Namespace
metadata: {name: payments, labels: {policy: enforced}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: payments, namespace: payments}
spec:
  replicas: 1
  selector: {matchLabels: {app: payments}}
  template:
    metadata: {labels: {app: payments}}
    spec:
      containers: [{name: api, image: "nginx:1.27"}]
`;

const GUARD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: guard, namespace: policy}
spec:
  replicas: 1
  selector: {matchLabels: {app: guard}}
  template:
    metadata: {labels: {app: guard}}
    spec:
      containers: [{name: guard, image: "nginx:1.27", ports: [{containerPort: 80}]}]
`;

describe('admission refusals, through kubectl', () => {
  it('refuses kubectl run of a pod whose service account does not exist', async () => {
    expect((await kubectl('create', 'namespace', 'shop')).code).toBe(0);
    const run = await kubectl('run', 'api', '-n', 'shop', '--image=nginx:1.27', '--overrides={"spec":{"serviceAccountName":"builder"}}');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('Error from server (Forbidden): pods "api" is forbidden: error looking up service account shop/builder: serviceaccount "builder" not found');
    expect((await kubectl('create', 'serviceaccount', 'builder', '-n', 'shop')).code).toBe(0);
    const again = await kubectl('run', 'api', '-n', 'shop', '--image=nginx:1.27', '--overrides={"spec":{"serviceAccountName":"builder"}}');
    expect(again.stdout.trim()).toBe('pod/api created');
  });

  it('shows a Deployment\'s pods refused by a webhook without endpoints, until its backend is ready', async () => {
    expect((await cluster.kubectlIn(WEBHOOK, 'apply', '-f', '-')).code).toBe(0);
    const listed = (await kubectl('get', 'validatingwebhookconfigurations')).stdout.split('\n');
    expect(listed[0]).toMatch(/^NAME\s+WEBHOOKS\s+AGE$/);
    expect(listed[1]).toMatch(/^guard\s+1\s+\d+s$/);
    // Applied again (a pipeline re-runs): merged by webhook name, not refused.
    const again = await cluster.kubectlIn(WEBHOOK, 'apply', '-f', '-');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/unchanged/);
    const described = (await kubectl('describe', 'validatingwebhookconfiguration', 'guard')).stdout;
    expect(described).toMatch(/Failure Policy:\s+Fail/);
    expect(described).toMatch(/Timeout Seconds:\s+10/);

    expect((await cluster.kubectlIn(PAYMENTS, 'apply', '-f', '-')).code).toBe(0);
    const failedCreate = async (): Promise<string> => (await kubectl('get', 'events', '-n', 'payments', '--field-selector', 'reason=FailedCreate',
      '-o', 'jsonpath={range .items[*]}{.involvedObject.kind} {.type} {.message}{"\\n"}{end}')).stdout;
    await eventually(async () => (await failedCreate()).includes(UNAVAILABLE), 20_000, 'a FailedCreate event');
    expect((await failedCreate()).split('\n')[0]).toBe(`ReplicaSet Warning Error creating: ${UNAVAILABLE}`);
    const rs = (await kubectl('describe', 'rs', '-n', 'payments')).stdout;
    expect(rs).toMatch(/ReplicaFailure\s+True\s+FailedCreate/);
    expect(rs).toMatch(new RegExp(`Warning\\s+FailedCreate\\s+.*replicaset-controller\\s+Error creating: ${UNAVAILABLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect((await kubectl('get', 'pods', '-n', 'payments', '-o', 'name')).stdout).toBe('');

    // The policy namespace is not selected: the guard's own pods are admitted and fill its endpoints.
    expect((await cluster.kubectlIn(GUARD, 'apply', '-f', '-')).code).toBe(0);
    await eventually(async () => (await kubectl('get', 'pods', '-n', 'payments', '-o', 'name')).stdout.startsWith('pod/payments-'), 30_000, 'the payments pod created');
  }, 60_000);

  it('shows a Deployment\'s pods refused by the restricted Pod Security level, named as generated', async () => {
    const manifest = `apiVersion: v1
kind: Namespace
metadata: {name: ledger, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger, namespace: ledger}
spec:
  replicas: 1
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec:
      containers: [{name: api, image: "nginx:1.27"}]
`;
    expect((await cluster.kubectlIn(manifest, 'apply', '-f', '-')).code).toBe(0);
    const messages = async (): Promise<string> => (await kubectl('get', 'events', '-n', 'ledger', '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[*].message}')).stdout;
    await eventually(async () => (await messages()).includes('violates PodSecurity'), 20_000, 'a FailedCreate event');
    expect(await messages()).toMatch(/^Error creating: pods "ledger-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "api" must set securityContext.allowPrivilegeEscalation=false\), unrestricted capabilities/);
  });
});
