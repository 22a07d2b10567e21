/**
 * Storage sizes as numbers, to compare a claim's request with a volume's capacity
 * (resource.Quantity's Cmp for the suffixes storage uses).
 */
const FACTORS: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * Bytes of a quantity (`1Gi`, `500M`, `1e9`), or undefined when it does not parse.
 * @example storageBytes('1Gi') // 1073741824
 */
export function storageBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(value.trim());
  if (!match) return undefined;
  const factor = FACTORS[match[2]!];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}
