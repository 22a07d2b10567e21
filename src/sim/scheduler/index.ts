/**
 * The simulated default scheduler: it watches pods waiting for a node (no spec.nodeName, scheduler
 * `default-scheduler` or unset) and nodes, and schedules each waiting pod with the same filters the
 * Pending analyzer runs (cluster/scheduling.ts). A pod that fits nowhere is retried after a back-off
 * on the SimClock (1 s doubling to 10 s, the scheduler's pod back-off), or as soon as a node appears
 * or changes, or a bound pod goes away or finishes (which frees room).
 *
 * @example const scheduler = startScheduler({ store, clock }); … scheduler.stop();
 */
import type { Obj } from '../../cluster/graph.js';
import type { KubeObject, Pod } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { watchAll } from '../controllers/informer.js';
import { EventRecorder } from '../events/event-recorder.js';
import { lookupResource } from '../resources.js';
import { StatusError, type ObjectStore } from '../store/index.js';
import { scheduleOne, type AttemptContext } from './schedule-one.js';
import { SchedulerCache } from './scheduler-cache.js';

const PODS = lookupResource('pods')!;
const NODES = lookupResource('nodes')!;

export const SCHEDULER_NAME = 'default-scheduler';
const INITIAL_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 10_000;

/** What `startScheduler` needs. */
export interface SchedulerContext {
  store: ObjectStore;
  clock: SimClock;
}

/** A pod this scheduler must place: unbound, ours, not being deleted, not finished, not gated. */
function waitsForUs(pod: Obj<Pod>): boolean {
  const spec = pod.spec;
  return !spec?.nodeName && (spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME && !pod.metadata.deletionTimestamp
    && !(spec?.schedulingGates?.length) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** Holds resources on a node: bound and not finished. */
function holdsRoom(pod: Obj<Pod>): boolean {
  return !!pod.spec?.nodeName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** What the filters read of a node: a change in it may let waiting pods fit. */
function nodeSignature(node: KubeObject): string {
  const n = node as { spec?: unknown; status?: { allocatable?: unknown } };
  return JSON.stringify([node.metadata.labels, n.spec, n.status?.allocatable]);
}

/** A pod that failed to schedule: its attempts so far and the timer of its next try. */
interface BackingOff {
  attempts: number;
  cancel: () => void;
}

/** Starts the scheduler; `stop` ends its watches and timers. */
export function startScheduler(ctx: SchedulerContext): { stop(): void } {
  const attempt: AttemptContext = { ...ctx, recorder: new EventRecorder(ctx.store, ctx.clock, { component: SCHEDULER_NAME }) };
  const cache = new SchedulerCache(ctx.store, ctx.clock);
  /** Keys (`namespace/name`) of pods to try in the next round, in arrival order. */
  const active = new Set<string>();
  const backingOff = new Map<string, BackingOff>();
  const nodeSignatures = new Map<string, string>();
  /** Bound pods holding room, so that their leaving is noticed. */
  const holding = new Set<string>();
  let roundPending: (() => void) | undefined;
  /** The pod being scheduled: the attempt's own writes to it are no reason to try it again. */
  let attempting: string | undefined;
  let stopped = false;

  const scheduleRound = (): void => {
    if (stopped || roundPending) return;
    roundPending = ctx.clock.after(0, () => {
      roundPending = undefined;
      if (!stopped) runRound();
    });
  };

  /** A change that may let waiting pods fit: retry every one of them now, keeping their attempt counts. */
  const clusterChanged = (): void => {
    for (const [key, entry] of backingOff) {
      entry.cancel();
      entry.cancel = () => undefined;
      active.add(key);
    }
    if (active.size > 0) scheduleRound();
  };

  const podEvent = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void => {
    const pod = object as Obj<Pod>;
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    cache.podChanged(key, type === 'DELETED' ? undefined : pod);
    if (type !== 'DELETED' && holdsRoom(pod)) holding.add(key);
    else if (holding.delete(key)) clusterChanged();
    if (type === 'DELETED' || !waitsForUs(pod)) {
      active.delete(key);
      const entry = backingOff.get(key);
      entry?.cancel();
      backingOff.delete(key);
      return;
    }
    // Our own status writes on a pod backing off are no reason to retry it early.
    if (backingOff.has(key) || key === attempting) return;
    active.add(key);
    scheduleRound();
  };

  const nodeEvent = (type: 'ADDED' | 'MODIFIED' | 'DELETED', node: KubeObject): void => {
    const name = node.metadata.name;
    if (type === 'DELETED') {
      nodeSignatures.delete(name);
      cache.invalidate();
      clusterChanged();
      return;
    }
    const signature = nodeSignature(node);
    if (nodeSignatures.get(name) === signature) return;
    nodeSignatures.set(name, signature);
    cache.invalidate();
    clusterChanged();
  };

  /** Tries every active pod, oldest first, on the cache's model, which counts each bind as it happens. */
  const runRound = (): void => {
    const keys = [...active];
    active.clear();
    cache.startRound();
    for (const key of keys) {
      const pod = current(key);
      if (!pod || !waitsForUs(pod)) continue;
      attempting = key;
      try {
        const result = scheduleOne(attempt, cache.viewFor(pod), pod);
        if ('bound' in result) {
          backingOff.delete(key);
          // The watch has already told the cache; this keeps it right should delivery ever be deferred.
          cache.podChanged(key, result.pod);
        } else {
          backOff(key);
        }
      } catch (err) {
        // A write lost to a concurrent change (Conflict, NotFound): try again with fresh state.
        if (!(err instanceof StatusError)) throw err;
        backOff(key);
      } finally {
        attempting = undefined;
      }
    }
  };

  const backOff = (key: string): void => {
    const attempts = (backingOff.get(key)?.attempts ?? 0) + 1;
    const delay = Math.min(INITIAL_BACKOFF_MS * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    const entry: BackingOff = { attempts, cancel: () => undefined };
    entry.cancel = ctx.clock.after(delay, () => {
      if (stopped || backingOff.get(key) !== entry) return;
      entry.cancel = () => undefined;
      active.add(key);
      scheduleRound();
    });
    backingOff.set(key, entry);
  };

  const current = (key: string): Obj<Pod> | undefined => {
    const slash = key.indexOf('/');
    try {
      return ctx.store.get(PODS, key.slice(0, slash), key.slice(slash + 1)) as Obj<Pod>;
    } catch (err) {
      if (err instanceof StatusError) return undefined;
      throw err;
    }
  };

  const stopNodes = watchAll(ctx.store, NODES, nodeEvent);
  const stopPods = watchAll(ctx.store, PODS, podEvent);
  return {
    stop: () => {
      stopped = true;
      stopNodes();
      stopPods();
      roundPending?.();
      for (const entry of backingOff.values()) entry.cancel();
      backingOff.clear();
    },
  };
}
