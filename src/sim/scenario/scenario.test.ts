import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../sources/input-error.js';
import { loadScenario, parseScenario } from './scenario.js';

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

  it('says which file it cannot read', async () => {
    await expect(loadScenario('/nonexistent/shop.yaml')).rejects.toThrow(/^\/nonexistent\/shop\.yaml: cannot read the scenario: ENOENT/);
  });
});
