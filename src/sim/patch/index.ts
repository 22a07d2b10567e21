/**
 * Patch semantics of the simulated API server, as pure functions: JSON patch, merge patch and
 * strategic merge patch (`applyPatch`), server-side apply (`serverSideApply`) and the managedFields of
 * other writes (`recordUpdate`).
 */
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { badRequest, PatchError } from './errors.js';
import { jsonTypeWord } from './go-format.js';
import { clone, isObject } from './json.js';
import type { JsonObject } from './json.js';
import { schemaForKind } from './schema.js';
import { strategicMerge } from './strategic-merge.js';

export { PatchError } from './errors.js';
export type { PatchErrorReason } from './errors.js';
export { serverSideApply } from './server-side-apply.js';
export type { ApplyConflictCause, ApplyOptions, ApplyResult } from './server-side-apply.js';
export { recordUpdate } from './record-update.js';
export type { UpdateOptions } from './record-update.js';

/** The patch media types the apiserver accepts for a custom resource, in its order. */
const NON_STRATEGIC_TYPES = 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

/**
 * Applies a patch to a copy of `live` (never mutated).
 *
 * Strategic merge patch is refused with 415 for kinds the simulator does not serve, as the apiserver
 * refuses it for custom resources (it has no Go struct tags to merge them by).
 *
 * @param type `json` (RFC 6902), `merge` (RFC 7386) or `strategic`
 * @param kind the object's kind, which selects the strategic merge rules
 * @throws {PatchError} with the HTTP code, reason and message the apiserver would answer
 * @example applyPatch(deploy, { spec: { replicas: 3 } }, 'strategic', 'Deployment')
 */
export function applyPatch(live: object, patch: unknown, type: 'json' | 'merge' | 'strategic', kind: string): object {
  switch (type) {
    case 'json': return applyJsonPatch(live, patch);
    case 'merge': return applyMergePatch(live, patch);
    case 'strategic': return applyStrategicPatch(live, patch, kind);
  }
}

function applyStrategicPatch(live: object, patch: unknown, kind: string): object {
  const schema = schemaForKind(kind);
  if (schema === undefined) {
    throw new PatchError(415, 'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${NON_STRATEGIC_TYPES}`);
  }
  if (patch === null) return clone(live);
  if (!isObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonTypeWord(patch)} into Go value of type map[string]interface {}`);
  }
  return strategicMerge(live as JsonObject, patch, schema);
}
