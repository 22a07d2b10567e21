import { describe, expect, it } from 'vitest';
import { parseDescribe } from './parse.js';
import { find, type Loose } from './samples.test-support.js';

// kubectl 1.32 `describe deployment|replicaset|statefulset|job` output (describe.go through tabwriter).

const DEPLOYMENT_STUCK = `Name:                   checkout
Namespace:              shop
CreationTimestamp:      Mon, 06 May 2024 08:00:00 +0000
Labels:                 app=checkout
Annotations:            deployment.kubernetes.io/revision: 7
Selector:               app=checkout
Replicas:               3 desired | 1 updated | 4 total | 3 available | 1 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:           app=checkout
  Annotations:      kubectl.kubernetes.io/restartedAt: 2024-05-14T09:11:58Z
  Service Account:  checkout
  Containers:
   checkout:
    Image:      registry.example.com/shop/checkout:2.4.1
    Port:       8080/TCP (http)
    Host Port:  0/TCP (http)
    Limits:
      memory:  256Mi
    Requests:
      cpu:      250m
      memory:   256Mi
    Liveness:   http-get http://:8080/healthz delay=10s timeout=1s period=10s #success=1 #failure=3
    Readiness:  http-get http://:http/ready delay=5s timeout=2s period=5s #success=1 #failure=3
    Environment:
      DB_HOST:     <set to the key 'host' of config map 'checkout-config'>  Optional: false
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    False   ProgressDeadlineExceeded
OldReplicaSets:  checkout-5f4b7c8d9 (3/3 replicas created)
NewReplicaSet:   checkout-7d9c8b6f5 (1/1 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  41m   deployment-controller  Scaled up replica set checkout-7d9c8b6f5 from 0 to 1
`;

const REPLICA_SET = `Name:           checkout-7d9c8b6f5
Namespace:      shop
Selector:       app=checkout,pod-template-hash=7d9c8b6f5
Labels:         app=checkout
                pod-template-hash=7d9c8b6f5
Annotations:    deployment.kubernetes.io/desired-replicas: 3
                deployment.kubernetes.io/max-replicas: 4
                deployment.kubernetes.io/revision: 7
Controlled By:  Deployment/checkout
Replicas:       1 current / 1 desired
Pods Status:    1 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:           app=checkout
                    pod-template-hash=7d9c8b6f5
  Annotations:      kubectl.kubernetes.io/restartedAt: 2024-05-14T09:11:58Z
  Service Account:  checkout
  Containers:
   checkout:
    Image:         registry.example.com/shop/checkout:2.4.1
    Port:          8080/TCP (http)
    Host Port:     0/TCP (http)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  32m   replicaset-controller  Created pod: checkout-7d9c8b6f5-x2kqp
`;

const STATEFUL_SET = `Name:               postgres
Namespace:          db
CreationTimestamp:  Thu, 02 May 2024 12:00:00 +0000
Selector:           app=postgres
Labels:             app=postgres
Annotations:        <none>
Replicas:           1 desired | 1 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        0 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=postgres
  Containers:
   postgres:
    Image:      postgres:16.2
    Port:       5432/TCP
    Host Port:  0/TCP
    Environment:
      PGDATA:  /var/lib/postgresql/data/pgdata
    Mounts:
      /var/lib/postgresql/data from data (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          data
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      20Gi
  Access Modes:  [ReadWriteOnce]
Events:
  Type    Reason            Age    From                    Message
  ----    ------            ----   ----                    -------
  Normal  SuccessfulCreate  9m15s  statefulset-controller  create Claim data-postgres-0 Pod postgres-0 in StatefulSet postgres success
  Normal  SuccessfulCreate  9m15s  statefulset-controller  create Pod postgres-0 in StatefulSet postgres success
`;

const FAILED_JOB = `Name:             db-migrate
Namespace:        shop
Selector:         batch.kubernetes.io/controller-uid=3e1f0b62-6a7d-4a38-9b1e-5f2c8d0a7e41
Labels:           batch.kubernetes.io/controller-uid=3e1f0b62-6a7d-4a38-9b1e-5f2c8d0a7e41
                  batch.kubernetes.io/job-name=db-migrate
                  controller-uid=3e1f0b62-6a7d-4a38-9b1e-5f2c8d0a7e41
                  job-name=db-migrate
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    6
Start Time:       Tue, 14 May 2024 08:02:11 +0000
Pods Statuses:    0 Active (0 Ready) / 0 Succeeded / 7 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid=3e1f0b62-6a7d-4a38-9b1e-5f2c8d0a7e41
           batch.kubernetes.io/job-name=db-migrate
           controller-uid=3e1f0b62-6a7d-4a38-9b1e-5f2c8d0a7e41
           job-name=db-migrate
  Containers:
   migrate:
    Image:      registry.example.com/shop/migrate:2024.05.1
    Port:       <none>
    Host Port:  <none>
    Command:
      /app/migrate
      --target=latest
    Environment:
      DATABASE_URL:  <set to the key 'url' in secret 'db-migrate'>  Optional: false
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Events:
  Type     Reason                Age   From            Message
  ----     ------                ----  ----            -------
  Normal   SuccessfulCreate      42m   job-controller  Created pod: db-migrate-x7k2p
  Normal   SuccessfulCreate      41m   job-controller  Created pod: db-migrate-q9w4d
  Normal   SuccessfulCreate      40m   job-controller  Created pod: db-migrate-b2m8s
  Normal   SuccessfulCreate      38m   job-controller  Created pod: db-migrate-k5r7t
  Warning  BackoffLimitExceeded  33m   job-controller  Job has reached the specified backoff limit
`;

