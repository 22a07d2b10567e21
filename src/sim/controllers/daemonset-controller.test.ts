import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { type ControllerHarness, eventsAbout, pods, runPod, startHarness } from './controllers.test-support.js';
import { type Obj } from './kube.js';
import { targetNode } from './daemon-tolerations.js';

const NODES = lookupResource('nodes')!;
const DAEMONSETS = lookupResource('daemonsets.apps')!;

let h: ControllerHarness;
beforeEach(() => { h = startHarness(); });
afterEach(() => { h.stop(); });

function createNode(name: string, taints: Obj[] = []): void {
  h.store.create(NODES, { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints } });
}

function createDaemonSet(): void {
  h.store.create(DAEMONSETS, {
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'fluent-bit:3' }] } },
    },
  }, { namespace: 'default' });
}

function placement(): Record<string, string> {
  return Object.fromEntries(pods(h.store).map((p: KubeObject) => [targetNode(p) ?? '', p.metadata.name]));
}

describe('DaemonSet controller', () => {
  it('runs one pod per admitting node, pinned by node affinity, and follows nodes joining', () => {
    createNode('node-a');
    createNode('node-b', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    createNode('node-c', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    createDaemonSet();
    h.settle();
    expect(Object.keys(placement()).sort()).toEqual(['node-a', 'node-c']);
    const pod = pods(h.store)[0]!;
    expect(pod.metadata.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata.labels).toMatchObject({ app: 'agent', 'pod-template-generation': '1' });
    expect((pod.spec as Obj)['tolerations']).toEqual(expect.arrayContaining([
      expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }),
    ]));
    expect(h.store.get(DAEMONSETS, 'default', 'agent').status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 0, numberUnavailable: 2 });
    createNode('node-d');
    h.settle();
    expect(Object.keys(placement()).sort()).toEqual(['node-a', 'node-c', 'node-d']);
    for (const p of pods(h.store)) runPod(h.store, p, true, targetNode(p)!, h.clock.now());
    h.settle();
    expect(h.store.get(DAEMONSETS, 'default', 'agent').status).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 });
    expect(eventsAbout(h.store, 'agent').filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(3);
  });

  it('removes the pod from a node that gets a taint it does not tolerate', () => {
    createNode('node-a');
    createDaemonSet();
    h.settle();
    expect(Object.keys(placement())).toEqual(['node-a']);
    const node = structuredClone(h.store.get(NODES, undefined, 'node-a')) as unknown as Obj;
    node['spec'] = { taints: [{ key: 'maintenance', effect: 'NoExecute' }] };
    h.store.update(NODES, node, { name: 'node-a' });
    h.settle();
    expect(pods(h.store)).toHaveLength(0);
    expect(h.store.get(DAEMONSETS, 'default', 'agent').status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0 });
  });

  it('keeps the pod on a node newly tainted NoSchedule without counting it as desired: only NoExecute evicts', () => {
    createNode('node-a');
    createDaemonSet();
    h.settle();
    const before = placement()['node-a'];
    expect(before).toBeDefined();
    const node = structuredClone(h.store.get(NODES, undefined, 'node-a')) as unknown as Obj;
    node['spec'] = { taints: [{ key: 'maintenance', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] };
    h.store.update(NODES, node, { name: 'node-a' });
    h.settle();
    // The daemon pod tolerates unreachable:NoExecute (an unreachable node keeps it); NoSchedule stops new pods only.
    expect(placement()).toEqual({ 'node-a': before });
    expect(h.store.get(DAEMONSETS, 'default', 'agent').status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 1 });
  });
});
