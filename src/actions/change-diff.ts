/**
 * The change a plan makes, as a person reads it before approving: a unified diff of the object's
 * YAML before and after, the "after" being the server's own answer to the dry-run. Fields the server
 * keeps for itself (status, managed fields, versions, timestamps) are left out, so only the change shows.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { KubeObject } from '../cluster/objects.js';
import { withoutSecretValues } from '../cluster/redact-object.js';

const SERVER_FIELDS = ['resourceVersion', 'generation', 'uid', 'creationTimestamp', 'managedFields', 'selfLink'] as const;

/** The diff, or undefined when the write changes nothing a person wrote. */
export function changeDiff(before: KubeObject | undefined, after: KubeObject | undefined): string | undefined {
  if (!after) return undefined;
  const name = `${after.kind}/${after.metadata.namespace ? `${after.metadata.namespace}/` : ''}${after.metadata.name}`;
  const [a, b] = [before, after].map((obj) => (obj ? stringify(comparable(obj), { lineWidth: 0, sortMapEntries: true }) : ''));
  if (a === b) return undefined;
  return createTwoFilesPatch(`${name} (now)`, `${name} (after the change)`, a!, b!, '', '', { context: 3 })
    .split('\n').filter((line) => !line.startsWith('====')).join('\n');
}

function comparable(obj: KubeObject): unknown {
  const copy = structuredClone(withoutSecretValues(obj)) as KubeObject & { status?: unknown };
  delete copy.status;
  for (const field of SERVER_FIELDS) delete (copy.metadata as unknown as Record<string, unknown>)[field];
  const annotations = copy.metadata.annotations;
  if (annotations) {
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    delete annotations['deployment.kubernetes.io/revision'];
    if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  }
  return copy;
}
