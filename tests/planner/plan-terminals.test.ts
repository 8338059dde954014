// Terminals (count, sum, min, max, average, any, all, first, single...): the partials every shard
// computes in SQLite and SQL Server, side by side, how they merge, and where the terminal runs
// (`merge` when the partials answer it exactly, `client` over merged rows when paging comes first).
import { describe, expect, it } from 'vitest';
import {
  ALL_REGIONS,
  MSSQL_CUSTOMER as M_ALL,
  SQLITE_CUSTOMER as S_ALL,
  type ShapeCase,
  customers,
  expectShape,
  planOf,
} from './plan-fixtures.js';

const byNameThenId = [
  { field: 'name', descending: false },
  { field: 'id', descending: false },
];

const cases: ShapeCase[] = [
  {
    name: 'count(predicate): per-shard COUNT(*) / COUNT_BIG(*), summed by the merge',
    query: () => planOf(customers.count((c) => c.rating! > 3)),
    shards: ALL_REGIONS,
    sqlite: 'SELECT COUNT(*) AS "n" FROM "Customers_EU" AS "c" WHERE "c"."rating" > ?',
    mssql: 'SELECT COUNT_BIG(*) AS [n] FROM [Customers_EU] AS [c] WHERE [c].[rating] > @p0',
    params: { sqlite: [3n], mssql: [3] },
    merge: { kind: 'aggregate', op: 'count', countField: 'n' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: "count's predicate on the shard key routes like a where",
    query: () => planOf(customers.count((c) => c.region === 'US')),
    shards: ['US'],
    // Routed to Customers_US, whose rows all satisfy the predicate: no WHERE left.
    sqlite: 'SELECT COUNT(*) AS "n" FROM "Customers_US" AS "c"',
    mssql: 'SELECT COUNT_BIG(*) AS [n] FROM [Customers_US] AS [c]',
    merge: { kind: 'aggregate', op: 'count', countField: 'n' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'count over a projection with a predicate on it: inlined over the row',
    query: () => planOf(customers.select((c) => ({ r: c.region, s: c.rating })).count((x) => x.r === 'EU')),
    shards: ['EU'],
    sqlite: 'SELECT COUNT(*) AS "n" FROM "Customers_EU" AS "c"',
    mssql: 'SELECT COUNT_BIG(*) AS [n] FROM [Customers_EU] AS [c]',
    merge: { kind: 'aggregate', op: 'count', countField: 'n' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'sum: per-shard SUM, added exactly by the merge',
    query: () => planOf(customers.where((c) => c.region !== 'APAC').sum((c) => c.rating!)),
    shards: ['EU', 'US'],
    sqlite: 'SELECT SUM("c"."rating") AS "s" FROM "Customers_EU" AS "c" WHERE "c"."region" <> ?',
    mssql: 'SELECT SUM(CAST([c].[rating] AS bigint)) AS [s] FROM [Customers_EU] AS [c] WHERE [c].[region] <> @p0',
    params: { sqlite: ['APAC'], mssql: ['APAC'] },
    merge: { kind: 'aggregate', op: 'sum', sumField: 's' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'min: per-shard MIN plus a row count (empty vs all-null), compared by the merge',
    query: () => planOf(customers.min((c) => c.createdAt)),
    shards: ALL_REGIONS,
    sqlite: 'SELECT MIN("c"."createdAt") AS "v", COUNT(*) AS "rows" FROM "Customers_EU" AS "c"',
    mssql: 'SELECT MIN([c].[createdAt]) AS [v], COUNT_BIG(*) AS [rows] FROM [Customers_EU] AS [c]',
    merge: { kind: 'aggregate', op: 'min', valueField: 'v', rowCountField: 'rows' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'max over a projected value (no selector)',
    query: () => planOf(customers.select((c) => c.name).max()),
    shards: ALL_REGIONS,
    sqlite: 'SELECT MAX("c"."name") AS "v", COUNT(*) AS "rows" FROM "Customers_EU" AS "c"',
    mssql: 'SELECT MAX([c].[name]) AS [v], COUNT_BIG(*) AS [rows] FROM [Customers_EU] AS [c]',
    merge: { kind: 'aggregate', op: 'max', valueField: 'v', rowCountField: 'rows' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'average: per-shard SUM and COUNT of the value (never an average of averages)',
    query: () => planOf(customers.average((c) => c.rating!)),
    shards: ALL_REGIONS,
    sqlite: 'SELECT SUM("c"."rating") AS "s", COUNT("c"."rating") AS "c", COUNT(*) AS "rows" FROM "Customers_EU" AS "c"',
    mssql:
      'SELECT SUM(CAST([c].[rating] AS bigint)) AS [s], COUNT_BIG([c].[rating]) AS [c], COUNT_BIG(*) AS [rows] FROM [Customers_EU] AS [c]',
    merge: { kind: 'aggregate', op: 'average', sumField: 's', countField: 'c', rowCountField: 'rows' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'any(predicate): one row at most per shard, LIMIT 1 / TOP (1)',
    query: () => planOf(customers.any((c) => c.name === 'Ada')),
    shards: ALL_REGIONS,
    sqlite: 'SELECT 1 AS "x" FROM "Customers_EU" AS "c" WHERE "c"."name" = ? LIMIT 1',
    mssql: 'SELECT TOP (@p0) 1 AS [x] FROM [Customers_EU] AS [c] WHERE [c].[name] = @p1',
    params: { sqlite: ['Ada'], mssql: [1, 'Ada'] },
    merge: { kind: 'aggregate', op: 'any' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'all(predicate): each shard looks for one counterexample, NOT (predicate) with JS null semantics',
    query: () => planOf(customers.all((c) => c.rating! > 0)),
    shards: ALL_REGIONS,
    // `null > 0` is false in JavaScript, so a null rating is a counterexample.
    sqlite: 'SELECT 1 AS "x" FROM "Customers_EU" AS "c" WHERE NOT ("c"."rating" > ? AND "c"."rating" IS NOT NULL) LIMIT 1',
    mssql: 'SELECT TOP (@p0) 1 AS [x] FROM [Customers_EU] AS [c] WHERE NOT ([c].[rating] > @p1 AND [c].[rating] IS NOT NULL)',
    params: { sqlite: [0n], mssql: [1, 0] },
    merge: { kind: 'aggregate', op: 'all' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'all over a filtered projection: the filter stays, the projected predicate is negated',
    query: () =>
      planOf(
        customers
          .where((c) => c.region === 'EU')
          .select((c) => ({ n: c.name }))
          .all((x) => x.n.startsWith('A')),
      ),
    shards: ['EU'],
    sqlite: 'SELECT 1 AS "x" FROM "Customers_EU" AS "c" WHERE NOT ("c"."name" GLOB ?) LIMIT 1',
    mssql: 'SELECT TOP (@p0) 1 AS [x] FROM [Customers_EU] AS [c] WHERE NOT ([c].[name] LIKE @p1)',
    params: { sqlite: ['A*'], mssql: [1, 'A%'] },
    merge: { kind: 'aggregate', op: 'all' },
    finish: 'none',
    terminal: 'merge',
  },
  {
    name: 'first over an ordering: limit 1 per shard, the ordered merge takes 1',
    query: () => planOf(customers.orderBy((c) => c.name).first()),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 1`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [1] },
    merge: { kind: 'element', op: 'first', source: { kind: 'ordered', keys: byNameThenId, take: 1 } },
    finish: 'entity',
    terminal: 'merge',
  },
  {
    name: 'single(predicate): limit 2 per shard, to detect a second row',
    query: () => planOf(customers.single((c) => c.score === 3)),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."score" = ? ORDER BY "c"."id" ASC LIMIT 2`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[score] = @p1 ORDER BY [c].[id] ASC`,
    params: { sqlite: [3n], mssql: [2, 3] },
    merge: { kind: 'element', op: 'single', source: { kind: 'ordered', keys: [{ field: 'id', descending: false }], take: 2 } },
    finish: 'entity',
    terminal: 'merge',
  },
  {
    name: 'single(c => c.id === 3): the key leaves at most one row a shard, so no LIMIT (the merge still checks for a second)',
    query: () => planOf(customers.single((c) => c.id === 3)),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."id" = ? ORDER BY "c"."id" ASC`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[id] = @p0 ORDER BY [c].[id] ASC`,
    params: { sqlite: [3n], mssql: [3] },
    merge: { kind: 'element', op: 'single', source: { kind: 'ordered', keys: [{ field: 'id', descending: false }], take: 2 } },
    finish: 'entity',
    terminal: 'merge',
  },
  {
    name: 'firstOrDefault(predicate) after orderBy: the predicate joins the WHERE',
    query: () => planOf(customers.orderBy((c) => c.name).firstOrDefault((c) => c.rating! > 1)),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."rating" > ? ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 1`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[rating] > @p1 ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [1n], mssql: [1, 1] },
    merge: { kind: 'element', op: 'firstOrDefault', source: { kind: 'ordered', keys: byNameThenId, take: 1 } },
    finish: 'entity',
    terminal: 'merge',
  },
  {
    name: 'firstOrDefault over a projection with a predicate on it: hidden key stripped before the projection runs',
    query: () =>
      planOf(
        customers
          .select((c) => ({ n: c.name, s: c.rating }))
          .orderBy((x) => x.n)
          .firstOrDefault((x) => x.s! > 5),
      ),
    shards: ALL_REGIONS,
    sqlite:
      'SELECT "c"."name" AS "name", "c"."rating" AS "rating", "c"."id" AS "__k0" FROM "Customers_EU" AS "c" WHERE "c"."rating" > ? ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 1',
    mssql:
      'SELECT TOP (@p0) [c].[name] AS [name], [c].[rating] AS [rating], [c].[id] AS [__k0] FROM [Customers_EU] AS [c] WHERE [c].[rating] > @p1 ORDER BY [c].[name] ASC, [c].[id] ASC',
    params: { sqlite: [5n], mssql: [1, 5] },
    merge: {
      kind: 'element',
      op: 'firstOrDefault',
      source: {
        kind: 'ordered',
        keys: [
          { field: 'name', descending: false },
          { field: '__k0', descending: false },
        ],
        stripFields: ['__k0'],
        take: 1,
      },
    },
    finish: 'project',
    terminal: 'merge',
  },
  {
    name: 'first after skip on one shard: LIMIT 1 OFFSET 3 / OFFSET … FETCH, element over a concat',
    query: () =>
      planOf(
        customers
          .where((c) => c.region === 'EU')
          .orderBy((c) => c.name)
          .skip(3)
          .first(),
      ),
    shards: ['EU'],
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 1 OFFSET 3`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC OFFSET @p0 ROWS FETCH NEXT @p1 ROWS ONLY`,
    params: { sqlite: [], mssql: [3, 1] },
    merge: { kind: 'element', op: 'first', source: { kind: 'concat' } },
    finish: 'entity',
    terminal: 'merge',
  },
  {
    name: 'first after skip across shards: limit skip + 1, the merge skips then takes 1',
    query: () =>
      planOf(
        customers
          .orderBy((c) => c.name)
          .skip(3)
          .first(),
      ),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 4`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [4] },
    merge: { kind: 'element', op: 'first', source: { kind: 'ordered', keys: byNameThenId, skip: 3, take: 1 } },
    finish: 'entity',
    terminal: 'merge',
  },
  {
    name: 'firstOrDefault(predicate) after take: the predicate cannot go below the page, so it runs on the client',
    query: () =>
      planOf(
        customers
          .orderBy((c) => c.name)
          .take(10)
          .firstOrDefault((c) => c.rating! > 1),
      ),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 10`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [10] },
    merge: { kind: 'ordered', keys: byNameThenId, take: 10 },
    finish: 'entity',
    terminal: 'client',
  },
  {
    name: 'aggregate after take: the page is merged first, the sum runs on the client over it',
    query: () =>
      planOf(
        customers
          .orderBy((c) => c.name)
          .take(10)
          .sum((c) => c.rating!),
      ),
    shards: ALL_REGIONS,
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 10`,
    mssql: `SELECT TOP (@p0) ${M_ALL} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC`,
    params: { sqlite: [], mssql: [10] },
    merge: { kind: 'ordered', keys: byNameThenId, take: 10 },
    finish: 'entity',
    terminal: 'client',
  },
  {
    name: 'count after distinct: the distinct rows are merged first, counted on the client',
    query: () =>
      planOf(
        customers
          .select((c) => c.name)
          .distinct()
          .count(),
      ),
    shards: ALL_REGIONS,
    sqlite: 'SELECT DISTINCT "c"."name" AS "value" FROM "Customers_EU" AS "c"',
    mssql: 'SELECT DISTINCT [c].[name] AS [value] FROM [Customers_EU] AS [c]',
    merge: { kind: 'distinct' },
    finish: 'fields',
    terminal: 'client',
  },
];

describe('planQuery terminals, SQLite and SQL Server side by side', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectShape(c);
  });

  it('a client terminal carries the operation to run over the merged rows', async () => {
    const plan = await planOf(
      customers
        .orderBy((c) => c.name)
        .take(10)
        .sum((c) => c.rating!),
    );
    expect(plan.terminal).toMatchObject({ where: 'client', operation: { kind: 'sum' } });
  });

  it('sum over whole entities without a selector is refused before any SQL', async () => {
    await expect(planOf((customers as unknown as { sum(): Promise<number> }).sum())).rejects.toThrow(
      'sum() over whole entities needs a selector: .sum(c => c.total), or select a value first.',
    );
  });
});
