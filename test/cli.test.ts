/**
 * The command line as users run it: the built `./bin/kubetriage` in a child process, with real files,
 * stdin, exit codes and output streams.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCENARIO_ROOT } from './scenario.js';
import { BIN } from './run-bin.js';

const scenarioFile = (name: string, file = 'cluster.yaml'): string => join(SCENARIO_ROOT, name, file);

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'kubetriage-cli-'));

describe('kubetriage diagnose', () => {
  it('prints incidents as JSON in the documented shape and exits 1 on findings', () => {
    const r = run(['diagnose', scenarioFile('c-checkout-memory-limit'), '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { incidents: { cause: Record<string, unknown>; symptoms: unknown[] }[] };
    expect(report.incidents).toHaveLength(1);
    const cause = report.incidents[0]!.cause;
    expect(cause).toMatchObject({ mode: 'OOMKilled', category: 'memory-limit-too-low', subject: { kind: 'Pod', namespace: 'shop' } });
    expect(cause['confidence']).toBeGreaterThan(0.5);
    expect(JSON.stringify(cause['evidence'])).toContain('OOMKilled');
    expect(r.stderr).toBe('');
  });

  it('exits 0 with a clean report on a healthy cluster', () => {
    // A probe timeout 50 minutes before capture is history, not an incident: the capture time decides.
    const healthy = run(['diagnose', scenarioFile('e-healthy-named-port'), '--captured-at', '2026-11-20T10:00:00Z']);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain('No problems found');
    expect(run(['diagnose', scenarioFile('e-healthy-named-port')]).code).toBe(1);
    expect(run(['diagnose', scenarioFile('e-healthy-named-port'), '--captured-at', 'yesterday']).code).toBe(2);
  });

  it('reads stdin for -', () => {
    const r = run(['diagnose', '-', '-o', 'yaml'], readFileSync(scenarioFile('e-svc-selector'), 'utf8'));
    expect(r.code).toBe(1);
    expect((parse(r.stdout) as { incidents: { cause: { category: string } }[] }).incidents[0]!.cause.category).toBe('selector-mismatch');
  });

  it('reads pasted describe text as well as JSON', () => {
    const r = run(['diagnose', scenarioFile('c-describe-cart-oom', 'describe.txt'), '-o', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## 1\. OOMKilled \//m);
  });

  it('uses previous logs given with --previous-logs to name the cause', () => {
    const logFile = scenarioFile('c-orders-dependency-refused', 'orders.previous.log');
    const args = ['diagnose', scenarioFile('c-orders-dependency-refused'), '-o', 'json'];
    const withLogs = JSON.parse(run([...args, '--previous-logs', `shop/orders-7kxngds2md-rd47k/app=${logFile}`]).stdout);
    const without = JSON.parse(run(args).stdout);
    expect(withLogs.incidents[0].cause.category).toBe('dependency-unreachable');
    expect(without.incidents[0].cause.category).toBe('unknown');
  });

  it('never prints a secret that an application logged', () => {
    const logFile = join(tmp, 'leaky.log');
    writeFileSync(logFile, 'connecting to postgres://orders:Sup3rS3cret@10.40.2.15:5432/orders\npassword=Sup3rS3cret\ndial tcp 10.40.2.15:5432: connect: connection refused\n');
    const r = run(['diagnose', scenarioFile('c-orders-dependency-refused'), '--previous-logs', `shop/orders-7kxngds2md-rd47k/app=${logFile}`, '-o', 'json']);
    expect(r.stdout).toContain('connection refused');
    expect(r.stdout).not.toContain('Sup3rS3cret');
  });

  it('filters by namespace and by severity', () => {
    const demo = new URL('../examples/shop-outage/cluster.json', import.meta.url).pathname;
    const all = JSON.parse(run(['diagnose', demo, '-o', 'json']).stdout).incidents as { severity: string; affected: { namespace?: string }[] }[];
    const payments = JSON.parse(run(['diagnose', demo, '-o', 'json', '-n', 'payments']).stdout).incidents as typeof all;
    const critical = JSON.parse(run(['diagnose', demo, '-o', 'json', '--severity', 'critical']).stdout).incidents as typeof all;
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.length).toBeLessThan(all.length);
    expect(payments.every((i) => i.affected.some((r) => r.namespace === 'payments'))).toBe(true);
    expect(critical.length).toBe(all.filter((i) => i.severity === 'critical').length);
    expect(critical.length).toBeLessThan(all.length);
  });

  it('names the file and the position of truncated JSON, exits 2 and prints nothing on stdout', () => {
    const file = join(tmp, 'truncated.json');
    writeFileSync(file, '{"apiVersion":"v1","kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"}},\n{"kind":"Pod","metad');
    const r = run(['diagnose', file, '-o', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/line 2/);
  });

  it('rejects binary junk and a missing file with exit 2', () => {
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]));
    const r = run(['diagnose', junk]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('junk.bin');
    expect(run(['diagnose', join(tmp, 'nope.json')]).code).toBe(2);
  });

  it('rejects an unknown output format with exit 2', () => {
    expect(run(['diagnose', scenarioFile('e-svc-selector'), '-o', 'xml']).code).toBe(2);
  });
});

describe('kubetriage demo', () => {
  it('starts the simulated shop, breaks it, and diagnoses it live', () => {
    const r = run(['demo', '--speed', '20', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/simulated cluster at http:\/\/127\.0\.0\.1:\d+ running "The shop answers 503 at checkout time"/);
    const report = JSON.parse(r.stdout) as { incidents: { cause: { mode: string; category: string; subject: { name: string } } }[] };
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]!.cause).toMatchObject({ mode: 'OOMKilled', category: 'memory-limit-too-low' });
    expect(report.incidents[0]!.cause.subject.name).toMatch(/^payments-/);
  });

  it('diagnoses the bundled example files with --offline', () => {
    const r = run(['demo', '--offline']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^5 incidents/);
    expect(r.stdout).toContain('OOMKilled / memory-limit-too-low');
  });
});
