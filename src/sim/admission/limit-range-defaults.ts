/**
 * The defaults a LimitRange gets when it is written (SetDefaults_LimitRangeItem, pkg/apis/core/v1):
 * for `Container` items, a missing default limit is the max, a missing default request is the
 * default limit, else the min. What LimitRanger then applies to pods is these stored defaults.
 */
import { type Obj, arr, rec } from './admission-plugin.js';

function fillFrom(target: Obj, source: Obj | undefined): void {
  for (const [resource, value] of Object.entries(source ?? {})) if (target[resource] === undefined) target[resource] = value;
}

/** Fills the defaults of a LimitRange draft in place. */
export function defaultLimitRange(limitRange: Obj): void {
  for (const item of arr(rec(limitRange['spec'])?.['limits'])) {
    if (item['type'] !== 'Container') continue;
    const defaults = rec(item['default']) ?? {};
    const defaultRequests = rec(item['defaultRequest']) ?? {};
    fillFrom(defaults, rec(item['max']));
    fillFrom(defaultRequests, defaults);
    fillFrom(defaultRequests, rec(item['min']));
    // Empty maps are omitted when the object is written (`omitempty`).
    if (Object.keys(defaults).length > 0) item['default'] = defaults;
    if (Object.keys(defaultRequests).length > 0) item['defaultRequest'] = defaultRequests;
  }
}
