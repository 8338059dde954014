import { describe, expect, it } from 'vitest';
import { DtdeInvalidOperationError } from '../../../src/errors/dtde-invalid-operation-error.js';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import { asQueryable } from '../../../src/linq/query/as-queryable.js';

interface Customer {
  id: number;
  name: string;
  region: string | null;
  score: number | null;
  createdAt: Date;
}

interface Order {
  id: number;
  customerId: number;
  total: number;
  big: bigint;
  orderDate: Date;
}

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

const customers: readonly Customer[] = [
  { id: 1, name: 'Ada', region: 'EU', score: 30, createdAt: d('2024-03-01') },
  { id: 2, name: 'Bob', region: 'US', score: null, createdAt: d('2024-01-15') },
  { id: 3, name: 'Cyd', region: null, score: 10, createdAt: d('2023-12-31') },
  { id: 4, name: 'Dee', region: 'EU', score: 20, createdAt: d('2024-03-01') },
  { id: 5, name: 'Eve', region: 'APAC', score: 30, createdAt: d('2025-06-30') },
];

const orders: readonly Order[] = [
  { id: 10, customerId: 1, total: 100, big: 2n ** 60n, orderDate: d('2024-01-05') },
  { id: 11, customerId: 2, total: 50, big: 1n, orderDate: d('2024-02-10') },
  { id: 12, customerId: 1, total: 25, big: 2n ** 60n, orderDate: d('2025-01-01') },
  { id: 13, customerId: 3, total: 75, big: 3n, orderDate: d('2024-07-07') },
  { id: 14, customerId: 1, total: 10, big: 5n, orderDate: d('2024-12-31') },
];

const ids = (rows: readonly { id: number }[]) => rows.map((r) => r.id);

