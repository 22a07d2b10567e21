import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../sources/input-error.js';
import { loadScenario, parseDuration, parseScenario } from './scenario.js';

const VALID = `title: Orders
description: One namespace.
nodes: 2
manifests:
  - {apiVersion: v1, kind: Namespace, metadata: {name: orders}}
expect:
  - {mode: CrashLoopBackOff, category: application-error, subject: {kind: Pod, namespace: orders}, namePrefix: orders-}
`;

function errorOf(text: string): InputError {
  try {
    parseScenario(text, 'scenarios/orders.yaml');
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('the scenario was accepted');
}

describe('loadScenario', () => {
  it('reads a scenario file into its parts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kubetriage-scenario-')), 'orders.yaml');
    writeFileSync(file, VALID);
    const scenario = await loadScenario(file);
    expect(scenario.file).toBe(file);
    expect(scenario.nodes).toBe(2);
    expect(scenario.manifests.map((m) => m.metadata.name)).toEqual(['orders']);
    expect(scenario.expect[0]?.namePrefix).toBe('orders-');
  });

  it('names the file and the field at fault', () => {
    expect(errorOf(VALID.replace('title: Orders\n', '')).message).toBe('scenarios/orders.yaml: title: required: a non-empty string');
    expect(errorOf(VALID.replace('kind: Namespace, ', '')).message).toBe('scenarios/orders.yaml: manifests[0].kind: required');
    expect(errorOf(VALID.replace('mode: CrashLoopBackOff, ', '')).message)
      .toBe('scenarios/orders.yaml: expect[0].mode: required: a failure mode such as CrashLoopBackOff');
    expect(errorOf(VALID.replace('nodes: 2', 'nodes: [{labels: {a: b}}]')).message).toBe('scenarios/orders.yaml: nodes[0].name: required: a non-empty string');
    expect(errorOf(VALID.replace(/expect:[\s\S]*/, '')).message).toContain('scenarios/orders.yaml: expect: required');
    expect(errorOf('title: [unclosed').message).toMatch(/^scenarios\/orders\.yaml: not valid YAML: /);
  });

  it('reads steps in time order, with their times as durations of simulated time', () => {
    const text = `${VALID}steps:
  - after: 1m30s
    manifests: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: orders}}]
  - after: 2m
    manifests: [{apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: orders}}]
`;
    const scenario = parseScenario(text, 'scenarios/orders.yaml');
    expect(scenario.steps.map((s) => [s.afterMs, s.manifests[0]?.metadata.name])).toEqual([[90_000, 'a'], [120_000, 'b']]);
    expect(parseScenario(VALID, 'scenarios/orders.yaml').steps).toEqual([]);
    expect(errorOf(text.replace('after: 2m', 'after: 1m')).message).toBe('scenarios/orders.yaml: steps[1].after: 1m comes before the previous step: steps are in time order');
    expect(errorOf(text.replace('after: 2m', 'after: soon')).message).toBe('scenarios/orders.yaml: steps[1].after: required: a duration of simulated time such as 90s or 2m');
    expect(errorOf(text.replace('kind: ConfigMap, metadata: {name: b', 'metadata: {name: b')).message).toBe('scenarios/orders.yaml: steps[1].manifests[0].kind: required');
    expect(errorOf(`${VALID}steps: [{after: 5s, manifests: []}]\n`).message).toBe('scenarios/orders.yaml: steps[0].manifests: at least one object');
  });

  it('reads a step that stops or starts a node\'s kubelet, and refuses one that also names objects', () => {
    const text = `${VALID}steps:
  - after: 1m
    stopKubelet: sim-worker-2
  - after: 5m
    startKubelet: sim-worker-2
`;
    expect(parseScenario(text, 'scenarios/orders.yaml').steps).toEqual([
      { afterMs: 60_000, manifests: [], stopKubelet: 'sim-worker-2' },
      { afterMs: 300_000, manifests: [], startKubelet: 'sim-worker-2' },
    ]);
    expect(errorOf(text.replace('stopKubelet: sim-worker-2', 'stopKubelet: sim-worker-2\n    startKubelet: sim-worker-1')).message)
      .toBe('scenarios/orders.yaml: steps[0]: one of manifests, stopKubelet or startKubelet');
    expect(errorOf(text.replace('stopKubelet: sim-worker-2', 'stopKubelet: sim-worker-2\n    manifests: []')).message)
      .toBe('scenarios/orders.yaml: steps[0]: one of manifests, stopKubelet or startKubelet');
    expect(errorOf(text.replace('startKubelet: sim-worker-2', 'startKubelet: [a]')).message).toBe('scenarios/orders.yaml: steps[1].startKubelet: a node name');
  });

  it('reads Go-style durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('90')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('says which file it cannot read', async () => {
    await expect(loadScenario('/nonexistent/shop.yaml')).rejects.toThrow(/^\/nonexistent\/shop\.yaml: cannot read the scenario: ENOENT/);
  });
});
