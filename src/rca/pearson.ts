/** Pearson correlation with its two-sided p-value, as scipy.stats.pearsonr reports them. */

/** r and the p-value of the null hypothesis r = 0 (Student's t with n - 2 degrees of freedom). */
export function pearson(x: readonly number[], y: readonly number[]): { r: number; p: number } {
  const n = Math.min(x.length, y.length);
  if (n < 2) return { r: Number.NaN, p: Number.NaN };
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { r: Number.NaN, p: Number.NaN };
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  if (n === 2) return { r, p: 1 };
  const df = n - 2;
  if (Math.abs(r) === 1) return { r, p: 0 };
  // Two-sided p of t = r sqrt(df / (1 - r^2)) is I_{df/(df+t^2)}(df/2, 1/2) = I_{1-r^2}(df/2, 1/2).
  return { r, p: regularizedIncompleteBeta(1 - r * r, df / 2, 0.5) };
}

/** I_x(a, b) by Lentz's continued fraction. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  return (front * continuedFraction(x, a, b)) / a;
}

function continuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      f *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return f;
}

const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(z) by the Lanczos approximation (g = 7). */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const zm = z - 1;
  let sum = 0.99999999999980993;
  LANCZOS.forEach((c, i) => { sum += c / (zm + i + 1); });
  const t = zm + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (zm + 0.5) * Math.log(t) - t + Math.log(sum);
}
