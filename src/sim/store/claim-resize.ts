/**
 * The PersistentVolumeClaimResize admission plugin
 * (plugin/pkg/admission/storage/persistentvolume/resize/admission.go): a claim may ask for more
 * storage only once bound, and only when its StorageClass allows volume expansion.
 */
import { storageBytes } from './storage-quantity.js';

type Obj = Record<string, unknown>;

function rec(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function requested(claim: Obj): number {
  return storageBytes(rec(rec(rec(claim['spec'])['resources'])['requests'])['storage']) ?? 0;
}

function className(claim: Obj): string {
  const name = rec(claim['spec'])['storageClassName'];
  return typeof name === 'string' ? name : '';
}

/**
 * Why the update of `claim` from `old` is refused (the Forbidden message's reason), or undefined.
 * @example claimResizeRefusal(grown, old, () => undefined) // 'only dynamically provisioned pvc can be resized and …'
 */
export function claimResizeRefusal(claim: Obj, old: Obj, storageClass: (name: string) => Obj | undefined): string | undefined {
  if (requested(claim) <= requested(old)) return undefined;
  if (rec(old['status'])['phase'] !== 'Bound') return 'Only bound persistent volume claims can be expanded';
  const name = className(claim);
  const allowed = name !== '' && name === className(old) && storageClass(name)?.['allowVolumeExpansion'] === true;
  if (!allowed) return 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';
  return undefined;
}
