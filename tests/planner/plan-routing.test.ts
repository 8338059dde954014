// Shard pruning as the plans show it: value, date, hash and manual strategies, contradictions
// (no command at all), and proof that planning, explain() and toQueryString() do no I/O.
import { describe, expect, it } from 'vitest';
import { DtdeShardError } from '../../src/errors/dtde-shard-error.js';
import { hashBucket } from '../../src/routing/stable-hash.js';
import {
  ALL_REGIONS,
  ALL_YEARS,
  MSSQL_CUSTOMER as M_ALL,
  NoIoError,
  SQLITE_CUSTOMER as S_ALL,
  type ShapeCase,
  customers,
  engineCustomers,
  expectShape,
  archive,
  events,
  orders,
  planOf,
  rowsPlanOf,
} from './plan-fixtures.js';

const columns = (alias: string, names: string[], quote: (s: string) => string) =>
  names.map((c) => `${quote(alias)}.${quote(c)} AS ${quote(c)}`).join(', ');
const dq = (s: string) => `"${s}"`;
const br = (s: string) => `[${s}]`;
const ORDER = ['id', 'customerId', 'orderDate', 'total', 'status', 'note'];
const S_ORDER = columns('o', ORDER, dq);
const M_ORDER = columns('o', ORDER, br);
const ARCHIVE = ['id', 'orderDate', 'total'];
const S_ARCHIVE = columns('a', ARCHIVE, dq);
const M_ARCHIVE = columns('a', ARCHIVE, br);
const EVENT = ['id', 'userId', 'kind', 'amount', 'at'];

const utc = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const bucketOf = (userId: number) => `buckets::b${hashBucket(userId, 4)}`;

