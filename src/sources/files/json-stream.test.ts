import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import type { ContainerLog } from '../../cluster/snapshot.js';
import { InputError } from '../input-error.js';
import { LOG_KEEP_BYTES } from './json-scanner.js';
import { KubeJsonReader, readJsonFile } from './json-stream.js';

/**
 * Feeds `text` in chunks of `chunkSize` through one scratch buffer that is overwritten for every
 * chunk, as the file reader reuses its buffers: whatever the reader keeps must be its own copy.
 */
function readChunked(text: string | Buffer, chunkSize: number): { objects: KubeObject[]; logs: ContainerLog[] } {
  const objects: KubeObject[] = [];
  const logs: ContainerLog[] = [];
  const reader = new KubeJsonReader('test.json', { object: (o) => objects.push(o), log: (l) => logs.push(l) });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const scratch = Buffer.alloc(chunkSize);
  for (let i = 0; i < bytes.length; i += chunkSize) {
    const n = bytes.copy(scratch, 0, i, i + chunkSize);
    reader.push(scratch.subarray(0, n));
    scratch.fill(0x23); // '#': a reader that kept a view would now see garbage
  }
  reader.end();
  return { objects, logs };
}

function errorOf(read: () => unknown): InputError {
  try {
    read();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

/** Line and column (from 1) of a byte offset, counted the plain way. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = Buffer.from(text, 'utf8').subarray(0, offset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: Buffer.byteLength(lines[lines.length - 1] ?? '', 'utf8') + 1 };
}

function where(text: string, offset: number): string {
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}, byte ${offset}`;
}

const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, ...extra });

// ---- random objects with strings that look like structure ---------------------------------------

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = ['{', '}', '[', ']', '"', '\\', '\\"', '\\\\', ',', ':', ' ', '\n', '\t', 'é', '日本', '😀', '\u2028', '\u0001',
  '},{"apiVersion":', '\n        }', 'a', 'items', '"items": [', '==== START logs for container a of pod b/c ===='];

function randomString(rand: () => number): string {
  let s = '';
  const n = Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) s += NASTY[Math.floor(rand() * NASTY.length)];
  return s;
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 3 || r < 0.3) return randomString(rand);
  if (r < 0.4) return Math.floor(rand() * 1e6) / 100;
  if (r < 0.45) return rand() < 0.5 ? null : rand() < 0.5;
  if (r < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const obj: Record<string, unknown> = {};
  const keys = Math.floor(rand() * 4);
  for (let k = 0; k < keys; k++) obj[randomString(rand) || `k${k}`] = randomValue(rand, depth + 1);
  return obj;
}

function randomObject(rand: () => number, n: number): KubeObject {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: `cfg-${n}`, namespace: 'shop', annotations: { note: randomString(rand) },
      // Same first key as the items: a compact guess `},{"apiVersion":` matches here too.
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'a', uid: '1' }, { apiVersion: 'v1', kind: 'Y', name: 'b', uid: '2' }],
    },
    data: { [randomString(rand) || 'key']: randomString(rand), nested: randomValue(rand, 0) },
  };
}

/** Prints JSON with random blanks between tokens, and often `}` at an item's own indentation. */
function printLoosely(value: unknown, rand: () => number): string {
  const gap = (): string => ['', ' ', '\n', '\n    ', '\t', '\r\n    '][Math.floor(rand() * 6)] as string;
  if (Array.isArray(value)) return `[${gap()}${value.map((v) => printLoosely(v, rand)).join(`${gap()},${gap()}`)}${gap()}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${gap()}:${gap()}${printLoosely(v, rand)}`);
    return `{${gap()}${members.join(`,${gap()}`)}\n    }`;
  }
  return JSON.stringify(value);
}

type Layout = (items: KubeObject[], rand: () => number) => string;

const LAYOUTS: Record<string, Layout> = {
  'kubectl List, 4 spaces': (items) => JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4),
  'compact typed list': (items) => JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: {}, items }),
  'tabs': (items) => JSON.stringify({ kind: 'List', items }, null, '\t'),
  'one item per line': (items) => `{"kind": "List", "items": [\n    ${items.map((i) => JSON.stringify(i)).join(',\n    ')}\n]}`,
  'loose blanks': (items, rand) => `{ "kind": "List",\n  "items": [\n    ${items.map((i) => printLoosely(i, rand)).join(',\n    ')}\n  ]\n}`,
  'concatenated objects': (items) => items.map((i) => JSON.stringify(i, null, 2)).join('\n'),
  'top-level array': (items) => JSON.stringify(items, null, 2),
};

