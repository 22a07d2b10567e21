import { describe, expect, it } from 'vitest';
import { runRcaCommand as run } from './rca-command.test-support.js';
import { petshopCase, rcaevalCase } from '../rca/fixtures.test-support.js';

describe('kubetriage rca', () => {
  it('prints the ranking as JSON, best first, and exits 1', async () => {
    const { code, out } = await run([petshopCase({ fault: true }), '-o', 'json']);
    const json = JSON.parse(out) as { ranking: { component: string; score: number; evidence: unknown[] }[] };
    expect(code).toBe(1);
    expect(json.ranking[0]?.component).toBe('api');
    expect(json.ranking.map((r) => r.score)).toEqual([...json.ranking.map((r) => r.score)].sort((a, b) => b - a));
  });
  it('says honestly that no root cause was found, and exits 0', async () => {
    const text = await run([petshopCase({ fault: false })]);
    expect(text).toEqual({ code: 0, out: 'no root cause found: no component is anomalous in this case\n' });
    const json = JSON.parse((await run([petshopCase({ fault: false }), '-o', 'json'])).out) as { ranking: unknown[] };
    expect(json.ranking).toEqual([]);
  });
  it('prints evidence under each component in text', async () => {
    const { out } = await run([petshopCase({ fault: true })]);
    expect(out).toMatch(/^1\. api {2}\(score [0-9.]+\)\n {5}- api /);
  });
  it('ranks an RCAEval case by its logs when the metrics are quiet, quoting the log line with its time', async () => {
    const { code, out } = await run([rcaevalCase({ fault: false, logBurst: 'store' })]);
    expect(code).toBe(1);
    expect(out).toMatch(/^1\. store {2}\(score [0-9.]+\)\n {5}- store logged 10 errors in one interval against a normal 0 \(robust z 10\); first: "connection refused: dial tcp 10\.0\.0\.7:5432, retrying" at 2023-11-14T22:14:\d\dZ\n/);
  });
});
