import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/object-store.js';
import { type ControllerHarness, eventsAbout, runPod, startHarness } from './controllers.test-support.js';
import { startControllers } from './index.js';
import { R, type Obj, conditionOf, statusOf, timestamp } from './kube.js';
import { NODE_MONITOR_PERIOD_MS } from './node-lifecycle-controller.js';

const NODES = lookupResource('nodes')!;
const LEASES = lookupResource('leases')!;
/** --node-monitor-grace-period's default in kube-controller-manager v1.32. */
const GRACE_MS = 50_000;
/** The longest a pass can take to notice a heartbeat, then to act on what it saw. */
const SLACK_MS = 2 * NODE_MONITOR_PERIOD_MS;

let h: ControllerHarness;
/** Nodes whose stand-in kubelet renews its Lease (every 10 s). */
const alive = new Set<string>();

beforeEach(() => {
  h = startHarness();
  alive.clear();
});
afterEach(() => h.stop());

/** A node as a kubelet registers and reports it, with its Lease renewed every 10 s while alive. */
function startNode(name: string): void {
  const now = timestamp(h.clock.now());
  const ready = (type: string, status: string, reason: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message: reason });
  h.store.create(NODES, {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    status: {
      conditions: [
        ready('MemoryPressure', 'False', 'KubeletHasSufficientMemory'), ready('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
        ready('PIDPressure', 'False', 'KubeletHasSufficientPID'), ready('Ready', 'True', 'KubeletReady'),
      ],
    },
  });
  alive.add(name);
  const renew = (): void => {
    h.clock.after(10_000, renew);
    if (!alive.has(name)) return;
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: h.clock.now().toISOString().replace('Z', '000Z') };
    try {
      const lease = h.store.get(LEASES, 'kube-node-lease', name);
      h.store.update(LEASES, { ...lease, spec }, { namespace: 'kube-node-lease', name });
    } catch {
      h.store.create(LEASES, { metadata: { name, namespace: 'kube-node-lease' }, spec }, { namespace: 'kube-node-lease' });
    }
  };
  renew();
  h.settle();
}

/** The kubelet posts Ready again, with a new heartbeat, and renews its Lease. */
function reviveNode(name: string): void {
  const node = h.store.get(NODES, undefined, name);
  const now = timestamp(h.clock.now());
  const status = statusOf(node);
  const conditions = (status['conditions'] as Obj[]).map((c) => ({
    ...c, status: c['type'] === 'Ready' ? 'True' : 'False', reason: 'Kubelet', message: 'kubelet', lastHeartbeatTime: now, lastTransitionTime: now,
  }));
  h.store.update(NODES, { ...node, status: { ...status, conditions } }, { name, subresource: 'status' });
  alive.add(name);
}

const node = (name: string): KubeObject => h.store.get(NODES, undefined, name);
const ready = (name: string): Obj => conditionOf(statusOf(node(name)), 'Ready')!;
const taints = (name: string): Obj[] => ((node(name).spec as Obj | undefined)?.['taints'] as Obj[] | undefined) ?? [];
const taintKeys = (name: string): string[] => taints(name).map((t) => `${String(t['key'])}:${String(t['effect'])}`).sort();

function pod(name: string, nodeName: string, tolerations?: Obj[]): KubeObject {
  const created = h.store.create(R.pods, {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...(tolerations ? { tolerations } : {}) },
  }, { namespace: 'default' });
  return runPod(h.store, created, true, nodeName, h.clock.now());
}

const exists = (name: string): boolean => h.store.list(R.pods, { namespace: 'default' }).items.some((p) => p.metadata.name === name);

