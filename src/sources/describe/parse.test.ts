import { describe, expect, it } from 'vitest';
import { InputError } from '../input-error.js';
import { looksLikeDescribe, parseDescribe } from './parse.js';

// kubectl 1.32 describe output (describe.go through tabwriter), pasted the ways tickets and chats do.

const POD = `Name:             checkout-7d9c8b6f5-x2kqp
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

const SERVICE = `Name:                     checkout
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

const HEADLESS_SERVICE = `Name:                     payments
Namespace:                shop
Labels:                   app.kubernetes.io/managed-by=Helm
Annotations:              example.com/notes:
                            owned by the payments team
                            page #payments-oncall before changing ports
                          meta.helm.sh/release-name: shop
Selector:                 app=payments
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       None
IPs:                      None
Port:                     <unset>  5432/TCP
TargetPort:               5432/TCP
Endpoints:                10.244.1.8:5432,10.244.2.4:5432,10.244.3.6:5432 + 2 more...
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
`;

const CRON_JOB = `Name:                          nightly-report
Namespace:                     shop
Labels:                        <none>
Annotations:                   <none>
Schedule:                      0 2 * * *
Concurrency Policy:            Forbid
Suspend:                       False
Time Zone:                     <unset>
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   report:
    Image:           registry.example.com/shop/report:1.0.3
    Port:            <none>
    Host Port:       <none>
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  Tue, 14 May 2024 02:00:00 +0000
Active Jobs:         <none>
Events:              <none>
`;

const CUSTOM_RESOURCE = `Name:         nightly
Namespace:    ops
Labels:       <none>
Annotations:  <none>
API Version:  backup.example.com/v1
Kind:         Schedule
Metadata:
  Creation Timestamp:  2024-05-01T00:00:00Z
  Generation:          3
Spec:
  Cron:       0 2 * * *
  Retention:  7d
Events:       <none>
`;

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('looksLikeDescribe', () => {
  it('recognises describe output, also pasted with an indentation', () => {
    expect(looksLikeDescribe(POD)).toBe(true);
    expect(looksLikeDescribe(`some chat\n\n${SERVICE.split('\n').map((l) => `   ${l}`).join('\r\n')}`)).toBe(true);
  });

  it('rejects JSON, YAML and prose that merely has a Name: line', () => {
    expect(looksLikeDescribe('{"kind":"Pod","metadata":{"name":"web","namespace":"shop"}}')).toBe(false);
    expect(looksLikeDescribe('metadata:\n  name: web\n  namespace: shop\n')).toBe(false);
    expect(looksLikeDescribe('Name: Dana\nTeam: payments\nNamespace: shop\n')).toBe(false);
  });

  it('looks at the first 64 KiB only', () => {
    expect(looksLikeDescribe(`${'x'.repeat(70 * 1024)}\n${POD}`)).toBe(false);
  });
});

