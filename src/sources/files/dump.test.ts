import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import type { ContainerLog } from '../../cluster/snapshot.js';
import { InputError } from '../input-error.js';
import { readDumpFolder } from './dump.js';

/** A typed list as the dump prints it: kind on the list, none on the items, four-space indent. */
const typedList = (kind: string, apiVersion: string, items: object[]): string =>
  `${JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: '4711' }, items }, null, 4)}\n`;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** The layout `kubectl cluster-info dump --output-directory` writes for one namespace. */
function makeDump(): string {
  const root = mkdtempSync(join(tmpdir(), 'kubetriage-dump-'));
  write(join(root, 'nodes.json'), typedList('NodeList', 'v1', [{ metadata: { name: 'node-a' }, status: { conditions: [] } }]));
  const shop = join(root, 'shop');
  write(join(shop, 'events.json'), typedList('EventList', 'v1', [{ metadata: { name: 'web-1.17c', namespace: 'shop' }, reason: 'BackOff' }]));
  write(join(shop, 'replication-controllers.json'), typedList('ReplicationControllerList', 'v1', []));
  write(join(shop, 'services.json'), typedList('ServiceList', 'v1', [{ metadata: { name: 'web', namespace: 'shop' } }]));
  write(join(shop, 'daemonsets.json'), typedList('DaemonSetList', 'apps/v1', []));
  write(join(shop, 'deployments.json'), typedList('DeploymentList', 'apps/v1', [{ metadata: { name: 'web', namespace: 'shop' } }]));
  write(join(shop, 'replicasets.json'), typedList('ReplicaSetList', 'apps/v1', [{ metadata: { name: 'web-7c9d', namespace: 'shop' } }]));
  write(join(shop, 'pods.json'), typedList('PodList', 'v1', [{ metadata: { name: 'web-1', namespace: 'shop' } }]));
  write(join(shop, 'web-1', 'logs.txt'), [
    '==== START logs for container migrate of pod shop/web-1 ====',
    'migrations applied',
    '==== END logs for container migrate of pod shop/web-1 ====',
    '==== START logs for container app of pod shop/web-1 ====',
    'Error: ENOENT: no such file or directory, open \'/etc/app/config.yaml\'',
    '==== END logs for container app of pod shop/web-1 ====',
    '',
  ].join('\n'));
  write(join(root, 'kube-system', 'pods.json'), typedList('PodList', 'v1', []));
  return root;
}

async function read(root: string): Promise<{ objects: KubeObject[]; logs: ContainerLog[] }> {
  const objects: KubeObject[] = [];
  const logs: ContainerLog[] = [];
  await readDumpFolder(root, { object: (o) => objects.push(o), log: (l) => logs.push(l) });
  return { objects, logs };
}

describe('readDumpFolder', () => {
  it('reads every list of the dump with the kinds its typed lists imply', async () => {
    const { objects } = await read(makeDump());
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'apps/v1 Deployment/web', 'apps/v1 ReplicaSet/web-7c9d', 'v1 Event/web-1.17c', 'v1 Node/node-a', 'v1 Pod/web-1', 'v1 Service/web',
    ]);
  });

  it('reads each container’s log from the pod’s logs.txt, as current logs', async () => {
    const root = makeDump();
    const { logs } = await read(root);
    const origin = join(root, 'shop', 'web-1', 'logs.txt');
    expect(logs).toEqual([
      { namespace: 'shop', pod: 'web-1', container: 'migrate', previous: false, origin, text: 'migrations applied\n' },
      { namespace: 'shop', pod: 'web-1', container: 'app', previous: false, origin,
        text: 'Error: ENOENT: no such file or directory, open \'/etc/app/config.yaml\'\n' },
    ]);
  });

  it('reads a dump written with -o yaml', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kubetriage-dump-yaml-'));
    write(join(root, 'nodes.yaml'), 'apiVersion: v1\nkind: NodeList\nitems:\n- metadata:\n    name: node-a\n');
    write(join(root, 'shop', 'pods.yaml'), 'apiVersion: v1\nkind: PodList\nitems:\n- metadata:\n    name: web-1\n    namespace: shop\n');
    const { objects } = await read(root);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Node/node-a', 'Pod/web-1']);
  });

  it('recognises a dump by its namespace pods.json alone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kubetriage-dump-ns-'));
    write(join(root, 'shop', 'pods.json'), typedList('PodList', 'v1', [{ metadata: { name: 'web-1', namespace: 'shop' } }]));
    expect((await read(root)).objects.map((o) => o.kind)).toEqual(['Pod']);
  });

  it('refuses a folder that is not a dump', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kubetriage-notdump-'));
    write(join(root, 'pods.json'), typedList('PodList', 'v1', []));
    write(join(root, 'shop', 'services.json'), typedList('ServiceList', 'v1', []));
    const error = await read(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${root}: not a kubectl cluster-info dump folder (no nodes.json or <namespace>/pods.json found)`);
  });

  it('names the file at fault inside a dump', async () => {
    const root = makeDump();
    write(join(root, 'shop', 'services.json'), '{"kind": "ServiceList", "items": [');
    const error = await read(root).catch((e: unknown) => e);
    expect((error as InputError).origin).toBe(join(root, 'shop', 'services.json'));
    expect((error as InputError).detail).toMatch(/^truncated input/);
  });
});
