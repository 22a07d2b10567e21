import { PatchError } from './index.js';

/** The PatchError `run` throws; fails the test when it throws nothing or something else. */
export function errorOf(run: () => unknown): PatchError {
  try {
    run();
  } catch (error) {
    if (error instanceof PatchError) return error;
    throw error;
  }
  throw new Error('expected a PatchError');
}
