import { describe, expect, it } from 'vitest';
import { InputError } from '../input-error.js';
import { HEAD_BYTES, detectFormat } from './detect.js';

/** The describe parser is someone else's: here only its verdict matters. */
const describeWhenNamed = { looksLikeDescribe: (text: string) => /^Name:\s+\S/m.test(text) };
const detect = (text: string | Buffer): string =>
  detectFormat(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), 'input.txt', describeWhenNamed);

function detailOf(text: string | Buffer): string {
  try {
    detect(text);
  } catch (error) {
    if (error instanceof InputError) return error.detail;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('detectFormat', () => {
  it('reads JSON objects and arrays, after blanks and a byte order mark', () => {
    expect(detect('{"kind":"List"}')).toBe('json');
    expect(detect('\n\t  [ {"kind":"Pod"} ]')).toBe('json');
    expect(detect('\uFEFF{"kind":"Pod"}')).toBe('json');
  });

  it('reads YAML that opens with a document marker or a kubectl key, after comments', () => {
    expect(detect('apiVersion: v1\nitems: []\nkind: List\n')).toBe('yaml');
    expect(detect('# Source: chart/templates/deploy.yaml\n---\nkind: Deployment\n')).toBe('yaml');
    expect(detect('metadata:\n  name: web\nkind: Pod\n')).toBe('yaml');
  });

  it('asks the describe parser before trying YAML keys further down', () => {
    // Describe text of a ConfigMap quotes YAML data, keys and all.
    const describeText = 'Name:         settings\nNamespace:    shop\n\nData\n====\napp.yaml:\n----\napiVersion: v1\nkind: Config\n';
    expect(detect(describeText)).toBe('describe');
    expect(detect('labels: {}\napiVersion: v1\nkind: Pod\n')).toBe('yaml');
  });

  it('refuses empty and blank input', () => {
    expect(detailOf('')).toMatch(/^empty input: expected JSON or YAML/);
    expect(detailOf(' \n\r\n\t ')).toMatch(/^empty input/);
  });

  it('refuses binary data, compressed data and UTF-16', () => {
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
    expect(detailOf(junk)).toBe('binary data, not JSON, YAML or kubectl describe text');
    const invalidUtf8 = Buffer.from(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0x41 : 0xc3 + (i % 2) * 0x3c)));
    expect(detailOf(invalidUtf8)).toBe('binary data, not JSON, YAML or kubectl describe text');
    expect(detailOf(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41]))).toMatch(/^gzip-compressed data/);
    expect(detailOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"kind":"Pod"}', 'utf16le')]))).toMatch(/^UTF-16 text/);
    expect(detailOf(Buffer.from('{"kind":"Pod","metadata":{}}', 'utf16le'))).toMatch(/^UTF-16 text/);
  });

  it('keeps text with a few odd bytes, like a head cut inside a character', () => {
    const head = Buffer.from(`{"note": "${'é'.repeat(HEAD_BYTES / 2)}"}`, 'utf8').subarray(0, HEAD_BYTES - 1);
    expect(detect(head)).toBe('json');
  });

  it('says which formats it reads and quotes how an unknown input begins', () => {
    expect(detailOf('No resources found in shop namespace.\n')).toBe(
      'unrecognised input: expected JSON or YAML (kubectl get -o json|yaml, kubectl cluster-info dump) or kubectl describe text, '
      + 'but it begins with "No resources found in shop namespace."');
  });
});
