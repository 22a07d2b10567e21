import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../cluster/objects.js';
import { parseDescribe } from './parse.js';
import { POD_CRASH_LOOP_OOM } from './samples.test-support.js';

// Fixtures are kubectl 1.32 `describe pod` output: describe.go's fields through Go's tabwriter
// (minwidth 0, tabwidth 8, padding 2), trailing spaces included.

const PENDING_UNSCHEDULABLE = `Name:             api-6b8f9d7c5-q7wzn
Namespace:        payments
Priority:         0
Service Account:  default
Node:             <none>
Labels:           app=api
                  pod-template-hash=6b8f9d7c5
Annotations:      <none>
Status:           Pending
IP:               
IPs:              <none>
Controlled By:    ReplicaSet/api-6b8f9d7c5
Containers:
  api:
    Image:      registry.example.com/payments/api:1.9.0
    Port:       9000/TCP
    Host Port:  0/TCP
    Limits:
      memory:  6Gi
    Requests:
      cpu:        500m
      memory:     6Gi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-pq9ds (ro)
Conditions:
  Type           Status
  PodScheduled   False 
Volumes:
  kube-api-access-pq9ds:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason            Age                 From               Message
  ----     ------            ----                ----               -------
  Warning  FailedScheduling  2m5s (x4 over 17m)  default-scheduler  0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.
`;

const EVICTED = `Name:             reports-5c7f8d9b4-m2nvl
Namespace:        analytics
Priority:         0
Service Account:  default
Node:             worker-3/10.0.1.13
Start Time:       Mon, 13 May 2024 22:04:51 +0000
Labels:           app=reports
                  pod-template-hash=5c7f8d9b4
Annotations:      <none>
Status:           Failed
Reason:           Evicted
Message:          The node was low on resource: memory. Threshold quantity: 100Mi, available: 91340Ki. Container reports was using 1843200Ki, request is 512Mi, has larger consumption of memory. 
IP:               10.244.3.41
IPs:
  IP:           10.244.3.41
Controlled By:  ReplicaSet/reports-5c7f8d9b4
Containers:
  reports:
    Container ID:   containerd://0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d
    Image:          registry.example.com/analytics/reports:3.0.2
    Image ID:       registry.example.com/analytics/reports@sha256:1f2e3d4c5b6a79808f7e6d5c4b3a29181f2e3d4c5b6a79808f7e6d5c4b3a2918
    Port:           <none>
    Host Port:      <none>
    State:          Terminated
      Reason:       ContainerStatusUnknown
      Message:      The container could not be located when the pod was terminated
      Exit Code:    137
      Started:      Mon, 01 Jan 0001 00:00:00 +0000
      Finished:     Mon, 01 Jan 0001 00:00:00 +0000
    Ready:          False
    Restart Count:  0
    Requests:
      memory:     512Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-d2x8m (ro)
Conditions:
  Type                        Status
  DisruptionTarget            True 
  PodReadyToStartContainers   False 
  Initialized                 True 
  Ready                       False 
  ContainersReady             False 
  PodScheduled                True 
Volumes:
  kube-api-access-d2x8m:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason   Age   From     Message
  ----     ------   ----  ----     -------
  Warning  Evicted  14m   kubelet  The node was low on resource: memory. Threshold quantity: 100Mi, available: 91340Ki. Container reports was using 1843200Ki, request is 512Mi, has larger consumption of memory.
  Normal   Killing  14m   kubelet  Stopping container reports
`;

const CONFIG_ERROR = `Name:             orders-84d5f6c7b9-t4hxz
Namespace:        shop
Priority:         0
Service Account:  default
Node:             worker-1/10.0.1.11
Start Time:       Tue, 14 May 2024 10:02:40 +0000
Labels:           app=orders
                  pod-template-hash=84d5f6c7b9
Annotations:      <none>
Status:           Pending
IP:               10.244.1.52
IPs:
  IP:           10.244.1.52
Controlled By:  ReplicaSet/orders-84d5f6c7b9
Containers:
  orders:
    Container ID:   
    Image:          registry.example.com/shop/orders:5.2.0
    Image ID:       
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       CreateContainerConfigError
    Ready:          False
    Restart Count:  0
    Environment Variables from:
      orders-secrets  Secret  Optional: false
    Environment:
      ORDERS_DB:  <set to the key 'db-url' of config map 'orders-config'>  Optional: false
    Mounts:
      /etc/orders from config (ro)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-h6v2c (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       False 
  ContainersReady             False 
  PodScheduled                True 
Volumes:
  config:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      orders-config
    Optional:  false
  kube-api-access-h6v2c:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age               From               Message
  ----     ------     ----              ----               -------
  Normal   Scheduled  2m                default-scheduler  Successfully assigned shop/orders-84d5f6c7b9-t4hxz to worker-1
  Normal   Pulled     8s (x11 over 2m)  kubelet            Container image "registry.example.com/shop/orders:5.2.0" already present on machine
  Warning  Failed     8s (x11 over 2m)  kubelet            Error: configmap "orders-config" not found
`;

