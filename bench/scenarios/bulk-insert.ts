// Bulk insert: ctx.bulkInsert(Customer, rows) into 4 table shards of one SQLite file, against the
// raw driver's batched multi-row INSERT (prepared, 100 rows per statement, one transaction). Each
// side writes its own file; every operation inserts the same rows under new ids, so the tables
// only grow at their end, as they would under a steady load.
import path from 'node:path';
import Database from 'better-sqlite3';
import { sqlite } from '../../src/index.js';
import { caseOf, type Report, ratio } from '../report.js';
import { formatUs, relative, runSuite, type SuiteOptions } from '../run-suite.js';
import { Customer, makeCustomers, REGIONS, ShopContext, tempFolder } from '../sqlite-shop.js';

const RAW_ROWS_PER_STATEMENT = 100;

export async function bulkInsertScenario(rowCount: number, options: SuiteOptions, report: Report): Promise<void> {
  const folder = tempFolder('dtde-bench-insert-');
  const open = (file: string) =>
    new ShopContext({ provider: sqlite({ file: path.join(folder.dir, file) }), shards: (s) => s.addShards(...REGIONS) });
  const dtde = open('dtde.db');
  const rawSchema = open('raw.db');
  try {
    await dtde.ensureCreated();
    await rawSchema.ensureCreated();
    await rawSchema.close();
    const raw = new Database(path.join(folder.dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    const columns = `("id", "region", "name", "email", "createdAt")`;
    const statement = (region: string, rows: number) =>
      raw.prepare(
        `INSERT INTO "Customers_${region}" ${columns} VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ')}`,
      );
    const full = new Map<string, Database.Statement>(REGIONS.map((r) => [r, statement(r, RAW_ROWS_PER_STATEMENT)]));
    const partial = new Map<string, Database.Statement>();

    const rawRows = makeCustomers(rowCount);
    const dtdeRows = makeCustomers(rowCount);
    const nextIds = (rows: Customer[]) => {
      for (const r of rows) r.id += rowCount;
    };
    const rawInsert = (): void => {
      nextIds(rawRows);
      const byRegion = new Map<string, Customer[]>(REGIONS.map((r): [string, Customer[]] => [r, []]));
      for (const c of rawRows) byRegion.get(c.region)!.push(c);
      raw.transaction(() => {
        for (const [region, rows] of byRegion) {
          for (let start = 0; start < rows.length; start += RAW_ROWS_PER_STATEMENT) {
            const chunk = rows.slice(start, start + RAW_ROWS_PER_STATEMENT);
            const values: unknown[] = [];
            for (const c of chunk) values.push(c.id, c.region, c.name, c.email, c.createdAt.toISOString());
            let s = chunk.length === RAW_ROWS_PER_STATEMENT ? full.get(region)! : partial.get(`${region}:${chunk.length}`);
            if (s === undefined) partial.set(`${region}:${chunk.length}`, (s = statement(region, chunk.length)));
            s.run(...values);
          }
        }
      })();
    };
    const dtdeInsert = async (): Promise<void> => {
      nextIds(dtdeRows);
      const result = await dtde.bulkInsert(Customer, dtdeRows);
      if (result.rowsInserted !== rowCount) throw new Error(`bulkInsert inserted ${result.rowsInserted} of ${rowCount} rows`);
    };
    try {
      const suite = await runSuite(
        `SQLite: insert ${rowCount.toLocaleString('en')} customers into 4 table shards of one file`,
        [
          {
            name: `raw better-sqlite3: prepared ${RAW_ROWS_PER_STATEMENT}-row INSERTs, one transaction`,
            role: 'baseline',
            fn: rawInsert,
            async: false,
          },
          { name: 'dtde ctx.bulkInsert(Customer, rows)', role: 'dtde', fn: dtdeInsert, async: true },
        ],
        options,
      );
      report.suites.push(suite);
      const dtdeCase = caseOf(suite, 'dtde');
      const rawCase = caseOf(suite, 'raw');
      const throughput = 1 / relative(dtdeCase, rawCase);
      const perSecond = (c: typeof dtdeCase) => Math.round(rowCount / (c.medianUs / 1e6)).toLocaleString('en');
      report.targets.push({
        target: 'Bulk insert throughput vs the raw batched insert (SQLite)',
        goal: '≥ 0.8× raw',
        measured: `${ratio(throughput)} (${perSecond(dtdeCase)} rows/s against ${perSecond(rawCase)} rows/s; ${formatUs(dtdeCase.medianUs)} vs ${formatUs(rawCase.medianUs)} per ${rowCount.toLocaleString('en')} rows)`,
        met: throughput >= 0.8,
      });
    } finally {
      raw.close();
    }
  } finally {
    await dtde.close();
    folder.dispose();
  }
}
