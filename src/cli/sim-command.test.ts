import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Io } from './diagnose-command.js';
import { main } from './main.js';
import { runSimStart } from './sim-command.js';

const run = promisify(execFile);

function capture(): { io: Io; err: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr } as unknown as Io;
  return { io, err: () => text };
}

/** Polls until `ok` holds, for at most 20 s of real time. */
async function waitFor(ok: () => Promise<boolean>): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end;) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached within 20 s');
}

describe('kubetriage sim start', () => {
  it('serves until stopped, after writing a kubeconfig kubectl can use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetriage-sim-cli-'));
    const kubeconfig = join(dir, 'config');
    const { io, err } = capture();
    let stop!: () => void;
    const serving = runSimStart({ port: 0, host: '127.0.0.1', kubeconfig, nodes: 2 }, io, new Promise((resolve) => { stop = resolve; }));
    while (!err().includes('\n')) await new Promise((r) => setTimeout(r, 10));
    const config = parse(readFileSync(kubeconfig, 'utf8')) as { 'current-context': string; clusters: { cluster: { server: string } }[] };
    expect(config['current-context']).toBe('kubetriage-sim');
    const url = config.clusters[0]!.cluster.server;
    expect(err()).toBe(`kubetriage sim: Kubernetes API at ${url}, kubeconfig written to ${kubeconfig} (Ctrl-C to stop)\n`);
    const version = await run('kubectl', ['--kubeconfig', kubeconfig, 'version'], { env: { ...process.env, HOME: dir } });
    expect(version.stdout).toContain('Server Version: v1.32.0');
    const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, HOME: dir } });
    await waitFor(async () => (await kubectl('get', 'nodes', '--no-headers')).stdout.match(/ Ready /g)?.length === 2);
    const manifest = join(dir, 'pod.yaml');
    writeFileSync(manifest, `apiVersion: v1
kind: Pod
metadata: { name: greeter, namespace: default }
spec:
  nodeName: sim-worker-1
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'echo hello from the simulated kubelet; sleep 3600']
`);
    await kubectl('apply', '-f', manifest);
    await waitFor(async () => (await kubectl('get', 'pod', 'greeter', '--no-headers')).stdout.includes('Running'));
    expect((await kubectl('logs', 'greeter')).stdout).toBe('hello from the simulated kubelet\n');
    const previous = await kubectl('logs', 'greeter', '--previous').then(() => undefined, (e: { stderr: string }) => e.stderr);
    expect(previous).toContain('previous terminated container "app" in pod "greeter" not found');
    stop();
    await serving;
    await expect(fetch(`${url}/readyz`)).rejects.toThrow();
  });

  it('serves a scenario: its nodes and objects are there when the kubeconfig appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetriage-sim-cli-'));
    const kubeconfig = join(dir, 'config');
    const scenarioFile = join(dir, 'shop.yaml');
    writeFileSync(scenarioFile, `title: A shop
description: One web deployment on one named node.
nodes: [{name: shop-node, labels: {pool: web}}]
manifests:
  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: shop}, spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "nginx:1.27"}]}}}}
  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
expect: []
`);
    const { io, err } = capture();
    let stop!: () => void;
    const serving = runSimStart({ port: 0, host: '127.0.0.1', kubeconfig, nodes: 3, scenario: scenarioFile }, io, new Promise((resolve) => { stop = resolve; }));
    while (!err().includes('loaded')) await new Promise((r) => setTimeout(r, 10));
    expect(err().split('\n')[1]).toBe(`kubetriage sim: scenario "A shop" loaded from ${scenarioFile}`);
    const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, HOME: dir } });
    // The scenario's node list replaces --nodes.
    expect((await kubectl('get', 'nodes', '-o', 'name')).stdout).toBe('node/shop-node\n');
    await waitFor(async () => /^web-\S+\s+1\/1\s+Running/m.test((await kubectl('get', 'pods', '-n', 'shop', '--no-headers')).stdout));
    stop();
    await serving;
  });

  it('refuses a scenario with a bad field before serving, naming the file and field, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetriage-sim-cli-'));
    const scenarioFile = join(dir, 'shop.yaml');
    writeFileSync(scenarioFile, 'title: A shop\ndescription: d\nmanifests: [{apiVersion: v1, kind: Namespace, metadata: {}}]\nexpect: []\n');
    const { io, err } = capture();
    const code = await main(['sim', 'start', '--kubeconfig', join(dir, 'config'), '--scenario', scenarioFile], io);
    expect(code).toBe(2);
    expect(err()).toBe(`kubetriage: error: ${scenarioFile}: manifests[0].metadata.name: required\n`);
    expect(existsSync(join(dir, 'config'))).toBe(false);
  });

  it('refuses a port that is not one, and a missing --kubeconfig', async () => {
    const bad = capture();
    expect(await main(['sim', 'start', '--kubeconfig', '/tmp/x', '--port', 'http'], bad.io)).toBe(2);
    expect(bad.err()).toContain('--port: "http" is not a port');
    const missing = capture();
    expect(await main(['sim', 'start'], missing.io)).toBe(2);
    expect(missing.err()).toContain("required option '--kubeconfig <file>' not specified");
  });
});
