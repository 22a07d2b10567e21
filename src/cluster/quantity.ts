/**
 * Kubernetes resource quantities (`500m`, `1.5`, `512Mi`, `1G`, `1e3`) as plain numbers: cores for
 * CPU, bytes for memory and storage. Precision beyond a double is never needed for diagnosis.
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/**
 * @returns the value in base units, or undefined when the text is not a quantity
 * @example parseQuantity('512Mi') // 536870912
 * @example parseQuantity('250m')  // 0.25
 */
export function parseQuantity(text: string | number | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (typeof text === 'number') return text;
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (Number.isNaN(base)) return undefined;
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * (SUFFIX[m[3] ?? ''] ?? 1);
}

const BINARY_UNITS: readonly [string, number][] = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];

/**
 * Bytes as an exact quantity, in the canonical form the API server gives binary quantities: the
 * largest binary unit the value is a whole number of, never a rounded fraction (a patch or a quote
 * must hold the value itself). A fraction of a byte is rounded up.
 * @example formatBytes(2 * 2 ** 30)    // '2Gi'
 * @example formatBytes(1.25 * 2 ** 30) // '1280Mi' (never '1.3Gi')
 */
export function formatBytes(bytes: number): string {
  const whole = Math.ceil(bytes);
  for (const [unit, size] of BINARY_UNITS) {
    if (whole >= size && whole % size === 0) return `${whole / size}${unit}`;
  }
  return String(whole);
}

/**
 * Bytes for a sentence a person reads: the largest binary unit, to one decimal (`7.7Gi`). Not for
 * manifests: use {@link formatBytes} for a value that is written back.
 */
export function readableBytes(bytes: number): string {
  for (const [unit, size] of BINARY_UNITS) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${unit}`;
  }
  return `${Math.round(bytes)}`;
}

/** Cores as kubectl users write them: `250m`, `2`. */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

/**
 * Rounds memory up to a value a person would write in a manifest: whole Mi below 1Gi in steps of
 * 64Mi, whole quarters of a Gi above.
 * @example roundUpMemory(300 * 2 ** 20) // 320 * 2 ** 20
 */
export function roundUpMemory(bytes: number): number {
  const step = bytes < 2 ** 30 ? 64 * 2 ** 20 : 2 ** 28;
  return Math.ceil(bytes / step) * step;
}
