/**
 * The kubelet's node heartbeat: a Lease named after the node in `kube-node-lease`, renewed every
 * 10 s (renewInterval = 40 s lease duration / 4), owned by the Node.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { lookupResource } from '../resources.js';
import { type ObjectStore, StatusError } from '../store/index.js';

const LEASES = lookupResource('leases')!;
const NAMESPACE = 'kube-node-lease';
const LEASE_DURATION_SECONDS = 40;
const RENEW_MS = 10_000;

/** metav1.MicroTime as it serialises: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Keeps the node's Lease renewed until the returned function is called. */
export function keepNodeLease(store: ObjectStore, clock: SimClock, node: KubeObject): () => void {
  const name = node.metadata.name;
  let cancel = (): void => undefined;
  const renew = (): void => {
    const spec = { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(clock.now()) };
    try {
      const current = store.get(LEASES, NAMESPACE, name);
      store.update(LEASES, { ...current, spec: { ...(current.spec as object), ...spec } }, { namespace: NAMESPACE, name });
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      try {
        store.create(LEASES, {
          metadata: { name, namespace: NAMESPACE, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }] },
          spec,
        }, { namespace: NAMESPACE });
      } catch (createErr) {
        if (!(createErr instanceof StatusError)) throw createErr;
      }
    }
    cancel = clock.after(RENEW_MS, renew);
  };
  renew();
  return () => cancel();
}
