// dtde quick start: a sharded SQLite shop in a temp folder, loaded with 250,000 rows, then a few
// representative queries. For each query it prints the shards dtde touched, each shard's time and
// row count (from the dtde:query:shard diagnostics channel), and the answer.
//
//   npm install && npm run sample
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DtdeContext, type ModelBuilder, mssql, postgres, QUERY_SHARD_CHANNEL, type QueryShardMessage, sqlite } from 'dtde';

class Customer {
  id!: number;
  region!: string;
  name!: string;
  email!: string | null;
  createdAt!: Date;
}

class Order {
  id!: number;
  customerId!: number;
  orderDate!: Date;
  total!: number;
  status!: string;
}

class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.email)
        .string(200)
        .nullable();
      e.property((c) => c.createdAt).dateTime();
      e.shardBy((c) => c.region).withStorageMode('tables'); // Customers_EU, Customers_US, Customers_APAC in shop.db
    });
    mb.entity(Order, (e) => {
      e.toTable('Orders');
      e.key((o) => o.id);
      e.property((o) => o.id).int();
      e.property((o) => o.customerId).int();
      e.property((o) => o.orderDate).dateTime();
      e.property((o) => o.total).decimal(12, 2);
      e.property((o) => o.status).string(16);
      e.shardByDate((o) => o.orderDate, 'year')
        .withStorageMode('databases')
        .useShardGroup('years'); // Orders in orders-2023.db, ...
    });
  }
}

const REGIONS = ['EU', 'US', 'APAC'];
const YEARS = ['2023', '2024', '2025'];
const FIRST = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'Edsger', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];
const STATUSES = ['new', 'paid', 'shipped', 'cancelled'];
// DTDE_SAMPLE_SCALE shrinks the shop (the sample's own test runs it at 0.01).
const SCALE = Number(process.env.DTDE_SAMPLE_SCALE ?? 1);
const CUSTOMERS = Math.round(50_000 * SCALE);
const ORDERS = Math.round(200_000 * SCALE);

/** Deterministic pseudo-random numbers, so every run shows the same answers. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* customers(rnd: () => number): Generator<Customer> {
  for (let id = 1; id <= CUSTOMERS; id++) {
    const name = `${FIRST[Math.floor(rnd() * FIRST.length)]} ${LAST[Math.floor(rnd() * LAST.length)]}`;
    yield Object.assign(new Customer(), {
      id,
      region: REGIONS[Math.floor(rnd() * REGIONS.length)],
      name,
      email: rnd() < 0.1 ? null : `${name.toLowerCase().replace(' ', '.')}${id}@example.com`,
      createdAt: new Date(Date.UTC(2022, 0, 1) + Math.floor(rnd() * 3 * 365 * 86_400_000)),
    });
  }
}

function* orders(rnd: () => number): Generator<Order> {
  for (let id = 1; id <= ORDERS; id++) {
    yield Object.assign(new Order(), {
      id,
      customerId: 1 + Math.floor(rnd() * CUSTOMERS),
      orderDate: new Date(Date.UTC(2023, 0, 1) + Math.floor(rnd() * 3 * 365 * 86_400_000)),
      total: Math.round(rnd() * 50_000) / 100,
      status: STATUSES[Math.floor(rnd() * STATUSES.length)],
    });
  }
}

const rowsText = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'row' : 'rows'}`;

/** Runs one query, printing the shards it touched with their times, then its answer. */
async function show<R>(
  title: string,
  query: () => Promise<R>,
  format: (r: R) => string = (r) => JSON.stringify(r, null, 0),
): Promise<void> {
  const started = performance.now();
  const { result, shards } = await recordShards(query);
  const total = performance.now() - started;
  console.log(`\n▶ ${title}  (${total.toFixed(1)} ms, ${shards.length} shard command${shards.length === 1 ? '' : 's'})`);
  for (const s of shards) console.log(shardLine(s));
  console.log(`    → ${format(result)}`);
}

/** Several queries under one title: each one's shard commands are printed under its own label. */
async function showParts(title: string, parts: Record<string, () => Promise<unknown>>): Promise<void> {
  const started = performance.now();
  const lines: string[] = [];
  const answer: Record<string, unknown> = {};
  let commands = 0;
  for (const [label, query] of Object.entries(parts)) {
    const { result, shards } = await recordShards(query);
    answer[label] = result;
    commands += shards.length;
    lines.push(`    ${label}:`, ...shards.map((s) => `  ${shardLine(s)}`));
  }
  const total = performance.now() - started;
  console.log(`\n▶ ${title}  (${total.toFixed(1)} ms, ${commands} shard commands)`);
  for (const line of lines) console.log(line);
  console.log(`    → ${JSON.stringify(answer)}`);
}

async function recordShards<R>(query: () => Promise<R>): Promise<{ result: R; shards: QueryShardMessage[] }> {
  const shards: QueryShardMessage[] = [];
  const onShard = (message: unknown) => shards.push(message as QueryShardMessage);
  diagnosticsChannel.subscribe(QUERY_SHARD_CHANNEL, onShard);
  try {
    return { result: await query(), shards };
  } finally {
    diagnosticsChannel.unsubscribe(QUERY_SHARD_CHANNEL, onShard);
  }
}

function shardLine(s: QueryShardMessage): string {
  return `    shard ${s.shardId.padEnd(12)} ${s.durationMs.toFixed(1).padStart(7)} ms  ${rowsText(s.rowCount).padStart(11)}`;
}

