import { vi } from 'vitest';

// The end-to-end query corpus, on PostgreSQL: the same test files that run on SQLite, imported
// here with `openShop()` answering a shop on PostgreSQL instead (tests/e2e/support/providers.ts):
// customers in table shards of the own database, orders in one database per year and events in
// two bucket databases, spread over the two servers of the run. Every query is also answered by
// the in-memory evaluator over the same rows, and the answers must agree.
//
// The files below use nothing of SQLite but openShop(); a file that does (temp folders, raw
// better-sqlite3) has a PostgreSQL twin of its own instead (postgres-*.test.ts).

vi.mock('./support/open-shop.js', async () => {
  const { openShopOn } = await import('./support/providers.js');
  return { openShop: (options?: { maxParallelShards?: number; seed?: number; size?: number }) => openShopOn('postgres', options) };
});

await import('./query-operators.test.js');
await import('./aggregates-and-grouping.test.js');
await import('./javascript-semantics.test.js');
await import('./shard-routing.test.js');
await import('./undefined-comparisons.test.js');
await import('./minified-literals.test.js');
