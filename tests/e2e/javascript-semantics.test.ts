import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeContext, sqlite, type ModelBuilder, type Queryable } from '../../src/index.js';
import { Oracle } from './support/oracle.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer, Order } from './support/shop-model.js';

// JavaScript semantics are the contract (design.md, section 4): where JavaScript and SQL differ,
// every query answers as JavaScript would. Each query runs on the sharded SQLite shop and on the
// in-memory evaluator over the same rows, and the answers must agree.

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const ordered = { ordered: true };
const unordered = { ordered: false };

describe('numbers: int columns stay numbers, decimals keep their fraction, division by zero is null', () => {
  it('a distinct projection of Math.floor over an int column returns numbers, not bigints', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => Math.floor(c.score))
          .distinct()
          .toArray(),
      unordered,
    );
  });

  it('max of Math.floor over an int column is a number', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.max((c) => Math.floor(c.score)), ordered);
  });

  it('sum of Math.ceil over an int column is a number', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.sum((c) => Math.ceil(c.score)), ordered);
  });

  it('group keys from Math.floor over an int column are numbers', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => Math.floor(c.score))
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
      unordered,
    );
  });

  it('a float-typed ternary whose branch is an int column returns numbers', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => (c.vip ? 1.5 : c.score))
          .distinct()
          .toArray(),
      unordered,
    );
  });

  it('distinct projections of Math.round and Math.abs', async () => {
    await shop.oracle.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .select((o) => ({ r: Math.round(o.total / 100), a: Math.abs(o.total - 500) > 400 }))
          .distinct()
          .toArray(),
      unordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => Math.round(c.score))
          .distinct()
          .toArray(),
      unordered,
    );
  });

  it('% on decimals keeps the fraction (SQLite would truncate to integers)', async () => {
    await shop.oracle.check(shop.ctx, Order, (q) => q.where((o) => o.total % 2 > 1).toArray(), unordered);
    await shop.oracle.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .select((o) => o.total % 7.5)
          .distinct()
          .toArray(),
      unordered,
    );
  });

  it('division and remainder by zero are null, as in SQL', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c, p) => c.score / p.d > 1, { d: 0 }).toArray(), unordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c, p) => c.score % p.d === null, { d: 0 }).count(), unordered);
  });
});

