/**
 * Raised for input that cannot be read: it names the file (or `-` for stdin) and, where known, the
 * position or object at fault, so that a user can find the problem without guessing.
 */
export class InputError extends Error {
  readonly code = 'BAD_INPUT';

  /**
   * @param origin the file path, `-`, or folder the input came from
   * @param detail what is wrong, with the position or object when known
   * @example throw new InputError('pods.json', 'truncated JSON: input ends inside an object at byte 1024 (line 40, column 3)')
   */
  constructor(readonly origin: string, readonly detail: string, options?: { cause?: unknown }) {
    super(`${origin}: ${detail}`, options);
    this.name = 'InputError';
  }
}
