// Property-based tests of shard resolution: random layouts, rows and predicates on the key.
// Soundness: every row a predicate accepts (judged by the real in-memory evaluator) lives in a
// shard the resolver returns. Tightness: the promised exact cases return exactly one shard.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtdeRoutingError } from '../../src/errors/dtde-routing-error.js';
import { evaluateLambda } from '../../src/linq/evaluate/evaluate-expression.js';
import { isTruthy } from '../../src/linq/evaluate/evaluation-scope.js';
import type { BoundLambda } from '../../src/linq/expression/query-expression.js';
import type { DateInterval, EntityModel, ManualShardTable, ShardLayout } from '../../src/metadata/model.js';
import { routeEntity } from '../../src/routing/route-entity.js';
import { resolveShards } from '../../src/routing/resolve-shards.js';
import { entityModel, ids, layout } from './resolve-fixtures.js';
import { render, treeArb, type Op } from './shard-key-predicate-arbitrary.js';

// DTDE_PROPERTY_RUNS raises the count for a deeper local search.
const RUNS = Number(process.env.DTDE_PROPERTY_RUNS ?? 1000);

const accepts = (p: BoundLambda, row: object) => isTruthy(evaluateLambda(p.lambda, row, p.params));

// ---- the soundness check shared by every strategy ----

/** Rows that routeEntity can place, each with the one shard it lives in. */
function placed(entity: EntityModel, l: ShardLayout, keys: readonly unknown[], others: readonly number[]) {
  const out: { row: { k: unknown; o: number }; shard: string }[] = [];
  keys.forEach((k, i) => {
    const row = { k, o: others[i % others.length] ?? 0 };
    try {
      out.push({ row, shard: routeEntity(entity, l, row).qualifiedId });
    } catch (e) {
      if (!(e instanceof DtdeRoutingError)) throw e;
    }
  });
  return out;
}

function assertSound(entity: EntityModel, l: ShardLayout, rows: ReturnType<typeof placed>, predicates: readonly BoundLambda[]) {
  const chosen = new Set(ids(resolveShards(entity, l, predicates).shards));
  for (const { row, shard } of rows) {
    if (predicates.every((p) => accepts(p, row)) && !chosen.has(shard)) {
      const shown = predicates.map((p) => `${p.lambda.source} with ${fc.stringify(p.params)}`);
      throw new Error(`row ${String(row.k)} in ${shard} matches ${shown.join(' AND ')} but resolution chose [${[...chosen].join(', ')}]`);
    }
  }
}

const others = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 });
const predicatesOf = (value: fc.Arbitrary<unknown>) => fc.array(treeArb(value).map(render), { minLength: 1, maxLength: 2 });

// ---- per-strategy generators ----

const STRING_POOL = ['A', 'B', 'C', 'a', 'AB', 'Ab', 'ab', 'BA', 'Z', 'b', 'é', 'É'];
const NUMBER_IDS = ['0', '1', '2', '3', '5', '8', '10', '12', '07'];

const d = (s: string) => new Date(s);
const dateBoundaries = ['2023-01-01', '2024-01-01', '2024-04-01', '2024-06-01', '2024-06-15', '2024-07-01', '2025-01-01', '2026-01-01'].map(
  (s) => d(`${s}T00:00:00Z`),
);
const dateValue = fc.oneof(
  fc.date({ min: d('2022-06-01T00:00:00Z'), max: d('2026-06-01T00:00:00Z'), noInvalidDate: true }),
  fc.constantFrom(...dateBoundaries),
  fc.constantFrom(...dateBoundaries).map((x) => new Date(x.getTime() - 1)),
);
const DATE_IDS: Record<DateInterval, string[]> = {
  year: ['2022', '2023', '2024', '2025', '2026'],
  quarter: ['2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1'],
  month: ['2024-04', '2024-05', '2024-06', '2024-07', '2024-12', '2025-01'],
  day: ['2024-06-14', '2024-06-15', '2024-06-16', '2024-07-01', '2025-01-01'],
};

