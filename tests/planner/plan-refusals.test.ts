// Shapes the planner refuses because shards cannot answer them exactly: each is a
// DtdeTranslationError, raised while planning (before any SQL or I/O), whose message names the
// problem and the fix.
import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../src/errors/dtde-translation-error.js';
import type { Queryable } from '../../src/linq/query/queryable.js';
import { normalizeQuery } from '../../src/planner/normalize-query.js';
import type { Order } from '../support/shop-model.js';
import { customers, orders, renderBoth, rowsPlanOf } from './plan-fixtures.js';

function refusal(run: () => unknown): DtdeTranslationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DtdeTranslationError);
    return error as DtdeTranslationError;
  }
  throw new Error('expected a DtdeTranslationError, but nothing was thrown');
}

const normalized = (q: Queryable<unknown>) => refusal(() => normalizeQuery(q.toQueryExpression()));
// explain() ends the message with the caller's line (`In .explain() at file:line:col`); the refusal is what comes before.
const explained = (q: Queryable<unknown>) => {
  const [message, callSite] = refusal(() => q.explain({ dialect: 'mssql' })).message.split('\nIn .explain() at ');
  expect(callSite).toMatch(/plan-refusals\.test\.ts:\d+:\d+$/);
  return { message };
};

describe('normalizeQuery refusals', () => {
  const cases: [string, Queryable<unknown>, string][] = [
    [
      'where after take',
      customers
        .orderBy((c) => c.name)
        .take(3)
        .where((c) => c.id > 1),
      'Unsupported query shape: .where(...) after .skip()/.take() would need a subquery on every shard and cannot be merged exactly. Move .where(...) before .skip()/.take()/.distinct().',
    ],
    [
      'where after skip',
      customers.skip(3).where((c) => c.id > 1),
      'Unsupported query shape: .where(...) after .skip()/.take() would need a subquery on every shard and cannot be merged exactly. Move .where(...) before .skip()/.take()/.distinct().',
    ],
    [
      'orderBy after take',
      customers.take(3).orderBy((c) => c.id),
      'Unsupported query shape: .orderBy(...) after .skip()/.take() would need a subquery on every shard and cannot be merged exactly. Put .orderBy(...) before .skip()/.take().',
    ],
    [
      'distinct after take',
      customers
        .select((c) => c.name)
        .take(3)
        .distinct(),
      'Unsupported query shape: .distinct() after .skip()/.take() would need a subquery on every shard and cannot be merged exactly. Put .distinct() before .skip()/.take().',
    ],
    [
      'select after distinct',
      customers
        .select((c) => ({ n: c.name }))
        .distinct()
        .select((x) => x.n),
      'Unsupported query shape: .select(...) after .distinct() cannot be merged exactly. Move .select(...) before .distinct().',
    ],
    [
      'where after distinct',
      customers
        .select((c) => ({ n: c.name }))
        .distinct()
        .where((x) => x.n === 'a'),
      'Unsupported query shape: .where(...) after .distinct() cannot be merged exactly. Move .where(...) before .skip()/.take()/.distinct().',
    ],
  ];

  it.each(cases)('%s', (_name, q, message) => {
    const error = normalized(q);
    expect(error.message).toBe(message);
    expect(error.code).toBe('DTDE_TRANSLATION');
    // explain() plans the same chain, so it refuses with the same message and renders nothing.
    expect(explained(q).message).toBe(message);
  });

  it('names the lambda of the refused operator', () => {
    const error = normalized(customers.take(3).where((c) => c.id > 1));
    expect(error.lambdaSource).toMatch(/c\.id > 1/);
  });

  it('groupBy after an ordering is refused with where to move it', () => {
    const q = orders
      .orderBy((o) => o.id)
      .groupBy((o) => o.status)
      .select((g) => ({ s: g.key, n: g.count() }));
    expect(normalized(q).message).toBe(
      'Unsupported query shape: groupBy must come right after the where filters; move select/orderBy/skip/take/distinct after the group select.',
    );
  });

  it('orderBy after distinct is allowed (it orders the distinct rows), and a second distinct() is a no-op', () => {
    const once = customers
      .select((c) => ({ n: c.name }))
      .distinct()
      .orderBy((x) => x.n)
      .take(3);
    const twice = customers
      .select((c) => ({ n: c.name }))
      .distinct()
      .orderBy((x) => x.n)
      .take(3)
      .distinct();
    expect(normalizeQuery(twice.toQueryExpression())).toEqual(normalizeQuery(once.toQueryExpression()));
    expect(renderBoth(rowsPlanOf(twice))).toEqual(renderBoth(rowsPlanOf(once)));
  });
});

describe('orderings a distinct projection cannot take', () => {
  const message =
    'A distinct() projection can only be ordered by values it projects (SQL Server requires it, and another value would be ambiguous ' +
    'across rows that distinct() merges into one); add the value to the select before distinct() and order by it.';

  it('ordering after distinct by a value computed from the projection but not projected', () => {
    expect(
      explained(
        customers
          .select((c) => ({ n: c.name }))
          .distinct()
          .orderBy((x) => x.n.length),
      ).message,
    ).toBe(message);
  });

  it('ordering before distinct by a column the projection drops', () => {
    expect(
      explained(
        customers
          .orderBy((c) => c.createdAt)
          .select((c) => ({ n: c.name }))
          .distinct(),
      ).message,
    ).toBe(message);
  });

  it('ordering after a projection by a property it does not have names the properties it has', () => {
    const q = customers
      .select((c) => ({ n: c.name }))
      .distinct()
      .orderBy((x) => (x as unknown as { id: number }).id);
    expect(normalized(q).message).toMatch(
      /^The projection has no property 'id'; it has 'n'\. Read one of those, or add 'id' to the select\./,
    );
  });
});

describe('group selects the merge cannot compute exactly', () => {
  it('g.count(predicate) (untyped code; the types take no predicate) is refused with the alternatives', () => {
    type Untyped = { key: number; count(predicate: (o: Order) => boolean): number };
    const q = orders
      .groupBy((o) => o.customerId)
      .select((g) => ({ id: g.key, big: (g as unknown as Untyped).count((o) => o.total > 100) }));
    expect(explained(q).message).toBe(
      'g.count(predicate) is not supported across shards yet; filter with where(...) before groupBy, or count a condition with g.sum(o => cond ? 1 : 0).',
    );
  });
});