/** Passes `rows` through, printing every tenth of `total` how many were read and how fast. */
function* withProgress<T>(label: string, total: number, rows: Iterable<T>): Generator<T> {
  const started = performance.now();
  const step = Math.max(1, Math.floor(total / 10));
  let n = 0;
  for (const row of rows) {
    yield row;
    n++;
    if (n % step === 0 || n === total) {
      const perSecond = Math.round(n / ((performance.now() - started) / 1000));
      console.log(
        `  loading ${label}: ${n.toLocaleString('en')} / ${total.toLocaleString('en')} rows (${perSecond.toLocaleString('en')} rows/s)`,
      );
    }
  }
}

// `npm run sample` runs on SQLite files in a temp folder; `-- --postgres <url>` or `-- --mssql
// <connection string>` runs the same on a server: customers in the given database, orders in one
// database per year beside it (dtde_sample_orders_2023, ...), all dropped again at the end.
const argument = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const postgresUrl = argument('--postgres');
const mssqlConnection = argument('--mssql');
const onServer = postgresUrl !== undefined || mssqlConnection !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'dtde-quick-start-'));
const provider =
  postgresUrl !== undefined
    ? postgres(postgresUrl)
    : mssqlConnection !== undefined
      ? mssql(mssqlConnection)
      : sqlite({ file: join(dir, 'shop.db') });
const ctx = new ShopContext({
  provider,
  shards: (s) =>
    s.addShards(...REGIONS).addShardGroup('years', (g) => {
      for (const y of YEARS) g.addShard(y, onServer ? { database: `dtde_sample_orders_${y}` } : { file: `orders-${y}.db` });
    }),
  maxParallelShards: 4,
});

try {
  const where = postgresUrl !== undefined ? 'PostgreSQL' : mssqlConnection !== undefined ? 'SQL Server' : `SQLite files in ${dir}`;
  console.log(`dtde quick start — a sharded shop on ${where}`);
  const t = performance.now();
  if (onServer) await ctx.ensureDeleted(); // what an interrupted earlier run left
  await ctx.ensureCreated();
  const rnd = random(2026);
  const loadedCustomers = await ctx.bulkInsert(Customer, withProgress('customers', CUSTOMERS, customers(rnd)));
  const loadedOrders = await ctx.bulkInsert(Order, withProgress('orders', ORDERS, orders(rnd)));
  console.log(
    `loaded ${loadedCustomers.rowsInserted.toLocaleString('en')} customers ${JSON.stringify(loadedCustomers.perShard)} and ` +
      `${loadedOrders.rowsInserted.toLocaleString('en')} orders ${JSON.stringify(loadedOrders.perShard)} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const routed = ctx.customers
    .where((c, p) => c.region === p.region, { region: 'US' })
    .orderBy((c) => c.name)
    .take(3);
  console.log('\nSQL for a routed query, per shard (no I/O):');
  console.log(routed.select((c) => ({ id: c.id, name: c.name })).toQueryString());

  await show('Routed to one shard: US customers by name, first 3', () => routed.select((c) => ({ id: c.id, name: c.name })).toArray());
  await show('Fanned out, globally ordered and paged: customers by name, rows 1001-1005', () =>
    ctx.customers
      .orderBy((c) => c.name)
      .thenBy((c) => c.id)
      .skip(1000)
      .take(5)
      .select((c) => `${c.name} (${c.region}, #${c.id})`)
      .toArray(),
  );
  await show(
    'Date range pruned to two yearly files: large orders in Dec 2024 – Jan 2025',
    () =>
      ctx.orders
        .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to && o.total > p.min, {
          from: new Date('2024-12-01T00:00:00Z'),
          to: new Date('2025-02-01T00:00:00Z'),
          min: 495,
        })
        .orderByDescending((o) => o.total)
        .take(3)
        .select((o) => ({ id: o.id, date: o.orderDate, total: o.total }))
        .toArray(),
    (rows) => rows.map((o) => `#${o.id} on ${o.date.toISOString().slice(0, 10)}: ${o.total}`).join('; '),
  );
  await showParts('Aggregates across all order shards: count, sum, average, max', {
    count: () => ctx.orders.count(),
    paid: () => ctx.orders.count((o) => o.status === 'paid'),
    revenue: async () => Math.round((await ctx.orders.where((o) => o.status !== 'cancelled').sum((o) => o.total)) * 100) / 100,
    average: async () => Math.round((await ctx.orders.average((o) => o.total)) * 100) / 100,
    largest: () => ctx.orders.max((o) => o.total),
  });
  await show(
    'Group by across shards: orders per status with exact averages',
    () =>
      ctx.orders
        .groupBy((o) => o.status)
        .select((g) => ({ status: g.key, orders: g.count(), average: g.average((o) => o.total) }))
        .orderBy((x) => x.status)
        .toArray(),
    (rows) => rows.map((r) => `${r.status}: ${r.orders} orders, avg ${r.average.toFixed(2)}`).join('; '),
  );
  await showParts('Any / first: is there a customer without email in APAC, and who signed up first?', {
    anyWithoutEmail: () => ctx.customers.any((c) => c.region === 'APAC' && c.email === null),
    firstSignup: () =>
      ctx.customers
        .orderBy((c) => c.createdAt)
        .select((c) => ({ id: c.id, at: c.createdAt }))
        .first(),
  });
  console.log(`\ndone in ${((performance.now() - t) / 1000).toFixed(1)} s`);
} finally {
  if (onServer) await ctx.ensureDeleted().catch(() => undefined);
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