describe('the node lifecycle controller', () => {
  it('turns a silent node Unknown after the grace period and not before, taints it, and marks its pods not ready', () => {
    startNode('node-1');
    startNode('node-2');
    pod('web', 'node-1');
    h.advance(30_000);
    expect(eventsAbout(h.store, 'node-1').map((e) => e.reason)).toContain('RegisteredNode');
    const before = ready('node-1');
    alive.delete('node-1');
    const silentAt = h.clock.now().getTime();

    h.advance(GRACE_MS);
    expect(ready('node-1')['status']).toBe('True');
    expect(taints('node-1')).toEqual([]);

    h.advance(SLACK_MS);
    const after = ready('node-1');
    expect(after).toMatchObject({
      status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: before['lastHeartbeatTime'],
    });
    expect(Date.parse(String(after['lastTransitionTime'])) - silentAt).toBeGreaterThan(GRACE_MS);
    expect((statusOf(node('node-1'))['conditions'] as Obj[]).map((c) => `${String(c['type'])}=${String(c['status'])}`))
      .toEqual(['MemoryPressure=Unknown', 'DiskPressure=Unknown', 'PIDPressure=Unknown', 'Ready=Unknown']);
    expect(ready('node-2')['status']).toBe('True');

    h.advance(SLACK_MS);
    expect(taintKeys('node-1')).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    expect(taints('node-1').every((t) => typeof t['timeAdded'] === 'string')).toBe(true);
    expect(taints('node-2')).toEqual([]);
    expect(eventsAbout(h.store, 'node-1')).toContainEqual({ reason: 'NodeNotReady', message: 'Node node-1 status is now: NodeNotReady', count: 1 });
    const web = h.store.get(R.pods, 'default', 'web');
    expect(conditionOf(statusOf(web), 'Ready')?.['status']).toBe('False');
    expect(conditionOf(statusOf(web), 'PodScheduled')?.['status']).toBe('True');
    expect(eventsAbout(h.store, 'web')).toContainEqual({ reason: 'NodeNotReady', message: 'Node is not ready', count: 1 });
  });

  it('evicts the pods of an unreachable node once their toleration runs out, at once without one, never with a toleration forever', () => {
    startNode('node-1');
    startNode('node-2');
    pod('web', 'node-1');
    pod('impatient', 'node-1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]);
    pod('agent', 'node-1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
    alive.delete('node-1');
    h.advance(GRACE_MS + 10_000 + 2 * SLACK_MS);
    const taint = taints('node-1').find((t) => t['effect'] === 'NoExecute');
    expect(taint).toBeDefined();
    expect(exists('impatient')).toBe(false);
    expect(eventsAbout(h.store, 'impatient')).toContainEqual({ reason: 'TaintManagerEviction', message: 'Marking for deletion Pod default/impatient', count: 1 });

    const taintedAt = Date.parse(String(taint!['timeAdded']));
    h.advance(taintedAt + 299_000 - h.clock.now().getTime());
    expect(exists('web')).toBe(true);
    h.advance(2_000);
    expect(exists('web')).toBe(false);
    expect(eventsAbout(h.store, 'web')).toContainEqual({ reason: 'TaintManagerEviction', message: 'Marking for deletion Pod default/web', count: 1 });
    h.advance(600_000);
    expect(exists('agent')).toBe(true);
  });

  it('removes the taints and cancels the pending evictions once the kubelet heartbeats again', () => {
    startNode('node-1');
    startNode('node-2');
    pod('web', 'node-1');
    alive.delete('node-1');
    h.advance(GRACE_MS + 10_000 + 2 * SLACK_MS);
    expect(taintKeys('node-1')).toHaveLength(2);

    reviveNode('node-1');
    h.advance(SLACK_MS);
    expect(ready('node-1')['status']).toBe('True');
    expect(taints('node-1')).toEqual([]);
    expect(eventsAbout(h.store, 'web')).toContainEqual({ reason: 'TaintManagerEviction', message: 'Cancelling deletion of Pod default/web', count: 1 });
    h.advance(600_000);
    expect(exists('web')).toBe(true);
    expect(ready('node-1')['status']).toBe('True');
  });

  it('taints nothing NoExecute when no node in the zone is Ready: the fault is taken to be the control plane\'s', () => {
    startNode('node-1');
    pod('web', 'node-1');
    alive.delete('node-1');
    h.advance(GRACE_MS + 10 * SLACK_MS);
    expect(ready('node-1')['status']).toBe('Unknown');
    expect(taintKeys('node-1')).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    h.advance(600_000);
    expect(exists('web')).toBe(true);
  });

  it('gives a node that never posted status the startup grace period, then marks it NodeStatusNeverUpdated', () => {
    h.store.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    h.advance(55_000);
    expect(statusOf(node('node-1'))['conditions']).toBeUndefined();
    h.advance(SLACK_MS);
    expect(ready('node-1')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
  });

  it('judges no node on a pass that runs late: then the simulator stalled, not the kubelets', () => {
    h.stop();
    const clock = new StallingClock('2026-01-01T00:00:00Z');
    const store = new ObjectStore({ now: () => clock.now(), bookmarkIntervalMs: 0 });
    const controllers = startControllers({ store, clock });
    h = { store, clock, settle: () => clock.advance(0), advance: (ms) => { clock.advance(ms); clock.advance(0); }, stop: () => { controllers.stop(); store.close(); } };
    h.advance(2_000);
    startNode('node-1');
    startNode('node-2');
    // Leases renewed at 2 s, 12 s, 22 s; passes at 25 s (sees 22 s) and 30 s (sees nothing new).
    h.advance(24_000);
    // The process stalls for a minute: the 30 s pass runs when the clock reads 90 s, before the 32 s renewal.
    clock.lagMs = 60_000;
    h.advance(4_000);
    expect(ready('node-1')['status']).toBe('True');
    h.advance(60_000);
    expect(ready('node-1')['status']).toBe('True');
    expect(taints('node-1')).toEqual([]);
  });
});

/** A manual clock whose reading can jump ahead of its timers, as a stalled process sees a real clock. */
class StallingClock extends ManualClock {
  lagMs = 0;

  override now(): Date {
    return new Date(super.now().getTime() + this.lagMs);
  }
}
