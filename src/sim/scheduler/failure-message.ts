/**
 * The FailedScheduling message of the default scheduler: the filters' FitError followed by what
 * default preemption (PostFilter) found, e.g.
 * `0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..`
 * The doubled period is real: preemption's own FitError ends with one, and the outer FitError
 * appends its PostFilter message with another (pkg/scheduler/framework/types.go, SeparatorFormat).
 */
import type { Obj } from '../../cluster/graph.js';
import type { Pod } from '../../cluster/objects.js';
import { fitErrorMessage, REASON, type FitResult, type ReasonCount } from '../../cluster/scheduling.js';

const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** Filter reasons whose status is Unschedulable (removing pods could help); every other reason is UnschedulableAndUnresolvable. */
function preemptionMightHelp(reason: string): boolean {
  return reason === REASON.tooManyPods || reason.startsWith('Insufficient ')
    || reason === REASON.podAntiAffinity || reason === REASON.existingAntiAffinity;
}

/** VolumeBinding's PreFilter reports a missing claim as Unschedulable, the others as unresolvable. */
function preFilterMightHelp(reason: string): boolean {
  return /^persistentvolumeclaim ".*" not found$/.test(reason);
}

/**
 * What default preemption reports when it finds no candidate. The simulator evicts nobody: every
 * node where preemption might help has no victims (pods of lower priority are not looked for).
 */
export function preemptionMessage(pod: Obj<Pod>, fit: FitResult): string {
  if (pod.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  let victimless = 0;
  if (fit.preFilter) {
    if (preFilterMightHelp(fit.preFilter.reason)) victimless = fit.numNodes;
  } else {
    for (const verdict of fit.blocked) {
      if (verdict.reasons.every(preemptionMightHelp)) victimless += 1;
    }
  }
  const reasons: ReasonCount[] = [];
  if (victimless > 0) reasons.push({ reason: NO_VICTIMS, count: victimless });
  if (fit.numNodes - victimless > 0) reasons.push({ reason: NOT_HELPFUL, count: fit.numNodes - victimless });
  return `preemption: ${fitErrorMessage(fit.numNodes, undefined, reasons)}`;
}

/** The whole message, as the event and the PodScheduled condition carry it. */
export function failedSchedulingMessage(pod: Obj<Pod>, fit: FitResult): string {
  if (fit.numNodes === 0) return REASON.noNodes;
  return `${fit.message} ${preemptionMessage(pod, fit)}.`;
}
