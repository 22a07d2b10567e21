/**
 * `kubectl describe replicaset`: owner, `Replicas:  N current / N desired`, pod template and
 * conditions. Describe prints pod phases (`Pods Status:`), not ready or available counts, so those
 * stay unknown.
 */
import type { ReadContext } from '../context.js';
import { child, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf } from '../meta.js';
import { readPodTemplate } from '../pod-spec.js';
import { withEvents, type BlockRead } from '../reader.js';
import type { Block } from '../text.js';
import { labelSelector } from '../values.js';
import { conditionRows } from './deployment.js';

export function readReplicaSet(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const spec: Record<string, unknown> = { selector: labelSelector(valueOf(fields, 'Selector') ?? '') };
  const status: Record<string, unknown> = {};
  const replicas = child(fields, 'Replicas');
  if (replicas) {
    const m = ctx.match(replicas, /^(\d+) current \/ (\d+) desired$/, '"N current / N desired"');
    status['replicas'] = Number(m[1]);
    spec['replicas'] = Number(m[2]);
  }
  const template = readPodTemplate(child(fields, 'Pod Template'), ctx);
  if (template) spec['template'] = template;
  const conditions = conditionRows(child(fields, 'Conditions'));
  if (conditions.length > 0) status['conditions'] = conditions;
  return { objects: withEvents(objectOf('ReplicaSet', metadata, { spec, status }), fields) };
}
