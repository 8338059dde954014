// Row queries (streamed, no terminal): for each shape the planner emits, the SQL SQLite and SQL
// Server get on every shard, side by side, the merge plan, and a T-SQL grammar parse of each
// statement. Customers are sharded by region into the tables Customers_EU / _US / _APAC.
import { describe, expect, it } from 'vitest';
import { ALL_REGIONS, MSSQL_CUSTOMER as M_ALL, SQLITE_CUSTOMER as S_ALL, type ShapeCase, customers, expectShape } from './plan-fixtures.js';

const cases: ShapeCase[] = [
  {
    name: 'routed to one shard: the shard gets its own ORDER BY, OFFSET and limit (T-SQL OFFSET … FETCH)',
    query: customers
      .where((c) => c.region === 'EU')
      .orderBy((c) => c.name)
      .skip(20)
      .take(10),
    shards: ['EU'],
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 10 OFFSET 20`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC OFFSET @p0 ROWS FETCH NEXT @p1 ROWS ONLY`,
    params: { sqlite: [], mssql: [20, 10] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'routed to one shard with take only: LIMIT / TOP',
    query: customers
      .where((c) => c.region === 'EU')
      .orderBy((c) => c.name)
      .take(10),
    shards: ['EU'],
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 10`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [10] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'routed to one shard with skip only: LIMIT -1 OFFSET / OFFSET without FETCH (key order implied by paging)',
    query: customers.where((c) => c.region === 'US').skip(7),
    shards: ['US'],
    sqlite: `SELECT ${S_ALL} FROM "Customers_US" AS "c" ORDER BY "c"."id" ASC LIMIT -1 OFFSET 7`,
    mssql: `SELECT ${M_ALL} FROM [Customers_US] AS [c] ORDER BY [c].[id] ASC OFFSET @p0 ROWS`,
    params: { sqlite: [], mssql: [7] },
    merge: { kind: 'concat' },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'fan-out ordered page: ORDER BY + key tie-break, limit skip + take and no offset; the merge pages once',
    query: customers
      .orderBy((c) => c.name)
      .skip(20)
      .take(10),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 30`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [30] },
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
      skip: 20,
      take: 10,
    },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'select after take shapes the page: the projection keeps rows and order, so it may follow paging',
    query: customers
      .orderBy((c) => c.name)
      .take(5)
      .select((c) => c.name),
    shards: ALL_REGIONS,
    sqlite: `SELECT "c"."name" AS "name", "c"."id" AS "__k0" FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 5`,
    mssql: `SELECT TOP (@p0) [c].[name] AS [name], [c].[id] AS [__k0] FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [5] },
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: '__k0', descending: false },
      ],
      take: 5,
      skip: undefined,
      distinct: undefined,
      stripFields: ['__k0'],
    },
    finish: 'project',
    terminal: 'stream',
  },
  {
    name: 'fan-out skip without take: no limit on the shards, the merge skips',
    query: customers.orderBy((c) => c.name).skip(7),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
      skip: 7,
    },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'orderByDescending + thenBy: both keys and their directions reach SQL and the merge',
    query: customers
      .orderByDescending((c) => c.createdAt)
      .thenBy((c) => c.name)
      .take(5),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."createdAt" DESC, "c"."name" ASC, "c"."id" ASC LIMIT 5`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[createdAt] DESC, [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [5] },
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'createdAt', descending: true },
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
      take: 5,
    },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'ordering by the primary key needs no second tie-breaker',
    query: customers.orderByDescending((c) => c.id).take(5),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."id" DESC LIMIT 5`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[id] DESC`,
    params: { sqlite: [], mssql: [5] },
    merge: { kind: 'ordered', keys: [{ field: 'id', descending: true }], take: 5 },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'ordering by a computed key: a hidden __o0 column carries it to the merge, which strips it',
    query: customers.orderBy((c) => c.createdAt.getUTCFullYear()).take(5),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL}, CAST(strftime('%Y', "c"."createdAt") AS INTEGER) AS "__o0" FROM "Customers_EU" AS "c" ORDER BY CAST(strftime('%Y', "c"."createdAt") AS INTEGER) ASC, "c"."id" ASC LIMIT 5`,
    mssql: `SELECT TOP (@p0) ${M_ALL}, YEAR([c].[createdAt]) AS [__o0] FROM [Customers_EU] AS [c] ORDER BY YEAR([c].[createdAt]) ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [5] },
    merge: {
      kind: 'ordered',
      keys: [
        { field: '__o0', descending: false },
        { field: 'id', descending: false },
      ],
      stripFields: ['__o0'],
      take: 5,
    },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'select projection: evaluated on the client, so shards fetch only the columns it reads',
    query: customers.select((c) => ({ who: c.name, where: c.region.toLowerCase() })),
    shards: ALL_REGIONS,
    sqlite: 'SELECT "c"."region" AS "region", "c"."name" AS "name" FROM "Customers_EU" AS "c"',
    mssql: 'SELECT [c].[region] AS [region], [c].[name] AS [name] FROM [Customers_EU] AS [c]',
    merge: { kind: 'concat' },
    finish: 'project',
    terminal: 'stream',
  },
  {
    name: 'a projection that reads no column still sends a valid select list (a stripped constant)',
    query: customers.select(() => 'x'),
    shards: ALL_REGIONS,
    sqlite: 'SELECT 1 AS "__x" FROM "Customers_EU" AS "c"',
    mssql: 'SELECT 1 AS [__x] FROM [Customers_EU] AS [c]',
    merge: { kind: 'concat', stripFields: ['__x'] },
    finish: 'project',
    terminal: 'stream',
  },
  {
    name: 'orderBy after select: the key is inlined over the row; the key tie-break travels as hidden __k0',
    query: customers
      .select((c) => ({ n: c.name }))
      .orderBy((x) => x.n)
      .take(3),
    shards: ALL_REGIONS,
    sqlite: 'SELECT "c"."name" AS "name", "c"."id" AS "__k0" FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 3',
    mssql: 'SELECT TOP (@p0) [c].[name] AS [name], [c].[id] AS [__k0] FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC',
    params: { sqlite: [], mssql: [3] },
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: '__k0', descending: false },
      ],
      stripFields: ['__k0'],
      take: 3,
    },
    finish: 'project',
    terminal: 'stream',
  },
  {
    name: 'ordering before select by a column the projection drops: fetched as hidden __o0',
    query: customers
      .orderBy((c) => c.createdAt)
      .select((c) => ({ n: c.name }))
      .take(3),
    shards: ALL_REGIONS,
    sqlite:
      'SELECT "c"."name" AS "name", "c"."createdAt" AS "__o0", "c"."id" AS "__k0" FROM "Customers_EU" AS "c" ORDER BY "c"."createdAt" ASC, "c"."id" ASC LIMIT 3',
    mssql:
      'SELECT TOP (@p0) [c].[name] AS [name], [c].[createdAt] AS [__o0], [c].[id] AS [__k0] FROM [Customers_EU] AS [c] ORDER BY [c].[createdAt] ASC, [c].[id] ASC',
    params: { sqlite: [], mssql: [3] },
    merge: {
      kind: 'ordered',
      keys: [
        { field: '__o0', descending: false },
        { field: '__k0', descending: false },
      ],
      stripFields: ['__o0', '__k0'],
      take: 3,
    },
    finish: 'project',
    terminal: 'stream',
  },
  {
    name: 'where after select: inlined over the row, and a where on the projected shard key still routes to one shard',
    query: customers.select((c) => ({ n: c.name, r: c.region })).where((x) => x.r === 'US'),
    shards: ['US'],
    // Customers_US holds region 'US' only: the routing predicate is implied and dropped.
    sqlite: 'SELECT "c"."region" AS "region", "c"."name" AS "name" FROM "Customers_US" AS "c"',
    mssql: 'SELECT [c].[region] AS [region], [c].[name] AS [name] FROM [Customers_US] AS [c]',
    merge: { kind: 'concat' },
    finish: 'project',
    terminal: 'stream',
  },
  {
    name: 'select after select, then where, each with its own params: all inlined, params bound in order',
    query: customers
      .select((c, p) => ({ n: c.name, tag: p.tag }), { tag: 'T1' })
      .select((x, p) => ({ m: x.n, t: x.tag, u: p.u }), { u: 'U1' })
      .where((y, p) => y.m === p.want, { want: 'W1' }),
    shards: ALL_REGIONS,
    sqlite: 'SELECT "c"."name" AS "name" FROM "Customers_EU" AS "c" WHERE "c"."name" = ?',
    mssql: 'SELECT [c].[name] AS [name] FROM [Customers_EU] AS [c] WHERE [c].[name] = @p0',
    params: { sqlite: ['W1'], mssql: ['W1'] },
    merge: { kind: 'concat' },
    finish: 'project',
    terminal: 'stream',
  },
  {
    name: 'distinct over a projection, ordered: SQL DISTINCT of the projected values, ordered distinct merge',
    query: customers
      .select((c) => ({ r: c.region, n: c.name }))
      .distinct()
      .orderBy((x) => x.n),
    shards: ALL_REGIONS,
    sqlite: 'SELECT DISTINCT "c"."region" AS "r", "c"."name" AS "n" FROM "Customers_EU" AS "c" ORDER BY "n" ASC, "r" ASC',
    mssql: 'SELECT DISTINCT [c].[region] AS [r], [c].[name] AS [n] FROM [Customers_EU] AS [c] ORDER BY [n] ASC, [r] ASC',
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'n', descending: false },
        { field: 'r', descending: false },
      ],
      distinct: true,
    },
    finish: 'fields',
    terminal: 'stream',
  },
  {
    name: 'distinct over a scalar projection, unordered: the merge drops values already seen',
    query: customers.select((c) => c.name).distinct(),
    shards: ALL_REGIONS,
    sqlite: 'SELECT DISTINCT "c"."name" AS "value" FROM "Customers_EU" AS "c"',
    mssql: 'SELECT DISTINCT [c].[name] AS [value] FROM [Customers_EU] AS [c]',
    merge: { kind: 'distinct' },
    finish: 'fields',
    terminal: 'stream',
  },
  {
    name: 'distinct with take across shards: ordered by every projected value, SELECT DISTINCT TOP',
    query: customers
      .select((c) => c.region)
      .distinct()
      .take(2),
    shards: ALL_REGIONS,
    sqlite: 'SELECT DISTINCT "c"."region" AS "value" FROM "Customers_EU" AS "c" ORDER BY "value" ASC LIMIT 2',
    mssql: 'SELECT DISTINCT TOP (@p0) [c].[region] AS [value] FROM [Customers_EU] AS [c] ORDER BY [value] ASC',
    params: { sqlite: [], mssql: [2] },
    merge: { kind: 'ordered', keys: [{ field: 'value', descending: false }], distinct: true, take: 2 },
    finish: 'fields',
    terminal: 'stream',
  },
  {
    name: 'distinct page routed to one shard: DISTINCT with its own OFFSET … FETCH',
    query: customers
      .where((c) => c.region === 'EU')
      .select((c) => c.name)
      .distinct()
      .skip(1)
      .take(2),
    shards: ['EU'],
    sqlite: 'SELECT DISTINCT "c"."name" AS "value" FROM "Customers_EU" AS "c" ORDER BY "value" ASC LIMIT 2 OFFSET 1',
    mssql: 'SELECT DISTINCT [c].[name] AS [value] FROM [Customers_EU] AS [c] ORDER BY [value] ASC OFFSET @p0 ROWS FETCH NEXT @p1 ROWS ONLY',
    params: { sqlite: [], mssql: [1, 2] },
    merge: { kind: 'concat' },
    finish: 'fields',
    terminal: 'stream',
  },
  {
    name: 'skip/take without orderBy: paging implies primary-key order, so pages are stable across shards',
    query: customers.skip(5).take(5),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."id" ASC LIMIT 10`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[id] ASC`,
    params: { sqlite: [], mssql: [10] },
    merge: { kind: 'ordered', keys: [{ field: 'id', descending: false }], skip: 5, take: 5 },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'take then skip: rows t..s of the first t, the same as skip(s).take(t - s)',
    query: customers
      .orderBy((c) => c.name)
      .take(10)
      .skip(4),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 10`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [10] },
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
      skip: 4,
      take: 6,
    },
    finish: 'entity',
    terminal: 'stream',
  },
  {
    name: 'take(0): the answer is empty without I/O (SQL Server would refuse FETCH NEXT 0 ROWS)',
    query: customers
      .where((c) => c.region === 'EU')
      .orderBy((c) => c.name)
      .skip(5)
      .take(0),
    shards: [],
    sqlite: '',
    mssql: '',
    merge: {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
      skip: 5,
      take: 0,
    },
    finish: 'entity',
    terminal: 'stream',
  },
];

describe('planQuery row shapes, SQLite and SQL Server side by side', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectShape(c);
  });

  it('every shard of a fan-out gets the same statement over its own table', () => {
    const explained = customers
      .orderBy((c) => c.name)
      .take(3)
      .explain({ dialect: 'mssql' });
    expect(explained.commands.map((c) => [c.shardId, c.table])).toEqual([
      ['EU', '[Customers_EU]'],
      ['US', '[Customers_US]'],
      ['APAC', '[Customers_APAC]'],
    ]);
    expect(explained.dialect).toBe('mssql');
    expect(explained.terminal).toBe('stream');
    expect(explained.merge).toMatchObject({ kind: 'ordered', take: 3 });
  });

  it('toQueryString shows each shard with its table, in the requested dialect', () => {
    const q = customers.where((c) => c.region === 'APAC').take(2);
    expect(q.toQueryString({ dialect: 'sqlite' })).toBe(
      `-- shard APAC ("Customers_APAC")\nSELECT ${S_ALL} FROM "Customers_APAC" AS "c" ORDER BY "c"."id" ASC LIMIT 2;`,
    );
    expect(q.toQueryString({ dialect: 'mssql' })).toBe(
      `-- shard APAC ([Customers_APAC])\nSELECT TOP (@p0) ${M_ALL} FROM [Customers_APAC] AS [c] ORDER BY [c].[id] ASC;`,
    );
  });
});
