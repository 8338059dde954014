import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDateShardId, parseDateShardId } from '../../src/metadata/date-shard-id.js';
import type { DateInterval } from '../../src/metadata/model.js';

const d = (s: string) => new Date(s);
const iso = (r: { start: Date; end: Date } | null) => r && [r.start.toISOString(), r.end.toISOString()];

describe('date shard ids', () => {
  it.each([
    ['year', '2024', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['quarter', '2024Q2', '2024-04-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    ['quarter', '2024Q4', '2024-10-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['month', '2024-06', '2024-06-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    ['month', '2024-12', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['day', '2024-06-15', '2024-06-15T00:00:00.000Z', '2024-06-16T00:00:00.000Z'],
    ['day', '2024-02-29', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['year', '0050', '0050-01-01T00:00:00.000Z', '0051-01-01T00:00:00.000Z'],
  ] as const)('%s id %s is [%s, %s)', (interval, id, start, end) => {
    expect(iso(parseDateShardId(id, interval))).toEqual([start, end]);
  });

  it.each([
    ['year', '24'],
    ['year', '2024Q1'],
    ['year', ' 2024'],
    ['quarter', '2024Q0'],
    ['quarter', '2024Q5'],
    ['quarter', '2024-04'],
    ['month', '2024-13'],
    ['month', '2024-00'],
    ['month', '2024-6'],
    ['month', '202406'],
    ['day', '2023-02-29'],
    ['day', '2024-04-31'],
    ['day', '2024-06-00'],
    ['day', '2024-06'],
  ] as const)('%s id %s does not parse', (interval, id) => {
    expect(parseDateShardId(id, interval)).toBeNull();
  });

  it('formats the id of the interval holding a date, in UTC', () => {
    const t = d('2024-06-15T23:30:00-05:00'); // 2024-06-16T04:30Z
    expect(formatDateShardId(t, 'year')).toBe('2024');
    expect(formatDateShardId(t, 'quarter')).toBe('2024Q2');
    expect(formatDateShardId(t, 'month')).toBe('2024-06');
    expect(formatDateShardId(t, 'day')).toBe('2024-06-16');
    expect(formatDateShardId(d('2025-01-01T00:00:00Z'), 'year')).toBe('2025'); // half-open: the boundary starts the next
  });

  it('round-trips: a date lies in the half-open interval of its id (property)', () => {
    const intervals: DateInterval[] = ['year', 'quarter', 'month', 'day'];
    fc.assert(
      fc.property(
        fc.date({ min: d('0001-01-01T00:00:00Z'), max: d('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        fc.constantFrom(...intervals),
        (date, interval) => {
          const r = parseDateShardId(formatDateShardId(date, interval), interval);
          expect(r).not.toBeNull();
          expect(r!.start.getTime() <= date.getTime() && date.getTime() < r!.end.getTime()).toBe(true);
          expect(formatDateShardId(r!.start, interval)).toBe(formatDateShardId(date, interval));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
