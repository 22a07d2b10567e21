/**
 * A real Prometheus for tests (Debian's `prometheus` package, started on loopback), and promtool's
 * backfill of recorded OpenMetrics into a TSDB folder it then serves.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether prometheus and promtool are installed (`apt-get install -y prometheus`). */
export const HAS_PROMETHEUS = ['/usr/bin/prometheus', '/usr/bin/promtool'].every((p) => existsSync(p)) || process.env['CI'] === 'true';

/** One scrape job: a static target (`host:port`) and its metrics path. */
export interface ScrapeJob {
  readonly job: string;
  readonly target: string;
  readonly path: string;
}

/** A running Prometheus and its storage folder. */
export interface TestPrometheus {
  readonly url: string;
  readonly dir: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts Prometheus on a free loopback port, scraping `jobs` every `intervalSeconds`, over a new
 * storage folder (or `dir`, e.g. one promtool filled); resolves once `/-/ready` answers.
 */
export async function startPrometheus(jobs: readonly ScrapeJob[], intervalSeconds = 1, dir = mkdtempSync(join(tmpdir(), 'kubetriage-prom-'))): Promise<TestPrometheus> {
  const config = join(dir, 'prometheus.yml');
  const scrapeConfigs = jobs.map((j) => `  - job_name: ${j.job}\n    metrics_path: ${j.path}\n    static_configs:\n      - targets: ['${j.target}']\n`).join('');
  const scrapes = jobs.length > 0 ? `scrape_configs:\n${scrapeConfigs}` : 'scrape_configs: []\n';
  writeFileSync(config, `global:\n  scrape_interval: ${intervalSeconds}s\n  scrape_timeout: ${intervalSeconds}s\n${scrapes}`);
  const port = await freePort();
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=30d', '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return { url, dir, close };
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await close();
  throw new Error(`prometheus did not become ready: ${stderr}`);
}

/** Writes OpenMetrics text into `dir/data` as TSDB blocks with `promtool tsdb create-blocks-from openmetrics`. */
export async function backfill(openMetrics: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetriage-prom-'));
  const input = join(dir, 'recorded.om');
  writeFileSync(input, openMetrics);
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, join(dir, 'data')]);
  return dir;
}
