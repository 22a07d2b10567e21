/** A store, a manual clock and the kubelets of one node in namespace `shop`: the set-up (and tear-down) of the kubelet tests. */
import { ManualClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/index.js';
import type { ImageCatalog } from './catalog.js';
import { type Kubelets, startKubelets } from './index.js';

export interface KubeletHarness {
  clock: ManualClock;
  store: ObjectStore;
  kubelets: Kubelets;
}

/** @example ({ clock, store, kubelets } = startKubeletHarness({ metadata: { name: 'worker-1' } })); */
export function startKubeletHarness(node: Record<string, unknown>, catalog?: ImageCatalog): KubeletHarness {
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const store = new ObjectStore({ now: () => clock.now(), bookmarkIntervalMs: 0 });
  store.create(lookupResource('namespaces')!, { metadata: { name: 'shop' } });
  store.create(lookupResource('nodes')!, node);
  const kubelets = startKubelets({ store, clock, ...(catalog ? { catalog } : {}) });
  clock.advance(0);
  return { clock, store, kubelets };
}

/** Stops the kubelets and closes the store: the tear-down that goes with {@link startKubeletHarness}. */
export function stopKubeletHarness({ kubelets, store }: Pick<KubeletHarness, 'kubelets' | 'store'>): void {
  kubelets.stop();
  store.close();
}
