// dtde's benchmark suite: every case of the performance issue, measured side by side with the
// raw drivers, Kysely and Drizzle in the same run, written to bench/results/latest.{json,md}.
//
//   npm run bench               the full run (40,000 customers, a 1,000,000-row stream)
//   npm run bench -- --quick    every case on small data, in under two minutes
//
// Benchmarks share the machine with whatever else runs: read ratios (both sides measured in the
// same suite, one after the other), not absolute times, and look at the load average in the header.
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newReport, writeReport } from './report.js';
import type { SuiteOptions } from './run-suite.js';
import { bulkInsertScenario } from './scenarios/bulk-insert.js';
import { postgresQueries } from './scenarios/postgres-queries.js';
import { sqliteQueries } from './scenarios/sqlite-queries.js';
import { streamMemory } from './scenarios/stream-memory.js';
import { temporalValidAt } from './scenarios/temporal-validat.js';
import { buildSqliteShop, REGIONS } from './sqlite-shop.js';

const quick = process.argv.includes('--quick');
const config = quick
  ? {
      perRegion: 3_000,
      streamRows: 100_000,
      insertRows: 5_000,
      temporalRows: 40_000,
      query: { maxTime: 0.6, minSamples: 3, rounds: 3 },
      insert: { maxTime: 1, minSamples: 3, rounds: 3 },
    }
  : {
      perRegion: 10_000,
      streamRows: 1_000_000,
      insertRows: 40_000,
      temporalRows: 1_000_000,
      query: { maxTime: 2, minSamples: 5, rounds: 5 },
      insert: { maxTime: 4, minSamples: 4, rounds: 5 },
    };
const queryOptions: SuiteOptions = config.query;

const report = newReport(quick ? 'quick' : 'full');
report.rounds = config.query.rounds;
report.loadAverage.push(...loadavg());
Object.assign(report.rowCounts, {
  customers: config.perRegion * REGIONS.length,
  'customers per region shard': config.perRegion,
  'streamed rows': config.streamRows,
  'rows per bulk insert': config.insertRows,
  'contract versions (temporal)': config.temporalRows,
});
const started = performance.now();
console.log(
  `dtde benchmark (${report.mode}): Node ${report.node}, ${report.cores} × ${report.cpu}, load average ${report.loadAverage.map((l) => l.toFixed(2)).join(' / ')}`,
);

const shop = await buildSqliteShop(config.perRegion);
try {
  await sqliteQueries(shop, queryOptions, report);
} finally {
  await shop.close();
}
await postgresQueries(config.perRegion, queryOptions, report);
await bulkInsertScenario(config.insertRows, config.insert, report);
await streamMemory(config.streamRows, report);
await temporalValidAt(config.temporalRows, queryOptions, report);

report.notes.push(
  `total time ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);
const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
writeReport(report, folder);
console.log(`\nwrote ${path.join(folder, 'latest.json')} and latest.md in ${((performance.now() - started) / 1000).toFixed(0)} s`);
