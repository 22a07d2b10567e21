/**
 * JSON merge patch (RFC 7386) as evanphx/json-patch's `MergePatch` applies it for the apiserver:
 * `null` deletes a field, objects merge recursively, anything else (arrays included) replaces, and
 * `null`s inside a value added where there was none are pruned.
 */
import { badRequest, PatchError } from './errors.js';
import { clone, isObject } from './json.js';
import type { JsonObject, JsonValue } from './json.js';

/**
 * Applies a merge patch to a copy of `live`.
 * @example applyMergePatch(pod, { metadata: { labels: { tier: null } } }) // removes the label
 */
export function applyMergePatch(live: object, patch: unknown): object {
  if (Array.isArray(patch)) {
    // The patched document becomes a list, which no longer decodes into the object's type.
    const patched = JSON.stringify(JSON.stringify(pruneNulls(clone(patch))));
    const cause = `Invalid value: ${patched}: couldn't get version/kind; json parse error: json: cannot unmarshal array `
      + 'into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
    throw new PatchError(422, 'Invalid', ` "" is invalid: patch: ${cause}`, {
      details: { causes: [{ reason: 'FieldValueInvalid', message: cause, field: 'patch' }] },
    });
  }
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeObjects(clone(live) as JsonObject, clone(patch));
}

function mergeObjects(doc: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete doc[key];
      continue;
    }
    const current = doc[key];
    if (current === undefined || current === null || !isObject(current)) {
      doc[key] = pruneNulls(value);
    } else {
      doc[key] = isObject(value) ? mergeObjects(current, value) : value;
    }
  }
  return doc;
}

/** Removes `null` members of objects, at any depth (array elements that are `null` stay). */
function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map((item) => (item === null ? null : pruneNulls(item)));
  if (!isObject(value)) return value;
  for (const [key, child] of Object.entries(value)) {
    if (child === null) delete value[key];
    else value[key] = pruneNulls(child);
  }
  return value;
}
