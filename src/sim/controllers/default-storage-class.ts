/**
 * The StorageClass a fresh simulated cluster has, as kind installs it: `standard`, the default
 * class, provisioned by rancher.io/local-path once a pod using the claim is scheduled
 * (WaitForFirstConsumer), volumes deleted with their claims, and expansion allowed.
 */
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { isAlreadyExists } from './kube.js';

const CLASSES = lookupResource('storageclasses.storage.k8s.io')!;

/** The default class's manifest. */
export const DEFAULT_STORAGE_CLASS = {
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true,
} as const;

/** Creates the default class unless a class of that name exists. */
export function createDefaultStorageClass(store: ObjectStore): void {
  try {
    store.create(CLASSES, structuredClone(DEFAULT_STORAGE_CLASS));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}
