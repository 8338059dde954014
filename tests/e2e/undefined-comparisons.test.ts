import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer, Order } from './support/shop-model.js';

// dtde treats null and undefined alike (a missing value is null), so comparing with `undefined`
// means what comparing with `null` means, in SQL and in the in-memory evaluator. The README lists
// `undefined` among the supported literals.

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const unordered = { ordered: false };

describe('comparing with undefined', () => {
  it('=== undefined is IS NULL, !== undefined is IS NOT NULL', async () => {
    const { ctx, oracle, data } = shop;
    const missing = await oracle.check(ctx, Customer, (q) => q.where((c) => c.email === undefined).toArray(), unordered);
    expect(missing.length).toBe(data.customers.filter((c) => c.email === null).length);
    expect(missing.length).toBeGreaterThan(0);
    const present = await oracle.check(ctx, Customer, (q) => q.where((c) => c.email !== undefined).count(), unordered);
    expect(present).toBe(data.customers.length - missing.length);
    expect(ctx.customers.where((c) => c.email === undefined).toQueryString()).toMatch(/["[]c["\]]\.["[]email["\]] IS NULL/);
    expect(ctx.customers.where((c) => c.email !== undefined).toQueryString()).toMatch(/["[]c["\]]\.["[]email["\]] IS NOT NULL/);
  });

  it('with undefined on the left, with ==, and as void 0', async () => {
    const { ctx, oracle } = shop;
    const expected = await oracle.check(ctx, Order, (q) => q.count((o) => o.note === null), unordered);
    expect(await oracle.check(ctx, Order, (q) => q.count((o) => undefined === o.note), unordered)).toBe(expected);
    expect(await oracle.check(ctx, Order, (q) => q.count((o) => o.note == undefined), unordered)).toBe(expected);
    expect(await oracle.check(ctx, Order, (q) => q.count((o) => o.note === void 0), unordered)).toBe(expected);
  });

  it('inside a larger predicate and against a nullable number', async () => {
    const { ctx, oracle } = shop;
    await oracle.check(
      ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.rating === undefined || c.rating! > 5)
          .orderBy((c) => c.id)
          .toArray(),
      { ordered: true },
    );
    await oracle.check(ctx, Customer, (q) => q.where((c) => c.vip && c.rating !== undefined).count(), unordered);
  });
});
