import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../src/index.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer } from './support/shop-model.js';

// Where dtde's behaviour could be read two ways, the README's Semantics section says which, and
// the engine (SQLite) and the in-memory evaluator both do what it says: sums of nothing are 0
// (LINQ's rule, not SQL's NULL), strings compare by code point (the database's binary order, not
// JavaScript's UTF-16 units), and a number inside string concatenation is computed only on the
// client, never by SQL.

const semantics = (() => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Semantics');
  return readme.slice(start, readme.indexOf('\n## ', start + 1)).replace(/\s+/g, ' ');
})();

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const unordered = { ordered: false };

describe('sums of nothing', () => {
  it('sum and g.sum are 0 over no rows and over only nulls, as the README says', async () => {
    const { ctx, oracle } = shop;
    expect(await oracle.check(ctx, Customer, (q) => q.where((c) => c.score > 100000).sum((c) => c.score), unordered)).toBe(0);
    expect(await oracle.check(ctx, Customer, (q) => q.where((c) => c.rating === null).sum((c) => c.rating), unordered)).toBe(0);
    const groups = await oracle.check(
      ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.rating === null)
          .groupBy((c) => c.region)
          .select((g) => ({ region: g.key, total: g.sum((c) => c.rating) }))
          .toArray(),
      unordered,
    );
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((g) => g.total === 0)).toBe(true);
    expect(semantics).toContain(
      "`sum` and `g.sum` skip nulls and are 0 over no rows or only nulls, as in LINQ and EF Core (SQL's `SUM` would give null)",
    );
  });
});

describe('string comparison', () => {
  it("is by code point in SQL and in the evaluator, unlike JavaScript's UTF-16 order, as the README says", async () => {
    const { ctx, oracle, data } = shop;
    expect('😀 smile' < 'ｚ').toBe(true); // JavaScript: U+D83D < U+FF5A
    const emoji = data.customers.filter((c) => c.name === '😀 smile').length;
    expect(emoji).toBeGreaterThan(0);
    const below = await oracle.check(ctx, Customer, (q) => q.where((c) => c.name < 'ｚ').toArray(), unordered);
    expect(below.some((c) => c.name === '😀 smile')).toBe(false); // by code point U+1F600 > U+FF5A
    expect(below.length).toBe(data.customers.length - emoji);
    expect(semantics).toContain(
      "by default on SQLite and PostgreSQL that is code point order, in predicates (`c.name < 'm'`) as in ordering",
    );
    expect(semantics).toContain("`'😀' < 'ｚ'` is true in JavaScript and false in dtde");
  });
});

describe('numbers inside string concatenation', () => {
  it('are computed in a plain select and refused where SQL would compute them, as the README says', async () => {
    const { ctx, oracle, data } = shop;
    const labels = await oracle.check(
      ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.id)
          .select((c) => c.name + c.score)
          .toArray(),
      { ordered: true },
    );
    expect(labels).toEqual([...data.customers].sort((a, b) => a.id - b.id).map((c) => c.name + c.score));
    await expect(ctx.customers.where((c) => c.name + c.score === 'Bob5').toArray()).rejects.toBeInstanceOf(DtdeTranslationError);
    await expect(ctx.customers.orderBy((c) => `${c.name}${c.id}`).toArray()).rejects.toBeInstanceOf(DtdeTranslationError);
    expect(semantics).toContain(
      'A number inside string concatenation (`c.name + c.id`, or a template literal) is computed in a plain `select`, on the client',
    );
    expect(semantics).toContain('it is refused with `DtdeTranslationError`');
  });
});
