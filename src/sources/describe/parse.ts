/**
 * Reads pasted `kubectl describe` output (tickets, chat threads) into the objects of the model, so
 * that analyzers diagnose it as they would `kubectl get -o json`.
 *
 * What is read: pods, deployments, replica sets, stateful sets, jobs, nodes, services (with the
 * Endpoints their `Endpoints:` lines give), persistent volume claims, persistent volumes and
 * ingresses; every row of an `Events:` table becomes a core/v1 Event about the described object.
 * One text may hold several blocks (as `kubectl describe pods` prints them) among chat noise: shell
 * prompt lines, code fences, prose, pasted indentation, Windows line endings. The kind of a block is
 * read from its fields, else from a `kubectl describe <kind>` command line above it. Every object
 * built carries the annotation `kubetriage.io/source: describe`.
 *
 * What describe text cannot tell, and so is absent:
 * - uids: owner references name only kind and name (`Controlled By:`), without `uid`;
 * - absolute event times: describe prints ages (`3m12s (x5 over 10m)`), kept in seconds in the
 *   annotations `kubetriage.io/age-seconds` (last seen) and `kubetriage.io/first-age-seconds`;
 *   `firstTimestamp`/`lastTimestamp` stay unset;
 * - a pod's creation time (its `Start Time` stands for it) and waiting-state messages;
 * - not-ready endpoint addresses, ready counts of replica sets, job conditions (rebuilt from the job
 *   controller's event), ingress path types, probe headers, the exact split of multi-line container
 *   arguments, and a pod's deletion time (`Status: Terminating` leaves the phase unset).
 * Objects known only from a line of another block (a node's `Non-terminated Pods:` row, a deployment's
 * `NewReplicaSet:`) are emitted only when no block describes them in full, marked `kubetriage.io/partial`.
 */
import { keyOf, refOf, type KubeObject } from '../../cluster/objects.js';
import { InputError } from '../input-error.js';
import { ReadContext } from './context.js';
import { buildFields } from './fields.js';
import { kindOf, READERS } from './kinds/index.js';
import { findBlocks, sourceLines } from './text.js';

/** The size of input {@link looksLikeDescribe} looks at. */
const SNIFF_BYTES = 64 * 1024;

const DESCRIBE_START = /^([ \t]*)Name:[ \t]+\S[^\n]*\r?\n(?:[ \t]*\r?\n)*\1(?:Namespace|Labels|Roles|Annotations|Priority):/m;

/**
 * True when the text holds at least one describe block: a `Name:` line followed by a describe field
 * at the same indentation.
 * @example looksLikeDescribe('Name:         web-1\nNamespace:    shop\n') // true
 */
export function looksLikeDescribe(text: string): boolean {
  return DESCRIBE_START.test(text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text);
}

/**
 * The objects (and their events) the describe blocks of a text show.
 * @param origin the file path or `-`, named in errors
 * @throws InputError naming the origin and the line, for a block whose kind cannot be told or whose
 *   values do not read as kubectl prints them, or for text that holds no describe block
 * @example parseDescribe(fs.readFileSync('ticket.txt', 'utf8'), 'ticket.txt')
 */
export function parseDescribe(text: string, origin: string): KubeObject[] {
  const ctx = new ReadContext(origin);
  const blocks = findBlocks(sourceLines(text));
  if (blocks.length === 0) {
    throw new InputError(origin, 'no kubectl describe output found: expected a line "Name:  <name>" followed by '
      + 'fields such as "Namespace:", "Labels:" or "Roles:"');
  }
  const objects: KubeObject[] = [];
  const partial: KubeObject[] = [];
  for (const block of blocks) {
    const fields = buildFields(block.lines);
    const read = READERS[kindOf(fields, block, ctx)]!(fields, ctx, block);
    objects.push(...read.objects);
    partial.push(...(read.partial ?? []));
  }
  const described = new Set(objects.map((o) => keyOf(refOf(o))));
  for (const obj of partial) {
    const key = keyOf(refOf(obj));
    if (described.has(key)) continue;
    described.add(key);
    objects.push(obj);
  }
  return objects;
}
