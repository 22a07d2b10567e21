import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../input-error.js';
import { LOG_TAIL_BYTES, assertLogFileExists, parseLogSpec, readLogSpec } from './log-spec.js';

function detailOf(spec: string): string {
  try {
    parseLogSpec(spec);
  } catch (error) {
    if (error instanceof InputError && error.origin === spec) return error.detail;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseLogSpec', () => {
  it('reads POD, NAMESPACE/POD and NAMESPACE/POD/CONTAINER', () => {
    expect(parseLogSpec('web-1=web.log')).toEqual({ spec: 'web-1=web.log', pod: 'web-1', file: 'web.log' });
    expect(parseLogSpec('shop/web-1=logs/web.log')).toEqual({ spec: 'shop/web-1=logs/web.log', namespace: 'shop', pod: 'web-1', file: 'logs/web.log' });
    expect(parseLogSpec('shop/web-1.v2/app=a=b.log')).toEqual(
      { spec: 'shop/web-1.v2/app=a=b.log', namespace: 'shop', pod: 'web-1.v2', container: 'app', file: 'a=b.log' });
  });

  it('names the malformed spec and says what is expected', () => {
    expect(detailOf('web-1')).toBe('not a log spec: expected [NAMESPACE/]POD[/CONTAINER]=FILE, e.g. shop/web-1/app=web-1.log');
    expect(detailOf('web-1=')).toMatch(/^no log file after '='/);
    expect(detailOf('=web.log')).toMatch(/^bad pod name ""/);
    expect(detailOf('a/b/c/d=web.log')).toMatch(/^bad pod name "a\/b\/c\/d"/);
    expect(detailOf('shop//app=web.log')).toMatch(/^bad pod name/);
    expect(detailOf('Shop/web-1=web.log')).toMatch(/^"Shop" is not a valid namespace name/);
    expect(detailOf('shop/web_1=web.log')).toMatch(/^"web_1" is not a valid pod name/);
    expect(detailOf('shop/web-1/app.v2=web.log')).toMatch(/^"app.v2" is not a valid container name/);
    expect(detailOf('web-1=-')).toBe('a log must come from a file, not stdin');
  });
});

describe('reading a log spec', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kubetriage-logs-'));

  it('reads the file as the named container’s log', async () => {
    const file = join(folder, 'app.log');
    writeFileSync(file, 'starting\npanic: runtime error: invalid memory address\n');
    expect(await readLogSpec(parseLogSpec(`shop/web-1/app=${file}`), true)).toEqual({
      namespace: 'shop', pod: 'web-1', container: 'app', previous: true, origin: file,
      text: 'starting\npanic: runtime error: invalid memory address\n',
    });
  });

  it('reads only the end of a very long log, from a whole line', async () => {
    const file = join(folder, 'long.log');
    const line = 'GET /api/items 200 12ms\n';
    const lines = Math.ceil(LOG_TAIL_BYTES / line.length) + 1000;
    writeFileSync(file, `first line\n${line.repeat(lines)}last line\n`);
    const { text } = await readLogSpec(parseLogSpec(`web-1=${file}`), false);
    expect(text.startsWith(line)).toBe(true);
    expect(text.endsWith('last line\n')).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(LOG_TAIL_BYTES);
  });

  it('names the missing file and the spec it came from', async () => {
    const file = join(folder, 'absent.log');
    const error = await assertLogFileExists(parseLogSpec(`shop/web-1=${file}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${file}: no such log file (log of pod web-1, from "shop/web-1=${file}")`);
  });
});