describe('KubeJsonReader', () => {
  it('yields exactly what JSON.parse of the whole yields, for every chunk size from 1 to 64', () => {
    for (const [name, layout] of Object.entries(LAYOUTS)) {
      for (let seed = 1; seed <= 4; seed++) {
        const rand = prng(seed * 7919 + name.length);
        const items = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, n) => randomObject(rand, n));
        const text = layout(items, rand);
        const whole = name === 'concatenated objects' ? items : JSON.parse(text);
        const expected = Array.isArray(whole) ? whole : (whole as { items: unknown[] }).items;
        for (let size = 1; size <= 64; size++) {
          expect(readChunked(text, size).objects, `${name}, seed ${seed}, chunk ${size}`).toEqual(expected);
        }
      }
    }
  });

  it('reads a single top-level object as itself', () => {
    const object = pod('web-1', { spec: { containers: [{ name: 'app', image: 'shop/web:1' }] } });
    expect(readChunked(JSON.stringify(object, null, 4), 7).objects).toEqual([object]);
  });

  it('gives the items of a typed list the kind and apiVersion the API server leaves out', () => {
    const text = JSON.stringify({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: '9' },
      items: [{ metadata: { name: 'api', namespace: 'shop' }, spec: { replicas: 2 } }] }, null, 4);
    expect(readChunked(text, 5).objects).toEqual([
      { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'api', namespace: 'shop' }, spec: { replicas: 2 } },
    ]);
  });

  it('infers the kind also when the list names it after its items (sorted keys)', () => {
    const text = JSON.stringify({ apiVersion: 'v1', items: [{ metadata: { name: 'node-a' } }], kind: 'NodeList', metadata: {} });
    expect(readChunked(text, 3).objects).toEqual([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } }]);
  });

  it('keeps an item’s own kind inside a typed list', () => {
    const text = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a' } }] });
    expect(readChunked(text, 64).objects[0]).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a' } });
  });

  it('reads several concatenated lists, as `cat a.json b.json` gives', () => {
    const a = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('a'), pod('b')] }, null, 4);
    const b = JSON.stringify({ kind: 'ServiceList', apiVersion: 'v1', items: [{ metadata: { name: 'web' } }] }, null, 4);
    expect(readChunked(`${a}\n${b}\n`, 11).objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Pod/a', 'Pod/b', 'Service/web']);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(readChunked(`\uFEFF${JSON.stringify(pod('a'))}`, 1).objects).toEqual([pod('a')]);
  });

  it('reports truncated input with where the open string and item began', () => {
    const full = JSON.stringify({ apiVersion: 'v1', items: [pod('a'), pod('b')], kind: 'List' }, null, 4);
    const cut = full.slice(0, full.indexOf('"b"') + 2);
    const itemStart = cut.lastIndexOf('{\n            "apiVersion"');
    const stringStart = cut.lastIndexOf('"');
    for (const size of [3, 64, 4096]) {
      const error = errorOf(() => readChunked(cut, size));
      expect(error.origin).toBe('test.json');
      expect(error.detail).toBe(`truncated input: input ends inside a string opened at ${where(cut, stringStart)}, in item 1 (an object opened at ${where(cut, itemStart)})`);
    }
  });

  it('reports truncated input between items and inside the top-level object', () => {
    const text = '{"kind": "List",\n "items": [\n  {"kind": "Pod", "metadata": {"name": "a"}},\n';
    expect(errorOf(() => readChunked(text, 4)).detail)
      .toBe(`truncated input: input ends inside the list opened at ${where(text, text.indexOf('['))}, after 1 items`);
    const shell = '{"kind": "Pod",\n "metadata": {"name": "a"';
    expect(errorOf(() => readChunked(shell, 4)).detail)
      .toBe(`truncated input: input ends inside an object or array opened at ${where(shell, shell.indexOf('{"name"'))}`);
  });

  it('reports invalid JSON inside an item with JSON.parse’s message, the item and both positions', () => {
    const good = JSON.stringify(pod('a'), null, 4).replaceAll('\n', '\n    ');
    const bad = '{\n        "kind": "Pod",\n        "metadata": {"name": "b",}\n    }';
    const text = `{\n    "items": [\n    ${good},\n    ${bad}\n    ]\n}`;
    const itemStart = text.indexOf(bad);
    let parseMessage = '';
    try {
      JSON.parse(bad);
    } catch (error) {
      parseMessage = (error as Error).message;
    }
    const position = Number(/at position (\d+)/.exec(parseMessage)?.[1]);
    for (const size of [5, 4096]) {
      expect(errorOf(() => readChunked(text, size)).detail).toBe(
        `invalid JSON in item 1 (an object starting at ${where(text, itemStart)}): ${parseMessage}; the error is at ${where(text, itemStart + position)}`);
    }
  });

  it('names an item that is not a Kubernetes object', () => {
    const text = JSON.stringify({ kind: 'List', items: [pod('a'), { kind: 'Pod', metadata: { generateName: 'web-' } }] }, null, 4);
    const itemStart = text.indexOf('{', text.indexOf('},') + 2);
    expect(errorOf(() => readChunked(text, 9)).detail).toBe(`item 1 (${where(text, itemStart)}) has no kind or metadata.name`);
  });

  it('names items of a plain List that lack a kind', () => {
    const text = JSON.stringify({ kind: 'List', items: [{ metadata: { name: 'a' } }] });
    expect(errorOf(() => readChunked(text, 64)).detail).toBe(`item 0 (${where(text, text.indexOf('{"metadata'))}) has no kind or metadata.name`);
  });

  it('refuses top-level values that are not objects, and list items that are not objects', () => {
    expect(errorOf(() => readChunked('\n  42', 2)).detail).toBe(`unexpected '4' at ${where('\n  42', 3)}: expected a JSON object or list`);
    const array = '[\n  "pod"\n]';
    expect(errorOf(() => readChunked(array, 2)).detail).toBe(`item 0 (${where(array, 4)}) is not an object: a list holds Kubernetes objects`);
    const missingComma = `[${JSON.stringify(pod('a'))} ${JSON.stringify(pod('b'))}]`;
    expect(errorOf(() => readChunked(missingComma, 64)).detail).toMatch(/^invalid JSON at line 1, column \d+, byte \d+: expected ',' or ']' after item 0/);
  });

  it('says so when the input is an API error Status instead of objects', () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods is forbidden: User "dev" cannot list resource "pods"', reason: 'Forbidden', code: 403 };
    expect(errorOf(() => readChunked(JSON.stringify(status), 64)).detail).toContain('pods is forbidden');
  });
});

