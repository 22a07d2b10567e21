/**
 * `kubectl describe job`: parallelism, completions, backoff limit, deadline, `Pods Statuses:` counts
 * and the pod template. Describe prints no job conditions; the job controller records its
 * terminal condition as an event with the same reason and message (`BackoffLimitExceeded`,
 * `DeadlineExceeded`, `Completed`), so the condition is rebuilt from that event.
 */
import type { KubeObject } from '../../../cluster/objects.js';
import type { ReadContext } from '../context.js';
import { child, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf } from '../meta.js';
import { readPodTemplate } from '../pod-spec.js';
import { withEvents, type BlockRead } from '../reader.js';
import type { Block } from '../text.js';
import { boolOf, isoTime, labelSelector, present } from '../values.js';

const POD_STATUSES = /^(\d+) Active(?: \((\d+) Ready\))? \/ (\d+) Succeeded \/ (\d+) Failed$/;

/** Event reasons the job controller emits when it sets the Failed condition. */
const FAILED_REASONS = new Set([
  'BackoffLimitExceeded', 'DeadlineExceeded', 'PodFailurePolicy', 'MaxFailedIndexesExceeded', 'FailedIndexes',
]);

export function readJob(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const spec: Record<string, unknown> = {};
  const status: Record<string, unknown> = {};
  const selector = present(valueOf(fields, 'Selector'));
  if (selector && !selector.startsWith('Failed to get selector')) spec['selector'] = labelSelector(selector);
  for (const [label, key] of [['Parallelism', 'parallelism'], ['Completions', 'completions'], ['Backoff Limit', 'backoffLimit'],
    ['TTL Seconds After Finished', 'ttlSecondsAfterFinished']] as const) {
    const f = child(fields, label);
    if (f && present(f.value)) spec[key] = ctx.int(f);
  }
  const deadline = child(fields, 'Active Deadline Seconds');
  if (deadline) spec['activeDeadlineSeconds'] = ctx.int(deadline, deadline.value.replace(/s$/, ''));
  const mode = present(valueOf(fields, 'Completion Mode'));
  if (mode) spec['completionMode'] = mode;
  const suspend = boolOf(valueOf(fields, 'Suspend'));
  if (suspend !== undefined) spec['suspend'] = suspend;
  const template = readPodTemplate(child(fields, 'Pod Template'), ctx);
  if (template) spec['template'] = template;

  const startTime = isoTime(valueOf(fields, 'Start Time') ?? '');
  if (startTime) status['startTime'] = startTime;
  const completionTime = isoTime(valueOf(fields, 'Completed At') ?? '');
  if (completionTime) status['completionTime'] = completionTime;
  const pods = child(fields, 'Pods Statuses');
  if (pods) {
    const m = ctx.match(pods, POD_STATUSES, '"N Active (N Ready) / N Succeeded / N Failed"');
    // The API omits zero counts; `ready` is a pointer and prints when set.
    for (const [key, value] of [['active', m[1]], ['succeeded', m[3]], ['failed', m[4]]] as const) {
      if (Number(value) > 0) status[key] = Number(value);
    }
    if (m[2] !== undefined) status['ready'] = Number(m[2]);
  }
  const completed = present(valueOf(fields, 'Completed Indexes'));
  if (completed) status['completedIndexes'] = completed;

  const objects = withEvents(objectOf('Job', metadata, { spec, status }), fields);
  const conditions = conditionsFromEvents(objects.slice(1), completionTime);
  if (conditions.length > 0) status['conditions'] = conditions;
  return { objects };
}

function conditionsFromEvents(events: KubeObject[], completionTime: string | undefined): Record<string, string>[] {
  const conditions: Record<string, string>[] = [];
  const failed = events.find((e) => FAILED_REASONS.has(String(e['reason'])));
  if (failed) conditions.push({ type: 'Failed', status: 'True', reason: String(failed['reason']), message: String(failed['message'] ?? '') });
  const done = events.find((e) => e['reason'] === 'Completed');
  if (!failed && (done || completionTime)) conditions.push({ type: 'Complete', status: 'True' });
  return conditions;
}
