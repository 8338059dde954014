import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer } from './support/shop-model.js';

// Lambdas as esbuild's minifier writes them (`Infinity` -> `1/0`, `true` -> `!0`, `undefined` ->
// `void 0`) answer what their source answers, on SQLite and in the in-memory evaluator alike.

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const unordered = { ordered: false };

describe('minified literals', () => {
  it('1/0 is Infinity and -1/0 is -Infinity', async () => {
    const { ctx, oracle, data } = shop;
    expect(await oracle.check(ctx, Customer, (q) => q.count((c) => c.score < 1 / 0), unordered)).toBe(data.customers.length);
    expect(await oracle.check(ctx, Customer, (q) => q.count((c) => c.score > -1 / 0), unordered)).toBe(data.customers.length);
    expect(await oracle.check(ctx, Customer, (q) => q.count((c) => c.score === 0 / 0), unordered)).toBe(0);
  });

  it('!0 and !1 are true and false; void 0 is undefined', async () => {
    const { ctx, oracle, data } = shop;
    expect(await oracle.check(ctx, Customer, (q) => q.count((c) => c.vip === !0), unordered)).toBe(
      data.customers.filter((c) => c.vip).length,
    );
    expect(await oracle.check(ctx, Customer, (q) => q.count((c) => c.vip === !1), unordered)).toBe(
      data.customers.filter((c) => !c.vip).length,
    );
    expect(await oracle.check(ctx, Customer, (q) => q.count((c) => c.email !== void 0), unordered)).toBe(
      data.customers.filter((c) => c.email !== null).length,
    );
  });

  it('a division by a literal zero over a column keeps SQL semantics (null, so no row)', async () => {
    const { ctx, oracle } = shop;
    expect(await oracle.check(ctx, Customer, (q) => q.count((c) => c.score / 0 > 0), unordered)).toBe(0);
  });
});