describe('describe deployment: rollout past its progress deadline', () => {
  const objects = parseDescribe(DEPLOYMENT_STUCK, 'ticket.txt');
  const deploy = find(objects, 'Deployment', 'checkout');

  it('reads the replicas line into spec and status counts', () => {
    expect(deploy.spec.replicas).toBe(3);
    expect(deploy.status).toEqual({
      updatedReplicas: 1, replicas: 4, availableReplicas: 3, unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' },
      ],
    });
  });

  it('reads the strategy, selector and creation time', () => {
    expect(deploy.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(deploy.spec.selector).toEqual({ matchLabels: { app: 'checkout' } });
    expect(deploy.metadata.creationTimestamp).toBe('2024-05-06T08:00:00Z');
    expect(deploy.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '7', 'kubetriage.io/source': 'describe' });
  });

  it('reads the pod template with the same container reader as pods', () => {
    expect(deploy.spec.template.metadata).toEqual({
      labels: { app: 'checkout' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-14T09:11:58Z' },
    });
    expect(deploy.spec.template.spec).toEqual({
      serviceAccountName: 'checkout',
      containers: [{
        name: 'checkout',
        image: 'registry.example.com/shop/checkout:2.4.1',
        ports: [{ containerPort: 8080, protocol: 'TCP', name: 'http' }],
        resources: { limits: { memory: '256Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
        livenessProbe: {
          httpGet: { scheme: 'HTTP', port: 8080, path: '/healthz' },
          initialDelaySeconds: 10, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
        },
        readinessProbe: {
          httpGet: { scheme: 'HTTP', port: 'http', path: '/ready' },
          initialDelaySeconds: 5, timeoutSeconds: 2, periodSeconds: 5, successThreshold: 1, failureThreshold: 3,
        },
        env: [{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { key: 'host', name: 'checkout-config' } } }],
      }],
    });
  });

  it('names its replica sets as partial ReplicaSets it controls', () => {
    const fresh = find(objects, 'ReplicaSet', 'checkout-7d9c8b6f5');
    expect(fresh).toEqual({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: 'checkout-7d9c8b6f5', namespace: 'shop',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', controller: true }],
        annotations: { 'kubetriage.io/source': 'describe', 'kubetriage.io/partial': 'true' },
      },
      spec: { replicas: 1 }, status: { replicas: 1 },
    });
    expect(find(objects, 'ReplicaSet', 'checkout-5f4b7c8d9').spec).toEqual({ replicas: 3 });
  });

  it('reads the scaling event', () => {
    expect(find(objects, 'Event', objects.find((o) => o.kind === 'Event')!.metadata.name)).toMatchObject({
      reason: 'ScalingReplicaSet', message: 'Scaled up replica set checkout-7d9c8b6f5 from 0 to 1',
      source: { component: 'deployment-controller' },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'checkout' },
    });
  });
});

describe('describe replicaset next to its deployment', () => {
  const objects = parseDescribe(`${DEPLOYMENT_STUCK}\n\n\n${REPLICA_SET}`, 'ticket.txt');

  it('keeps the full ReplicaSet and drops the partial one of the same name', () => {
    const sets = objects.filter((o) => o.kind === 'ReplicaSet' && o.metadata.name === 'checkout-7d9c8b6f5');
    expect(sets).toHaveLength(1);
    const rs = sets[0] as Loose;
    expect(rs.metadata.annotations).not.toHaveProperty('kubetriage.io/partial');
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', controller: true }]);
    expect(rs.spec.replicas).toBe(1);
    expect(rs.status).toEqual({ replicas: 1 });
    expect(rs.spec.selector).toEqual({ matchLabels: { app: 'checkout', 'pod-template-hash': '7d9c8b6f5' } });
    expect(rs.spec.template.metadata.labels).toEqual({ app: 'checkout', 'pod-template-hash': '7d9c8b6f5' });
    expect(objects.filter((o) => o.kind === 'ReplicaSet').map((o) => o.metadata.name).sort()).toEqual(['checkout-5f4b7c8d9', 'checkout-7d9c8b6f5']);
  });
});

describe('describe statefulset', () => {
  const sts = find(parseDescribe(STATEFUL_SET, 'ticket.txt'), 'StatefulSet', 'postgres');

  it('reads replicas, update strategy and volume claim templates', () => {
    expect(sts.spec.replicas).toBe(1);
    expect(sts.status).toEqual({ replicas: 1 });
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.spec.volumeClaimTemplates).toEqual([
      { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '20Gi' } }, accessModes: ['ReadWriteOnce'] } },
    ]);
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/var/lib/postgresql/data', name: 'data' }]);
  });
});

describe('describe job: backoff limit exceeded', () => {
  const objects = parseDescribe(FAILED_JOB, 'ticket.txt');
  const job = find(objects, 'Job', 'db-migrate');

  it('reads the job spec', () => {
    expect(job.spec).toMatchObject({ parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
    expect(job.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': '3e1f0b62-6a7d-4a38-9b1e-5f2c8d0a7e41' } });
    expect(job.spec.template.spec.containers[0]).toEqual({
      name: 'migrate', image: 'registry.example.com/shop/migrate:2024.05.1', command: ['/app/migrate', '--target=latest'],
      env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { key: 'url', name: 'db-migrate' } } }],
    });
  });

  it('reads the pod counts and rebuilds the Failed condition from the job controller event', () => {
    expect(job.status).toEqual({
      startTime: '2024-05-14T08:02:11Z', failed: 7, ready: 0,
      conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
    });
  });

  it('reads every event', () => {
    const events = objects.filter((o) => o.kind === 'Event');
    expect(events.map((e) => e['reason'])).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate', 'BackoffLimitExceeded']);
    expect(events[0]).toMatchObject({ message: 'Created pod: db-migrate-x7k2p', involvedObject: { kind: 'Job', name: 'db-migrate', namespace: 'shop' } });
  });
});
