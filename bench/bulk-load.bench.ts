import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, bench, describe } from 'vitest';
import { DtdeContext } from '../src/context/dtde-context.js';
import { bulkLoad } from '../src/loading/bulk-load.js';
import type { ModelBuilder } from '../src/metadata/model-builder.js';
import { sqlite } from '../src/providers/sqlite/sqlite-provider.js';

// bulkLoad of 200,000 customers into 4 table shards of one SQLite file, against a baseline of
// raw better-sqlite3 (one prepared single-row INSERT, one transaction per shard) in the same run.
// Run: npx vitest bench --run bench/bulk-load.bench.ts

const ROWS = 200_000;
const REGIONS = ['EU', 'US', 'APAC', 'LATAM'];

class Customer {
  id!: number;
  region!: string;
  name!: string;
  createdAt!: Date;
  note!: string | null;
}

class BenchContext extends DtdeContext {
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.createdAt).dateTime();
      e.property((c) => c.note).string().nullable();
      e.shardBy((c) => c.region);
    });
  }
}

const rows = Array.from({ length: ROWS }, (_, i) =>
  Object.assign(new Customer(), {
    id: i + 1,
    region: REGIONS[i % REGIONS.length],
    name: `customer ${i + 1}`,
    createdAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000),
    note: i % 3 === 0 ? null : 'note',
  }),
);

const folders: string[] = [];
const freshFile = () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'dtde-bench-'));
  folders.push(folder);
  return path.join(folder, 'main.db');
};
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

const options = { iterations: 3, warmupIterations: 0, time: 0, warmupTime: 0 };

describe(`load ${ROWS.toLocaleString('en')} rows into 4 table shards`, () => {
  bench('dtde bulkLoad (validate + route + multi-row INSERT, one transaction per shard)', async () => {
    await using ctx = new BenchContext({ provider: sqlite({ file: freshFile() }), shards: (s) => s.addShards(...REGIONS) });
    await ctx.ensureCreated();
    const result = await bulkLoad(ctx, Customer, rows, { batchSize: ROWS });
    if (result.rowsLoaded !== ROWS) throw new Error(`loaded ${result.rowsLoaded}`);
  }, options);

  bench('dtde bulkLoad, default batchSize (10,000 rows per batch)', async () => {
    await using ctx = new BenchContext({ provider: sqlite({ file: freshFile() }), shards: (s) => s.addShards(...REGIONS) });
    await ctx.ensureCreated();
    const result = await bulkLoad(ctx, Customer, rows);
    if (result.rowsLoaded !== ROWS) throw new Error(`loaded ${result.rowsLoaded}`);
  }, options);

  bench('baseline: better-sqlite3 prepared INSERT per row, one transaction per shard', () => {
    const db = new Database(freshFile());
    db.pragma('journal_mode = WAL');
    for (const region of REGIONS) {
      db.exec(`CREATE TABLE "Customers_${region}" ("id" INTEGER NOT NULL, "region" TEXT NOT NULL, "name" TEXT NOT NULL, "createdAt" TEXT NOT NULL, "note" TEXT, PRIMARY KEY ("id"))`);
    }
    const inserts = new Map(REGIONS.map((r) => [r, db.prepare(`INSERT INTO "Customers_${r}" VALUES (?, ?, ?, ?, ?)`)]));
    for (const region of REGIONS) {
      const insert = inserts.get(region)!;
      db.transaction(() => {
        for (const row of rows) if (row.region === region) insert.run(row.id, row.region, row.name, row.createdAt.toISOString(), row.note);
      })();
    }
    db.close();
  }, options);
});
