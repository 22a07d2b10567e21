/**
 * The scheduler's view of the cluster kept across attempts, as kube-scheduler's own cache: one
 * SchedulingModel built from the store, then kept current pod by pod (a bind or a bound pod that
 * appears assumes the pod on its node; one deleted or finished forgets it) instead of a ClusterGraph
 * and model rebuilt after every bind, which made filling a cluster quadratic. It is built again from
 * the store only when that cannot be exact: a node came, went or changed what the filters read, or a
 * pod is to be placed whose filters read other pods or objects the model does not follow (pod
 * (anti-)affinity terms of its own, topology spread, volumes) after pods moved since the build.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { Pod } from '../../cluster/objects.js';
import { isTerminal, SchedulingModel } from '../../cluster/scheduling.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/index.js';
import { NodeLoad } from './node-score.js';
import { snapshotGraph } from './schedule-one.js';

/** A pod counted in the model: where, and which incarnation of its name. */
interface Counted {
  pod: Obj<Pod>;
  nodeName: string;
}

/** What one attempt reads: the filters' model and the scoring's per-node load. */
export interface SchedulerView {
  model: SchedulingModel;
  load: NodeLoad;
}

/** Whether a pod's filters read other pods' placement or objects besides nodes (claims, volumes, classes). */
export function readsOtherObjects(pod: Obj<Pod>): boolean {
  const spec = pod.spec;
  if (!spec) return false;
  const affinity = spec.affinity;
  return (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0
    || (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0
    || (spec.topologySpreadConstraints?.length ?? 0) > 0
    || (spec.volumes ?? []).some((v) => v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined);
}

/** Holds room on its node: bound and not finished. */
function holdsRoom(pod: Obj<Pod>): boolean {
  return !!pod.spec?.nodeName && !isTerminal(pod);
}

/** The scheduler's model of the cluster, kept current between attempts. */
export class SchedulerCache {
  private view: SchedulerView | undefined;
  /** Pods counted in {@link view}, by `namespace/name`. */
  private readonly counted = new Map<string, Counted>();
  /** The graph the model was built from still shows every pod where it is, and this round's claims and volumes. */
  private graphCurrent = false;

  constructor(private readonly store: ObjectStore, private readonly clock: SimClock) {}

  /** The view to place `pod` with, built again when it would not be exact for it. */
  viewFor(pod: Obj<Pod>): SchedulerView {
    if (!this.view || (!this.graphCurrent && readsOtherObjects(pod))) this.rebuild();
    return this.view!;
  }

  /** Nodes changed: the next attempt builds from the store. */
  invalidate(): void {
    this.view = undefined;
    this.counted.clear();
  }

  /**
   * A new round: claims, volumes, classes and namespaces are not followed, so a pod that reads them
   * gets a model built in this round.
   */
  startRound(): void {
    this.graphCurrent = false;
  }

  /** A pod changed (or was bound by us): count or uncount it as it now holds room or not. */
  podChanged(key: string, pod: Obj<Pod> | undefined): void {
    if (!this.view) return;
    const known = this.counted.get(key);
    const holds = pod !== undefined && holdsRoom(pod);
    if (known && holds && known.pod.metadata.uid === pod.metadata.uid && known.nodeName === pod.spec?.nodeName) return;
    if (known) {
      this.uncount(known);
      this.counted.delete(key);
    }
    if (holds) {
      const counted = { pod, nodeName: pod.spec!.nodeName! };
      this.count(counted);
      this.counted.set(key, counted);
    }
  }

  private count({ pod, nodeName }: Counted): void {
    this.view!.model.assume(pod, nodeName);
    this.view!.load.add(pod, nodeName);
    this.graphCurrent = false;
  }

  private uncount({ pod, nodeName }: Counted): void {
    this.view!.model.forget(pod, nodeName);
    this.view!.load.remove(pod, nodeName);
    this.graphCurrent = false;
  }

  private rebuild(): void {
    const graph: ClusterGraph = snapshotGraph(this.store, this.clock);
    const model = SchedulingModel.of(graph);
    this.view = { model, load: new NodeLoad(model.nodes) };
    this.counted.clear();
    const pods = graph.pods();
    for (let i = 0; i < pods.length; i++) {
      const pod = pods[i]!;
      if (!holdsRoom(pod)) continue;
      const nodeName = pod.spec!.nodeName!;
      this.view.load.add(pod, nodeName);
      this.counted.set(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`, { pod, nodeName });
    }
    this.graphCurrent = true;
  }
}
