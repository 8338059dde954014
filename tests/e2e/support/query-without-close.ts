// Run by tests/e2e/process-exit.test.ts in a child Node process, compiled to JavaScript: a script
// that queries and forgets ctx.close(). Idle read connections must not keep the process alive.
import { join } from 'node:path';
import { sqlite } from '../../../src/index.js';
import { shopData } from './shop-data.js';
import { Customer, Order, ShopContext, shopShards } from './shop-model.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: node query-without-close.js <empty folder>');
const ctx = new ShopContext({ provider: sqlite({ file: join(dir, 'shop.db') }), shards: shopShards });
await ctx.ensureCreated();
const data = shopData();
await ctx.bulkInsert(Customer, data.customers);
await ctx.bulkInsert(Order, data.orders);
// Fan-out reads over the main file and three order files: each leaves idle read connections.
const orders = await ctx.orders.count();
const page = await ctx.customers
  .orderBy((c) => c.name)
  .take(5)
  .toArray();
const anyBig = await ctx.orders.any((o) => o.total > 100);
console.log(JSON.stringify({ orders, page: page.length, anyBig }));
// No ctx.close() here, on purpose.
