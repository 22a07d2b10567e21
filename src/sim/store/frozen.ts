/**
 * Stored objects are deeply frozen: nothing outside the store can change one in place, so a version
 * of an object is a value, and its JSON can be computed once and shared by every list and watcher.
 */

/** Freezes the value and everything under it; returns it for chaining. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

const jsonCache = new WeakMap<object, string>();

/**
 * `JSON.stringify` of a frozen object, computed once per object version. Unfrozen values are
 * serialised every time (they may change).
 */
export function jsonOf(value: object): string {
  if (!Object.isFrozen(value)) return JSON.stringify(value);
  let text = jsonCache.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    jsonCache.set(value, text);
  }
  return text;
}

/** A deep, mutable copy (of a frozen object or anything JSON). */
export function thaw<T>(value: T): T {
  return structuredClone(value);
}