const IMAGE_PULL = `Name:             frontend-6f9b7c5d48-8zvlm
Namespace:        web
Priority:         0
Service Account:  default
Node:             worker-1/10.0.1.11
Start Time:       Tue, 14 May 2024 10:15:22 +0000
Labels:           app=frontend
                  pod-template-hash=6f9b7c5d48
Annotations:      <none>
Status:           Pending
IP:               10.244.1.60
IPs:
  IP:           10.244.1.60
Controlled By:  ReplicaSet/frontend-6f9b7c5d48
Containers:
  frontend:
    Container ID:   
    Image:          registry.example.com/web/frontend:v2.3.9
    Image ID:       
    Port:           3000/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       ImagePullBackOff
    Ready:          False
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-v8c4n (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       False 
  ContainersReady             False 
  PodScheduled                True 
Volumes:
  kube-api-access-v8c4n:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                  From               Message
  ----     ------     ----                 ----               -------
  Normal   Scheduled  2m16s                default-scheduler  Successfully assigned web/frontend-6f9b7c5d48-8zvlm to worker-1
  Normal   Pulling    47s (x4 over 2m15s)  kubelet            Pulling image "registry.example.com/web/frontend:v2.3.9"
  Warning  Failed     46s (x4 over 2m14s)  kubelet            Failed to pull image "registry.example.com/web/frontend:v2.3.9": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/web/frontend:v2.3.9": failed to resolve reference "registry.example.com/web/frontend:v2.3.9": registry.example.com/web/frontend:v2.3.9: not found
  Warning  Failed     46s (x4 over 2m14s)  kubelet            Error: ErrImagePull
  Normal   BackOff    7s (x6 over 2m13s)   kubelet            Back-off pulling image "registry.example.com/web/frontend:v2.3.9"
  Warning  Failed     7s (x6 over 2m13s)   kubelet            Error: ImagePullBackOff
`;

const MULTILINE_MESSAGES = `Name:             ledger-5d6f7b8c9-wq2rt
Namespace:        finance
Priority:         0
Service Account:  ledger
Node:             worker-1/10.0.1.11
Start Time:       Tue, 14 May 2024 11:20:05 +0000
Labels:           app=ledger
                  pod-template-hash=5d6f7b8c9
Annotations:      <none>
Status:           Running
IP:               10.244.1.77
IPs:
  IP:           10.244.1.77
Controlled By:  ReplicaSet/ledger-5d6f7b8c9
Init Containers:
  wait-db:
    Container ID:  containerd://aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233
    Image:         busybox:1.36
    Image ID:      docker.io/library/busybox@sha256:5eef5ed34e1e1ff0a4ae850395cbf665c4de6b4b83a32a0bc7bcb998e24e7bbb
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
      until nc -z ledger-db 5432; do
        sleep 2
      done
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
      Started:      Tue, 14 May 2024 11:20:07 +0000
      Finished:     Tue, 14 May 2024 11:20:19 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Containers:
  ledger:
    Container ID:  containerd://bb22cc33dd44ee55ff660011223344556677889900aabbccddeeff0011223344
    Image:         registry.example.com/finance/ledger:1.4.0
    Image ID:      registry.example.com/finance/ledger@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
    Port:          5000/TCP
    Host Port:     0/TCP
    Args:
      --config=/etc/ledger/config.yaml
    State:       Running
      Started:   Tue, 14 May 2024 11:31:44 +0000
    Last State:  Terminated
      Reason:    Error
      Message:   Traceback (most recent call last):
  File "/app/ledger.py", line 42, in <module>
    main()
  File "/app/ledger.py", line 37, in main
    dsn = os.environ["LEDGER_DSN"]
KeyError: 'LEDGER_DSN'
      Exit Code:    1
      Started:      Tue, 14 May 2024 11:26:30 +0000
      Finished:     Tue, 14 May 2024 11:26:31 +0000
    Ready:          False
    Restart Count:  5
    Readiness:      exec [pg_isready -h 127.0.0.1] delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:    <none>
    Mounts:
      /etc/ledger from config (ro,path="config.yaml")
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       False 
  ContainersReady             False 
  PodScheduled                True 
Volumes:
  config:
    Type:        ConfigMap (a volume populated by a ConfigMap)
    Name:        ledger-config
    Optional:    false
QoS Class:       BestEffort
Node-Selectors:  kubernetes.io/os=linux
Tolerations:     op=Exists
Events:
  Type     Reason     Age                 From     Message
  ----     ------     ----                ----     -------
  Warning  Unhealthy  95s (x14 over 11m)  kubelet  Readiness probe failed: 127.0.0.1:5432 - no response
pg_isready: server is not accepting connections
  Warning  BackOff  52s (x21 over 10m)  kubelet  Back-off restarting failed container ledger in pod ledger-5d6f7b8c9-wq2rt_finance(2c6e9a1f-4b3d-4e8a-9f7c-1d2e3f4a5b6c)
`;

