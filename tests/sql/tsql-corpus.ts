import fc from 'fast-check';
import { DtdeInvalidOperationError, DtdeTranslationError } from '../../src/index.js';
import { mssqlDialect } from '../../src/providers/mssql/mssql-dialect.js';
import { createTableStatement } from '../../src/schema/create-table-statement.js';
import type { RenderedSql } from '../../src/sql/dialect.js';
import * as log from '../../src/writes/transaction-log.js';
import { randomCaseArb, runQuery } from '../e2e/support/random-case.js';
import { declareShards, Item, randomContextClass } from '../e2e/support/random-model.js';
import { Account, Customer, Order, REGIONS } from '../support/shop-model.js';
import { type RecordedStatement, recordingProvider } from './recording-driver.js';
import { CorpusShop, corpusShards, SHAPES, utc } from './tsql-corpus-shop.js';

// Every statement the SQL Server dialect emits across dtde's features, built here rather than
// collected from other test files: the shop (tsql-corpus-shop.ts) on a provider whose dialect is
// SQL Server's and whose driver records instead of running, driven through the public API the way
// the planner, end-to-end and write tests drive it (every query shape, paging on one shard and on
// many, aggregates, group by, distinct with ordering, element terminals, DDL, the column listing,
// inserts with and without OUTPUT, per-entity UPDATE/DELETE, set-based writes, the cross-database
// commit protocol and recovery), plus a fixed sample of the random query generator's queries.

/** One statement of the corpus and where it first came from. */
export interface CorpusStatement {
  readonly sql: string;
  /** Declared parameters as sp_executesql gets them (`@p0 int, @p1 nvarchar(8)`), or '' for none. */
  readonly declarations: string;
  readonly source: string;
}

