/**
 * `kubetriage act VERB KIND/NAME`: one change, through the gateway. The plan is built from the
 * arguments, its blast radius computed, the policy decides, and an allowed change is applied and
 * verified (and rolled back if it makes things worse). Exit codes: 0 applied (or dry-run), 3 denied,
 * 4 held for approval, 2 error or not applied.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { kindOf, objectPath } from '../actions/api-paths.js';
import { submit } from '../actions/gateway.js';
import type { KubeObject, ObjectRef } from '../cluster/objects.js';
import { apply, cordon, deletePod, restart, rolloutUndo, scale, uncordon } from '../diagnose/fixes.js';
import { plan as makePlan, type ActionPlan, type PatchChange } from '../diagnose/plan.js';
import type { ApiClient } from '../sources/live/api-client.js';
import { InputError } from '../sources/input-error.js';
import type { Io } from './diagnose-command.js';
import { report, withGateway, withGatewayOptions, type GatewayFlags } from './act-options.js';

export const ACT_VERBS = ['patch', 'scale', 'rollout-undo', 'restart', 'delete', 'cordon', 'uncordon', 'apply'] as const;

export interface ActFlags extends GatewayFlags {
  namespace?: string;
  replicas?: number;
  type: PatchChange['type'];
  patch?: string;
  filename?: string;
  toRevision?: number;
  dryRun?: boolean;
  resolves?: string;
}

/** kubectl's short names and plurals for the kinds `act` changes. */
const ALIASES: Record<string, string> = {
  deploy: 'Deployment', po: 'Pod', svc: 'Service', no: 'Node', ns: 'Namespace', sts: 'StatefulSet', ds: 'DaemonSet',
  rs: 'ReplicaSet', ing: 'Ingress', hpa: 'HorizontalPodAutoscaler', cm: 'ConfigMap', pvc: 'PersistentVolumeClaim', sa: 'ServiceAccount',
};

/** Adds `act` to the program; `setExitCode` receives 0, 2, 3 or 4. */
export function registerActCommand(program: Command, io: Io, setExitCode: (code: number) => void = (code) => { process.exitCode = code; }): void {
  withGatewayOptions(program.command('act')
    .description('Make one change through the gateway: blast radius, policy decision, apply, verify, roll back on regression, audit.')
    .argument('<verb>', `one of ${ACT_VERBS.join(', ')}`)
    .argument('[target]', 'KIND/NAME, e.g. deployment/web (apply takes it from -f)')
    .option('-n, --namespace <namespace>', 'the target\'s namespace (default: the context\'s)')
    .addOption(new Option('--replicas <n>', 'scale: the new replica count').argParser(wholeNumber('--replicas')))
    .addOption(new Option('--type <type>', 'patch: the patch type').choices(['strategic', 'merge', 'json']).default('strategic'))
    .option('-p, --patch <json>', 'patch: the patch, as JSON')
    .option('-f, --filename <file>', 'apply: the manifest (YAML or JSON)')
    .addOption(new Option('--to-revision <n>', 'rollout-undo: the revision to go back to (default: the previous one)').argParser(wholeNumber('--to-revision')))
    .option('--dry-run', 'check everything, with a server-side dry-run; change nothing')
    .option('--resolves <finding-id>', 'the finding this change is meant to resolve: verification waits for it to go'))
    .action(async (verb: string, target: string | undefined, flags: ActFlags) => {
      setExitCode(await runAct(verb, target, flags, io));
    });
}

/** Builds the plan, submits it, prints the result; returns the exit code. */
export async function runAct(verb: string, target: string | undefined, flags: ActFlags, io: Pick<Io, 'stdout' | 'stderr'>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withGateway(flags, io, env, async (deps) => {
    const plan = await buildPlan(verb, target, flags, deps.client, deps.namespace);
    const result = await submit(plan, deps, { ...(flags.dryRun ? { dryRun: true } : {}), ...(flags.resolves ? { resolves: flags.resolves } : {}) });
    return report(result, flags.output, io);
  });
}

