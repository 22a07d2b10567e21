import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupResource } from '../resources.js';
import { type ControllerHarness, startHarness } from './controllers.test-support.js';
import { type Obj, mutable } from './kube.js';
import { UNSCHEDULABLE_TAINT } from './unschedulable-taint.js';

const NODES = lookupResource('nodes')!;

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

const taints = (): Obj[] => ((h.store.get(NODES, undefined, 'node-1').spec as Obj | undefined)?.['taints'] as Obj[] | undefined) ?? [];

function setUnschedulable(value: boolean): void {
  const node = mutable(h.store.get(NODES, undefined, 'node-1'));
  node['spec'] = { ...(node['spec'] as Obj | undefined), unschedulable: value };
  h.store.update(NODES, node, { name: 'node-1' });
  h.settle();
}

describe('the cordoned node\'s taint', () => {
  it('follows spec.unschedulable, stamped with the time it was added, and leaves other taints alone', () => {
    h.store.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] } });
    h.settle();
    expect(taints().map((t) => t['key'])).toEqual(['dedicated']);
    h.advance(30_000);
    setUnschedulable(true);
    expect(taints()).toEqual([
      { key: 'dedicated', value: 'batch', effect: 'NoSchedule' },
      { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:30Z' },
    ]);
    setUnschedulable(false);
    expect(taints()).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
  });

  it('taints a node created cordoned and removes the taints field when the taint was the only one', () => {
    h.store.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { unschedulable: true } });
    h.settle();
    expect(taints().map((t) => `${String(t['key'])}:${String(t['effect'])}`)).toEqual([`${UNSCHEDULABLE_TAINT}:NoSchedule`]);
    setUnschedulable(false);
    expect((h.store.get(NODES, undefined, 'node-1').spec as Obj)['taints']).toBeUndefined();
  });
});
