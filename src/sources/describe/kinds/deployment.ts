/**
 * `kubectl describe deployment`: replicas line, strategy, pod template, conditions, and the replica
 * sets it names (`NewReplicaSet:  web-7d9c (3/3 replicas created)`), which become partial ReplicaSets
 * owned by the deployment so that a pod's owner chain reaches it.
 */
import type { KubeObject } from '../../../cluster/objects.js';
import type { ReadContext } from '../context.js';
import { child, valueOf, type Field } from '../fields.js';
import { controllerRef, metadataOf, objectOf, PARTIAL_ANNOTATION, SOURCE_ANNOTATION, type DescribedMeta } from '../meta.js';
import { readPodTemplate } from '../pod-spec.js';
import { withEvents, type BlockRead } from '../reader.js';
import { tableRows } from '../table.js';
import type { Block } from '../text.js';
import { intOrString, labelSelector } from '../values.js';

const REPLICAS = /^(\d+) desired \| (\d+) updated \| (\d+) total \| (\d+) available \| (\d+) unavailable$/;

export function readDeployment(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const spec: Record<string, unknown> = { selector: labelSelector(valueOf(fields, 'Selector') ?? '') };
  const status: Record<string, unknown> = {};

  const replicas = child(fields, 'Replicas');
  if (replicas) {
    const m = ctx.match(replicas, REPLICAS, '"N desired | N updated | N total | N available | N unavailable"');
    spec['replicas'] = Number(m[1]);
    status['updatedReplicas'] = Number(m[2]);
    status['replicas'] = Number(m[3]);
    status['availableReplicas'] = Number(m[4]);
    status['unavailableReplicas'] = Number(m[5]);
  }
  const strategy: Record<string, unknown> = {};
  const type = valueOf(fields, 'StrategyType');
  if (type) strategy['type'] = type;
  const rolling = /^(\S+) max unavailable, (\S+) max surge$/.exec(valueOf(fields, 'RollingUpdateStrategy') ?? '');
  if (rolling) strategy['rollingUpdate'] = { maxUnavailable: intOrString(rolling[1]!), maxSurge: intOrString(rolling[2]!) };
  if (Object.keys(strategy).length > 0) spec['strategy'] = strategy;
  const minReady = child(fields, 'MinReadySeconds');
  if (minReady) spec['minReadySeconds'] = ctx.int(minReady);
  const template = readPodTemplate(child(fields, 'Pod Template'), ctx);
  if (template) spec['template'] = template;
  const conditions = conditionRows(child(fields, 'Conditions'));
  if (conditions.length > 0) status['conditions'] = conditions;

  const partial = [
    ...replicaSetsOf(valueOf(fields, 'NewReplicaSet'), metadata),
    ...replicaSetsOf(valueOf(fields, 'OldReplicaSets'), metadata),
  ];
  return { objects: withEvents(objectOf('Deployment', metadata, { spec, status }), fields), partial };
}

/** A `Type  Status  Reason` conditions table (deployments, replica sets). */
export function conditionRows(section: Field | undefined): Record<string, string>[] {
  return tableRows(section).map((r) => {
    const c: Record<string, string> = { type: r.cells[0] ?? '', status: r.cells[1] ?? '' };
    if (r.cells[2]) c['reason'] = r.cells[2];
    return c;
  });
}

/** `web-7d9c (3/3 replicas created), web-5f6b (0/0 replicas created)` as ReplicaSets owned by the deployment. */
function replicaSetsOf(text: string | undefined, owner: DescribedMeta): KubeObject[] {
  const out: KubeObject[] = [];
  for (const m of (text ?? '').matchAll(/(\S+) \((\d+)\/(\d+) replicas created\)/g)) {
    const metadata: DescribedMeta = {
      name: m[1]!,
      ownerReferences: [controllerRef('Deployment', owner.name)],
      annotations: { [SOURCE_ANNOTATION]: 'describe', [PARTIAL_ANNOTATION]: 'true' },
    };
    if (owner.namespace !== undefined) metadata.namespace = owner.namespace;
    out.push(objectOf('ReplicaSet', metadata, { spec: { replicas: Number(m[3]) }, status: { replicas: Number(m[2]) } }));
  }
  return out;
}
