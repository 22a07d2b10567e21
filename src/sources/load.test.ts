import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/objects.js';
import { InputError } from './input-error.js';
import { loadInputs, type LoadProgress } from './load.js';

/** A pod as `kubectl describe pod` prints it (trimmed to the fields that make it a pod). */
const describedPod = (name: string): string => `Name:             ${name}
Namespace:        shop
Priority:         0
Node:             node-1/10.0.0.4
Start Time:       Fri, 20 Nov 2026 09:00:00 +0000
Status:           Running
IP:               10.244.1.7
Containers:
  app:
    Image:          registry.example.com/cart:1.4.2
    State:          Running
      Started:      Fri, 20 Nov 2026 09:00:05 +0000
    Ready:          True
    Restart Count:  0
Events:            <none>
`;

const folder = mkdtempSync(join(tmpdir(), 'kubetriage-load-'));
let fileCount = 0;
function file(text: string | Buffer, name = `input-${++fileCount}.json`): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const pod = (name: string, namespace = 'shop'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${name}` } });
const list = (items: KubeObject[]): string => JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4);
const names = (objects: KubeObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`);

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (error instanceof InputError) return error;
  throw new Error(`expected an InputError, got ${String(error)}`);
}

describe('loadInputs', () => {
  it('reads several files of different formats into one snapshot, in order', async () => {
    const json = file(list([pod('web-1'), pod('web-2')]));
    const yaml = file('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n', 'svc.yaml');
    const snapshot = await loadInputs([json, yaml]);
    expect(names(snapshot.objects)).toEqual(['Pod/web-1', 'Pod/web-2', 'Service/web']);
    expect(snapshot.origins).toEqual([json, yaml]);
    expect(snapshot.capturedAt).toBeUndefined();
  });

  it('reads stdin for -, once', async () => {
    const text = Buffer.from(list([pod('api-1')]));
    const stdin = Readable.from([text.subarray(0, 10), text.subarray(10, 200), text.subarray(200)]);
    const snapshot = await loadInputs(['-'], { stdin });
    expect(names(snapshot.objects)).toEqual(['Pod/api-1']);
    expect(snapshot.origins).toEqual(['-']);
    expect((await failure(loadInputs(['-', '-'], { stdin: Readable.from([]) }))).detail).toBe('stdin (-) can be read only once');
  });

  it('reads YAML and describe text from stdin too', async () => {
    const yaml = await loadInputs(['-'], { stdin: Readable.from(['kind: Pod\nmetadata:\n  name: cart-1\n']) });
    expect(names(yaml.objects)).toEqual(['Pod/cart-1']);
    const described = await loadInputs(['-'], { stdin: Readable.from([describedPod('cart-2')]) });
    expect(names(described.objects)).toEqual(['Pod/cart-2']);
  });

  it('gives the line of an error in stdin, which cannot be read twice', async () => {
    const text = list([pod('a'), pod('b'), { kind: 'Pod', metadata: {} } as KubeObject]);
    const itemStart = text.lastIndexOf('{\n            "kind": "Pod"');
    const line = text.slice(0, itemStart).split('\n').length;
    const error = await failure(loadInputs(['-'], { stdin: Readable.from([Buffer.from(text)]) }));
    expect(error.detail).toBe(`item 2 (line ${line}, column 9, byte ${itemStart}) has no kind or metadata.name`);
  });

  it('reads describe text through the describe parser, and names the file when a block cannot be read', async () => {
    const [object] = (await loadInputs([file(describedPod('checkout-7d9'), 'pod.txt')])).objects;
    expect(object).toMatchObject({ kind: 'Pod', metadata: { name: 'checkout-7d9', namespace: 'shop', annotations: { 'kubetriage.io/source': 'describe' } } });
    const odd = file('Name:         thing\nNamespace:    shop\nFlavour:      strawberry\n', 'odd.txt');
    const error = await failure(loadInputs([odd], { format: 'describe' }));
    expect(error.origin).toBe(odd);
    expect(error.detail).toMatch(/line 1/);
  });

  it('reads every file in the format given, whatever it looks like', async () => {
    const yamlLooking = file('kind: Pod\nmetadata:\n  name: web-1\n', 'looks-like.txt');
    expect(names((await loadInputs([yamlLooking], { format: 'yaml' })).objects)).toEqual(['Pod/web-1']);
    const error = await failure(loadInputs([yamlLooking], { format: 'json' }));
    expect(error.origin).toBe(yamlLooking);
    expect(error.detail).toBe("unexpected 'k' at line 1, column 1, byte 0: expected a JSON object or list");
  });

  it('adds logs and previous logs from their specs', async () => {
    const current = file('ready\n', 'current.log');
    const previous = file('panic: out of memory\n', 'previous.log');
    const snapshot = await loadInputs([file(list([pod('web-1')]))], {
      logs: [`shop/web-1/app=${current}`], previousLogs: [`shop/web-1/app=${previous}`],
    });
    expect(snapshot.logs).toEqual([
      { namespace: 'shop', pod: 'web-1', container: 'app', previous: false, text: 'ready\n', origin: current },
      { namespace: 'shop', pod: 'web-1', container: 'app', previous: true, text: 'panic: out of memory\n', origin: previous },
    ]);
  });

  it('checks log specs before reading any input', async () => {
    const missingInput = join(folder, 'never-read.json');
    const malformed = await failure(loadInputs([missingInput], { logs: ['shop/web-1'] }));
    expect(malformed.origin).toBe('shop/web-1');
    const absentLog = join(folder, 'absent.log');
    const missing = await failure(loadInputs([missingInput], { previousLogs: [`web-1=${absentLog}`] }));
    expect(missing.origin).toBe(absentLog);
    expect(missing.detail).toBe(`no such log file (log of pod web-1, from "web-1=${absentLog}")`);
  });

  it('names inputs that cannot be read', async () => {
    const absent = join(folder, 'absent.json');
    expect((await failure(loadInputs([absent]))).message).toBe(`${absent}: no such file or folder`);
    expect((await failure(loadInputs([file('', 'empty.json')]))).detail).toMatch(/^empty input/);
    expect((await failure(loadInputs([file(Buffer.from([0x00, 0x01, 0x02, 0x7b]), 'junk.bin')]))).detail)
      .toBe('binary data, not JSON, YAML or kubectl describe text');
    const notDump = join(folder, 'not-a-dump');
    mkdirSync(notDump);
    expect((await failure(loadInputs([notDump]))).detail).toBe('not a kubectl cluster-info dump folder (no nodes.json or <namespace>/pods.json found)');
    expect((await failure(loadInputs([]))).detail).toBe('no input: name files, dump folders, or - for stdin');
  });

  it('reads a dump folder and the stdout form of a dump, logs included', async () => {
    const dump = join(folder, 'dump');
    mkdirSync(join(dump, 'shop', 'web-1'), { recursive: true });
    writeFileSync(join(dump, 'nodes.json'), JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', items: [{ metadata: { name: 'node-a' } }] }, null, 4));
    writeFileSync(join(dump, 'shop', 'pods.json'), JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'web-1', namespace: 'shop' } }] }, null, 4));
    const block = '==== START logs for container app of pod shop/web-1 ====\nlistening\n==== END logs for container app of pod shop/web-1 ====\n';
    writeFileSync(join(dump, 'shop', 'web-1', 'logs.txt'), block);
    const fromFolder = await loadInputs([dump]);
    expect(names(fromFolder.objects)).toEqual(['Node/node-a', 'Pod/web-1']);
    expect(fromFolder.logs.map((l) => [l.pod, l.container, l.text])).toEqual([['web-1', 'app', 'listening\n']]);

    const printed = file(`${JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'web-1', namespace: 'shop' } }] }, null, 4)}\n${block}`, 'dump.txt');
    const fromStdoutForm = await loadInputs([printed]);
    expect(names(fromStdoutForm.objects)).toEqual(['Pod/web-1']);
    expect(fromStdoutForm.logs.map((l) => [l.namespace, l.pod, l.container, l.origin])).toEqual([['shop', 'web-1', 'app', printed]]);
  });

  it('keeps the capture time given, and refuses one that is not a time', async () => {
    const input = file(list([pod('web-1')]));
    expect((await loadInputs([input], { capturedAt: '2024-05-14T09:00:00Z' })).capturedAt).toBe('2024-05-14T09:00:00.000Z');
    expect((await failure(loadInputs([input], { capturedAt: 'yesterday' }))).origin).toBe('capturedAt');
  });

  it('reports progress per input, with the size of files', async () => {
    const input = file(list(Array.from({ length: 50 }, (_, n) => pod(`web-${n}`))));
    const seen: LoadProgress[] = [];
    await loadInputs([input], { onProgress: (p) => seen.push(p) });
    const size = Buffer.byteLength(list(Array.from({ length: 50 }, (_, n) => pod(`web-${n}`))));
    expect(seen.at(-1)).toEqual({ origin: input, bytesRead: size, totalBytes: size });
  });
});
