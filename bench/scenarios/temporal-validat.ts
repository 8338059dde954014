// The original design's temporal scenario: contract versions in 4 quarterly SQLite files (one
// database each), validAt(date).orderBy(c => c.id).take(100) across the quarters that can hold
// versions valid at that date, and the same for a date in the first quarter (one shard). The
// baseline is the raw driver on one unsharded table holding the same rows, with the same SQL
// shape (its primary key on (id, validFrom), as dtde's tables have).
import path from 'node:path';
import Database from 'better-sqlite3';
import { DtdeContext, type ModelBuilder, QUERY_PLAN_CHANNEL, type QueryPlanMessage, sqlite } from '../../src/index.js';
import { caseOf, type Report, ratio } from '../report.js';
import { formatUs, relative, runSuite, type SuiteOptions } from '../run-suite.js';
import { tempFolder } from '../sqlite-shop.js';
import diagnosticsChannel from 'node:diagnostics_channel';

class Contract {
  id!: number;
  customerId!: number;
  rate!: number;
  validFrom!: Date;
  validTo!: Date | null;
}

const QUARTERS = ['2024Q1', '2024Q2', '2024Q3', '2024Q4'];
const YEAR_START = Date.UTC(2024, 0, 1);
const YEAR_MS = Date.UTC(2025, 0, 1) - YEAR_START;

class ContractStore extends DtdeContext {
  contracts = this.temporalSet(Contract);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Contract, (e) => {
      e.toTable('Contracts');
      e.key((c) => [c.id, c.validFrom]);
      e.property((c) => c.id).int();
      e.property((c) => c.customerId).int();
      e.property((c) => c.rate).decimal(9, 4);
      e.property((c) => c.validFrom).dateTime();
      e.property((c) => c.validTo)
        .dateTime()
        .nullable();
      e.hasTemporalValidity(
        (c) => c.validFrom,
        (c) => c.validTo,
      );
      e.shardByDate((c) => c.validFrom, 'quarter')
        .withStorageMode('databases')
        .useShardGroup('quarters');
    });
  }
}

/** Two versions per contract: the first closed where the second starts. */
function versions(n: number): Contract[] {
  const out: Contract[] = [];
  let seed = 11;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = 0; i < n; i += 2) {
    const id = i / 2;
    const start = YEAR_START + Math.floor(next() * YEAR_MS * 0.6);
    const change = start + Math.floor(next() * (YEAR_START + YEAR_MS - start));
    out.push(
      Object.assign(new Contract(), { id, customerId: id % 1000, rate: 0.01, validFrom: new Date(start), validTo: new Date(change) }),
    );
    out.push(Object.assign(new Contract(), { id, customerId: id % 1000, rate: 0.02, validFrom: new Date(change), validTo: null }));
  }
  return out;
}

export async function temporalValidAt(rowCount: number, options: SuiteOptions, report: Report): Promise<void> {
  const folder = tempFolder('dtde-bench-temporal-');
  const ctx = new ContractStore({
    provider: sqlite({ file: path.join(folder.dir, 'contracts.db') }),
    shards: (s) =>
      s.addShardGroup('quarters', (g) => {
        for (const q of QUARTERS) g.addShard(q, { file: `contracts-${q}.db` });
      }),
  });
  const raw = new Database(path.join(folder.dir, 'raw.db'));
  try {
    await ctx.ensureCreated();
    const rows = versions(rowCount);
    const loadStart = performance.now();
    await ctx.bulkInsert(Contract, rows, { batchSize: 50_000 });
    const loadMs = performance.now() - loadStart;
    raw.pragma('journal_mode = WAL');
    raw.exec(
      'CREATE TABLE "Contracts" ("id" INTEGER NOT NULL, "customerId" INTEGER NOT NULL, "rate" REAL NOT NULL, "validFrom" TEXT NOT NULL, "validTo" TEXT, PRIMARY KEY ("id", "validFrom"))',
    );
    const insert = raw.prepare('INSERT INTO "Contracts" VALUES (?, ?, ?, ?, ?)');
    raw.transaction(() => {
      for (const c of rows) insert.run(c.id, c.customerId, c.rate, c.validFrom.toISOString(), c.validTo?.toISOString() ?? null);
    })();
    const rawPage = raw.prepare(
      'SELECT * FROM "Contracts" AS "c" WHERE "c"."validFrom" <= ? AND ("c"."validTo" IS NULL OR "c"."validTo" > ?) ORDER BY "c"."id" ASC, "c"."validFrom" ASC LIMIT 100',
    );
    const late = new Date('2024-08-01T00:00:00Z');
    const early = new Date('2024-02-15T00:00:00Z');
    // Which shards each query reads, from the plan channel.
    const shardsOf = async (at: Date): Promise<readonly string[]> => {
      let ids: readonly string[] = [];
      const listen = (m: unknown) => void (ids = (m as QueryPlanMessage).shardIds);
      diagnosticsChannel.subscribe(QUERY_PLAN_CHANNEL, listen);
      await ctx.contracts
        .validAt(at)
        .orderBy((c) => c.id)
        .take(100)
        .toArray();
      diagnosticsChannel.unsubscribe(QUERY_PLAN_CHANNEL, listen);
      return ids;
    };
    const touched = { late: await shardsOf(late), early: await shardsOf(early) };
    const suite = await runSuite(
      `SQLite: validAt(date).orderBy(id).take(100) over ${rowCount.toLocaleString('en')} contract versions in 4 quarterly files`,
      [
        {
          name: 'raw better-sqlite3: one unsharded table, 2024-08-01',
          role: 'baseline',
          fn: () => rawPage.all(late.toISOString(), late.toISOString()),
          async: false,
        },
        {
          name: `dtde validAt(2024-08-01): ${touched.late.length} shards`,
          role: 'dtde',
          fn: () =>
            ctx.contracts
              .validAt(late)
              .orderBy((c) => c.id)
              .take(100)
              .toArray(),
          async: true,
        },
        {
          name: `dtde validAt(2024-02-15): ${touched.early.length} shard`,
          role: 'other',
          fn: () =>
            ctx.contracts
              .validAt(early)
              .orderBy((c) => c.id)
              .take(100)
              .toArray(),
          async: true,
        },
      ],
      options,
    );
    report.suites.push(suite);
    const many = caseOf(suite, 'dtde validAt(2024-08-01)');
    const one = caseOf(suite, 'dtde validAt(2024-02-15)');
    const base = caseOf(suite, 'raw');
    report.targets.push({
      target: `validAt(date).orderBy(id).take(100), ${rowCount.toLocaleString('en')} versions, 4 quarterly files (original design)`,
      goal: '≤ 200 ms across shards, ≤ 100 ms for one shard',
      measured: `${formatUs(many.medianUs)} reading ${touched.late.join(', ')}; ${formatUs(one.medianUs)} reading ${touched.early.join(', ')}; raw one table ${formatUs(base.medianUs)} (${ratio(relative(many, base))}); load ${(loadMs / 1000).toFixed(1)} s`,
      met: many.medianUs <= 200_000 && one.medianUs <= 100_000,
    });
  } finally {
    raw.close();
    await ctx.close();
    folder.dispose();
  }
}
