/**
 * `kubectl triage ...`: kubectl runs the `kubectl-triage` executable found on PATH with the words
 * after `triage`. Without a command it diagnoses the live cluster, as an SRE expects of a kubectl
 * verb; `kubectl triage demo`, `kubectl triage sim start ...` and the rest pass through.
 */

const COMMANDS = new Set(['diagnose', 'demo', 'sim', 'watch', 'help']);
const PASS_THROUGH = new Set(['-h', '--help', '-V', '--version']);

/** The kubetriage arguments for the arguments kubectl gave the plugin. */
export function pluginArgs(args: readonly string[]): string[] {
  const first = args[0];
  if (first !== undefined && (COMMANDS.has(first) || PASS_THROUGH.has(first))) return [...args];
  return ['diagnose', '--live', ...args];
}
