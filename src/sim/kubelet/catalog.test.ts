import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG, lookupImage, parseImage } from './catalog.js';
import { programOf } from './program.js';

describe('parseImage', () => {
  it('qualifies short names the way containerd does', () => {
    expect(parseImage('nginx')).toMatchObject({ qualified: 'docker.io/library/nginx:latest', repository: 'nginx', tag: 'latest', hasRegistry: false });
    expect(parseImage('curlimages/curl:8.11.0')).toMatchObject({ qualified: 'docker.io/curlimages/curl:8.11.0', repository: 'curlimages/curl' });
    expect(parseImage('docker.io/library/redis:7')).toMatchObject({ repository: 'redis', tag: '7', hasRegistry: false });
    expect(parseImage('registry.example.com:5000/team/api:2.3')).toMatchObject({ qualified: 'registry.example.com:5000/team/api:2.3', tag: '2.3', hasRegistry: true });
  });
});

describe('lookupImage', () => {
  it('knows catalog tags, runs registry images as generic servers, and rejects unknown short names', () => {
    expect(lookupImage(DEFAULT_CATALOG, parseImage('nginx:1.27'), [])?.tagExists).toBe(true);
    expect(lookupImage(DEFAULT_CATALOG, parseImage('nginx:9.99'), [])?.tagExists).toBe(false);
    const generic = lookupImage(DEFAULT_CATALOG, parseImage('ghcr.io/acme/checkout:1.4.2'), [8080]);
    expect(generic?.tagExists).toBe(true);
    expect(generic?.entry.ports).toEqual([8080]);
    expect(lookupImage(DEFAULT_CATALOG, parseImage('checkout:1.0'), [])).toBeUndefined();
  });
});

describe('programOf', () => {
  const busybox = DEFAULT_CATALOG['busybox']!;
  it('models sleep, exit codes, echo and stress', () => {
    expect(programOf(busybox, ['sleep', '30'], undefined).run).toEqual({ kind: 'exit', code: 0, afterMs: 30_000 });
    expect(programOf(busybox, ['sh', '-c', 'exit 3'], undefined).run).toMatchObject({ kind: 'exit', code: 3 });
    expect(programOf(busybox, ['sh', '-c', 'echo hi; sleep 2; exit 1'], undefined)).toMatchObject({ run: { code: 1, afterMs: 2_060 }, logs: ['hi'] });
    const stress = programOf(DEFAULT_CATALOG['polinux/stress']!, ['stress'], ['--vm', '1', '--vm-bytes', '300M']);
    expect(stress.memoryBytes).toBeGreaterThan(300 * 1024 * 1024);
    expect(stress.run.kind).toBe('serve');
  });

  it('reports an executable missing from the image, and lets args alone replace a tool image command', () => {
    expect(programOf(busybox, ['python', 'app.py'], undefined).missingExecutable).toBe('python');
    expect(programOf(busybox, undefined, ['sleep', '5']).run).toEqual({ kind: 'exit', code: 0, afterMs: 5_000 });
    expect(programOf(DEFAULT_CATALOG['nginx']!, undefined, undefined).run.kind).toBe('serve');
  });
});
