/**
 * A benchmark's command line, read with node's own `util.parseArgs`: numeric options with their
 * defaults, boolean flags and positional arguments. An unknown option, or a value that is not a
 * non-negative number, stops the run with the usage line and exit code 2.
 *
 *   const args = benchArgs({ numbers: { pods: 10_000 }, flags: ['verbose'], usage: 'run.mjs [FILE] [--pods N] [--verbose]' });
 *   args.pods; args.verbose; args.positionals[0];
 */
import { parseArgs } from 'node:util';

export function benchArgs({ numbers = {}, flags = [], usage }) {
  const options = {};
  for (const name of Object.keys(numbers)) options[name] = { type: 'string' };
  for (const name of flags) options[name] = { type: 'boolean', default: false };
  const fail = (message) => {
    console.error(`${message}\nusage: ${usage}`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true });
  } catch (error) {
    fail(error.message);
  }
  const args = { positionals: parsed.positionals };
  for (const [name, fallback] of Object.entries(numbers)) {
    const raw = parsed.values[name];
    const value = raw === undefined ? fallback : Number(raw);
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) fail(`--${name} needs a non-negative number, not ${raw}`);
    args[name] = value;
  }
  for (const name of flags) args[name] = parsed.values[name];
  return args;
}
