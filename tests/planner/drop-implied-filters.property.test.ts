// Property: a shard-key predicate dropped from a shard's statement never changes that shard's
// answer. For random layouts, rows and predicates, every row routeEntity places in a shard is
// judged by the in-memory evaluator (the oracle) against the query's filters and against the
// filters the planner keeps for that shard; the two must accept exactly the same rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtdeRoutingError } from '../../src/errors/dtde-routing-error.js';
import { evaluateLambda } from '../../src/linq/evaluate/evaluate-expression.js';
import { isTruthy } from '../../src/linq/evaluate/evaluation-scope.js';
import type { BoundLambda } from '../../src/linq/expression/query-expression.js';
import type { DateInterval, EntityModel, ShardLayout } from '../../src/metadata/model.js';
import { filtersForShard } from '../../src/planner/drop-implied-filters.js';
import { routeEntity } from '../../src/routing/route-entity.js';
import { entityModel, layout } from '../routing/resolve-fixtures.js';
import { render, treeArb } from '../routing/shard-key-predicate-arbitrary.js';

const RUNS = Number(process.env.DTDE_PROPERTY_RUNS ?? 1000);
const accepts = (filters: readonly BoundLambda[], row: object) => filters.every((p) => isTruthy(evaluateLambda(p.lambda, row, p.params)));

let dropped = 0;

function assertUnchanged(
  entity: EntityModel,
  l: ShardLayout,
  keys: readonly unknown[],
  others: readonly number[],
  filters: readonly BoundLambda[],
) {
  for (const shard of l.groups.get('default')!) {
    const reduced = filtersForShard(filters, entity, shard);
    if (reduced.dropped === '') {
      expect(reduced.filters).toBe(filters);
      continue;
    }
    dropped++;
    keys.forEach((k, i) => {
      const row = { k, o: others[i % others.length] ?? 0 };
      let home: string;
      try {
        home = routeEntity(entity, l, row).qualifiedId;
      } catch (e) {
        if (e instanceof DtdeRoutingError) return;
        throw e;
      }
      if (home !== shard.qualifiedId) return;
      if (accepts(filters, row) !== accepts(reduced.filters, row)) {
        const shown = filters.map((p) => `${p.lambda.source} with ${fc.stringify(p.params)}`).join(' AND ');
        throw new Error(
          `row ${fc.stringify(row)} of shard ${shard.id}: ${shown} and the filters kept after dropping ${reduced.dropped} disagree`,
        );
      }
    });
  }
}

const others = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 });
const predicatesOf = (value: fc.Arbitrary<unknown>) => fc.array(treeArb(value).map(render), { minLength: 1, maxLength: 2 });

const STRING_POOL = ['A', 'B', 'C', 'a', 'AB', 'Ab', 'ab', 'BA', 'Z', 'b', 'é', 'É'];
const d = (s: string) => new Date(s);
const boundaries = ['2023-01-01', '2024-01-01', '2024-04-01', '2024-06-01', '2024-06-15', '2024-07-01', '2025-01-01', '2026-01-01'].map(
  (s) => d(`${s}T00:00:00Z`),
);
const dateValue = fc.oneof(
  fc.date({ min: d('2022-06-01T00:00:00Z'), max: d('2026-06-01T00:00:00Z'), noInvalidDate: true }),
  fc.constantFrom(...boundaries),
  fc.constantFrom(...boundaries).map((x) => new Date(x.getTime() - 1)),
);
const DATE_IDS: Record<DateInterval, string[]> = {
  year: ['2022', '2023', '2024', '2025', '2026'],
  quarter: ['2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1'],
  month: ['2024-04', '2024-05', '2024-06', '2024-07', '2024-12', '2025-01'],
  day: ['2024-06-14', '2024-06-15', '2024-06-16', '2024-07-01', '2025-01-01'],
};

describe('dropping shard-key predicates a shard implies (property, the evaluator as oracle)', () => {
  it('value strategy on a string key (case-sensitive or not, nullable or not)', () => {
    fc.assert(
      fc.property(
        fc.subarray(STRING_POOL, { minLength: 1 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.constantFrom(...STRING_POOL), { maxLength: 12 }),
        others,
        predicatesOf(
          fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...STRING_POOL, 'AA') }, { weight: 1, arbitrary: fc.constantFrom(1, null) }),
        ),
        (shardIds, caseSensitive, nullable, keys, o, predicates) => {
          const e = entityModel({
            properties: { id: 'int', k: nullable ? 'string?' : 'string', o: 'int' },
            sharding: { strategy: 'value', property: 'k', caseSensitive },
          });
          assertUnchanged(e, layout({ default: shardIds }), keys, o, predicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('value strategy on a numeric key', () => {
    fc.assert(
      fc.property(
        fc.subarray(['0', '1', '2', '3', '5', '8', '10', '12', '07'], { minLength: 1 }),
        fc.array(fc.oneof(fc.integer({ min: -2, max: 13 }), fc.integer({ min: 0, max: 12 }).map(BigInt)), { maxLength: 12 }),
        others,
        predicatesOf(fc.oneof(fc.integer({ min: -2, max: 13 }), fc.constantFrom(2.5, 7n, 10n, null, '5'))),
        (shardIds, keys, o, predicates) => {
          const e = entityModel({
            properties: { id: 'int', k: 'int', o: 'int' },
            sharding: { strategy: 'value', property: 'k', caseSensitive: true },
          });
          assertUnchanged(e, layout({ default: shardIds }), keys, o, predicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('date strategy: a range covering a shard whole is dropped there, one cutting into it is kept', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom<DateInterval>('year', 'quarter', 'month', 'day')
          .chain((i) => fc.tuple(fc.constant(i), fc.subarray(DATE_IDS[i], { minLength: 1 }))),
        fc.array(dateValue, { maxLength: 12 }),
        others,
        predicatesOf(fc.oneof({ weight: 9, arbitrary: dateValue }, { weight: 1, arbitrary: fc.constantFrom(null, '2024-06-01') })),
        ([interval, shardIds], keys, o, predicates) => {
          const e = entityModel({
            properties: { id: 'int', k: 'dateTime', o: 'int' },
            sharding: { strategy: 'date', property: 'k', interval },
          });
          assertUnchanged(e, layout({ default: shardIds }), keys, o, predicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the properties above did drop predicates (they test something)', () => {
    expect(dropped).toBeGreaterThan(50);
  });
});
