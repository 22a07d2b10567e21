import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from './catalog.js';
import { programOf } from './program.js';
import { runProbe } from './probes.js';

const nginx = DEFAULT_CATALOG['nginx']!;
const program = programOf(nginx, undefined, undefined);
const container = { name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] };
const ip = '10.244.1.7';

describe('runProbe', () => {
  it('answers 200 on a served path of a listening port, by number or by name', () => {
    expect(runProbe({ httpGet: { path: '/', port: 80 } }, container, program, ip, true, nginx.binaries).ok).toBe(true);
    expect(runProbe({ httpGet: { path: '/index.html', port: 'http' } }, container, program, ip, true, nginx.binaries).ok).toBe(true);
    expect(runProbe({ tcpSocket: { port: 80 } }, container, program, ip, true, nginx.binaries).ok).toBe(true);
  });

  it("words failures as the kubelet's prober does", () => {
    expect(runProbe({ httpGet: { path: '/healthz', port: 8081 } }, container, program, ip, true, nginx.binaries).output)
      .toBe('Get "http://10.244.1.7:8081/healthz": dial tcp 10.244.1.7:8081: connect: connection refused');
    expect(runProbe({ httpGet: { path: '/ready', port: 80 } }, container, program, ip, true, nginx.binaries).output)
      .toBe('HTTP probe failed with statuscode: 404');
    expect(runProbe({ tcpSocket: { port: 5432 } }, container, program, ip, true, nginx.binaries).output)
      .toBe('dial tcp 10.244.1.7:5432: connect: connection refused');
    expect(runProbe({ httpGet: { path: '/', port: 80 } }, container, program, ip, false, nginx.binaries).ok).toBe(false);
  });

  it('times out a server slower than the probe timeout', () => {
    const slow = programOf({ ...nginx, responseMs: 2_500 }, undefined, undefined);
    const probe = { httpGet: { path: '/', port: 80 }, timeoutSeconds: 2 };
    expect(runProbe(probe, container, slow, ip, true, nginx.binaries).output)
      .toBe('Get "http://10.244.1.7:80/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
    expect(runProbe({ ...probe, timeoutSeconds: 3 }, container, slow, ip, true, nginx.binaries).ok).toBe(true);
  });
});