describe('the stdout form of kubectl cluster-info dump', () => {
  const nodes = JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'node-a' } }] }, null, 4);
  const pods = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'web-1', namespace: 'shop' } }] }, null, 4);
  const dump = [
    nodes, pods,
    '==== START logs for container app of pod shop/web-1 ====',
    'listening on :8080',
    'panic: dial tcp 10.0.0.7:5432: connect: connection refused',
    '==== END logs for container app of pod shop/web-1 ====',
    '==== START logs for container sidecar of pod shop/web-1 ====',
    'no newline at the end==== END logs for container sidecar of pod shop/web-1 ====',
    '==== START logs for container init of pod shop/web-2 ====',
    'Request log error: container "init" in pod "web-2" is waiting to start: PodInitializing',
    '==== END logs for container init of pod shop/web-2 ====',
    '',
  ].join('\n');

  it('reads the Lists and every log block, for any chunk size', () => {
    for (let size = 1; size <= 80; size++) {
      const { objects, logs } = readChunked(dump, size);
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Node/node-a', 'Pod/web-1']);
      expect(logs).toEqual([
        { namespace: 'shop', pod: 'web-1', container: 'app', previous: false, origin: 'test.json',
          text: 'listening on :8080\npanic: dial tcp 10.0.0.7:5432: connect: connection refused\n' },
        { namespace: 'shop', pod: 'web-1', container: 'sidecar', previous: false, origin: 'test.json', text: 'no newline at the end' },
      ]);
    }
  });

  it('keeps counting lines after log blocks', () => {
    const text = `${dump}{"kind": "Pod"}`;
    const error = errorOf(() => readChunked(text, 13));
    expect(error.detail).toBe(`the top-level object at ${where(text, text.length - '{"kind": "Pod"}'.length)} has no kind or metadata.name`);
  });

  it('keeps the end of a very long log, from a whole line, and counts the lines it dropped', () => {
    const lines = Array.from({ length: Math.ceil((2.5 * LOG_KEEP_BYTES) / 40) }, (_, n) => `${String(n).padStart(8, '0')} GET /api/items 200 12ms`);
    const log = `${lines.join('\n')}\n`;
    const after = '{"kind": "Pod"}';
    const text = `${nodes}\n==== START logs for container app of pod shop/web-1 ====\n${log}==== END logs for container app of pod shop/web-1 ====\n${after}`;
    const reader = () => readChunked(text, 1 << 20);
    expect(errorOf(reader).detail).toBe(`the top-level object at ${where(text, text.length - after.length)} has no kind or metadata.name`);
    const { logs } = readChunked(text.slice(0, -after.length), 1 << 20);
    const kept = logs[0]?.text ?? '';
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(LOG_KEEP_BYTES);
    expect(log.endsWith(kept)).toBe(true);
    expect(log[log.length - kept.length - 1]).toBe('\n');
  });

  it('refuses other text between values', () => {
    const text = `${nodes}\nError from server (Forbidden): pods is forbidden\n`;
    expect(errorOf(() => readChunked(text, 64)).detail).toBe(`unexpected 'E' at ${where(text, nodes.length + 1)}: expected a JSON object or list`);
    const marker = `${nodes}\n==== not a dump marker\n`;
    expect(errorOf(() => readChunked(marker, 64)).detail).toContain('is neither JSON nor a kubectl cluster-info dump log block');
  });

  it('reports a log block cut short', () => {
    const text = `${nodes}\n==== START logs for container app of pod shop/web-1 ====\nhalf a log`;
    expect(errorOf(() => readChunked(text, 64)).detail)
      .toBe(`truncated input: input ends inside the log of container app of pod shop/web-1 opened at ${where(text, nodes.length + 1)}`);
  });
});

