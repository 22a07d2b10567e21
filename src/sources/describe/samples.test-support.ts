/**
 * What the describe parser's tests share: kubectl 1.32 `describe` samples (describe.go's fields
 * through Go's tabwriter, trailing spaces included) that several test files read, and a finder for
 * the objects parsed from them. Named `.test-support.ts` so that the test glob does not run it.
 */
import type { KubeObject } from '../../cluster/objects.js';

/** `kubectl describe pod` of a pod in CrashLoopBackOff whose last instance was OOMKilled at its 256Mi limit. */
export const POD_CRASH_LOOP_OOM = `Name:             checkout-7d9c8b6f5-x2kqp
Namespace:        shop
Priority:         0
Service Account:  checkout
Node:             worker-2/10.0.1.12
Start Time:       Tue, 14 May 2024 09:12:03 +0000
Labels:           app=checkout
                  pod-template-hash=7d9c8b6f5
Annotations:      kubectl.kubernetes.io/restartedAt: 2024-05-14T09:11:58Z
Status:           Running
IP:               10.244.2.17
IPs:
  IP:           10.244.2.17
Controlled By:  ReplicaSet/checkout-7d9c8b6f5
Containers:
  checkout:
    Container ID:   containerd://4f1c2a9e8b7d6c5b4a39281706f5e4d3c2b1a0918273645546372819a0b1c2d3
    Image:          registry.example.com/shop/checkout:2.4.1
    Image ID:       registry.example.com/shop/checkout@sha256:9b2f6c1d0e8a7b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4
    Port:           8080/TCP (http)
    Host Port:      0/TCP (http)
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Tue, 14 May 2024 09:40:12 +0000
      Finished:     Tue, 14 May 2024 09:41:05 +0000
    Ready:          False
    Restart Count:  7
    Limits:
      memory:  256Mi
    Requests:
      cpu:      250m
      memory:   256Mi
    Liveness:   http-get http://:8080/healthz delay=10s timeout=1s period=10s #success=1 #failure=3
    Readiness:  http-get http://:http/ready delay=5s timeout=2s period=5s #success=1 #failure=3
    Environment:
      DB_HOST:      <set to the key 'host' of config map 'checkout-config'>  Optional: false
      DB_PASSWORD:  <set to the key 'password' in secret 'checkout-db'>      Optional: false
      POD_NAME:     checkout-7d9c8b6f5-x2kqp (v1:metadata.name)
      JAVA_OPTS:    -Xmx384m -XX:+ExitOnOutOfMemoryError
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xk2p (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       False 
  ContainersReady             False 
  PodScheduled                True 
Volumes:
  kube-api-access-7xk2p:
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
  Type     Reason     Age                    From               Message
  ----     ------     ----                   ----               -------
  Normal   Scheduled  32m                    default-scheduler  Successfully assigned shop/checkout-7d9c8b6f5-x2kqp to worker-2
  Normal   Pulled     29m (x4 over 32m)      kubelet            Container image "registry.example.com/shop/checkout:2.4.1" already present on machine
  Normal   Created    29m (x4 over 32m)      kubelet            Created container checkout
  Normal   Started    29m (x4 over 32m)      kubelet            Started container checkout
  Warning  BackOff    3m12s (x112 over 30m)  kubelet            Back-off restarting failed container checkout in pod checkout-7d9c8b6f5-x2kqp_shop(5b0e3c1a-8f2d-4c7e-9a61-2d4b8e0f7c13)
`;

/** `kubectl describe service` of a ClusterIP Service with a named target port and no endpoints. */
export const SERVICE_NO_ENDPOINTS = `Name:                     checkout
Namespace:                shop
Labels:                   app=checkout
Annotations:              <none>
Selector:                 app=checkout,tier=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.143.27
IPs:                      10.96.143.27
Port:                     http  80/TCP
TargetPort:               http/TCP
Endpoints:                <none>
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
`;

/** An object read loosely, to assert on its JSON. */
export type Loose = { [field: string]: any };

/** The parsed object of this kind and name; throws (failing the test) when there is none. */
export function find(objects: KubeObject[], kind: string, name: string): Loose {
  const hit = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!hit) throw new Error(`no ${kind}/${name} among the parsed objects: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return hit as Loose;
}
