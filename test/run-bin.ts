/** `bin/kubetriage` as a user runs it: a child process, its output and exit code captured. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/kubetriage', import.meta.url));

export interface BinResult { code: number; stdout: string; stderr: string }

/** Runs `kubetriage ARGS` without colour; a non-zero exit is a result, not an error. */
export function kubetriage(args: string[]): Promise<BinResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}