describe('readJsonFile', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kubetriage-json-'));

  it('reads a file in small chunks the same as in one', async () => {
    const items = Array.from({ length: 40 }, (_, n) => pod(`web-${n}`, { status: { phase: 'Running', message: 'é日😀'.repeat(n) } }));
    const path = join(folder, 'pods.json');
    writeFileSync(path, JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, 4));
    for (const chunkSize of [7, 100, 4 << 20]) {
      const seen: KubeObject[] = [];
      const summary = await readJsonFile(path, { object: (o) => seen.push(o) }, { chunkSize });
      expect(seen).toEqual(items);
      expect(summary.objects).toBe(40);
    }
  });

  it('locates an error after items it skipped without counting lines', async () => {
    const items: unknown[] = Array.from({ length: 30 }, (_, n) => pod(`web-${n}`));
    items.push({ kind: 'Pod', metadata: { namespace: 'shop' } });
    const text = JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, 4);
    const path = join(folder, 'late-error.json');
    writeFileSync(path, text);
    const itemStart = text.lastIndexOf('{\n            "kind": "Pod"');
    await expect(readJsonFile(path, { object: () => undefined }, { chunkSize: 256 }))
      .rejects.toThrow(`${path}: item 30 (${where(text, itemStart)}) has no kind or metadata.name`);
  });

  it('reports a truncated file with the positions a stream would give', async () => {
    const text = JSON.stringify({ apiVersion: 'v1', items: Array.from({ length: 30 }, (_, n) => pod(`web-${n}`)), kind: 'List' }, null, 4);
    const cut = text.slice(0, text.lastIndexOf('"web-29"') + 4);
    const path = join(folder, 'truncated.json');
    writeFileSync(path, cut);
    const fromStream = errorOf(() => readChunked(cut, 4096));
    const fromFile = await readJsonFile(path, { object: () => undefined }, { chunkSize: 512 }).catch((e: unknown) => e);
    expect(fromFile).toBeInstanceOf(InputError);
    expect((fromFile as InputError).detail).toBe(fromStream.detail);
    expect(fromStream.detail).toMatch(/^truncated input: input ends inside a string opened at line \d+, column 25, byte \d+, in item 29/);
  });

  it('reports progress as bytes read', async () => {
    const path = join(folder, 'progress.json');
    const text = JSON.stringify({ kind: 'List', items: Array.from({ length: 20 }, (_, n) => pod(`p${n}`)) });
    writeFileSync(path, text);
    const seen: number[] = [];
    await readJsonFile(path, { object: () => undefined }, { chunkSize: 100, onProgress: (n) => seen.push(n) });
    expect(seen[seen.length - 1]).toBe(Buffer.byteLength(text));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.length).toBe(Math.ceil(Buffer.byteLength(text) / 100));
  });

  it('names a missing file', async () => {
    await expect(readJsonFile(join(folder, 'absent.json'), { object: () => undefined })).rejects.toBeInstanceOf(InputError);
  });
});