describe('parseDescribe: blocks among chat noise', () => {
  const ticket = [
    'hey team, checkout has been flapping since the 09:30 deploy, describe below',
    '',
    '$ kubectl describe pod checkout-7d9c8b6f5-x2kqp -n shop',
    '```',
    POD,
    '```',
    '',
    'and the service:',
    '',
    ...`user@bastion:~$ kubectl -n shop describe svc checkout\n${SERVICE}`.split('\n').map((l) => `    ${l}`),
    '',
    'Any idea? Already tried a rollout restart.',
    'Name: Dana (on-call)',
  ].join('\r\n');
  const objects = parseDescribe(ticket, 'ticket-4512.txt');

  it('reads both blocks and nothing from the prose', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name.split('.')[0]}`)).toEqual([
      'Pod/checkout-7d9c8b6f5-x2kqp', 'Event/checkout-7d9c8b6f5-x2kqp', 'Event/checkout-7d9c8b6f5-x2kqp', 'Event/checkout-7d9c8b6f5-x2kqp',
      'Event/checkout-7d9c8b6f5-x2kqp', 'Event/checkout-7d9c8b6f5-x2kqp', 'Service/checkout', 'Endpoints/checkout',
    ]);
  });

  it('reads the indented block as if it started at column 0, without the Windows line ends', () => {
    const service = objects.find((o) => o.kind === 'Service')!;
    expect(service.metadata).toEqual({ name: 'checkout', namespace: 'shop', labels: { app: 'checkout' }, annotations: { 'kubetriage.io/source': 'describe' } });
    expect((service['spec'] as { selector: unknown }).selector).toEqual({ app: 'checkout', tier: 'web' });
  });

  it('ends the last event message before the fence', () => {
    const last = objects.filter((o) => o.kind === 'Event').at(-1)!;
    expect(last['message']).toBe('Back-off restarting failed container checkout in pod checkout-7d9c8b6f5-x2kqp_shop(5b0e3c1a-8f2d-4c7e-9a61-2d4b8e0f7c13)');
  });

  it('reads several blocks as `kubectl describe pods` separates them', () => {
    const both = parseDescribe(`${POD}\n\n\n${SERVICE}\n`, 'pods.txt');
    expect(both.filter((o) => o.kind !== 'Event').map((o) => o.kind)).toEqual(['Pod', 'Service', 'Endpoints']);
  });
});

describe('parseDescribe: what blocks say in odd ways', () => {
  it('takes the kind from the command line when the fields do not tell it', () => {
    const cut = SERVICE.split('\n').slice(0, 5).join('\n');
    expect(() => parseDescribe(cut, 'cut.txt')).toThrow(InputError);
    const [svc] = parseDescribe(`$ kubectl describe svc checkout -n shop\n${cut}`, 'cut.txt');
    expect(svc).toMatchObject({ kind: 'Service', metadata: { name: 'checkout', namespace: 'shop' }, spec: { selector: { app: 'checkout', tier: 'web' } } });
  });

  it('reads multi-line annotations, a headless service and a cut endpoints list', () => {
    const objects = parseDescribe(HEADLESS_SERVICE, 'svc.txt');
    const [svc, ep] = objects as Record<string, any>[];
    expect(svc!['metadata'].annotations).toEqual({
      'example.com/notes': 'owned by the payments team\npage #payments-oncall before changing ports',
      'meta.helm.sh/release-name': 'shop',
      'kubetriage.io/source': 'describe',
    });
    expect(svc!['spec']).toMatchObject({ clusterIP: 'None', ports: [{ port: 5432, protocol: 'TCP', targetPort: 5432 }] });
    expect(svc!['spec'].ports[0]).not.toHaveProperty('name');
    expect(ep!['metadata'].annotations['kubetriage.io/endpoints-truncated']).toBe('true');
    expect(ep!['subsets']).toEqual([{
      addresses: [{ ip: '10.244.1.8' }, { ip: '10.244.2.4' }, { ip: '10.244.3.6' }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
  });

  it('moves the field path kubectl 1.35 prefixes to messages into involvedObject.fieldPath', () => {
    const newer = POD.replace('kubelet            Back-off', 'kubelet            spec.containers{checkout}: Back-off');
    const backOff = parseDescribe(newer, 'new.txt').find((o) => o['reason'] === 'BackOff')!;
    expect(backOff['involvedObject']).toEqual({
      apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'checkout-7d9c8b6f5-x2kqp', fieldPath: 'spec.containers{checkout}',
    });
    expect(backOff['message']).toMatch(/^Back-off restarting failed container checkout in pod/);
  });

  it('reads event rows whose padding a chat tool collapsed', () => {
    const collapsed = POD.replace(/^ {2}Warning {2}BackOff {4}3m12s \(x112 over 30m\) {2}kubelet {12}/m, '  Warning BackOff 3m12s (x112 over 30m) kubelet ');
    expect(collapsed).not.toBe(POD);
    const backOff = parseDescribe(collapsed, 'chat.txt').find((o) => o['reason'] === 'BackOff')!;
    expect(backOff).toMatchObject({ type: 'Warning', count: 112, source: { component: 'kubelet' } });
    expect(backOff['message']).toMatch(/^Back-off restarting failed container checkout/);
  });
});

describe('parseDescribe: errors name the origin and the line', () => {
  it('for a block whose kind cannot be told', () => {
    const text = `we also have this:\n\n${CUSTOM_RESOURCE}`;
    const err = thrown(() => parseDescribe(text, 'ticket.txt'));
    expect(err.origin).toBe('ticket.txt');
    expect(err.message).toMatch(/^ticket\.txt: line 3: cannot tell the kind of the describe block "Name: nightly": it describes a Schedule, /);
    expect(err.message).toContain('expected the fields of a Pod (Containers:, Node:)');
  });

  it('for a kind that is recognised but not read', () => {
    const err = thrown(() => parseDescribe(`${POD}\n\n\n${CRON_JOB}`, 'ticket.txt'));
    const line = POD.split('\n').length + 3;
    expect(err.message).toBe(`ticket.txt: line ${line}: the describe block "Name: nightly-report" is a CronJob, which is not read from describe text; `
      + 'kinds read: Pod, Deployment, ReplicaSet, StatefulSet, Job, Node, Service, PersistentVolumeClaim, PersistentVolume, Ingress');
  });

  it('for a value that does not read as kubectl prints it', () => {
    const broken = POD.replace('Exit Code:    137', 'Exit Code:    n/a');
    const line = broken.split('\n').findIndex((l) => l.includes('n/a')) + 1;
    expect(thrown(() => parseDescribe(broken, 'ticket.txt')).message)
      .toBe(`ticket.txt: line ${line}: expected a whole number after "Exit Code:", found "n/a"`);
  });

  it('for text without any describe block', () => {
    expect(thrown(() => parseDescribe('the checkout pod keeps restarting, no idea why', '-')).message)
      .toMatch(/^-: no kubectl describe output found/);
  });
});