describe('shard resolution soundness (property)', () => {
  it('value strategy on a string key', () => {
    fc.assert(
      fc.property(
        fc.subarray(STRING_POOL, { minLength: 1 }),
        fc.boolean(),
        fc.array(fc.constantFrom(...STRING_POOL), { maxLength: 12 }),
        others,
        predicatesOf(
          fc.oneof(
            { weight: 8, arbitrary: fc.constantFrom(...STRING_POOL, 'AA', 'c') },
            { weight: 1, arbitrary: fc.constantFrom(1, null) },
          ),
        ),
        (shardIds, caseSensitive, keys, o, predicates) => {
          const e = entityModel({
            properties: { id: 'int', k: 'string', o: 'int' },
            sharding: { strategy: 'value', property: 'k', caseSensitive },
          });
          const l = layout({ default: shardIds });
          assertSound(e, l, placed(e, l, keys, o), predicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('value strategy on a numeric key', () => {
    fc.assert(
      fc.property(
        fc.subarray(NUMBER_IDS, { minLength: 1 }),
        fc.array(fc.oneof(fc.integer({ min: -2, max: 13 }), fc.integer({ min: 0, max: 12 }).map(BigInt)), { maxLength: 12 }),
        others,
        predicatesOf(fc.oneof(fc.integer({ min: -2, max: 13 }), fc.constantFrom(2.5, 7n, 10n, null, '5'))),
        (shardIds, keys, o, predicates) => {
          const e = entityModel({
            properties: { id: 'int', k: 'int', o: 'int' },
            sharding: { strategy: 'value', property: 'k', caseSensitive: true },
          });
          const l = layout({ default: shardIds });
          assertSound(e, l, placed(e, l, keys, o), predicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('date strategy', () => {
    const intervals: DateInterval[] = ['year', 'quarter', 'month', 'day'];
    fc.assert(
      fc.property(
        fc
          .constantFrom(...intervals)
          .chain((interval) => fc.tuple(fc.constant(interval), fc.subarray(DATE_IDS[interval], { minLength: 1 }))),
        fc.array(dateValue, { maxLength: 12 }),
        others,
        predicatesOf(fc.oneof({ weight: 9, arbitrary: dateValue }, { weight: 1, arbitrary: fc.constantFrom(null, '2024-06-01') })),
        ([interval, shardIds], keys, o, predicates) => {
          const e = entityModel({
            properties: { id: 'int', k: 'dateTime', o: 'int' },
            sharding: { strategy: 'date', property: 'k', interval },
          });
          const l = layout({ default: shardIds });
          assertSound(e, l, placed(e, l, keys, o), predicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('hash strategy', () => {
    const setup = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.array(fc.integer({ min: -5, max: 20 }), { maxLength: 12 }));
    fc.assert(
      fc.property(
        setup.chain(([count, asString, keys]) => {
          const value = asString
            ? fc.constantFrom(...keys.map(String), 'x')
            : fc.oneof(fc.constantFrom(...keys, 99), fc.integer({ min: -5, max: 20 }).map(BigInt));
          return fc.tuple(fc.constant(count), fc.constant(asString), fc.constant(keys), predicatesOf(value));
        }),
        others,
        ([count, asString, keys, predicates], o) => {
          const e = entityModel({
            properties: { id: 'int', k: asString ? 'string' : 'bigint', o: 'int' },
            sharding: { strategy: 'hash', property: 'k', shardCount: count },
          });
          const l = layout({ default: Array.from({ length: count }, (_, i) => `h${i}`) });
          assertSound(e, l, placed(e, l, asString ? keys.map(String) : keys, o), predicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  // Manual tables may overlap and may admit null keys, so a row "lives" in every table whose own
  // predicate accepts it (judged by the evaluator); each of those tables must be chosen.
  it('manual strategy, nullable key, overlapping tables', () => {
    const value = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.constant(null) });
    fc.assert(
      fc.property(
        fc.array(treeArb(value).map(render), { minLength: 1, maxLength: 4 }),
        fc.array(fc.option(fc.integer({ min: -1, max: 13 }), { nil: null }), { maxLength: 12 }),
        others,
        predicatesOf(value),
        (tablePredicates, keys, o, predicates) => {
          const tables: ManualShardTable[] = tablePredicates.map((predicate, i) => ({ id: `T${i}`, table: { name: `T${i}` }, predicate }));
          const e = entityModel({ properties: { id: 'int', k: 'int?', o: 'int' }, sharding: { strategy: 'manual', tables } });
          const chosen = new Set(ids(resolveShards(e, layout({}), predicates).shards));
          keys.forEach((k, i) => {
            const row = { k, o: o[i % o.length] };
            if (!predicates.every((p) => accepts(p, row))) return;
            tables.forEach((t) => {
              if (accepts(t.predicate, row) && !chosen.has(t.id)) {
                const show = (p: BoundLambda) => `${p.lambda.source} with ${fc.stringify(p.params)}`;
                throw new Error(
                  `row k=${k} o=${row.o} in ${t.id} (${show(t.predicate)}) matches ${predicates.map(show).join(' AND ')} but resolution chose [${[...chosen].join(', ')}]`,
                );
              }
            });
          });
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('shard resolution tightness (property)', () => {
  it('equality on a case-sensitive value strategy returns exactly that shard', () => {
    fc.assert(
      fc.property(fc.subarray(STRING_POOL, { minLength: 1 }), fc.nat(), fc.boolean(), (shardIds, i, viaParam) => {
        const e = entityModel({
          properties: { id: 'int', k: 'string' },
          sharding: { strategy: 'value', property: 'k', caseSensitive: true },
        });
        const v = shardIds[i % shardIds.length];
        const p = render({ t: 'cmp', op: '===', value: v, keyLeft: true, viaParam });
        expect(ids(resolveShards(e, layout({ default: shardIds }), [p]).shards)).toEqual([v]);
      }),
      { numRuns: RUNS },
    );
  });

  it('equality on a hash strategy returns exactly one shard, the key\u2019s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.oneof(fc.maxSafeInteger(), fc.string({ minLength: 1 })), (count, v) => {
        const e = entityModel({
          properties: { id: 'int', k: typeof v === 'string' ? 'string' : 'bigint' },
          sharding: { strategy: 'hash', property: 'k', shardCount: count },
        });
        const l = layout({ default: Array.from({ length: count }, (_, i) => `h${i}`) });
        const p = render({ t: 'cmp', op: '===', value: v, keyLeft: false, viaParam: true });
        const shards = resolveShards(e, l, [p]).shards;
        expect(shards).toHaveLength(1);
        expect(shards[0]).toBe(routeEntity(e, l, { k: v }));
      }),
      { numRuns: RUNS },
    );
  });

  it('a date range inside one year on year shards returns that year only', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2020, max: 2030 }),
        fc.integer({ min: 0, max: 364 * 86_400_000 }),
        fc.integer({ min: 0, max: 364 * 86_400_000 }),
        fc.constantFrom<Op>('<', '<='),
        (year, a, b, upper) => {
          const start = Date.UTC(year, 0, 1);
          const [from, to] = [new Date(start + Math.min(a, b)), new Date(start + Math.max(a, b))];
          const e = entityModel({
            properties: { id: 'int', k: 'dateTime' },
            sharding: { strategy: 'date', property: 'k', interval: 'year' },
          });
          const l = layout({ default: Array.from({ length: 11 }, (_, i) => String(2020 + i)) });
          // from === to with `<` is empty and rightly resolves to no shard; keep the range non-empty.
          const op = a === b ? '<=' : upper;
          const p = render({
            t: 'and',
            l: { t: 'cmp', op: '>=', value: from, keyLeft: true, viaParam: true },
            r: { t: 'cmp', op, value: to, keyLeft: true, viaParam: true },
          });
          expect(ids(resolveShards(e, l, [p]).shards)).toEqual([String(year)]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
