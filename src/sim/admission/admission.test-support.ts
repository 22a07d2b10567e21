/**
 * A bare store with the admission chain installed, for the plugins' tests: objects go in through
 * the store's create path as the API's do, and a refusal comes back as the Status the API answers.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/object-store.js';
import { type Status, StatusError } from '../store/status-error.js';
import { admissionChain, storeReader } from './admission-chain.js';

/** A store whose creates and updates pass the simulator's admission chain. */
export function admittingStore(): ObjectStore {
  const store = new ObjectStore({ bookmarkIntervalMs: 0 });
  store.useAdmission(admissionChain(storeReader(store)));
  return store;
}

/** Creates an object from its manifest (`kind` picks the resource), as `kubectl create` would. */
export function create(store: ObjectStore, manifest: Record<string, unknown>): KubeObject {
  const kind = String(manifest['kind']);
  const resource = lookupResource(kind);
  if (!resource) throw new Error(`no resource for ${kind}`);
  const namespace = (manifest['metadata'] as { namespace?: string } | undefined)?.namespace;
  return store.create(resource, manifest, { namespace });
}

/** The Status a write answered with; fails the test when it was accepted. */
export function refusal(write: () => unknown): Status {
  try {
    write();
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  throw new Error('the write was admitted');
}

/** A one-container pod manifest. */
export function pod(namespace: string, name: string, extra: { serviceAccountName?: string; resources?: object; labels?: Record<string, string>; generateName?: boolean } = {}): Record<string, unknown> {
  const metadata: Record<string, unknown> = extra.generateName ? { generateName: name, namespace } : { name, namespace };
  if (extra.labels) metadata['labels'] = extra.labels;
  const spec: Record<string, unknown> = { containers: [{ name: 'app', image: 'shop/api:1.0', ...(extra.resources ? { resources: extra.resources } : {}) }] };
  if (extra.serviceAccountName) spec['serviceAccountName'] = extra.serviceAccountName;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}
