/** `kubetriage rca ARGS` in this process, its output and exit code captured, for the tests. */
import { Command } from 'commander';
import { PassThrough } from 'node:stream';
import type { Io } from './diagnose-command.js';
import { registerRcaCommand } from './rca-command.js';

export async function runRcaCommand(args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  let code = -1;
  const program = new Command('kubetriage').exitOverride();
  registerRcaCommand(program, { stdin: process.stdin, stdout, stderr: stdout } as unknown as Io, (c) => { code = c; });
  await program.parseAsync(['rca', ...args], { from: 'user' });
  return { code, out };
}