/** Builds the corpus: every distinct statement text, with its declarations and first source. */
export async function buildTsqlCorpus(options: { randomQueries: number }): Promise<CorpusStatement[]> {
  const corpus = new Map<string, CorpusStatement>();
  const add = (source: string, statements: readonly RecordedStatement[] | readonly RenderedSql[]): void => {
    for (const s of statements) {
      if (corpus.has(s.sql)) continue;
      corpus.set(s.sql, { sql: s.sql, declarations: declarations(s.parameters), source });
    }
  };

  // The shop: schema, queries, writes and the commit protocol, recorded from the driver.
  const provider = recordingProvider(mssqlDialect, {
    // An INSERT … OUTPUT returns the generated key of its one row.
    rows: (sql) => (sql.startsWith('INSERT') && sql.includes(' OUTPUT ') ? [{ id: 1 }] : []),
  });
  const ctx = new CorpusShop({ provider, shards: corpusShards, maxParallelShards: 4 });
  const recorded = provider.driver.statements;
  const run = async (source: string, work: () => Promise<unknown>): Promise<void> => {
    const from = recorded.length;
    try {
      await work();
    } catch (error) {
      // No rows come back, so min() and average() say "no elements"; any other failure is a
      // mistake in this corpus.
      if (!(error instanceof DtdeInvalidOperationError)) throw new Error(`corpus query '${source}' failed: ${String(error)}`);
    }
    add(source, recorded.slice(from));
  };

  await run('ensureCreated (DDL and column listing)', () => ctx.ensureCreated());
  for (const [name, shape] of SHAPES) await run(name, () => shape(ctx));

  await run('bulkInsert (multi-row INSERT)', () =>
    ctx.bulkInsert(
      Customer,
      Array.from({ length: 5 }, (_, i) => customer(i + 1, REGIONS[i % 3])),
    ),
  );
  await run('saveChanges: adds in one database', async () => {
    ctx.add(customer(101, 'EU'));
    ctx.add(customer(102, 'US'));
    await ctx.saveChanges();
  });
  await run('saveChanges: generated key (INSERT … OUTPUT INSERTED)', async () => {
    ctx.add(Object.assign(new Order(), { customerId: 1, orderDate: utc('2024-06-01'), total: 12.5, status: 'new', note: null }));
    await ctx.saveChanges();
  });
  await run('saveChanges: update, token, move and remove', async () => {
    const moved = customer(103, 'EU');
    ctx.update(Object.assign(moved, { region: 'US' }), { from: { id: 103, region: 'EU' } });
    ctx.update(Object.assign(customer(104, 'APAC'), { name: 'renamed' }));
    ctx.remove(customer(105, 'US'));
    ctx.update(Object.assign(new Account(), { id: 1, owner: 'a', balance: 5, version: 3 }));
    ctx.remove(Object.assign(new Account(), { id: 2, owner: 'b', balance: 0, version: null }));
    await ctx.saveChanges();
  });
  await run('saveChanges across databases (commit protocol)', async () => {
    ctx.add(customer(106, 'EU'));
    ctx.add(Object.assign(new Order(), { id: 900, customerId: 1, orderDate: utc('2023-03-01'), total: 1, status: 'new', note: 'n' }));
    ctx.add(Object.assign(new Order(), { id: 901, customerId: 1, orderDate: utc('2025-03-01'), total: 2, status: 'new', note: null }));
    await ctx.saveChanges();
  });
  await run('transaction scope', () =>
    ctx.transaction(async (tx) => {
      tx.add(customer(107, 'APAC'));
      await tx.saveChanges();
      await tx.customers.where((x) => x.region === 'APAC').executeUpdate((x) => ({ score: x.score + 1 }));
    }),
  );
  await run('executeUpdate / executeDelete', async () => {
    await ctx.customers
      .where((x) => x.region === 'EU' && x.name !== 'n1')
      .executeUpdate((x, p) => ({ score: x.score * 2 + p.bonus, vip: true }), { bonus: 5 });
    await ctx.orders.where((o) => o.total > 30).executeUpdate(() => ({ status: 'big', note: 'x' }));
    await ctx.accounts.where((a) => a.balance < 0).executeUpdate(() => ({ balance: 0 }));
    await ctx.orders.where((o) => o.status === 'old').executeDelete();
    await ctx.customers.where((x, p) => p.ids.includes(x.id), { ids: [1, 2] }).executeDelete();
  });
  await run('recover', () => ctx.recover());
  await run('ensureDeleted (DROP TABLE)', () => ctx.ensureDeleted());
  await ctx.close();

  // What the commit protocol and DDL render beyond what the recorded run reached.
  const at = new Date('2025-01-02T03:04:05.678Z');
  const record = { participants: [{ databaseId: 'db', shardIds: ['years::2024'], redo: [] }] };
  add('transaction log', [
    log.createMarkerTable(mssqlDialect),
    log.createLogTable(mssqlDialect),
    log.insertMarker(mssqlDialect, 'tx-1', at),
    log.selectMarker(mssqlDialect, 'tx-1'),
    log.deleteMarker(mssqlDialect, 'tx-1'),
    log.insertLogEntry(mssqlDialect, 'tx-1', at, record),
    log.selectLogEntries(mssqlDialect, 'decided'),
    log.selectLogEntries(mssqlDialect, 'complete'),
    log.completeLogEntry(mssqlDialect, 'tx-1'),
    log.deleteLogEntry(mssqlDialect, 'tx-1'),
  ]);
  add('DDL of every entity, in a schema and not', [
    ...[...ctx.model.entities.values()].flatMap((entity) => [
      mssqlDialect.renderCreateTable(createTableStatement(entity, { name: `${entity.table.name}_X` })),
      mssqlDialect.renderCreateTable(createTableStatement(entity, { name: entity.table.name, schema: 'sales' })),
      mssqlDialect.renderDropTable({ kind: 'dropTable', table: { name: entity.table.name, schema: 'sales' } }),
      mssqlDialect.renderTableColumns({ name: entity.table.name, schema: 'sales' }),
    ]),
    // A string column that declares its collation (PropertyBuilder.collation).
    mssqlDialect.renderCreateTable({
      kind: 'createTable',
      table: { name: 'Labels' },
      columns: [
        { name: 'code', type: { kind: 'string', maxLength: 8, collation: 'Latin1_General_100_BIN2' }, nullable: false, generated: false },
      ],
      primaryKey: ['code'],
    }),
  ]);

  // A fixed sample of the random query generator: random layouts, rows and query chains.
  const cases = fc.sample(randomCaseArb, { seed: 20240611, numRuns: options.randomQueries });
  for (const [i, c] of cases.entries()) {
    const randomProvider = recordingProvider(mssqlDialect);
    const Context = randomContextClass(c.layout);
    const random = new Context({ provider: randomProvider, shards: declareShards(c.layout) });
    try {
      await runQuery(random.set(Item), c.query, c.params);
    } catch (error) {
      if (error instanceof DtdeTranslationError) throw new Error(`random query ${i} does not translate: ${error.message}`);
    }
    await random.close();
    add(`random query ${i}`, randomProvider.driver.statements);
  }
  return [...corpus.values()];
}

function customer(id: number, region: string): Customer {
  return Object.assign(new Customer(), {
    id,
    region,
    name: `c${id}`,
    email: null,
    createdAt: new Date(Date.UTC(2024, 0, id)),
    vip: false,
    score: id,
    rating: null,
  });
}

function declarations(parameters: unknown): string {
  if (!Array.isArray(parameters)) return '';
  return parameters
    .filter((p): p is { name: string; sqlType: string } => typeof p === 'object' && p !== null && 'sqlType' in p)
    .map((p) => `${p.name} ${p.sqlType}`)
    .join(', ');
}