function podOf(objects: KubeObject[]): Pod & KubeObject {
  const pods = objects.filter((o) => o.kind === 'Pod');
  expect(pods).toHaveLength(1);
  return pods[0] as Pod & KubeObject;
}

function eventsOf(objects: KubeObject[]): Record<string, unknown>[] {
  return objects.filter((o) => o.kind === 'Event');
}

describe('describe pod: CrashLoopBackOff after OOM kills', () => {
  const objects = parseDescribe(POD_CRASH_LOOP_OOM, 'ticket-4512.txt');
  const pod = podOf(objects);

  it('reads the waiting state and the OOMKilled last termination', () => {
    const status = pod.status!.containerStatuses![0]!;
    expect(status).toEqual({
      name: 'checkout',
      image: 'registry.example.com/shop/checkout:2.4.1',
      imageID: 'registry.example.com/shop/checkout@sha256:9b2f6c1d0e8a7b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4',
      containerID: 'containerd://4f1c2a9e8b7d6c5b4a39281706f5e4d3c2b1a0918273645546372819a0b1c2d3',
      ready: false,
      restartCount: 7,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: {
        terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: '2024-05-14T09:40:12Z', finishedAt: '2024-05-14T09:41:05Z' },
      },
    });
  });

  it('reads the container spec: ports, resources, probes, env references, mounts', () => {
    const c = pod.spec!.containers[0]!;
    expect(c.ports).toEqual([{ containerPort: 8080, protocol: 'TCP', name: 'http' }]);
    expect(c.resources).toEqual({ limits: { memory: '256Mi' }, requests: { cpu: '250m', memory: '256Mi' } });
    expect(c.livenessProbe).toEqual({
      httpGet: { scheme: 'HTTP', port: 8080, path: '/healthz' },
      initialDelaySeconds: 10, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
    });
    expect(c.readinessProbe?.httpGet).toEqual({ scheme: 'HTTP', port: 'http', path: '/ready' });
    expect(c.env).toEqual([
      { name: 'DB_HOST', valueFrom: { configMapKeyRef: { key: 'host', name: 'checkout-config' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'checkout-db' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'JAVA_OPTS', value: '-Xmx384m -XX:+ExitOnOutOfMemoryError' },
    ]);
    expect(c.volumeMounts).toEqual([
      { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-7xk2p', readOnly: true },
    ]);
  });

  it('reads metadata: owner without uid, labels, annotations, creation time from Start Time', () => {
    expect(pod.metadata).toEqual({
      name: 'checkout-7d9c8b6f5-x2kqp',
      namespace: 'shop',
      labels: { app: 'checkout', 'pod-template-hash': '7d9c8b6f5' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-14T09:11:58Z', 'kubetriage.io/source': 'describe' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-7d9c8b6f5', controller: true }],
      creationTimestamp: '2024-05-14T09:12:03Z',
    });
  });

  it('reads scheduling and pod status fields', () => {
    expect(pod.spec!.nodeName).toBe('worker-2');
    expect(pod.spec!.serviceAccountName).toBe('checkout');
    expect(pod.spec!.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    expect(pod.spec!.volumes).toEqual([{
      name: 'kube-api-access-7xk2p',
      projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }, { configMap: { name: 'kube-root-ca.crt' } }, { downwardAPI: {} }] },
    }]);
    expect(pod.status).toMatchObject({
      phase: 'Running', hostIP: '10.0.1.12', podIP: '10.244.2.17', podIPs: [{ ip: '10.244.2.17' }], qosClass: 'Burstable',
      startTime: '2024-05-14T09:12:03Z',
    });
    expect(pod.status!.conditions).toEqual([
      { type: 'PodReadyToStartContainers', status: 'True' }, { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False' }, { type: 'ContainersReady', status: 'False' }, { type: 'PodScheduled', status: 'True' },
    ]);
  });

  it('turns every Events row into a core/v1 Event with count, source and ages', () => {
    const events = eventsOf(objects);
    expect(events.map((e) => e['reason'])).toEqual(['Scheduled', 'Pulled', 'Created', 'Started', 'BackOff']);
    const backOff = events[4]!;
    expect(backOff).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container checkout in pod checkout-7d9c8b6f5-x2kqp_shop(5b0e3c1a-8f2d-4c7e-9a61-2d4b8e0f7c13)',
      count: 112,
      source: { component: 'kubelet' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'checkout-7d9c8b6f5-x2kqp' },
      metadata: {
        namespace: 'shop',
        annotations: { 'kubetriage.io/source': 'describe', 'kubetriage.io/age-seconds': '192', 'kubetriage.io/first-age-seconds': '1800' },
      },
    });
    expect(backOff).not.toHaveProperty('lastTimestamp');
    expect(backOff).not.toHaveProperty('firstTimestamp');
    expect(events[0]).toMatchObject({ count: 1, source: { component: 'default-scheduler' }, metadata: { annotations: { 'kubetriage.io/age-seconds': '1920' } } });
    expect(new Set(events.map((e) => (e['metadata'] as { name: string }).name)).size).toBe(5);
  });
});

