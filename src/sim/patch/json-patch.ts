/**
 * JSON patch (RFC 6902) with the apiserver's answers: a patch that is not a list of operations is a
 * 400 (the decode error of evanphx/json-patch), more than 10000 operations a 413, and any operation
 * that fails (a `test` that does not match, a path that does not exist) a 422 whose message is the
 * generic one `NewGenericServerResponse` builds: the library's own text does not reach the client.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { GENERIC_UNPROCESSABLE, badRequest, PatchError } from './errors.js';
import { jsonTypeWord } from './go-format.js';
import { clone } from './json.js';

/** The apiserver's `maxJSONPatchOperations`. */
const MAX_OPERATIONS = 10000;

/**
 * Applies an RFC 6902 patch to a copy of `live`.
 * @example applyJsonPatch(deploy, [{ op: 'replace', path: '/spec/replicas', value: 3 }])
 */
export function applyJsonPatch(live: object, patch: unknown): object {
  if (patch === null) return clone(live);
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonTypeWord(patch)} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > MAX_OPERATIONS) {
    throw new PatchError(413, 'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${patch.length}`);
  }
  try {
    return jsonpatch.applyPatch(clone(live), clone(patch) as Operation[], true, true).newDocument;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new PatchError(422, 'Invalid', GENERIC_UNPROCESSABLE, { detail, details: {}, cause: error });
  }
}
