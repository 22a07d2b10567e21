import { describe, expect, it } from 'vitest';
import { InputError } from '../input-error.js';
import { looksLikeDescribe, parseDescribe } from './parse.js';
import { POD_CRASH_LOOP_OOM, SERVICE_NO_ENDPOINTS } from './samples.test-support.js';

// kubectl 1.32 describe output (describe.go through tabwriter), pasted the ways tickets and chats do.

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
    expect(looksLikeDescribe(POD_CRASH_LOOP_OOM)).toBe(true);
    expect(looksLikeDescribe(`some chat\n\n${SERVICE_NO_ENDPOINTS.split('\n').map((l) => `   ${l}`).join('\r\n')}`)).toBe(true);
  });

  it('rejects JSON, YAML and prose that merely has a Name: line', () => {
    expect(looksLikeDescribe('{"kind":"Pod","metadata":{"name":"web","namespace":"shop"}}')).toBe(false);
    expect(looksLikeDescribe('metadata:\n  name: web\n  namespace: shop\n')).toBe(false);
    expect(looksLikeDescribe('Name: Dana\nTeam: payments\nNamespace: shop\n')).toBe(false);
  });

  it('looks at the first 64 KiB only', () => {
    expect(looksLikeDescribe(`${'x'.repeat(70 * 1024)}\n${POD_CRASH_LOOP_OOM}`)).toBe(false);
  });
});

describe('parseDescribe: blocks among chat noise', () => {
  const ticket = [
    'hey team, checkout has been flapping since the 09:30 deploy, describe below',
    '',
    '$ kubectl describe pod checkout-7d9c8b6f5-x2kqp -n shop',
    '```',
    POD_CRASH_LOOP_OOM,
    '```',
    '',
    'and the service:',
    '',
    ...`user@bastion:~$ kubectl -n shop describe svc checkout\n${SERVICE_NO_ENDPOINTS}`.split('\n').map((l) => `    ${l}`),
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
    const both = parseDescribe(`${POD_CRASH_LOOP_OOM}\n\n\n${SERVICE_NO_ENDPOINTS}\n`, 'pods.txt');
    expect(both.filter((o) => o.kind !== 'Event').map((o) => o.kind)).toEqual(['Pod', 'Service', 'Endpoints']);
  });
});

describe('parseDescribe: what blocks say in odd ways', () => {
  it('takes the kind from the command line when the fields do not tell it', () => {
    const cut = SERVICE_NO_ENDPOINTS.split('\n').slice(0, 5).join('\n');
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
    const newer = POD_CRASH_LOOP_OOM.replace('kubelet            Back-off', 'kubelet            spec.containers{checkout}: Back-off');
    const backOff = parseDescribe(newer, 'new.txt').find((o) => o['reason'] === 'BackOff')!;
    expect(backOff['involvedObject']).toEqual({
      apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'checkout-7d9c8b6f5-x2kqp', fieldPath: 'spec.containers{checkout}',
    });
    expect(backOff['message']).toMatch(/^Back-off restarting failed container checkout in pod/);
  });

  it('reads event rows whose padding a chat tool collapsed', () => {
    const collapsed = POD_CRASH_LOOP_OOM.replace(/^ {2}Warning {2}BackOff {4}3m12s \(x112 over 30m\) {2}kubelet {12}/m, '  Warning BackOff 3m12s (x112 over 30m) kubelet ');
    expect(collapsed).not.toBe(POD_CRASH_LOOP_OOM);
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
    const err = thrown(() => parseDescribe(`${POD_CRASH_LOOP_OOM}\n\n\n${CRON_JOB}`, 'ticket.txt'));
    const line = POD_CRASH_LOOP_OOM.split('\n').length + 3;
    expect(err.message).toBe(`ticket.txt: line ${line}: the describe block "Name: nightly-report" is a CronJob, which is not read from describe text; `
      + 'kinds read: Pod, Deployment, ReplicaSet, StatefulSet, Job, Node, Service, PersistentVolumeClaim, PersistentVolume, Ingress');
  });

  it('for a value that does not read as kubectl prints it', () => {
    const broken = POD_CRASH_LOOP_OOM.replace('Exit Code:    137', 'Exit Code:    n/a');
    const line = broken.split('\n').findIndex((l) => l.includes('n/a')) + 1;
    expect(thrown(() => parseDescribe(broken, 'ticket.txt')).message)
      .toBe(`ticket.txt: line ${line}: expected a whole number after "Exit Code:", found "n/a"`);
  });

  it('for text without any describe block', () => {
    expect(thrown(() => parseDescribe('the checkout pod keeps restarting, no idea why', '-')).message)
      .toMatch(/^-: no kubectl describe output found/);
  });
});