describe('describe pod: Pending, unschedulable', () => {
  const objects = parseDescribe(PENDING_UNSCHEDULABLE, 'chat.txt');
  const pod = podOf(objects);

  it('has no node, no IP and no container status, and PodScheduled False', () => {
    expect(pod.spec!.nodeName).toBeUndefined();
    expect(pod.status).toEqual({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }], qosClass: 'Burstable' });
    expect(pod.spec!.containers[0]!.resources).toEqual({ limits: { memory: '6Gi' }, requests: { cpu: '500m', memory: '6Gi' } });
    expect(pod.metadata.creationTimestamp).toBeUndefined();
  });

  it('keeps the scheduler message whole', () => {
    expect(eventsOf(objects)).toEqual([expect.objectContaining({
      type: 'Warning',
      reason: 'FailedScheduling',
      count: 4,
      source: { component: 'default-scheduler' },
      message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. '
        + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      metadata: expect.objectContaining({ annotations: expect.objectContaining({ 'kubetriage.io/age-seconds': '125', 'kubetriage.io/first-age-seconds': '1020' }) }),
    })]);
  });
});

describe('describe pod: evicted', () => {
  const objects = parseDescribe(EVICTED, 'ticket.txt');
  const pod = podOf(objects);

  it('reads phase Failed with the kubelet reason and message', () => {
    expect(pod.status!.phase).toBe('Failed');
    expect(pod.status!.reason).toBe('Evicted');
    expect(pod.status!.message).toBe('The node was low on resource: memory. Threshold quantity: 100Mi, available: 91340Ki. '
      + 'Container reports was using 1843200Ki, request is 512Mi, has larger consumption of memory.');
    expect(pod.status!.conditions![0]).toEqual({ type: 'DisruptionTarget', status: 'True' });
  });

  it('drops Go zero times from the terminated state', () => {
    expect(pod.status!.containerStatuses![0]!.state).toEqual({
      terminated: { reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', exitCode: 137 },
    });
  });

  it('reads the Evicted and Killing events', () => {
    expect(eventsOf(objects).map((e) => [e['type'], e['reason'], e['message']])).toEqual([
      ['Warning', 'Evicted', 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91340Ki. Container reports was using 1843200Ki, request is 512Mi, has larger consumption of memory.'],
      ['Normal', 'Killing', 'Stopping container reports'],
    ]);
  });
});

describe('describe pod: CreateContainerConfigError', () => {
  const objects = parseDescribe(CONFIG_ERROR, 'ticket.txt');
  const pod = podOf(objects);

  it('reads the waiting reason of a container that never started', () => {
    expect(pod.status!.containerStatuses).toEqual([{
      name: 'orders', image: 'registry.example.com/shop/orders:5.2.0', imageID: '', ready: false, restartCount: 0,
      state: { waiting: { reason: 'CreateContainerConfigError' } },
    }]);
  });

  it('reads what the container takes from config maps and secrets', () => {
    const c = pod.spec!.containers[0]!;
    expect(c.envFrom).toEqual([{ secretRef: { name: 'orders-secrets' } }]);
    expect(c.env).toEqual([{ name: 'ORDERS_DB', valueFrom: { configMapKeyRef: { key: 'db-url', name: 'orders-config' } } }]);
    expect(pod.spec!.volumes![0]).toEqual({ name: 'config', configMap: { name: 'orders-config' } });
    expect(c.volumeMounts![0]).toEqual({ mountPath: '/etc/orders', name: 'config', readOnly: true });
  });

  it('reads the kubelet error event', () => {
    expect(eventsOf(objects)[2]).toMatchObject({
      type: 'Warning', reason: 'Failed', message: 'Error: configmap "orders-config" not found', count: 11,
      metadata: { annotations: { 'kubetriage.io/age-seconds': '8', 'kubetriage.io/first-age-seconds': '120' } },
    });
  });
});

describe('describe pod: ImagePullBackOff', () => {
  const objects = parseDescribe(IMAGE_PULL, 'ticket.txt');
  const pod = podOf(objects);

  it('reads the waiting reason', () => {
    expect(pod.status!.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'ImagePullBackOff' } });
    expect(pod.status!.containerStatuses![0]!).not.toHaveProperty('containerID');
  });

  it('keeps the registry error of the pull failure', () => {
    const events = eventsOf(objects);
    expect(events.map((e) => `${e['reason']} x${e['count']}`)).toEqual(['Scheduled x1', 'Pulling x4', 'Failed x4', 'Failed x4', 'BackOff x6', 'Failed x6']);
    expect(events[2]!['message']).toBe('Failed to pull image "registry.example.com/web/frontend:v2.3.9": rpc error: code = NotFound desc = '
      + 'failed to pull and unpack image "registry.example.com/web/frontend:v2.3.9": failed to resolve reference '
      + '"registry.example.com/web/frontend:v2.3.9": registry.example.com/web/frontend:v2.3.9: not found');
    expect(events[5]!['message']).toBe('Error: ImagePullBackOff');
  });
});

