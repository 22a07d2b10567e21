/**
 * Runs the real `kubectl` (on PATH) against a simulated API server: starts the server on a free
 * loopback port, writes a kubeconfig into a temp dir, and runs `kubectl --kubeconfig F …` with
 * execFile. HOME points into the temp dir, so kubectl's discovery cache starts empty and the
 * user's own config is never read.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore } from '../store/object-store.js';
import { writeKubeconfig } from './kubeconfig.js';
import { type SimServerOptions, startSimServer } from './server.js';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../cluster.js';

/** What one kubectl run printed and how it exited. */
export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A kubectl running in the background (a watch). */
export interface BackgroundKubectl {
  /** Everything printed on stdout so far. */
  output(): string;
  /** Resolves once stdout contains `text` (rejects after `timeoutMs`). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  stop(): void;
}

/** Where and how a kubectl run happens. */
export interface KubectlRun {
  /** HOME for kubectl (its discovery cache): a temp dir of the test. */
  home: string;
  input?: string;
  /** Extra environment (PATH for plugins ...). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Name the kubeconfig only in KUBECONFIG, not with --kubeconfig: kubectl does not pass its own flags on to a plugin. */
  kubeconfigFromEnv?: boolean;
}

/** Runs the real kubectl against `kubeconfig`; never rejects: the exit code is in the result. */
export function runKubectl(kubeconfig: string, args: string[], run: KubectlRun): Promise<KubectlResult> {
  const env = { ...process.env, HOME: run.home, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...run.env };
  return new Promise((resolve) => {
    const child = execFile('kubectl', run.kubeconfigFromEnv ? args : ['--kubeconfig', kubeconfig, ...args], { env, timeout: run.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 });
    });
    if (run.input !== undefined) child.stdin?.end(run.input);
  });
}

/** A simulated cluster with kubectl pointed at it. */
export interface SimKubectl {
  url: string;
  store: ObjectStore;
  kubeconfig: string;
  dir: string;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  background(args: string[]): BackgroundKubectl;
  /** Writes a file into the temp dir and returns its path. */
  file(name: string, content: string): string;
  close(): Promise<void>;
}

/** Starts a server and a kubeconfig for it. */
export async function startSimKubectl(options: SimServerOptions = {}): Promise<SimKubectl> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetriage-sim-'));
  const server = await startSimServer(options);
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, server.url);
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
  const children = new Set<ChildProcess>();
  return {
    url: server.url,
    store: server.store,
    kubeconfig,
    dir,
    kubectl: (args, input) => runKubectl(kubeconfig, args, { home: dir, ...(input !== undefined ? { input } : {}) }),
    background: (args) => {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let out = '';
      const listeners = new Set<() => void>();
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        for (const l of listeners) l();
      });
      return {
        output: () => out,
        waitFor: (text, timeoutMs = 10_000) => new Promise((resolve, reject) => {
          const check = () => {
            if (typeof text === 'string' ? out.includes(text) : text.test(out)) {
              listeners.delete(check);
              clearTimeout(timer);
              resolve(out);
            }
          };
          const timer = setTimeout(() => {
            listeners.delete(check);
            reject(new Error(`kubectl ${args.join(' ')} did not print ${String(text)} within ${timeoutMs} ms; printed:\n${out}`));
          }, timeoutMs);
          listeners.add(check);
          check();
        }),
        stop: () => {
          child.kill();
          children.delete(child);
        },
      };
    },
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    close: async () => {
      for (const c of children) c.kill();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true (rejects after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not hold within ${timeoutMs} ms`);
}

/** A whole simulated cluster (controllers, scheduler, kubelets) with the real kubectl pointed at it. */
export interface ClusterKubectl {
  sim: SimCluster;
  dir: string;
  kubeconfig: string;
  kubectl(...args: string[]): Promise<KubectlResult>;
  /** kubectl with `input` on its stdin (`apply -f -`). */
  kubectlIn(input: string, ...args: string[]): Promise<KubectlResult>;
  close(): Promise<void>;
}

/** Starts the cluster and writes its kubeconfig in a temp dir, which `close` removes. */
export async function startClusterKubectl(options: SimClusterOptions = {}, timeoutMs = 60_000): Promise<ClusterKubectl> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetriage-cluster-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const sim = await startSimCluster(options);
  await writeKubeconfig(kubeconfig, sim.url, sim.tls ?? {});
  return {
    sim, dir, kubeconfig,
    kubectl: (...args) => runKubectl(kubeconfig, args, { home: dir, timeoutMs }),
    kubectlIn: (input, ...args) => runKubectl(kubeconfig, args, { home: dir, input, timeoutMs }),
    close: async () => {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
