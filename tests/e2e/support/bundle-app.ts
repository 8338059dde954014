import { DtdeContext, type DtdeContextOptions, type ModelBuilder, sqlite } from 'dtde';

// A small app as a user writes it, run twice by tests/e2e/minified-bundle.test.ts: from source,
// and as an esbuild bundle with --minify, which renames classes and functions and rewrites
// literals (Infinity -> 1/0, true -> !0, undefined -> void 0). Both runs must report the same
// tables, answers and error names.

export class Customer {
  id!: number;
  region!: string;
  name!: string;
  email!: string | null;
  vip!: boolean;
  score!: number;
}

export class ShopContext extends DtdeContext {
  customers = this.set(Customer);

  constructor(options: DtdeContextOptions) {
    super(options);
  }

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(50);
      e.property((c) => c.email)
        .string(100)
        .nullable();
      e.property((c) => c.vip).boolean();
      e.property((c) => c.score).int();
      e.shardBy((c) => c.region);
    });
  }
}

/** The same entity configured without toTable: a configuration error, never a table named after the (minified) class. */
class Unnamed {
  id!: number;
}
class UnnamedContext extends DtdeContext {
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Unnamed, (e) => {
      e.key((u) => u.id);
      e.property((u) => u.id).int();
    });
  }
}

export interface AppReport {
  readonly tables: string[];
  readonly answers: Record<string, unknown>;
  readonly errors: Record<string, string>;
}

/** Creates a shop in `file` (a fresh SQLite path), loads it, queries it and reports. */
export async function runApp(file: string): Promise<AppReport> {
  const shards = (s: import('dtde').ShardsBuilder) => s.addShards('EU', 'US');
  const provider = sqlite({ file });
  const ctx = new ShopContext({ provider, shards });
  const errors: Record<string, string> = {};
  const nameOf = async (action: () => unknown): Promise<string> => {
    try {
      await action();
      return 'no error';
    } catch (error) {
      return (error as Error).name;
    }
  };
  try {
    errors.queryBeforeEnsureCreated = await nameOf(() => ctx.customers.toArray());
    await ctx.ensureCreated();
    const rows = Array.from({ length: 40 }, (_, i) =>
      Object.assign(new Customer(), {
        id: i + 1,
        region: i % 3 === 0 ? 'US' : 'EU',
        name: `c${String(i).padStart(2, '0')}`,
        email: i % 4 === 0 ? null : `c${i}@example.com`,
        vip: i % 5 === 0,
        score: (i * 37) % 101,
      }),
    );
    await ctx.bulkInsert(Customer, rows);
    const min = 50;
    const answers: Record<string, unknown> = {
      count: await ctx.customers.count(),
      belowInfinity: await ctx.customers.count((c) => c.score < Infinity),
      aboveMinusInfinity: await ctx.customers.count((c) => c.score > -Infinity),
      withoutEmail: await ctx.customers.count((c) => c.email === undefined),
      vip: await ctx.customers.count((c) => c.vip === true),
      notVip: await ctx.customers.count((c) => c.vip === false),
      usNames: await ctx.customers
        .where((c, p) => c.region === p.region && c.score >= p.min, { region: 'US', min })
        .orderBy((c) => c.name)
        .select((c) => c.name)
        .toArray(),
      page: await ctx.customers
        .orderByDescending((c) => c.score)
        .skip(3)
        .take(4)
        .select((c) => ({ id: c.id, score: c.score }))
        .toArray(),
      sum: await ctx.customers.sum((c) => c.score),
      byRegion: await ctx.customers
        .groupBy((c) => c.region)
        .select((g) => ({ region: g.key, n: g.count(), top: g.max((c) => c.score) }))
        .orderBy((x) => x.region)
        .toArray(),
    };
    errors.closure = await nameOf(() => ctx.customers.where((c) => c.score > min));
    errors.firstOfNothing = await nameOf(() => ctx.customers.where((c) => c.score > 1000).first());
    errors.withoutToTable = await nameOf(() => new UnnamedContext({ provider: sqlite({ file: `${file}.unnamed.db` }) }).model);
    const tables: string[] = [];
    for await (const row of provider.driver.query(null, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      tables.push(String(row.name));
    }
    return { tables, answers, errors };
  } finally {
    await ctx.close();
  }
}
