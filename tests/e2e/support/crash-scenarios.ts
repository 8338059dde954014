import { customer, order, type WriteShop } from './write-shop.js';

// The saves the crash tests interrupt, each across several databases. `seed` changes the data so
// every run writes different rows; the parent test computes the same before/after states.

/** The rows a scenario starts from: customers in EU and US, one order in each year. */
export async function seedData(ctx: WriteShop): Promise<void> {
  ctx.addRange([customer(1, 'EU'), customer(2, 'US'), customer(3, 'EU')]);
  ctx.addRange([order(1, 2023), order(2, 2024), order(3, 2025)]);
  await ctx.saveChanges();
}

/**
 * Queues the changes of `scenario` (not saved):
 * - `all`: touches shop.db (coordinator) and the three order files: an update, a move within
 *   shop.db, a move across order files, adds in two files and a remove.
 * - `orders`: touches only the order files, so the coordinator's log is written on its own.
 */
export async function plannedSave(ctx: WriteShop, scenario: string): Promise<void> {
  const o1 = (await ctx.orders.first((o) => o.id === 1))!;
  o1.orderDate = new Date(Date.UTC(2025, 2, 3)); // 2023 -> 2025
  o1.total = 77;
  ctx.update(o1);
  ctx.add(order(10, 2024, 5));
  ctx.remove((await ctx.orders.first((o) => o.id === 2))!);
  if (scenario === 'all') {
    const c1 = (await ctx.customers.first((c) => c.id === 1))!;
    c1.name = 'renamed';
    ctx.update(c1);
    const c3 = (await ctx.customers.first((c) => c.id === 3))!;
    c3.region = 'APAC';
    ctx.update(c3);
    ctx.add(customer(4, 'US'));
    ctx.add(order(11, 2023, 6));
  }
}
