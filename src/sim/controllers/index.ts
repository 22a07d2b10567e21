/**
 * The simulator's workload controllers, started together over one store and one clock: each
 * watches what it needs through the store's watch API and reconciles through a deduplicating work
 * queue run on the clock, so a burst of events costs one pass.
 * @example const controllers = startControllers({ store, clock: new RealClock() }); … controllers.stop();
 */
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { startCronJobController } from './cronjob-controller.js';
import { startDaemonSetController } from './daemonset-controller.js';
import { startDeploymentController } from './deployment-controller.js';
import { startDisruptionController } from './disruption-controller.js';
import { startEndpointSliceController } from './endpointslice-controller.js';
import { startEndpointsController } from './endpoints-controller.js';
import { type ResourceMetrics, startHpaController } from './hpa-controller.js';
import { startJobController } from './job-controller.js';
import { startNamespaceDefaults } from './namespace-defaults.js';
import { startNodeLifecycleController } from './node-lifecycle-controller.js';
import { startPersistentVolumeController } from './persistentvolume-controller.js';
import { startReplicaSetController } from './replicaset-controller.js';
import { startStatefulSetController } from './statefulset-controller.js';
import { startTaintEvictionController } from './taint-eviction-controller.js';
import { startUnschedulableTaint } from './unschedulable-taint.js';

/** What the controllers run on. */
export interface ControllerContext {
  store: ObjectStore;
  clock: SimClock;
  /** Resource usage for the horizontal pod autoscaler (the kubelets'); without it autoscalers report no metrics. */
  metrics?: ResourceMetrics;
}

/** Running controllers. */
export interface RunningControllers {
  stop(): void;
}

/** Starts the namespace defaults, ReplicaSet, Deployment, Endpoints, EndpointSlice, Job, StatefulSet, DaemonSet, CronJob, disruption, PersistentVolume, node lifecycle and taint eviction controllers, and the cordoned node's taint. */
export function startControllers(ctx: ControllerContext): RunningControllers {
  const starters = [
    startNamespaceDefaults, startReplicaSetController, startDeploymentController, startEndpointsController, startEndpointSliceController,
    startJobController, startStatefulSetController, startDaemonSetController, startCronJobController,
    startDisruptionController, startPersistentVolumeController, startUnschedulableTaint,
    startNodeLifecycleController, startTaintEvictionController,
  ];
  const stops = starters.map((start) => start(ctx.store, ctx.clock));
  stops.push(startHpaController(ctx.store, ctx.clock, ctx.metrics ?? (() => undefined)));
  return {
    stop: () => { for (const stop of stops) stop(); },
  };
}
