/**
 * Keeps a tool's answer within a size a model's context can take: the longest lists are halved until
 * the JSON fits, and each cut is named (`incidents: 5 of 40 shown`) so the agent knows to narrow its
 * question instead of believing it saw everything.
 */

export interface Bounded {
  value: unknown;
  /** One note per list or text that was cut. */
  truncated: string[];
}

type Path = (string | number)[];

/** @example fitJson({ items: hugeList }, 20_000) // { value: { items: [first half …] }, truncated: ['items: 500 of 1000 shown'] } */
export function fitJson(value: unknown, maxChars: number): Bounded {
  const copy = structuredClone(value);
  const totals = new Map<string, { total: number; shown: number; text: boolean }>();
  for (let round = 0; round < 64 && JSON.stringify(copy).length > maxChars; round++) {
    const biggest = largest(copy, []);
    if (!biggest) break;
    const key = label(biggest.path);
    const { holder, at } = biggest;
    const current = holder[at as keyof typeof holder] as unknown;
    if (Array.isArray(current)) {
      const entry = totals.get(key) ?? { total: current.length, shown: current.length, text: false };
      entry.shown = Math.ceil(current.length / 2);
      totals.set(key, entry);
      (holder as Record<string | number, unknown>)[at] = current.slice(0, entry.shown);
    } else if (typeof current === 'string') {
      const entry = totals.get(key) ?? { total: current.length, shown: current.length, text: true };
      entry.shown = Math.ceil(current.length / 2);
      totals.set(key, entry);
      (holder as Record<string | number, unknown>)[at] = `${current.slice(0, entry.shown)}…`;
    }
  }
  const truncated = [...totals].map(([key, t]) => `${key}: ${t.shown} of ${t.total} ${t.text ? 'characters' : 'items'} shown`);
  return { value: copy, truncated };
}

interface Candidate { holder: object; at: string | number; path: Path; size: number }

/** The largest list of two items or more, or else the longest text, anywhere in the value. */
function largest(value: unknown, path: Path): Candidate | undefined {
  let best: Candidate | undefined;
  const consider = (c: Candidate | undefined): void => {
    if (c && (!best || rank(c) > rank(best))) best = c;
  };
  if (value === null || typeof value !== 'object') return undefined;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [at, child] of entries) {
    const childPath = [...path, at];
    if ((Array.isArray(child) && child.length > 1) || (typeof child === 'string' && child.length > 200)) {
      consider({ holder: value, at, path: childPath, size: JSON.stringify(child).length });
    }
    consider(largest(child, childPath));
  }
  return best;
}

/** Lists are cut before texts: a shorter list keeps whole items, a cut text keeps half a sentence. */
const rank = (c: Candidate): number => c.size * (Array.isArray((c.holder as Record<string | number, unknown>)[c.at]) ? 4 : 1);

function label(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}