describe('nulls', () => {
  it('null semantics of !== and relational comparisons under || and !', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.email !== 'user3@example.com' || c.score > 5).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => !(c.email !== 'user3@example.com' || c.score > 5)).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => !(c.email === null || c.email < 'user2')).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c, p) => c.email !== p.e, { e: null }).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => (c.email !== null) === c.vip).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => (c.email === 'x') === false).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.vip !== c.score > 0).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => !c.email).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => !(c.email ?? '')).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => (c.vip ? c.email : null) === null).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.rating !== 3 && !(c.rating! > 5)).toArray(), unordered);
  });

  it('a template literal reads a null column as an empty string', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => `${c.email}` === '').count(), ordered);
  });

  it('string + treats null as an empty string, like template literals', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => c.email + '!' === '!').toArray(), unordered);
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => c.email + '!')
          .distinct()
          .toArray(),
      unordered,
    );
  });

  it('nullable booleans and nullable dates: filters, ordering, groups, aggregates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtde-nullable-'));
    const ctx = new FlagContext({ provider: sqlite({ file: join(dir, 'f.db') }), shards: (s) => s.addShards('A', 'B', 'C') });
    try {
      await ctx.ensureCreated();
      const rows = Array.from({ length: 60 }, (_, i) =>
        Object.assign(new Flag(), {
          id: i + 1,
          region: ['A', 'B', 'C'][i % 3],
          ok: i % 4 === 0 ? null : i % 4 === 1,
          at: i % 5 === 0 ? null : new Date(Date.UTC(2024, 0, 1 + i)),
        }),
      );
      await ctx.bulkInsert(Flag, rows);
      const oracle = new Oracle([[Flag, rows]]);
      const cases: ((q: Queryable<Flag>) => Promise<unknown>)[] = [
        (q) => q.where((f) => f.ok as boolean).toArray(),
        (q) => q.where((f) => !f.ok).toArray(),
        (q) => q.where((f) => f.ok === false).toArray(),
        (q) => q.where((f) => f.ok !== true).toArray(),
        (q) => q.where((f) => f.ok !== false || f.id > 50).toArray(),
        (q) => q.where((f) => !(f.ok === true && f.id > 10)).toArray(),
        (q) => q.where((f, p) => f.ok === p.v, { v: null }).toArray(),
        (q) => q.where((f) => (f.ok ?? true) === true).toArray(),
        (q) => q.where((f, p) => f.at === null || f.at < p.d, { d: new Date(Date.UTC(2024, 1, 1)) }).toArray(),
        (q) => q.where((f) => !f.at).toArray(),
        (q) => q.where((f) => (f.ok ? f.id > 5 : f.id < 5)).toArray(),
        (q) => q.count((f) => f.ok === null),
        (q) => q.all((f) => f.ok !== null),
        (q) => q.max((f) => f.ok),
        (q) => q.min((f) => f.at),
        (q) =>
          q
            .select((f) => f.ok)
            .distinct()
            .toArray(),
        (q) =>
          q
            .select((f) => ({ ok: f.ok, y: f.at === null ? null : f.at.getUTCMonth() }))
            .distinct()
            .toArray(),
        (q) =>
          q
            .groupBy((f) => f.ok)
            .select((g) => ({ k: g.key, n: g.count(), lo: g.min((f) => f.at) }))
            .toArray(),
        (q) =>
          q
            .groupBy((f) => f.at)
            .select((g) => ({ k: g.key, n: g.count() }))
            .toArray(),
      ];
      for (const build of cases) await oracle.check(ctx, Flag, build, unordered);
      const orderedCases: ((q: Queryable<Flag>) => Promise<unknown>)[] = [
        (q) =>
          q
            .orderByDescending((f) => f.ok)
            .thenBy((f) => f.id)
            .skip(3)
            .take(20)
            .toArray(),
        (q) =>
          q
            .orderBy((f) => f.ok)
            .thenByDescending((f) => f.at)
            .take(25)
            .toArray(),
        (q) =>
          q
            .orderByDescending((f) => f.at)
            .skip(5)
            .take(30)
            .toArray(),
        (q) =>
          q
            .select((f) => ({ ok: f.ok, id: f.id }))
            .orderByDescending((x) => x.ok)
            .thenByDescending((x) => x.id)
            .take(10)
            .toArray(),
      ];
      for (const build of orderedCases) await oracle.check(ctx, Flag, build, ordered);
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('strings', () => {
  it('compares strings by code point in where, as the oracle does', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c, p) => c.name < p.x, { x: '\uff5a' }).toArray(), unordered);
  });
});

describe('conditional expressions', () => {
  it('a ?: whose branches differ in type is refused where SQL computes it, and works in a client projection', async () => {
    await expect(
      shop.ctx.customers
        .select((c) => (c.vip ? c.name : c.score))
        .distinct()
        .toArray(),
    ).rejects.toThrow(/branches of this \?: have different types \(string and number\)/);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => (c.vip ? c.name : c.score)).toArray(), unordered);
  });
});

class Flag {
  id!: number;
  region!: string;
  ok!: boolean | null;
  at!: Date | null;
}

class FlagContext extends DtdeContext {
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Flag, (e) => {
      e.toTable('Flags');
      e.key((f) => f.id);
      e.property((f) => f.id).int();
      e.property((f) => f.region).string(4);
      e.property((f) => f.ok)
        .boolean()
        .nullable();
      e.property((f) => f.at)
        .dateTime()
        .nullable();
      e.shardBy((f) => f.region).withStorageMode('tables');
    });
  }
}
