// bulkLoad of 200,000 customers into 4 table shards of one SQLite file, against a baseline of
// raw better-sqlite3 (one prepared single-row INSERT, one transaction per shard) in the same run.
// Every operation starts from an empty file in a fresh temp folder (creating the tables is timed,
// as it was); folders are deleted between cycles, outside the timed code.
//
// One load takes seconds, so benchmark.js runs each case as one load per cycle: `maxTime` is kept
// tiny and `minSamples` decides the number of loads (default 5 per case, plus benchmark.js's first
// calibration cycle). With so few samples the ± (relative margin of error, 95%) is wide; read it.
//
//   npm run bench            (both benchmarks)
//   BENCH_LOAD_ROWS=50000 BENCH_LOAD_SAMPLES=3 node dist-bench/bench/bulk-load.bench.js
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bulkLoad, DtdeContext, type ModelBuilder, sqlite } from '../src/index.js';
import { type BenchCase, describeEnvironment, envNumber, runSuite, type SuiteOptions } from './run-suite.js';
import { tempFolder } from './shop-fixture.js';

const ROWS = envNumber('BENCH_LOAD_ROWS', 200_000);
const REGIONS = ['EU', 'US', 'APAC', 'LATAM'];
const options: SuiteOptions = { maxTime: 0.1, minSamples: envNumber('BENCH_LOAD_SAMPLES', 5) };

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

// Folders of finished loads, deleted between cycles so deleting is not timed.
const used: { dispose(): void }[] = [];
const freshFile = () => {
  const folder = tempFolder('dtde-bench-load-');
  used.push(folder);
  return path.join(folder.dir, 'main.db');
};
const cleanUp = () => used.splice(0).forEach((f) => f.dispose());

async function dtdeLoad(batchSize: number | undefined): Promise<void> {
  await using ctx = new BenchContext({ provider: sqlite({ file: freshFile() }), shards: (s) => s.addShards(...REGIONS) });
  await ctx.ensureCreated();
  const result = await bulkLoad(ctx, Customer, rows, batchSize === undefined ? {} : { batchSize });
  if (result.rowsLoaded !== ROWS) throw new Error(`loaded ${result.rowsLoaded} of ${ROWS} rows`);
}

function rawLoad(): void {
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
}

console.log(`dtde bulk-load benchmark — ${describeEnvironment(options)}`);
const started = performance.now();
const cases: BenchCase[] = [
  { name: 'raw better-sqlite3: prepared INSERT per row, one transaction per shard', role: 'baseline', fn: rawLoad, async: false, onCycle: cleanUp },
  { name: 'dtde bulkLoad, default batchSize (10,000 rows per batch)', role: 'dtde', fn: () => dtdeLoad(undefined), async: true, onCycle: cleanUp },
  { name: `dtde bulkLoad, batchSize ${ROWS.toLocaleString('en')} (one batch)`, role: 'variant', fn: () => dtdeLoad(ROWS), async: true, onCycle: cleanUp },
];
try {
  const results = await runSuite(`load ${ROWS.toLocaleString('en')} rows into 4 table shards of one file`, cases, options);
  for (const r of results) console.log(`  ${r.name}: ${Math.round(ROWS / (r.meanMs / 1000)).toLocaleString('en')} rows/s`);
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  cleanUp();
}