/** The plan the arguments describe. Unknown kinds and odd targets are kept as given: the gateway denies them with a reason. */
export async function buildPlan(verb: string, target: string | undefined, flags: ActFlags, client: ApiClient, contextNamespace: string): Promise<ActionPlan> {
  if (!(ACT_VERBS as readonly string[]).includes(verb)) throw new InputError('act', `unknown verb "${verb}": use one of ${ACT_VERBS.join(', ')}`);
  if (verb === 'apply') return applyPlan(flags);
  if (!target) throw new InputError('act', `${verb} needs a target: KIND/NAME`);
  const ref = targetRef(target, flags.namespace ?? contextNamespace);
  const why = `requested with kubetriage act ${verb}`;
  switch (verb) {
    case 'scale': {
      if (flags.replicas === undefined) throw new InputError('act', 'scale needs --replicas N');
      return scale(ref, flags.replicas, await currentReplicas(client, ref), why);
    }
    case 'rollout-undo': return rolloutUndo(ref, why, flags.toRevision);
    case 'restart': return restart(ref, why);
    case 'delete': return ref.kind === 'Pod' ? deletePod(ref, why) : makePlan({ verb: 'delete-pod', target: ref, summary: `delete ${ref.kind.toLowerCase()} ${ref.name}`, reason: why });
    case 'cordon': return cordon(ref, why);
    case 'uncordon': return uncordon(ref, why);
    default: return patchPlan(ref, flags, client, why);
  }
}

function targetRef(target: string, namespace: string): ObjectRef {
  const slash = target.indexOf('/');
  if (slash <= 0 || slash === target.length - 1) throw new InputError('act', `target "${target}" is not KIND/NAME (e.g. deployment/web)`);
  const word = target.slice(0, slash).toLowerCase();
  const known = kindOf(ALIASES[word] ?? word) ?? kindOfPlural(word);
  const kind = known?.kind ?? target.slice(0, 1).toUpperCase() + target.slice(1, slash);
  const name = target.slice(slash + 1);
  return known && !known.namespaced ? { kind, name } : { kind, namespace, name };
}

function kindOfPlural(word: string): ReturnType<typeof kindOf> {
  const singular = word.endsWith('ses') ? word.slice(0, -2) : word.endsWith('s') ? word.slice(0, -1) : word;
  return kindOf(singular);
}

async function currentReplicas(client: ApiClient, ref: ObjectRef): Promise<number> {
  const kind = kindOf(ref.kind);
  if (!kind) return 0;
  try {
    const obj = await client.getJson<KubeObject>(objectPath(kind, ref));
    return (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  } catch {
    return 0;
  }
}

/** A patch, with the object's current spec as its inverse: a rollback restores it whole. */
async function patchPlan(ref: ObjectRef, flags: ActFlags, client: ApiClient, why: string): Promise<ActionPlan> {
  if (flags.patch === undefined) throw new InputError('act', 'patch needs -p JSON');
  let patch: unknown;
  try {
    patch = JSON.parse(flags.patch);
  } catch (err) {
    throw new InputError('-p', `not JSON: ${(err as Error).message}`, { cause: err });
  }
  const kind = kindOf(ref.kind);
  const current = kind ? await client.getJson<KubeObject>(objectPath(kind, ref)).catch(() => undefined) : undefined;
  const summary = `${flags.type} patch of ${ref.kind.toLowerCase()}/${ref.name}: ${flags.patch.length > 120 ? `${flags.patch.slice(0, 117)}...` : flags.patch}`;
  const inverse = current?.spec !== undefined
    ? { inverse: { verb: 'patch' as const, target: ref, change: { type: 'json', patch: [{ op: 'replace', path: '/spec', value: current.spec }] }, summary: `restore the spec of ${ref.kind.toLowerCase()}/${ref.name}`, reason: 'undo' } }
    : {};
  return makePlan({ verb: 'patch', target: ref, change: { type: flags.type, patch }, summary, reason: why, ...inverse });
}

async function applyPlan(flags: ActFlags): Promise<ActionPlan> {
  if (!flags.filename) throw new InputError('act', 'apply needs -f FILE');
  let manifest: unknown;
  try {
    manifest = parseYaml(await readFile(flags.filename, 'utf8'));
  } catch (err) {
    throw new InputError(flags.filename, `cannot read the manifest: ${(err as Error).message}`, { cause: err });
  }
  const m = manifest as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  if (typeof m?.kind !== 'string' || typeof m.metadata?.name !== 'string') throw new InputError(flags.filename, 'not a manifest: it needs kind and metadata.name');
  const namespaced = kindOf(m.kind)?.namespaced ?? true;
  const namespace = typeof m.metadata.namespace === 'string' ? m.metadata.namespace : flags.namespace;
  const withNs = namespaced && namespace ? { ...m, metadata: { ...m.metadata, namespace } } : m;
  return apply(withNs as Parameters<typeof apply>[0], `apply ${m.kind.toLowerCase()}/${m.metadata.name} from ${flags.filename}`, 'requested with kubetriage act apply');
}

function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InputError(flag, `"${value}" is not a whole number`);
    return n;
  };
}