describe('describe pod: multi-line messages, init containers, exec probes', () => {
  const objects = parseDescribe(MULTILINE_MESSAGES, 'ticket.txt');
  const pod = podOf(objects);
  const status = pod.status!.containerStatuses![0]!;

  it('keeps a termination message kubectl printed over several lines, column-0 lines included', () => {
    expect(status.lastState!.terminated).toEqual({
      reason: 'Error',
      exitCode: 1,
      message: [
        'Traceback (most recent call last):',
        '  File "/app/ledger.py", line 42, in <module>',
        '    main()',
        '  File "/app/ledger.py", line 37, in main',
        '    dsn = os.environ["LEDGER_DSN"]',
        "KeyError: 'LEDGER_DSN'",
      ].join('\n'),
      startedAt: '2024-05-14T11:26:30Z',
      finishedAt: '2024-05-14T11:26:31Z',
    });
    expect(status.state).toEqual({ running: { startedAt: '2024-05-14T11:31:44Z' } });
    expect(status.restartCount).toBe(5);
  });

  it('reads init containers, their command lines and statuses', () => {
    expect(pod.spec!.initContainers![0]!.command).toEqual(['sh', '-c', 'until nc -z ledger-db 5432; do', '  sleep 2', 'done']);
    expect(pod.status!.initContainerStatuses![0]!.state).toEqual({
      terminated: { reason: 'Completed', exitCode: 0, startedAt: '2024-05-14T11:20:07Z', finishedAt: '2024-05-14T11:20:19Z' },
    });
  });

  it('reads exec probes, sub-path mounts, node selectors and a tolerate-all toleration', () => {
    const c = pod.spec!.containers[0]!;
    expect(c.args).toEqual(['--config=/etc/ledger/config.yaml']);
    expect(c.readinessProbe!.exec).toEqual({ command: ['pg_isready', '-h', '127.0.0.1'] });
    expect(c.volumeMounts).toEqual([{ mountPath: '/etc/ledger', name: 'config', readOnly: true, subPath: 'config.yaml' }]);
    expect(pod.spec!.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.spec!.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('joins an event message that continues on the next line, and reads the rows after it', () => {
    expect(eventsOf(objects).map((e) => [e['reason'], e['count'], e['message']])).toEqual([
      ['Unhealthy', 14, 'Readiness probe failed: 127.0.0.1:5432 - no response pg_isready: server is not accepting connections'],
      ['BackOff', 21, 'Back-off restarting failed container ledger in pod ledger-5d6f7b8c9-wq2rt_finance(2c6e9a1f-4b3d-4e8a-9f7c-1d2e3f4a5b6c)'],
    ]);
  });
});
