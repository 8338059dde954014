import type { DateInterval } from './model.js';

/**
 * Date shard ids and the UTC intervals they stand for. One id per interval:
 *
 * | interval  | id           | holds                                   |
 * |-----------|--------------|-----------------------------------------|
 * | `year`    | `2024`       | [2024-01-01T00:00Z, 2025-01-01T00:00Z)  |
 * | `quarter` | `2024Q2`     | [2024-04-01T00:00Z, 2024-07-01T00:00Z)  |
 * | `month`   | `2024-06`    | [2024-06-01T00:00Z, 2024-07-01T00:00Z)  |
 * | `day`     | `2024-06-15` | [2024-06-15T00:00Z, 2024-06-16T00:00Z)  |
 *
 * Years have exactly four digits (0000–9999); intervals are half-open, so a row at exactly
 * midnight on 1 January 2025 belongs to `2025`.
 */

/** A half-open UTC interval `[start, end)`. */
export interface DateShardRange {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The id of the shard holding `date`.
 *
 * @example
 * formatDateShardId(new Date('2024-06-15T10:00:00Z'), 'quarter') // '2024Q2'
 */
export function formatDateShardId(date: Date, interval: DateInterval): string {
  const y = date.getUTCFullYear();
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  const month = date.getUTCMonth() + 1;
  switch (interval) {
    case 'year':
      return year;
    case 'quarter':
      return `${year}Q${Math.floor((month - 1) / 3) + 1}`;
    case 'month':
      return `${year}-${pad2(month)}`;
    case 'day':
      return `${year}-${pad2(month)}-${pad2(date.getUTCDate())}`;
  }
}

/**
 * The interval of shard `id`, or null when `id` is not an id of that interval's format
 * (`'2024-13'`, `'2024-02-30'`, `'24'`, `'2024Q5'` all give null).
 *
 * @example
 * parseDateShardId('2024Q2', 'quarter') // { start: 2024-04-01T00:00Z, end: 2024-07-01T00:00Z }
 */
export function parseDateShardId(id: string, interval: DateInterval): DateShardRange | null {
  const pattern = PATTERNS[interval];
  const m = pattern.exec(id);
  if (m === null) return null;
  const year = Number(m[1]);
  switch (interval) {
    case 'year':
      return { start: utc(year, 0, 1), end: utc(year + 1, 0, 1) };
    case 'quarter': {
      const q = Number(m[2]);
      return { start: utc(year, (q - 1) * 3, 1), end: utc(year, q * 3, 1) };
    }
    case 'month': {
      const month = Number(m[2]);
      if (month < 1 || month > 12) return null;
      return { start: utc(year, month - 1, 1), end: utc(year, month, 1) };
    }
    case 'day': {
      const month = Number(m[2]);
      const day = Number(m[3]);
      if (month < 1 || month > 12 || day < 1) return null;
      const start = utc(year, month - 1, day);
      if (start.getUTCMonth() !== month - 1) return null; // 2024-02-30 rolled over into March
      return { start, end: utc(year, month - 1, day + 1) };
    }
  }
}

const PATTERNS: Record<DateInterval, RegExp> = {
  year: /^(\d{4})$/,
  quarter: /^(\d{4})Q([1-4])$/,
  month: /^(\d{4})-(\d{2})$/,
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
};

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not. Months/days may overflow (rolls over). */
function utc(year: number, monthIndex: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  d.setUTCHours(0, 0, 0, 0);
  return d;
}
