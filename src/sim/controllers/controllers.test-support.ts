/**
 * A store and controllers on a manual clock for the controller tests, and stand-ins for the
 * scheduler and kubelet: placing a pod on a node and reporting it Running and Ready.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { ManualClock } from '../clock.js';
import { ObjectStore } from '../store/object-store.js';
import { startControllers } from './index.js';
import { R, type Obj, mutable, timestamp } from './kube.js';

/** A simulated control plane under test. */
export interface ControllerHarness {
  store: ObjectStore;
  clock: ManualClock;
  /** Runs every queued pass (passes queued by passes included) without moving time. */
  settle(): void;
  /** Moves time and runs what falls due. */
  advance(ms: number): void;
  stop(): void;
}

/** Starts a store and the controllers on a manual clock. */
export function startHarness(): ControllerHarness {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const store = new ObjectStore({ now: () => clock.now(), bookmarkIntervalMs: 0 });
  const controllers = startControllers({ store, clock });
  const harness: ControllerHarness = {
    store, clock,
    settle: () => clock.advance(0),
    advance: (ms) => { clock.advance(ms); clock.advance(0); },
    stop: () => { controllers.stop(); store.close(); },
  };
  harness.settle();
  return harness;
}

let nextIp = 10;

/** Stands in for the scheduler and kubelet: the pod on `node`, Running, with an IP, Ready or not. */
export function runPod(store: ObjectStore, pod: KubeObject, ready: boolean, node = 'node-1', now = new Date()): KubeObject {
  const current = store.get(R.pods, pod.metadata.namespace, pod.metadata.name);
  let scheduled = current;
  if (!(current.spec as Obj | undefined)?.['nodeName']) {
    const next = mutable(current);
    (next['spec'] as Obj)['nodeName'] = node;
    scheduled = store.update(R.pods, next, { namespace: pod.metadata.namespace, name: pod.metadata.name });
  }
  const withStatus = mutable(scheduled);
  const status = (withStatus['status'] ?? {}) as Obj;
  const t = timestamp(now);
  status['phase'] = 'Running';
  status['podIP'] ??= `10.244.0.${nextIp++}`;
  status['conditions'] = [
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t },
    { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t },
  ];
  withStatus['status'] = status;
  return store.update(R.pods, withStatus, { namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: 'status' });
}

/** The pods of a namespace (optionally with a label selector). */
export function pods(store: ObjectStore, namespace = 'default', labelSelector?: string): KubeObject[] {
  return store.list(R.pods, labelSelector === undefined ? { namespace } : { namespace, labelSelector }).items;
}

/** Every event's reason and message about the named object. */
export function eventsAbout(store: ObjectStore, name: string, namespace = 'default'): { reason: string; message: string; count: number }[] {
  return store.list(R.events, { namespace }).items
    .filter((e) => (e['involvedObject'] as Obj | undefined)?.['name'] === name)
    .map((e) => ({ reason: String(e['reason']), message: String(e['message']), count: Number(e['count']) }));
}
