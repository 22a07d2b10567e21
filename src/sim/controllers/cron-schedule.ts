/**
 * Cron schedules as CronJobs accept them (robfig/cron's standard parser): five fields (minute hour
 * day-of-month month day-of-week) with `*`, `?`, lists, ranges, steps and month/day names, and the
 * `@yearly … @hourly` descriptors. When both day fields are restricted, either may match, as in
 * cron. Times are UTC.
 */

/** A parsed schedule: which values each field allows. */
export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Day-of-month and day-of-week were both restricted (either may match). */
  eitherDay: boolean;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function value(text: string, names: string[] | undefined, offset: number): number {
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}`);
  return Number(text);
}

function field(text: string, min: number, max: number, names?: string[], nameOffset = 0): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : value(stepText, undefined, 0);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
      if (stepText === undefined) star = true;
    } else {
      const [a = '', b] = range.split('-');
      lo = value(a, names, nameOffset);
      hi = b === undefined ? (stepText === undefined ? lo : max) : value(b, names, nameOffset);
    }
    if (lo < min || hi > max || lo > hi || step < 1) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/** Parses a schedule; throws with a message on a malformed one. */
export function parseCron(spec: string): CronSchedule {
  const text = DESCRIPTORS[spec.trim()] ?? spec.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const dom = field(parts[2]!, 1, 31);
  const dow = field(parts[4]!, 0, 7, DAYS, 0);
  if (dow.values.has(7)) dow.values.add(0);
  return {
    minutes: field(parts[0]!, 0, 59).values, hours: field(parts[1]!, 0, 23).values, days: dom.values,
    months: field(parts[3]!, 1, 12, MONTHS, 1).values, weekdays: dow.values, eitherDay: !dom.star && !dow.star,
  };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.days.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  return s.eitherDay ? dom || dow : dom && dow;
}

/** The first scheduled time strictly after `after` (within five years), or undefined. */
export function nextAfter(s: CronSchedule, after: Date): Date | undefined {
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!s.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!s.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!s.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else {
      return t;
    }
  }
  return undefined;
}

/** The latest scheduled time in (from, to], and how many were missed before it. */
export function mostRecent(s: CronSchedule, from: Date, to: Date): { time: Date | undefined; missed: number } {
  let time: Date | undefined;
  let missed = 0;
  for (let t = nextAfter(s, from); t && t.getTime() <= to.getTime(); t = nextAfter(s, t)) {
    if (time) missed++;
    time = t;
    if (missed > 1000) break;
  }
  return { time, missed };
}
