import { describe, expect, expectTypeOf, it } from 'vitest';
import { asQueryable } from '../../../src/linq/query/as-queryable.js';
import type { Grouping } from '../../../src/linq/expression/grouping.js';
import type { GroupedQueryable } from '../../../src/linq/query/grouped-queryable.js';
import { type OrderedQueryable, Queryable } from '../../../src/linq/query/queryable.js';

// Compile-time checks of the typed API: `npx tsc --noEmit` fails if an @ts-expect-error line
// compiles, or if a positive line does not. The runtime parts only keep vitest honest.
interface Customer {
  id: number;
  region: string;
  score: number | null;
  big: bigint;
  createdAt: Date;
}
const rows: Customer[] = [{ id: 1, region: 'EU', score: 1, big: 1n, createdAt: new Date(0) }];
const q = asQueryable(rows);

describe('typed Queryable', () => {
  it('lambdas see the row type', () => {
    q.where((c) => c.region === 'EU');
    // @ts-expect-error -- 'nope' is not a property of Customer
    expect(() => q.where((c) => c.nope === 1)).not.toThrow();
    q.where((c, p) => c.region === p.region, { region: 'EU' });
    // @ts-expect-error -- p.other is not in the params object
    q.where((c, p) => c.region === p.other, { region: 'EU' });
  });

  it('select changes the element type', () => {
    expectTypeOf(q.select((c) => ({ id: c.id, r: c.region }))).toEqualTypeOf<Queryable<{ id: number; r: string }>>();
    expectTypeOf(q.select((c) => c.createdAt).toArray()).resolves.toEqualTypeOf<Date[]>();
  });

  it('thenBy exists only after an ordering', () => {
    expectTypeOf(q.orderBy((c) => c.region)).toEqualTypeOf<OrderedQueryable<Customer>>();
    q.orderBy((c) => c.region)
      .thenBy((c) => c.id)
      .thenByDescending((c) => c.createdAt);
    // @ts-expect-error -- thenBy is not on a plain Queryable
    expect(() => q.thenBy((c: Customer) => c.id)).toThrow(TypeError);
    expect(() =>
      q
        .orderBy((c) => c.id)
        .where((c) => c.id > 0)
        // @ts-expect-error -- where after orderBy gives a plain Queryable again
        .thenBy((c: Customer) => c.id),
    ).toThrow(TypeError);
  });

  it('groupBy gives a GroupedQueryable whose only operator is select over Grouping', () => {
    const grouped = q.groupBy((c) => ({ region: c.region, year: c.createdAt.getFullYear() }));
    expectTypeOf(grouped).toEqualTypeOf<GroupedQueryable<{ region: string; year: number }, Customer>>();
    const projected = grouped.select((g) => ({
      region: g.key.region,
      n: g.count(),
      s: g.sum((c) => c.score),
      b: g.sum((c) => c.big),
      m: g.max((c) => c.createdAt),
    }));
    expectTypeOf(projected).toEqualTypeOf<Queryable<{ region: string; n: number; s: number; b: bigint; m: Date }>>();
    expectTypeOf<Grouping<string, Customer>['key']>().toEqualTypeOf<string>();
    // @ts-expect-error -- no where directly after groupBy
    expect(() => grouped.where(() => true)).toThrow();
    // @ts-expect-error -- g.nope does not exist on a Grouping
    grouped.select((g) => g.nope);
  });

  it('terminal result types', () => {
    expectTypeOf(q.first()).resolves.toEqualTypeOf<Customer>();
    expectTypeOf(q.firstOrDefault()).resolves.toEqualTypeOf<Customer | null>();
    expectTypeOf(q.singleOrDefault((c) => c.id === 1)).resolves.toEqualTypeOf<Customer | null>();
    expectTypeOf(q.count()).resolves.toEqualTypeOf<number>();
    expectTypeOf(q.any((c, p) => c.id === p.id, { id: 1 })).resolves.toEqualTypeOf<boolean>();
    expectTypeOf(q.sum((c) => c.score)).resolves.toEqualTypeOf<number>();
    expectTypeOf(q.sum((c) => c.big)).resolves.toEqualTypeOf<bigint>();
    expectTypeOf(q.select((c) => c.id).sum()).resolves.toEqualTypeOf<number>();
    expectTypeOf(q.select((c) => c.big).sum()).resolves.toEqualTypeOf<bigint>();
    expectTypeOf(q.min((c) => c.createdAt)).resolves.toEqualTypeOf<Date>();
    expectTypeOf(q.select((c) => c.region).max()).resolves.toEqualTypeOf<string>();
    expectTypeOf(q.average((c) => c.score)).resolves.toEqualTypeOf<number>();
    // Type errors only: this function is never called.
    const neverCalled = () => {
      // @ts-expect-error -- sum() without a selector needs numeric rows
      void q.sum();
      // @ts-expect-error -- a sum selector must return a number or bigint
      void q.sum((c) => c.region);
      // @ts-expect-error -- all needs a predicate
      void q.all();
      // @ts-expect-error -- the signal option is an AbortSignal
      void q.toArray({ signal: 1 });
    };
    expect(typeof neverCalled).toBe('function');
  });

  it('DbSet-style subclasses keep the constructor', () => {
    class TableSet<T> extends Queryable<T> {}
    const base = q.toQueryExpression();
    const set = new TableSet<Customer>(base, { execute: async () => [], stream: async function* () {} });
    expectTypeOf(set.where((c) => c.id > 1)).toEqualTypeOf<Queryable<Customer>>();
    expect(set.toQueryExpression()).toBe(base);
  });
});
