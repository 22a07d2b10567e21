/** Where an object lives in the API: its kind's group, version and plural, from the kinds the live source knows. */
import type { ObjectRef } from '../cluster/objects.js';
import { LIVE_KINDS, listPath, type LiveKind } from '../sources/live/kinds.js';

/** The kind a reference names, case-insensitively; undefined for a kind kubetriage does not know. */
export function kindOf(kind: string): LiveKind | undefined {
  return LIVE_KINDS.find((k) => k.kind.toLowerCase() === kind.toLowerCase());
}

/** `/apis/apps/v1/namespaces/shop/deployments/web` */
export function objectPath(k: LiveKind, ref: ObjectRef): string {
  return `${listPath(k, k.namespaced ? ref.namespace ?? 'default' : undefined)}/${encodeURIComponent(ref.name)}`;
}
