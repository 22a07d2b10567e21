/**
 * Volumes in a whole simulated cluster, through the real kubectl: a StatefulSet's claims are
 * provisioned through the default class once its pods are placed, a claim naming a missing class
 * stays Pending with the controller's event, and growing a claim works only where its class allows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startClusterKubectl, type ClusterKubectl, type KubectlResult } from '../api/kubectl.test-support.js';

let cluster: ClusterKubectl;
const kubectl = (...args: string[]): Promise<KubectlResult> => cluster.kubectl(...args);

async function apply(manifest: string): Promise<void> {
  const result = await cluster.kubectlIn(manifest, 'apply', '-f', '-');
  expect(result.stderr).toBe('');
}

beforeAll(async () => {
  cluster = await startClusterKubectl({ nodes: 2 });
});
afterAll(async () => {
  await cluster.close();
});

const STATEFUL = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: "nginx:1.27"
        volumeMounts: [{name: data, mountPath: /var/lib/data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

describe('volumes through kubectl', () => {
  it('has kind\'s default class, and binds a StatefulSet\'s claims once its pods are placed', async () => {
    const classes = (await kubectl('get', 'storageclass')).stdout.split('\n');
    expect(classes[0]).toMatch(/^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/);
    expect(classes[1]).toMatch(/^standard \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+true\s+/);
    await apply(STATEFUL);
    await eventually(async () => {
      const pods = (await kubectl('get', 'pods', '-l', 'app=db', '--no-headers')).stdout;
      return (pods.match(/ 1\/1 +Running /g) ?? []).length === 2;
    }, 40_000, 'both db pods Running');
    let table: string[] = [];
    await eventually(async () => {
      table = (await kubectl('get', 'pvc')).stdout.trim().split('\n');
      return table.length === 3 && table.slice(1).every((l) => l.includes(' Bound '));
    }, 10_000, 'both claims Bound');
    expect(table[0]).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/);
    for (const [i, line] of table.slice(1).entries()) {
      expect(line).toMatch(new RegExp(`^data-db-${i}\\s+Bound\\s+pvc-[0-9a-f-]{36}\\s+1Gi\\s+RWO\\s+standard\\s+<unset>\\s+\\d+s$`));
    }
    const volumes = (await kubectl('get', 'pv', '--no-headers')).stdout.trim().split('\n');
    expect(volumes).toHaveLength(2);
    for (const line of volumes) expect(line).toMatch(/^pvc-\S+\s+1Gi\s+RWO\s+Delete\s+Bound\s+default\/data-db-[01]\s+standard\s+/);
  }, 90_000);

  it('leaves a claim naming a missing class Pending, and describe shows ProvisioningFailed', async () => {
    await apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: orders, namespace: default}
spec:
  storageClassName: premium
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
`);
    let described = '';
    await eventually(async () => {
      described = (await kubectl('describe', 'pvc', 'orders')).stdout;
      return described.includes('ProvisioningFailed');
    }, 10_000, 'a ProvisioningFailed event');
    expect(described).toMatch(/^Status:\s+Pending$/m);
    expect(described).toMatch(/^StorageClass:\s+premium$/m);
    expect(described).toMatch(/Warning\s+ProvisioningFailed\s+\S+\s+persistentvolume-controller\s+storageclass\.storage\.k8s\.io "premium" not found/);
  }, 30_000);

  it('grows a claim whose class allows expansion and refuses one whose class does not', async () => {
    const grow = '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}';
    const patched = await kubectl('patch', 'pvc', 'data-db-0', '-p', grow);
    expect(patched.stdout).toContain('persistentvolumeclaim/data-db-0 patched');
    await eventually(async () => / 2Gi /.test((await kubectl('get', 'pvc', 'data-db-0', '--no-headers')).stdout), 15_000, 'the claim at 2Gi');
    const volume = (await kubectl('get', 'pvc', 'data-db-0', '-o', 'jsonpath={.spec.volumeName}')).stdout;
    expect((await kubectl('get', 'pv', volume, '-o', 'jsonpath={.spec.capacity.storage}')).stdout).toBe('2Gi');

    await apply(`apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fixed}
provisioner: example.com/disk
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ledger, namespace: default}
spec:
  storageClassName: fixed
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`);
    await eventually(async () => (await kubectl('get', 'pvc', 'ledger', '-o', 'jsonpath={.status.phase}')).stdout === 'Bound', 10_000, 'ledger Bound');
    const refused = await kubectl('patch', 'pvc', 'ledger', '-p', grow);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('Error from server (Forbidden): persistentvolumeclaims "ledger" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
  }, 60_000);
});
