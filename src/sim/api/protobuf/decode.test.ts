import { describe, expect, it } from 'vitest';
import { StatusError } from '../../store/status-error.js';
import { decodeKubernetesProtobuf } from './decode.js';

/** A minimal protobuf writer for building test bodies. */
class Writer {
  private readonly parts: number[] = [];
  varint(n: bigint | number): this {
    let v = BigInt.asUintN(64, BigInt(n));
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.parts.push(b);
    } while (v > 0n);
    return this;
  }
  key(field: number, wireType: number): this { return this.varint((field << 3) | wireType); }
  string(field: number, s: string): this { return this.bytes(field, Buffer.from(s, 'utf8')); }
  bytes(field: number, b: Uint8Array): this { this.key(field, 2).varint(b.length); this.parts.push(...b); return this; }
  message(field: number, w: Writer): this { return this.bytes(field, w.done()); }
  int(field: number, n: number): this { return this.key(field, 0).varint(n); }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

function envelope(apiVersion: string, kind: string, raw: Writer): Uint8Array {
  const unknown = new Writer().message(1, new Writer().string(1, apiVersion).string(2, kind)).message(2, raw).string(3, '').string(4, '');
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown.done()]);
}

const mapEntry = (key: string, value: Writer | string) => {
  const w = new Writer().string(1, key);
  return typeof value === 'string' ? w.string(2, value) : w.message(2, value);
};

describe('decodeKubernetesProtobuf', () => {
  it('decodes a namespace as kubectl 1.32 sends it, dropping Go zero values', () => {
    const body = Buffer.from('6b3873000a0f0a02763112094e616d657370616365121c0a140a0473686f7012001a0022002a0032003800420012001a020a001a002200', 'hex');
    expect(decodeKubernetesProtobuf(body)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' }, spec: {}, status: {} });
  });

  it('decodes maps, repeated messages, int-or-string, quantities, bytes and kept zeros', () => {
    const meta = new Writer().string(1, 'web').string(3, 'shop').message(11, mapEntry('app', 'web')).int(7, 0);
    const container = new Writer().string(1, 'app').string(2, 'nginx:1.27').string(3, 'sh').string(3, '-c')
      .message(6, new Writer().int(3, 80).string(4, 'TCP'))
      .message(8, new Writer().message(1, mapEntry('memory', new Writer().string(1, '128Mi'))))
      .message(10, new Writer().message(1, new Writer().message(2, new Writer().string(1, '/healthz').message(2, new Writer().int(1, 1).string(3, 'http')))).int(4, 5));
    const template = new Writer().message(1, new Writer().message(11, mapEntry('app', 'web')).message(8, new Writer()))
      .message(2, new Writer().message(2, container).int(4, 0).string(3, ''));
    const spec = new Writer().int(1, 0).message(2, new Writer().message(1, mapEntry('app', 'web'))).message(3, template)
      .message(4, new Writer().string(1, 'RollingUpdate').message(2, new Writer().message(1, new Writer().int(1, 0).int(2, 1))));
    const decoded = decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', new Writer().message(1, meta).message(2, spec)));
    expect(decoded).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{
              name: 'app', image: 'nginx:1.27', command: ['sh', '-c'], ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: { limits: { memory: '128Mi' } }, livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            }],
          },
        },
      },
    });
  });

  it('decodes secret data as base64 and keeps empty map values', () => {
    const secret = new Writer().message(1, new Writer().string(1, 'creds')).message(2, new Writer().string(1, 'pw').bytes(2, Buffer.from('s3cret')))
      .message(2, new Writer().string(1, 'empty')).string(3, 'Opaque');
    expect(decodeKubernetesProtobuf(envelope('v1', 'Secret', secret))).toEqual({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { pw: Buffer.from('s3cret').toString('base64'), empty: '' }, type: 'Opaque',
    });
  });

  it('refuses bodies that are not a known Kubernetes object with 400', () => {
    for (const body of [Uint8Array.from([1, 2, 3]), envelope('example.com/v1', 'Widget', new Writer()), Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05, 0x01])]) {
      let err: unknown;
      try { decodeKubernetesProtobuf(body); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(400);
    }
  });
});
