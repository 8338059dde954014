import fc from 'fast-check';
import { HASH_BUCKETS, Item, REGIONS, type RandomLayout, type Strategy, YEARS } from './random-model.js';

// Arbitraries for the random-query property test: shard layouts, rows that those layouts can
// store, and the params objects the generated lambdas read.

/**
 * Names with ties, case variants, LIKE wildcards, the empty string, accents, CJK, astral
 * characters (which UTF-16 and UTF-8 order differently from U+FF01) and a quote.
 */
export const NAME_POOL = [
  'Ada',
  'ada',
  'ADA',
  'Adam',
  'Bob',
  'bob',
  '',
  ' ',
  'Álvaro',
  'Zoë',
  '李雷',
  '😀',
  '😀x',
  '\uFF01',
  'ｚ',
  '50%_off',
  '50x_off',
  'a[b]*?',
  "O'Brien",
  'a"b',
  'A',
  'a',
] as const;

/** String literals and params values the predicates compare names with. */
export const nameValueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAME_POOL) },
  { weight: 1, arbitrary: fc.constantFrom('A', 'a', 'Ad', '%', '_', '50%', 'b', '😀', '[') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

const nameArb: fc.Arbitrary<string | null> = fc.option(
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...NAME_POOL) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 5 }) },
  ),
  { nil: null, freq: 4 },
);

/** Small ints with ties, plus the int column's limits. */
export const scoreArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -20, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(-2147483648, 2147483647, 0, -1, 1000) },
);

/** decimal(10,2) values: whole cents, a few large, many ties. */
export const priceArb: fc.Arbitrary<number> = fc
  .oneof(
    { weight: 4, arbitrary: fc.integer({ min: -500, max: 500 }) },
    { weight: 1, arbitrary: fc.integer({ min: -9_999_999_99, max: 9_999_999_99 }) },
    { weight: 1, arbitrary: fc.constantFrom(10, 20, 30, 0, 1, -1) },
  )
  .map((cents) => cents / 100);

/** A moment inside `year`: its first and last millisecond, or one of a few shared instants. */
function dateInYear(year: number): fc.Arbitrary<Date> {
  return fc
    .oneof(
      fc.constantFrom(Date.UTC(year, 0, 1), Date.UTC(year, 11, 31, 23, 59, 59, 999), Date.UTC(year, 5, 15, 12)),
      fc
        .record({
          month: fc.integer({ min: 0, max: 11 }),
          day: fc.integer({ min: 1, max: 28 }),
          ms: fc.integer({ min: 0, max: 86_399_999 }),
        })
        .map(({ month, day, ms }) => Date.UTC(year, month, day) + ms),
    )
    .map((t) => new Date(t));
}

export const layoutArb: fc.Arbitrary<RandomLayout> = fc.constantFrom<Strategy>('value', 'date', 'hash').chain((strategy) => {
  const ids: fc.Arbitrary<readonly string[]> =
    strategy === 'value'
      ? fc.shuffledSubarray([...REGIONS], { minLength: 1, maxLength: 5 })
      : strategy === 'date'
        ? fc.shuffledSubarray(YEARS.map(String), { minLength: 1, maxLength: 5 })
        : fc.constant([...HASH_BUCKETS]); // bucket i is the i-th shard declared
  return fc
    .record({
      mode: fc.constantFrom('tables' as const, 'databases' as const),
      shardIds: ids,
      // Table mode: a shard's table in the main file or in one of two other files (mixed mode).
      tableFiles: fc.array(fc.constantFrom(null, null, 'a.db', 'b.db'), { minLength: 5, maxLength: 5 }),
    })
    .map(({ mode, shardIds, tableFiles }) => ({
      strategy,
      mode,
      shardIds,
      files: shardIds.map((id, i) => (mode === 'databases' ? `${id}.db` : tableFiles[i])),
    }));
});

/** 0-40 rows whose shard keys are all routable in `layout`. */
export function rowsArb(layout: RandomLayout): fc.Arbitrary<Item[]> {
  const regions = layout.strategy === 'value' ? layout.shardIds : REGIONS;
  const years = layout.strategy === 'date' ? layout.shardIds.map(Number) : YEARS;
  const row = fc.record({
    id: fc.integer({ min: -500, max: 500 }),
    region: fc.constantFrom(...regions),
    name: nameArb,
    score: scoreArb,
    price: priceArb,
    at: fc.constantFrom(...years).chain(dateInYear),
    flag: fc.boolean(),
  });
  return fc
    .oneof(
      fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 40 }),
      fc.uniqueArray(row, { selector: (r) => r.id, minLength: 15, maxLength: 40 }),
    )
    .map((rows) => rows.map((r) => Object.assign(new Item(), r)));
}

/** Everything a generated lambda may read through `p`. */
export interface RandomParams {
  readonly a: number;
  readonly m: number;
  readonly b: string;
  readonly r: string;
  readonly d: Date;
  readonly k: number;
  readonly list: readonly number[];
  readonly names: readonly (string | null)[];
  readonly regions: readonly string[];
}

/** Params drawn from the same pools as the rows, and `k` usually an id that exists. */
export function paramsArb(rows: readonly Item[]): fc.Arbitrary<RandomParams> {
  const id =
    rows.length === 0
      ? fc.integer({ min: -500, max: 500 })
      : fc.oneof(fc.constantFrom(...rows.map((r) => r.id)), fc.integer({ min: -500, max: 500 }));
  return fc.record({
    a: scoreArb,
    m: priceArb,
    b: nameValueArb,
    r: fc.constantFrom(...REGIONS, 'XX', 'eu'),
    d: fc.constantFrom(...YEARS).chain(dateInYear),
    k: id,
    list: fc.array(fc.oneof(scoreArb, id), { maxLength: 4 }),
    names: fc.array(fc.option(nameValueArb, { nil: null, freq: 5 }), { maxLength: 3 }),
    regions: fc.subarray([...REGIONS, 'XX']),
  });
}
