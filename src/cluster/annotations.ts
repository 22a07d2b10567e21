/**
 * Annotations kubetriage sets on objects it rebuilt from text rather than read from an API server,
 * so that evidence can say where its data came from and analyzers know what is missing.
 */

/** `describe` on every object built from pasted `kubectl describe` text. */
export const SOURCE_ANNOTATION = 'kubetriage.io/source';

/** On objects known only from a line of another object's describe (a node's pod table): most fields are unknown. */
export const PARTIAL_ANNOTATION = 'kubetriage.io/partial';

/** Seconds since an event last happened, where describe text gives an age instead of a timestamp. */
export const AGE_ANNOTATION = 'kubetriage.io/age-seconds';

/** Seconds since an event first happened (describe's `(x5 over 10m)`). */
export const FIRST_AGE_ANNOTATION = 'kubetriage.io/first-age-seconds';
