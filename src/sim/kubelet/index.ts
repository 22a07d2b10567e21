/**
 * The simulated kubelets: one per Node in the store, each running the pods bound to its node.
 *
 * @example
 * const kubelets = startKubelets({ store, clock });
 * kubelets.logs('shop', 'web-0', 'app', false); // the current instance's log text
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore, Watch } from '../store/index.js';
import { DEFAULT_CATALOG, type ImageCatalog } from './catalog.js';
import { Kubelet } from './kubelet.js';
import type { ClusterUsage } from './usage.js';

export { DEFAULT_CATALOG, type ImageCatalog, type ImageEntry } from './catalog.js';
export type { ClusterUsage, ContainerUsage, NodeUsage, PodUsage } from './usage.js';

const NODES = lookupResource('nodes')!;
const PODS = lookupResource('pods')!;

/** What `startKubelets` needs. */
export interface KubeletContext {
  store: ObjectStore;
  clock: SimClock;
  /** Images the runtime knows; defaults to {@link DEFAULT_CATALOG}. */
  catalog?: ImageCatalog;
}

/** The running kubelets. */
export interface Kubelets {
  stop(): void;
  /** A container's log text (`previous`: the instance before the last restart); undefined if there is none. */
  logs(namespace: string, pod: string, container: string, previous: boolean): string | undefined;
  /** Every node's and running container's CPU and memory at the clock's now (what metrics-server serves). */
  usage(): ClusterUsage;
  /**
   * Stops the kubelet service of a node (`systemctl stop kubelet`): its containers run on, but it
   * renews no Lease and posts no node or pod status until started again. Throws for an unknown node.
   */
  stopKubelet(nodeName: string): void;
  /** Starts a stopped kubelet service again. Throws for an unknown node. */
  startKubelet(nodeName: string): void;
}

function nodeNameOf(pod: KubeObject): string {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
}

/** Starts a kubelet for every Node (present and future). Work happens on `clock` jobs, never inside a write. */
export function startKubelets(ctx: KubeletContext): Kubelets {
  const catalog = ctx.catalog ?? DEFAULT_CATALOG;
  const kubelets = new Map<string, Kubelet>();
  /** Pods by namespace/name → uid and node, for `logs`. */
  const pods = new Map<string, { uid: string; node: string }>();
  /** Nodes whose kubelet service is stopped (kept for a kubelet not started yet, too). */
  const stoppedServices = new Set<string>();
  let nextIndex = 0;
  let stopped = false;
  const later = (job: () => void) => ctx.clock.after(0, () => { if (!stopped) job(); });
  const ignoreErrors = { bookmark: () => undefined, error: () => undefined };
  // With kubelets to confirm them, deleting a running pod is graceful (it stays Terminating until then).
  ctx.store.useGracefulPodDeletion(true);

  /** A kubelet for a new node, which takes over the pods already bound to it. */
  const startNode = (name: string) => {
    if (kubelets.has(name)) return;
    const kubelet = new Kubelet(ctx.store, ctx.clock, catalog, name, nextIndex++);
    kubelets.set(name, kubelet);
    if (stoppedServices.has(name)) kubelet.stopService();
    for (const pod of ctx.store.list(PODS, { fieldSelector: `spec.nodeName=${name}` }).items) {
      pods.set(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`, { uid: pod.metadata.uid ?? '', node: name });
      kubelet.podSeen(pod);
    }
  };

  const nodeWatch: Watch = ctx.store.watch(NODES, {}, {
    ...ignoreErrors,
    event: (type, node) => {
      const name = node.metadata.name;
      if (type === 'ADDED') later(() => startNode(name));
      if (type === 'DELETED') later(() => { kubelets.get(name)?.stop(); kubelets.delete(name); stoppedServices.delete(name); });
    },
  });

  const podWatch: Watch = ctx.store.watch(PODS, {}, {
    ...ignoreErrors,
    event: (type, pod) => {
      const node = nodeNameOf(pod);
      if (node === '') return;
      const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
      later(() => {
        const kubelet = kubelets.get(node);
        if (type === 'DELETED') {
          kubelet?.podGone(pod);
          return;
        }
        pods.set(key, { uid: pod.metadata.uid ?? '', node });
        kubelet?.podSeen(pod);
      });
    },
  });

  /** The node must exist; its kubelet may not have started yet (it starts on a clock job). */
  const setService = (nodeName: string, running: boolean): void => {
    try {
      ctx.store.get(NODES, undefined, nodeName);
    } catch {
      throw new Error(`no node named "${nodeName}" runs a kubelet`);
    }
    if (running) stoppedServices.delete(nodeName);
    else stoppedServices.add(nodeName);
    const kubelet = kubelets.get(nodeName);
    if (running) kubelet?.startService();
    else kubelet?.stopService();
  };

  return {
    stop: () => {
      stopped = true;
      ctx.store.useGracefulPodDeletion(false);
      nodeWatch.stop();
      podWatch.stop();
      for (const k of kubelets.values()) k.stop();
      kubelets.clear();
    },
    logs: (namespace, pod, container, previous) => {
      const seen = pods.get(`${namespace}/${pod}`);
      if (!seen) return undefined;
      return kubelets.get(seen.node)?.logs(seen.uid, container, previous);
    },
    // metrics-server cannot scrape a stopped kubelet: its node has no metrics.
    usage: () => ({ at: ctx.clock.now(), nodes: [...kubelets.values()].filter((k) => k.running).map((k) => k.usage()) }),
    stopKubelet: (nodeName) => setService(nodeName, false),
    startKubelet: (nodeName) => setService(nodeName, true),
  };
}
