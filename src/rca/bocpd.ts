/**
 * Bayesian online change-point detection (Adams & MacKay, 2007) with a constant hazard and a
 * Normal-Gamma prior (Student-t predictive). Several series are treated as independent dimensions
 * whose predictive log-likelihoods add, a diagonal form of the multivariate-t model BARO uses.
 */

/** Options of the detector. */
export interface BocpdOptions {
  /** Expected run length between changes (the hazard is 1 / lambda). */
  readonly lambda?: number;
  /** Run lengths beyond this are folded into the longest one, bounding the work per step. */
  readonly maxRunLength?: number;
}

const PRIOR = { mu: 0, kappa: 1, alpha: 1, beta: 1 };

/**
 * The run-length posterior after each observation, as log probabilities indexed by run length
 * (entry r: the last r observations form the current run; 0: a run starts after this one).
 * `rows[t][d]` is dimension d at time t; the caller puts dimensions on one scale so one prior fits
 * them all. Missing values (NaN) add no evidence.
 */
export function* runLengthPosteriors(rows: readonly (readonly number[])[], options: BocpdOptions = {}): Generator<readonly number[]> {
  const hazard = 1 / (options.lambda ?? 50);
  const cap = options.maxRunLength ?? 500;
  const dims = rows[0]?.length ?? 0;
  let logR = [0];
  let params = [Array.from({ length: dims }, () => ({ ...PRIOR }))];
  for (const row of rows) {
    const logPred = params.map((perDim) => perDim.reduce((sum, p, d) => sum + logStudentT(row[d]!, p), 0));
    const growth = logR.map((lr, r) => lr + logPred[r]! + Math.log(1 - hazard));
    const change = logSumExp(logR.map((lr, r) => lr + logPred[r]! + Math.log(hazard)));
    let next = [change, ...growth];
    let nextParams = [Array.from({ length: dims }, () => ({ ...PRIOR })), ...params.map((perDim) => perDim.map((p, d) => update(p, row[d]!)))];
    if (next.length > cap) {
      next = [...next.slice(0, cap - 1), logSumExp(next.slice(cap - 1))];
      nextParams = nextParams.slice(0, cap);
    }
    const norm = logSumExp(next);
    logR = next.map((v) => v - norm);
    params = nextParams;
    yield logR;
  }
}

/** The most probable run length after each observation. */
export function mostProbableRunLengths(rows: readonly (readonly number[])[], options: BocpdOptions = {}): number[] {
  return [...runLengthPosteriors(rows, options)].map(argmax);
}

/**
 * BARO's reading of the posterior (anomaly_detection.py, `find_anomalies` over `R[Nw, Nw:-1]`):
 * the probability that the current run is exactly `window` long says a run began `window - 1`
 * rows earlier; the change point is the first row (from row 1) where that probability exceeds
 * `threshold`, else the most probable such row from row 5 on. `undefined` when the series are too
 * short to hold a run of `window` rows.
 */
export function firstChangePoint(rows: readonly (readonly number[])[], window = 10, threshold = 0.01, options: BocpdOptions = {}): number | undefined {
  const startProbability: number[] = [];
  let t = 0;
  for (const logR of runLengthPosteriors(rows, options)) {
    // R[Nw, Nw + i] is the posterior after row Nw + i - 1; the last column is left out, as there.
    if (t >= window - 1 && t <= rows.length - 2) startProbability.push(Math.exp(logR[window] ?? Number.NEGATIVE_INFINITY));
    t++;
  }
  const first = startProbability.findIndex((p, i) => i >= 1 && p > threshold);
  if (first !== -1) return first;
  const head = 5;
  if (startProbability.length <= head) return undefined;
  return head + argmax(startProbability.slice(head));
}

/**
 * The index where the strongest change begins: at the largest drop of the most probable run
 * length, the new run started `runLength` observations before. `undefined` when the run never resets.
 */
export function strongestChangePoint(runLengths: readonly number[]): number | undefined {
  let bestDrop = 0;
  let at: number | undefined;
  for (let t = 1; t < runLengths.length; t++) {
    const drop = runLengths[t - 1]! - runLengths[t]!;
    if (drop > bestDrop) {
      bestDrop = drop;
      at = t - runLengths[t]!;
    }
  }
  return at;
}

interface NormalGamma { mu: number; kappa: number; alpha: number; beta: number }

function update(p: NormalGamma, x: number): NormalGamma {
  if (Number.isNaN(x)) return p;
  return {
    mu: (p.kappa * p.mu + x) / (p.kappa + 1), kappa: p.kappa + 1, alpha: p.alpha + 0.5,
    beta: p.beta + (p.kappa * (x - p.mu) ** 2) / (2 * (p.kappa + 1)),
  };
}

function logStudentT(x: number, p: NormalGamma): number {
  if (Number.isNaN(x)) return 0;
  const nu = 2 * p.alpha;
  const scale2 = (p.beta * (p.kappa + 1)) / (p.alpha * p.kappa);
  const z = (x - p.mu) ** 2 / (nu * scale2);
  return lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI * scale2) - ((nu + 1) / 2) * Math.log1p(z);
}

function lgamma(z: number): number {
  // Stirling series: accurate to ~1e-10 for z >= 0.5 after shifting small arguments up.
  let shift = 0;
  while (z < 7) { shift -= Math.log(z); z += 1; }
  const inv = 1 / z, inv2 = inv * inv;
  return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
}

function argmax(values: readonly number[]): number {
  let at = 0;
  values.forEach((v, i) => { if (v > values[at]!) at = i; });
  return at;
}