describe('where', () => {
  it('filters with a predicate', async () => {
    expect(
      ids(
        await asQueryable(customers)
          .where((c) => c.region === 'EU')
          .toArray(),
      ),
    ).toEqual([1, 4]);
  });

  it('reads outside values through params', async () => {
    const q = asQueryable(customers).where((c, p) => c.region === p.region && c.score! >= p.min, { region: 'EU', min: 25 });
    expect(ids(await q.toArray())).toEqual([1]);
  });

  it('array includes is IN, with a params array', async () => {
    const q = asQueryable(customers).where((c, p) => p.regions.includes(c.region!), { regions: ['US', 'APAC'] });
    expect(ids(await q.toArray())).toEqual([2, 5]);
    expect(
      ids(
        await asQueryable(customers)
          .where((c) => ['EU', 'US'].includes(c.region!))
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
  });

  it('null semantics: === null matches null, !== matches null, < with null never matches', async () => {
    const q = asQueryable(customers);
    expect(ids(await q.where((c) => c.region === null).toArray())).toEqual([3]);
    expect(ids(await q.where((c) => c.region == null).toArray())).toEqual([3]);
    expect(ids(await q.where((c) => c.region !== 'EU').toArray())).toEqual([2, 3, 5]);
    expect(ids(await q.where((c) => c.score! < 100).toArray())).toEqual([1, 3, 4, 5]);
    expect(ids(await q.where((c) => !(c.score! >= 100)).toArray())).toEqual([1, 2, 3, 4, 5]);
  });

  it('a missing property counts as null', async () => {
    const rows = [{ id: 1, tag: 'a' }, { id: 2 }] as { id: number; tag?: string | null }[];
    expect(
      ids(
        await asQueryable(rows)
          .where((r) => r.tag === null)
          .toArray(),
      ),
    ).toEqual([2]);
  });

  it('Date equality is by instant, relational by time', async () => {
    const q = asQueryable(customers);
    expect(ids(await q.where((c, p) => c.createdAt === p.day, { day: d('2024-03-01') }).toArray())).toEqual([1, 4]);
    expect(ids(await q.where((c, p) => c.createdAt < p.day, { day: d('2024-01-16') }).toArray())).toEqual([2, 3]);
    expect(ids(await q.where((c) => c.createdAt.getFullYear() === 2024).toArray())).toEqual([1, 2, 4]);
  });

  it('string methods', async () => {
    const q = asQueryable(customers);
    expect(ids(await q.where((c) => c.name.startsWith('A') || c.name.endsWith('e')).toArray())).toEqual([1, 4, 5]);
    expect(ids(await q.where((c) => c.name.toLowerCase().includes('y')).toArray())).toEqual([3]);
    expect(ids(await q.where((c) => c.name.length === 3 && c.region!.length > 2).toArray())).toEqual([5]);
  });
});

describe('select', () => {
  it('projects to objects, scalars, templates and computed values', async () => {
    const q = asQueryable(customers).where((c) => c.id <= 2);
    expect(await q.select((c) => ({ id: c.id, label: `${c.name}/${c.region}` })).toArray()).toEqual([
      { id: 1, label: 'Ada/EU' },
      { id: 2, label: 'Bob/US' },
    ]);
    expect(await q.select((c) => c.name).toArray()).toEqual(['Ada', 'Bob']);
    expect(await q.select((c, p) => (c.score ?? p.fallback) * 2, { fallback: 1 }).toArray()).toEqual([60, 2]);
    expect(await q.select((c) => (c.score === null ? 'none' : 'some')).toArray()).toEqual(['some', 'none']);
  });

  it('Math.round in a projection rounds halves away from zero', async () => {
    const rows = [{ x: 2.5 }, { x: -2.5 }, { x: -0.4 }];
    expect(
      await asQueryable(rows)
        .select((r) => Math.round(r.x))
        .toArray(),
    ).toEqual([3, -3, 0]);
  });
});

describe('orderBy / thenBy', () => {
  it('ascending puts nulls first, descending puts them last', async () => {
    const q = asQueryable(customers);
    expect(ids(await q.orderBy((c) => c.score).toArray())).toEqual([2, 3, 4, 1, 5]);
    expect(ids(await q.orderByDescending((c) => c.score).toArray())).toEqual([1, 5, 4, 3, 2]);
    expect(ids(await q.orderBy((c) => c.region).toArray())).toEqual([3, 5, 1, 4, 2]);
  });

  it('is stable, and thenBy / thenByDescending break ties', async () => {
    const q = asQueryable(customers);
    expect(
      ids(
        await q
          .orderByDescending((c) => c.score)
          .thenBy((c) => c.name)
          .toArray(),
      ),
    ).toEqual([1, 5, 4, 3, 2]);
    expect(
      ids(
        await q
          .orderByDescending((c) => c.score)
          .thenByDescending((c) => c.name)
          .toArray(),
      ),
    ).toEqual([5, 1, 4, 3, 2]);
    expect(
      ids(
        await q
          .orderBy((c) => c.createdAt)
          .thenByDescending((c) => c.id)
          .toArray(),
      ),
    ).toEqual([3, 2, 4, 1, 5]);
  });

  it('orders dates by instant and bigints exactly', async () => {
    expect(
      ids(
        await asQueryable(orders)
          .orderBy((o) => o.orderDate)
          .toArray(),
      ),
    ).toEqual([10, 11, 13, 14, 12]);
    expect(
      ids(
        await asQueryable(orders)
          .orderByDescending((o) => o.big)
          .thenBy((o) => o.id)
          .toArray(),
      ),
    ).toEqual([10, 12, 14, 13, 11]);
  });

  it('a key with params', async () => {
    const q = asQueryable(customers)
      .orderBy((c, p) => (c.region === p.first ? 0 : 1), { first: 'US' })
      .thenBy((c) => c.id);
    expect(ids(await q.toArray())).toEqual([2, 1, 3, 4, 5]);
  });

  it('a second orderBy starts a new ordering', async () => {
    const q = asQueryable(customers)
      .orderBy((c) => c.name)
      .orderByDescending((c) => c.region);
    expect(ids(await q.toArray())).toEqual([2, 1, 4, 5, 3]);
  });
});

describe('skip / take / distinct', () => {
  it('pages an ordered query', async () => {
    const q = asQueryable(customers).orderBy((c) => c.id);
    expect(ids(await q.skip(1).take(2).toArray())).toEqual([2, 3]);
    expect(ids(await q.skip(10).toArray())).toEqual([]);
    expect(ids(await q.take(0).toArray())).toEqual([]);
  });

  it('refuses negative or fractional counts when the query is built', () => {
    const q = asQueryable(customers);
    expect(() => q.skip(-1)).toThrow(DtdeTranslationError);
    expect(() => q.take(1.5)).toThrow(/take\(1.5\) needs a non-negative integer count/);
    expect(() => q.take(Number.NaN)).toThrow(DtdeTranslationError);
  });

  it('distinct compares projections deeply, Dates by instant', async () => {
    const q = asQueryable(customers);
    expect(
      await q
        .select((c) => c.region)
        .distinct()
        .toArray(),
    ).toEqual(['EU', 'US', null, 'APAC']);
    expect(
      await q
        .select((c) => ({ region: c.region, at: c.createdAt }))
        .distinct()
        .count(),
    ).toBe(4);
    expect(
      await q
        .select((c) => c.createdAt)
        .distinct()
        .toArray(),
    ).toEqual([d('2024-03-01'), d('2024-01-15'), d('2023-12-31'), d('2025-06-30')]);
  });
});

describe('groupBy + select', () => {
  it('groups by a scalar in order of first appearance, with aggregates', async () => {
    const rows = await asQueryable(orders)
      .groupBy((o) => o.customerId)
      .select((g) => ({
        id: g.key,
        n: g.count(),
        total: g.sum((o) => o.total),
        avg: g.average((o) => o.total),
        first: g.min((o) => o.orderDate),
        top: g.max((o) => o.total),
      }))
      .toArray();
    expect(rows).toEqual([
      { id: 1, n: 3, total: 135, avg: 45, first: d('2024-01-05'), top: 100 },
      { id: 2, n: 1, total: 50, avg: 50, first: d('2024-02-10'), top: 50 },
      { id: 3, n: 1, total: 75, avg: 75, first: d('2024-07-07'), top: 75 },
    ]);
  });

  it('groups by an object key of several values, keyed by value equality', async () => {
    const rows = await asQueryable(orders)
      .groupBy((o) => ({ customer: o.customerId, year: o.orderDate.getFullYear() }))
      .select((g) => ({ customer: g.key.customer, year: g.key.year, n: g.count() }))
      .orderBy((r) => r.customer)
      .thenBy((r) => r.year)
      .toArray();
    expect(rows).toEqual([
      { customer: 1, year: 2024, n: 2 },
      { customer: 1, year: 2025, n: 1 },
      { customer: 2, year: 2024, n: 1 },
      { customer: 3, year: 2024, n: 1 },
    ]);
  });

  it('groups null keys together, averages skip nulls, bigint sums stay exact', async () => {
    const byRegion = await asQueryable(customers)
      .groupBy((c) => c.region)
      .select((g) => ({ region: g.key, avg: g.average((c) => c.score) }))
      .toArray();
    expect(byRegion).toEqual([
      { region: 'EU', avg: 25 },
      { region: 'US', avg: null },
      { region: null, avg: 10 },
      { region: 'APAC', avg: 30 },
    ]);
    const big = await asQueryable(orders)
      .groupBy((o) => o.customerId)
      .select((g) => g.sum((o) => o.big))
      .first();
    expect(big).toBe(2n ** 61n + 5n);
  });

  it('a group select can read params', async () => {
    const rows = await asQueryable(orders)
      .groupBy((o) => o.customerId)
      .select((g, p) => ({ id: g.key, taxed: g.sum((o) => o.total * p.rate) }), { rate: 2 })
      .where((r) => r.taxed > 100)
      .toArray();
    expect(rows).toEqual([
      { id: 1, taxed: 270 },
      { id: 3, taxed: 150 },
    ]);
  });

  it('another operator right after groupBy is a clear error (for untyped callers)', () => {
    const grouped = asQueryable(orders).groupBy((o) => o.customerId) as unknown as { where(f: unknown): unknown; toArray(): unknown };
    expect(() => grouped.where(() => true)).toThrow(DtdeTranslationError);
    expect(() => grouped.toArray()).toThrow(/toArray\(\) cannot follow groupBy\(\.\.\.\) directly: select one row per group first/);
  });
});

describe('terminals', () => {
  const q = asQueryable(customers);
  const none = q.where((c) => c.id > 99);

  it('first / firstOrDefault', async () => {
    expect((await q.orderByDescending((c) => c.id).first()).id).toBe(5);
    expect((await q.first((c) => c.region === 'EU')).id).toBe(1);
    expect((await q.first((c, p) => c.name === p.name, { name: 'Dee' })).id).toBe(4);
    expect(await none.firstOrDefault()).toBeNull();
    expect((await q.firstOrDefault((c) => c.id === 2))?.name).toBe('Bob');
    await expect(none.first()).rejects.toThrow(DtdeInvalidOperationError);
    await expect(none.first()).rejects.toThrow('first() found no rows. Use firstOrDefault() to get null when nothing matches.');
  });

  it('single / singleOrDefault', async () => {
    expect((await q.single((c) => c.id === 3)).name).toBe('Cyd');
    expect(await q.singleOrDefault((c) => c.id === 42)).toBeNull();
    await expect(q.single()).rejects.toThrow(/single\(\) found more than one row/);
    await expect(q.singleOrDefault((c) => c.region === 'EU')).rejects.toThrow(/singleOrDefault\(\) found more than one row/);
    await expect(none.single()).rejects.toMatchObject({ code: 'DTDE_INVALID_OPERATION', operation: 'single' });
  });

  it('count / any / all', async () => {
    expect(await q.count()).toBe(5);
    expect(await q.count((c) => c.region === 'EU')).toBe(2);
    expect(await q.count((c, p) => c.score === p.s, { s: 30 })).toBe(2);
    expect(await q.any()).toBe(true);
    expect(await none.any()).toBe(false);
    expect(await q.any((c) => c.region === 'APAC')).toBe(true);
    expect(await q.all((c) => c.id > 0)).toBe(true);
    expect(await q.all((c, p) => c.score! > p.min, { min: 15 })).toBe(false);
    expect(await none.all((c) => c.id < 0)).toBe(true);
  });

  it('sum skips nulls and is 0 over nothing; bigint sums are exact', async () => {
    expect(await q.sum((c) => c.score)).toBe(90);
    expect(await q.select((c) => c.score).sum()).toBe(90);
    expect(await none.sum((c) => c.score)).toBe(0);
    expect(await asQueryable(orders).sum((o) => o.big)).toBe(2n ** 61n + 9n);
    expect(await asQueryable(orders).sum((o, p) => o.total * p.k, { k: 10 })).toBe(2600);
  });

  it('min / max / average; over nothing they throw, over only nulls they are null', async () => {
    expect(await q.min((c) => c.score)).toBe(10);
    expect(await q.max((c) => c.createdAt)).toEqual(d('2025-06-30'));
    expect(await q.select((c) => c.name).max()).toBe('Eve');
    expect(await q.average((c) => c.score)).toBe(22.5);
    expect(await asQueryable([1n, 2n]).average()).toBe(1.5);
    expect(await q.where((c) => c.id === 2).average((c) => c.score)).toBeNull();
    await expect(none.average((c) => c.score)).rejects.toThrow('average() found no rows.');
    await expect(none.min((c) => c.score)).rejects.toThrow(DtdeInvalidOperationError);
    await expect(none.max((c) => c.score)).rejects.toMatchObject({ operation: 'max' });
  });

  it('terminals take an AbortSignal', async () => {
    const controller = new AbortController();
    expect(await q.count({ signal: controller.signal })).toBe(5);
    expect(await q.count((c) => c.region === 'EU', { signal: controller.signal })).toBe(2);
    controller.abort(new Error('stop'));
    await expect(q.toArray({ signal: controller.signal })).rejects.toThrow('stop');
    await expect(q.first((c) => c.id === 1, { signal: controller.signal })).rejects.toThrow('stop');
    await expect(q.sum((c, p) => c.id * p.k, { k: 1 }, { signal: controller.signal })).rejects.toThrow('stop');
  });
});

describe('streaming and immutability', () => {
  it('for await yields the rows of the chain', async () => {
    const seen: string[] = [];
    for await (const name of asQueryable(customers)
      .orderBy((c) => c.name)
      .select((c) => c.name)
      .take(3))
      seen.push(name);
    expect(seen).toEqual(['Ada', 'Bob', 'Cyd']);
  });

  it('stream({ signal }) stops when aborted mid-iteration', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(async () => {
      for await (const c of asQueryable(customers).stream({ signal: controller.signal })) {
        seen.push(c.id);
        if (seen.length === 2) controller.abort(new Error('enough'));
      }
    }).rejects.toThrow('enough');
    expect(seen).toEqual([1, 2]);
  });

  it('operators return new queryables and never change the source rows', async () => {
    const base = asQueryable(customers);
    const filtered = base.where((c) => c.region === 'EU');
    expect(filtered).not.toBe(base);
    expect(base.toQueryExpression().operators).toHaveLength(0);
    expect(filtered.toQueryExpression().operators.map((o) => o.kind)).toEqual(['where']);
    await base.orderByDescending((c) => c.id).toArray();
    expect(ids(customers)).toEqual([1, 2, 3, 4, 5]);
  });

  it('toQueryExpression exposes the parsed chain', () => {
    const expr = asQueryable(customers)
      .where((c, p) => c.id > p.min, { min: 1 })
      .orderBy((c) => c.name)
      .thenByDescending((c) => c.id)
      .skip(1)
      .take(2)
      .toQueryExpression();
    expect(expr.source.kind).toBe('array');
    expect(expr.operators.map((o) => o.kind)).toEqual(['where', 'orderBy', 'orderBy', 'skip', 'take']);
    const [where, order, then] = expr.operators;
    expect(where.kind === 'where' && where.predicate.params).toEqual({ min: 1 });
    expect(where.kind === 'where' && where.predicate.lambda.body.kind).toBe('binary');
    expect(order).toMatchObject({ descending: false, thenBy: false });
    expect(then).toMatchObject({ descending: true, thenBy: true });
  });
});

describe('build-time errors', () => {
  const q = asQueryable(customers);

  it('an unsupported lambda fails when the operator is called, not when run', () => {
    const outside = 'EU';
    expect(() => q.where((c) => c.region === outside)).toThrow(DtdeTranslationError);
  });

  it('a params parameter without a params object, and params without a parameter, are errors', () => {
    const untyped = q as unknown as { where(f: unknown, p?: unknown): unknown };
    expect(() => untyped.where((c: Customer, p: { r: string }) => c.region === p.r)).toThrow(
      /declares a params parameter but no params object was passed/,
    );
    expect(() => untyped.where((c: Customer) => c.id === 1, { r: 'x' })).toThrow(/no second parameter to read it/);
    expect(() => untyped.where((c: Customer, p: { r: string }) => c.region === p.r, ['x'])).toThrow(/must be a plain object/);
  });
});
