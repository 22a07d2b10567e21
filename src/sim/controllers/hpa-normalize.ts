/**
 * From the metrics' proposal to the replica count the autoscaler sets (horizontal.go): the
 * scale-down stabilization window (the highest recommendation of the last 5 minutes wins), the
 * min/max bounds and the scale-up limit (max(2×current, 4)), or with `spec.behavior` the windows and
 * rate policies of each direction. Each result carries the AbleToScale and ScalingLimited reasons.
 */

/** `--horizontal-pod-autoscaler-downscale-stabilization`. */
export const DOWNSCALE_STABILIZATION_MS = 5 * 60_000;

/** A recommendation remembered for the stabilization window. */
export interface Recommendation {
  replicas: number;
  atMs: number;
}

/** A change the autoscaler made, remembered for the rate policies. */
export interface ScaleEvent {
  change: number;
  atMs: number;
}

/** What the autoscaler remembers per HPA between passes. */
export interface ScalingMemory {
  recommendations: Recommendation[];
  scaleUp: ScaleEvent[];
  scaleDown: ScaleEvent[];
}

/** An HPAScalingPolicy. */
export interface Policy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** HPAScalingRules with the apiserver's defaults filled in. */
export interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: Policy[];
}

/** The normalized count and the reasons/messages of the AbleToScale and ScalingLimited conditions. */
export interface Normalized {
  replicas: number;
  able: { reason: string; message: string };
  limited: { status: 'True' | 'False'; reason: string; message: string };
}

const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const DOWN_STABILIZED = { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
const UP_STABILIZED = { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' };
const TOO_FEW = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
const TOO_MANY = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const UP_LIMIT = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const DOWN_LIMIT = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
const WITHIN = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };

function limited(desired: number, stabilized: number, why: { reason: string; message: string }): Normalized['limited'] {
  return { status: desired === stabilized ? 'False' : 'True', ...why };
}

/** normalizeDesiredReplicas: without `spec.behavior`. */
export function normalize(memory: ScalingMemory, nowMs: number, current: number, proposed: number, min: number, max: number): Normalized {
  // stabilizeRecommendation: the highest recommendation still in the window; the oldest expired one is replaced.
  const cutoff = nowMs - DOWNSCALE_STABILIZATION_MS;
  let stabilized = proposed;
  let replaced = false;
  for (const r of memory.recommendations) {
    if (r.atMs < cutoff && !replaced) {
      r.replicas = proposed;
      r.atMs = nowMs;
      replaced = true;
    } else if (r.atMs >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
  }
  if (!replaced) memory.recommendations.push({ replicas: proposed, atMs: nowMs });
  const able = stabilized !== proposed ? DOWN_STABILIZED : READY;
  const scaleUpLimit = Math.max(2 * current, 4);
  const [maxAllowed, maxWhy] = max > scaleUpLimit ? [scaleUpLimit, UP_LIMIT] : [max, TOO_MANY];
  if (stabilized < min) return { replicas: min, able, limited: limited(min, stabilized, TOO_FEW) };
  if (stabilized > maxAllowed) return { replicas: maxAllowed, able, limited: limited(maxAllowed, stabilized, maxWhy) };
  return { replicas: stabilized, able, limited: limited(stabilized, stabilized, WITHIN) };
}

/** The scaling rules of one direction with the v2 defaults (scale up 100% or 4 pods per 15 s; scale down 100% per 15 s after 300 s). */
export function rulesOf(behavior: Record<string, unknown> | undefined, direction: 'scaleUp' | 'scaleDown'): Rules {
  const given = (behavior?.[direction] as Partial<Rules> | undefined) ?? {};
  const up = direction === 'scaleUp';
  return {
    stabilizationWindowSeconds: given.stabilizationWindowSeconds ?? (up ? 0 : DOWNSCALE_STABILIZATION_MS / 1000),
    selectPolicy: given.selectPolicy ?? 'Max',
    policies: given.policies ?? (up ? [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] : [{ type: 'Percent', value: 100, periodSeconds: 15 }]),
  };
}

function changedWithin(events: ScaleEvent[], periodSeconds: number, nowMs: number): number {
  return events.filter((e) => e.atMs > nowMs - periodSeconds * 1000).reduce((sum, e) => sum + e.change, 0);
}

function scaleUpLimit(current: number, events: ScaleEvent[], rules: Rules, nowMs: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  let result = rules.selectPolicy === 'Min' ? Number.MAX_SAFE_INTEGER : 0;
  for (const p of rules.policies) {
    const start = current - changedWithin(events, p.periodSeconds, nowMs);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = rules.selectPolicy === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

function scaleDownLimit(current: number, events: ScaleEvent[], rules: Rules, nowMs: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  let result = rules.selectPolicy === 'Min' ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies) {
    const start = current + changedWithin(events, p.periodSeconds, nowMs);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = rules.selectPolicy === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** normalizeDesiredReplicasWithBehaviors: the windows and rate policies of `spec.behavior`. */
export function normalizeWithBehavior(memory: ScalingMemory, nowMs: number, current: number, proposed: number, min: number, max: number, behavior: Record<string, unknown>): Normalized {
  const up = rulesOf(behavior, 'scaleUp');
  const down = rulesOf(behavior, 'scaleDown');
  const upward = proposed >= current;
  const window = (upward ? up : down).stabilizationWindowSeconds * 1000;
  const obsolete = nowMs - Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds) * 1000;
  let stabilized = proposed;
  let replaced = false;
  for (const r of memory.recommendations) {
    if (r.atMs > nowMs - window) stabilized = upward ? Math.min(stabilized, r.replicas) : Math.max(stabilized, r.replicas);
    if (r.atMs < obsolete && !replaced) {
      r.replicas = proposed;
      r.atMs = nowMs;
      replaced = true;
    }
  }
  if (!replaced) memory.recommendations.push({ replicas: proposed, atMs: nowMs });
  const able = stabilized !== proposed ? (upward ? UP_STABILIZED : DOWN_STABILIZED) : READY;
  if (stabilized > current) {
    const limit = Math.max(scaleUpLimit(current, memory.scaleUp, up, nowMs), current);
    const [allowed, why] = max > limit ? [limit, UP_LIMIT] : [max, TOO_MANY];
    if (stabilized > allowed) return { replicas: allowed, able, limited: limited(allowed, stabilized, why) };
  } else if (stabilized < current) {
    const limit = Math.min(scaleDownLimit(current, memory.scaleDown, down, nowMs), current);
    const [allowed, why] = min < limit ? [limit, DOWN_LIMIT] : [min, TOO_FEW];
    if (stabilized < allowed) return { replicas: allowed, able, limited: limited(allowed, stabilized, why) };
  }
  return { replicas: stabilized, able, limited: limited(stabilized, stabilized, WITHIN) };
}

/** storeScaleEvent: what a rescale adds to the rate policies' memory. */
export function rememberScale(memory: ScalingMemory, from: number, to: number, nowMs: number): void {
  if (to > from) memory.scaleUp.push({ change: to - from, atMs: nowMs });
  else if (to < from) memory.scaleDown.push({ change: from - to, atMs: nowMs });
  // Events older than any policy period (at most 30 minutes) are no longer read.
  const cutoff = nowMs - 30 * 60_000;
  memory.scaleUp = memory.scaleUp.filter((e) => e.atMs >= cutoff);
  memory.scaleDown = memory.scaleDown.filter((e) => e.atMs >= cutoff);
}