const cases: ShapeCase[] = [
  {
    name: 'value strategy, IN on the shard key: only the listed shards',
    query: customers.where((c, p) => p.regions.includes(c.region), { regions: ['APAC', 'EU'] }),
    shards: ['EU', 'APAC'], // layout order, whatever the order of the list
    // Each listed shard holds one of the listed values only: the IN is implied there and dropped.
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c"`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c]`,
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'only the shard key prunes: a filter on another column reads every shard',
    query: customers.where((c) => c.name === 'EU'),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."name" = ?`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[name] = @p0`,
    params: { sqlite: ['EU'], mssql: ['EU'] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'contradictory shard-key predicates: no command at all, the answer is empty without I/O',
    query: customers
      .where((c) => c.region === 'EU')
      .where((c) => c.region === 'US')
      .orderBy((c) => c.name),
    shards: [],
    sqlite: '',
    mssql: '',
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
    },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'contradictory shard-key predicates under count: no command, the merge counts nothing',
    query: () => planOf(customers.where((c) => c.region === 'EU').count((c) => c.region === 'APAC')),
    shards: [],
    sqlite: '',
    mssql: '',
    merge: { kind: 'aggregate', op: 'count', countField: 'n' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'date strategy (year shards): a range reads only the years it overlaps',
    query: orders.where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: utc('2024-03-01'), to: utc('2025-02-01') }),
    shards: ['years::2024', 'years::2025'],
    // Each year keeps only the bound that cuts into it: all of 2024 is before 2025-02-01, all of
    // 2025 after 2024-03-01.
    sqlite: `SELECT ${S_ORDER} FROM "Orders_2024" AS "o" WHERE "o"."orderDate" >= ?`,
    mssql: `SELECT ${M_ORDER} FROM [Orders_2024] AS [o] WHERE [o].[orderDate] >= @p0`,
    params: { sqlite: ['2024-03-01T00:00:00.000Z'], mssql: [utc('2024-03-01')] },
    perShard: {
      'years::2025': {
        sqlite: `SELECT ${S_ORDER} FROM "Orders_2025" AS "o" WHERE "o"."orderDate" < ?`,
        mssql: `SELECT ${M_ORDER} FROM [Orders_2025] AS [o] WHERE [o].[orderDate] < @p0`,
        params: { sqlite: ['2025-02-01T00:00:00.000Z'], mssql: [utc('2025-02-01')] },
      },
    },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'date strategy: a whole year with an exclusive upper bound reads that year only',
    query: orders.where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: utc('2024-01-01'), to: utc('2025-01-01') }),
    shards: ['years::2024'],
    // The range is exactly the shard's interval: both bounds are implied and dropped.
    sqlite: `SELECT ${S_ORDER} FROM "Orders_2024" AS "o"`,
    mssql: `SELECT ${M_ORDER} FROM [Orders_2024] AS [o]`,
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'date strategy: a range on another column reads every year',
    query: orders.where((o) => o.total >= 100),
    shards: ALL_YEARS,
    sqlite: `SELECT ${S_ORDER} FROM "Orders_2023" AS "o" WHERE "o"."total" >= ?`,
    mssql: `SELECT ${M_ORDER} FROM [Orders_2023] AS [o] WHERE [o].[total] >= @p0`,
    params: { sqlite: [100], mssql: [100] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'hash strategy: equality on the key reads its one bucket',
    query: events.where((e) => e.userId === 42),
    shards: [bucketOf(42)],
    sqlite: `SELECT ${columns('e', EVENT, dq)} FROM "Events_b${hashBucket(42, 4)}" AS "e" WHERE "e"."userId" = ?`,
    mssql: `SELECT ${columns('e', EVENT, br)} FROM [Events_b${hashBucket(42, 4)}] AS [e] WHERE [e].[userId] = @p0`,
    params: { sqlite: [42n], mssql: [42] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'manual tables: the tables whose predicates can hold matching rows; schema-qualified names quoted part by part',
    query: archive.where((a, p) => a.orderDate >= p.since, { since: utc('2021-01-01') }),
    shards: ['ArchiveNew'],
    sqlite: `SELECT ${S_ARCHIVE} FROM "dbo"."ArchiveNew" AS "a" WHERE "a"."orderDate" >= ?`,
    mssql: `SELECT ${M_ARCHIVE} FROM [dbo].[ArchiveNew] AS [a] WHERE [a].[orderDate] >= @p0`,
    params: { sqlite: ['2021-01-01T00:00:00.000Z'], mssql: [utc('2021-01-01')] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'manual tables: a filter the predicates cannot decide reads every table',
    query: archive.where((a) => a.total > 10),
    shards: ['ArchiveOld', 'ArchiveNew'],
    sqlite: `SELECT ${S_ARCHIVE} FROM "dbo"."ArchiveOld" AS "a" WHERE "a"."total" > ?`,
    mssql: `SELECT ${M_ARCHIVE} FROM [dbo].[ArchiveOld] AS [a] WHERE [a].[total] > @p0`,
    params: { sqlite: [10], mssql: [10] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
];

describe('planQuery routing, SQLite and SQL Server side by side', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectShape(c);
  });

  it('hash strategy: IN over two users reads their buckets only; a range reads all four', () => {
    const two = rowsPlanOf(events.where((e, p) => p.ids.includes(e.userId), { ids: [42, 7] }));
    const expected = ['b0', 'b1', 'b2', 'b3'].map((b) => `buckets::${b}`).filter((s) => s === bucketOf(42) || s === bucketOf(7));
    expect(two.commands.map((c) => c.target.shard.qualifiedId)).toEqual(expected);
    const range = rowsPlanOf(events.where((e) => e.userId > 40 && e.userId < 44));
    expect(range.commands).toHaveLength(4);
  });

  it('toQueryString of a contradiction says the answer is empty', () => {
    expect(
      customers
        .where((c) => c.region === 'EU')
        .where((c) => c.region === 'US')
        .toQueryString({ dialect: 'mssql' }),
    ).toBe('-- no shard can hold matching rows: the answer is empty without I/O');
  });
});

describe('planning does no I/O', () => {
  // engineCustomers runs on the real ShardedQueryExecutor whose driver throws NoIoError on any call.
  it('explain() and toQueryString() in both dialects never reach the driver', () => {
    const q = engineCustomers
      .where((c) => c.region === 'EU')
      .orderBy((c) => c.name)
      .take(3);
    expect(q.explain({ dialect: 'mssql' }).commands).toHaveLength(1);
    expect(q.explain().dialect).toBe('sqlite'); // the executor's own dialect by default
    expect(q.toQueryString({ dialect: 'sqlite' })).toContain('LIMIT 3');
    expect(q.toQueryString({ dialect: 'mssql' })).toContain('TOP (@p0)');
  });

  it('running the same query does reach the driver (so the checks above are meaningful)', async () => {
    const error = await engineCustomers
      .where((c) => c.region === 'EU')
      .toArray()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DtdeShardError);
    expect((error as DtdeShardError).shardId).toBe('EU');
    expect((error as DtdeShardError).cause).toBeInstanceOf(NoIoError);
  });

  it('a contradiction runs without touching the driver', async () => {
    await expect(
      engineCustomers
        .where((c) => c.region === 'EU')
        .where((c) => c.region === 'US')
        .toArray(),
    ).resolves.toEqual([]);
    await expect(
      engineCustomers
        .where((c) => c.region === 'EU')
        .where((c) => c.region === 'US')
        .count(),
    ).resolves.toBe(0);
  });
});
