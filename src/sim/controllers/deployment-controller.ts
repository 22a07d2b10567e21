/**
 * The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template, named
 * `<deployment>-<pod-template-hash>`, rolled out with the RollingUpdate (maxSurge/maxUnavailable)
 * or Recreate strategy, scaled proportionally, paused, rolled back by template (`rollout undo`
 * reuses the old ReplicaSet and gives it the next revision), with old ReplicaSets kept at zero up
 * to revisionHistoryLimit, and the status and conditions `kubectl rollout status` reads.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { EventRecorder } from '../events/event-recorder.js';
import { watchAll } from './informer.js';
import { R, controllerRef, isTerminal, specOf, tryGet } from './kube.js';
import { DeploymentSync } from './deployment-sync.js';
import { WorkQueue, keyFor, splitKey } from './work-queue.js';

/** Runs the Deployment controller until stopped. */
export function startDeploymentController(store: ObjectStore, clock: SimClock): () => void {
  const recorder = new EventRecorder(store, clock, { component: 'deployment-controller' });
  const queue: WorkQueue = new WorkQueue(clock, (key) => {
    const { namespace, name } = splitKey(key);
    const d = tryGet(R.deployments, namespace, name, (r, ns, n) => store.get(r, ns, n));
    if (!d) return;
    const requeue = new DeploymentSync(store, clock, recorder, d).run();
    if (requeue !== undefined) queue.addAfter(key, requeue);
  });
  const stopDeployments = watchAll(store, R.deployments, (_t, d) => queue.add(keyFor(d.metadata.namespace, d.metadata.name)));
  const stopSets = watchAll(store, R.replicasets, (_t, rs) => {
    const owner = controllerRef(rs);
    if (owner?.kind === 'Deployment') queue.add(keyFor(rs.metadata.namespace, owner.name));
  });
  // Recreate waits for the old pods to be gone, so a pod's deletion concerns its deployment.
  const stopPods = watchAll(store, R.pods, (type, pod) => {
    if (type !== 'DELETED' && !isTerminal(pod)) return;
    const owner = controllerRef(pod);
    if (owner?.kind !== 'ReplicaSet') return;
    const rs = tryGet(R.replicasets, pod.metadata.namespace, owner.name, (r, ns, n) => store.get(r, ns, n));
    const deployment = rs ? controllerRef(rs) : undefined;
    if (rs && deployment?.kind === 'Deployment' && isRecreate(store, rs.metadata.namespace, deployment.name)) {
      queue.add(keyFor(rs.metadata.namespace, deployment.name));
    }
  });
  return () => {
    stopDeployments();
    stopSets();
    stopPods();
    queue.stop();
  };
}

function isRecreate(store: ObjectStore, namespace: string | undefined, name: string): boolean {
  const d: KubeObject | undefined = tryGet(R.deployments, namespace, name, (r, ns, n) => store.get(r, ns, n));
  return d !== undefined && (specOf(d)['strategy'] as { type?: string } | undefined)?.type === 'Recreate';
}
