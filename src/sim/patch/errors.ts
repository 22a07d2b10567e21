/**
 * A patch the API server would refuse, with the HTTP code, Status reason and message the real
 * apiserver answers (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go and
 * apimachinery's api/errors): the HTTP layer turns it into a `Status` object unchanged.
 */

/** The Status reasons a patch can fail with; `''` is what the apiserver sends for a plain Go error (500). */
export type PatchErrorReason =
  | 'BadRequest' | 'Invalid' | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | 'InternalError' | '';

/** The generic message the apiserver sends for a 422 built with `NewGenericServerResponse`. */
export const GENERIC_UNPROCESSABLE = 'the server rejected our request due to an error in our request';

/**
 * @example throw new PatchError(400, 'BadRequest', 'invalid patch format of retainKeys')
 */
export class PatchError extends Error {
  readonly code: number;
  readonly reason: PatchErrorReason;
  /** What the patch library itself said, when the Status message hides it (a failed JSON-patch `test`). */
  readonly detail: string | undefined;
  /** The Status `details`, when the apiserver sends some. */
  readonly details: object | undefined;

  /**
   * @param code HTTP status code of the Status (400, 415, 422, 413 or 500)
   * @param reason Status reason (`''` for the apiserver's unclassified errors)
   * @param message the Status message, exactly as kubectl will print it after `Error from server`
   */
  constructor(code: number, reason: PatchErrorReason, message: string,
    options?: { detail?: string; details?: object; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PatchError';
    this.code = code;
    this.reason = reason;
    this.detail = options?.detail;
    this.details = options?.details;
  }

  /** The `Status` object the apiserver answers with (an empty reason is left out, as Go's omitempty does). */
  status(): object {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message,
      ...(this.reason === '' ? {} : { reason: this.reason }),
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

/** A 400 BadRequest. */
export function badRequest(message: string): PatchError {
  return new PatchError(400, 'BadRequest', message);
}

/** An unclassified error: the apiserver answers 500 with the Go error's text. */
export function serverError(message: string): PatchError {
  return new PatchError(500, '', message);
}
