/**
 * `kubectl describe statefulset`: `Replicas:  N desired | N total`, update strategy, pod template and
 * volume claim templates.
 */
import type { ReadContext } from '../context.js';
import { child, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf } from '../meta.js';
import { readPodTemplate } from '../pod-spec.js';
import { withEvents, type BlockRead } from '../reader.js';
import type { Block } from '../text.js';
import { accessModes, labelSelector, present } from '../values.js';

export function readStatefulSet(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const spec: Record<string, unknown> = { selector: labelSelector(valueOf(fields, 'Selector') ?? '') };
  const status: Record<string, unknown> = {};
  const replicas = child(fields, 'Replicas');
  if (replicas) {
    const m = ctx.match(replicas, /^(\d+) desired \| (\d+) total$/, '"N desired | N total"');
    spec['replicas'] = Number(m[1]);
    status['replicas'] = Number(m[2]);
  }
  const strategy = child(fields, 'Update Strategy');
  if (strategy) {
    const partition = child(strategy.children, 'Partition');
    spec['updateStrategy'] = { type: strategy.value, ...(partition ? { rollingUpdate: { partition: ctx.int(partition) } } : {}) };
  }
  const template = readPodTemplate(child(fields, 'Pod Template'), ctx);
  if (template) spec['template'] = template;
  const claims = claimTemplatesOf(child(fields, 'Volume Claims'));
  if (claims.length > 0) spec['volumeClaimTemplates'] = claims;
  return { objects: withEvents(objectOf('StatefulSet', metadata, { spec, status }), fields) };
}

/** `Volume Claims:` entries, each starting at its `Name:` line. */
function claimTemplatesOf(section: Field | undefined): Record<string, unknown>[] {
  const claims: Record<string, unknown>[] = [];
  let current: { metadata: { name: string }; spec: Record<string, unknown> } | undefined;
  for (const f of section?.children ?? []) {
    if (f.key === 'Name') {
      current = { metadata: { name: f.value }, spec: {} };
      claims.push(current);
    } else if (current && f.key === 'StorageClass' && present(f.value)) {
      current.spec['storageClassName'] = f.value;
    } else if (current && f.key === 'Capacity' && present(f.value) && f.value !== '<default>') {
      current.spec['resources'] = { requests: { storage: f.value } };
    } else if (current && f.key === 'Access Modes') {
      current.spec['accessModes'] = accessModes(f.value.replace(/^\[|\]$/g, '').replace(/\s+/g, ','));
    }
  }
  return claims;
}
