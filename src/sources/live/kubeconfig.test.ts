import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../input-error.js';
import { loadKubeConfig } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetriage-kubeconfig-'));

function config(file: string, current: string | undefined, entries: { name: string; server: string }[]): string {
  const path = join(dir, file);
  writeFileSync(path, stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: entries.map((e) => ({ name: e.name, cluster: { server: e.server } })),
    users: entries.map((e) => ({ name: e.name, user: { token: `token-${e.name}` } })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name } })),
    ...(current ? { 'current-context': current } : {}),
  }));
  return path;
}

describe('loadKubeConfig', () => {
  const first = config('first', 'prod', [{ name: 'prod', server: 'https://prod.example:6443' }, { name: 'shared', server: 'https://first.example' }]);
  const second = config('second', 'staging', [{ name: 'staging', server: 'https://staging.example' }, { name: 'shared', server: 'https://second.example' }]);

  it('merges the KUBECONFIG files as kubectl does: the first to name a context or cluster wins, and so does its current context', () => {
    const kc = loadKubeConfig({ env: { KUBECONFIG: [first, join(dir, 'missing'), second].join(delimiter) } });
    expect(kc.getCurrentContext()).toBe('prod');
    expect(kc.getContexts().map((c) => c.name).sort()).toEqual(['prod', 'shared', 'staging']);
    expect(kc.getCluster('shared')?.server).toBe('https://first.example');
  });

  it('switches context with --context, and names the ones there are when it does not exist', () => {
    const kc = loadKubeConfig({ env: { KUBECONFIG: [first, second].join(delimiter) }, context: 'staging' });
    expect(kc.getCurrentCluster()?.server).toBe('https://staging.example');
    expect(() => loadKubeConfig({ kubeconfig: first, context: 'dev' })).toThrow('no context "dev" in the kubeconfig (it has: prod, shared)');
  });

  it('prefers --kubeconfig to KUBECONFIG, and refuses one that does not exist', () => {
    expect(loadKubeConfig({ kubeconfig: second, env: { KUBECONFIG: first } }).getCurrentContext()).toBe('staging');
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'nope') })).toThrow(InputError);
  });

  it('names the file that is not a kubeconfig', () => {
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'clusters: [ {');
    expect(() => loadKubeConfig({ kubeconfig: junk })).toThrow(`${junk}: not a usable kubeconfig`);
  });
});
