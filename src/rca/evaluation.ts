/** RCAEval's accuracy measures over a set of cases. */

/** Whether the true root cause is among the first k of a ranking. */
export function inTopK(ranking: readonly string[], truth: string, k: number): boolean {
  return ranking.slice(0, k).includes(truth);
}

/** AC@k: the share of cases whose root cause is in the top k. */
export function accuracyAt(rankings: readonly (readonly string[])[], truths: readonly string[], k: number): number {
  if (rankings.length === 0) return Number.NaN;
  return rankings.filter((r, i) => inTopK(r, truths[i]!, k)).length / rankings.length;
}

/** Avg@k: the mean of AC@1 .. AC@k. */
export function averageAccuracy(rankings: readonly (readonly string[])[], truths: readonly string[], k: number): number {
  let sum = 0;
  for (let j = 1; j <= k; j++) sum += accuracyAt(rankings, truths, j);
  return sum / k;
}
