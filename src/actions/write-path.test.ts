/**
 * No code path writes to a cluster except through the gateway: the API client's write method is
 * called in the executors alone, and the executors are imported by the gateway alone (the simulator,
 * which serves writes, and tests are not product code).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../', import.meta.url));

function productFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'sim' && dir === SRC ? [] : productFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.includes('test-support') ? [path] : [];
  });
}

describe('the write path', () => {
  const files = productFiles(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

  it('reads the product\'s sources', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.path === 'actions/gateway.ts')).toBe(true);
  });

  it('calls writeJson only in the executors, and defines it only in the API client', () => {
    const callers = files.filter((f) => f.path !== 'sources/live/api-client.ts' && /\.writeJson\s*[(<]/.test(f.text)).map((f) => f.path);
    // The server's leader election writes its own coordination Lease: not a change to the workloads
    // kubetriage governs. Any other caller fails this test.
    expect(callers.filter((p) => p !== 'server/leader-election.ts')).toEqual(['actions/executors.ts']);
    const leases = files.find((f) => f.path === 'server/leader-election.ts');
    if (leases) expect(leases.text).toMatch(/coordination\.k8s\.io/);
  });

  it('sends no write method by any other HTTP means', () => {
    const raw = files.filter((f) => f.path !== 'sources/live/api-client.ts' && /method:\s*['"](POST|PUT|PATCH|DELETE)['"]/.test(f.text) && /\b(request|fetch)\s*\(/.test(f.text)).map((f) => f.path);
    expect(raw).toEqual([]);
    const clientNode = files.filter((f) => /(CoreV1Api|AppsV1Api|KubernetesObjectApi|PatchStrategy)/.test(f.text)).map((f) => f.path);
    expect(clientNode).toEqual([]);
  });

  it('imports the executors from the gateway alone', () => {
    const importers = files.filter((f) => /from '\.\/executors\.js'|from '\.\.\/actions\/executors\.js'/.test(f.text)).map((f) => f.path);
    expect(importers).toEqual(['actions/gateway.ts']);
  });
});
