// Predicates as the planner sends them: string methods (GLOB in SQLite, LIKE with bracketed wildcards in T-SQL),
// IN from a params array, JavaScript null semantics, and params values that never reach SQL text.
import { describe, expect, it } from 'vitest';
import {
  ALL_REGIONS,
  MSSQL_CUSTOMER as M_ALL,
  SQLITE_CUSTOMER as S_ALL,
  type ShapeCase,
  customers,
  expectShape,
  orders,
  parseTsql,
  renderBoth,
  rowsPlanOf,
} from './plan-fixtures.js';

const entityRows = { merge: { kind: 'concat' }, finish: 'entity', terminal: 'stream', shards: ALL_REGIONS } as const;

const cases: ShapeCase[] = [
  {
    name: 'startsWith: case-sensitive GLOB in SQLite, LIKE … in T-SQL; wildcards in the value are escaped',
    query: customers.where((c) => c.name.startsWith('A_%*')),
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."name" GLOB ?`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[name] LIKE @p0`,
    params: { sqlite: ['A_%[*]*'], mssql: ['A[_][%]*%'] },
    ...entityRows,
  },
  {
    name: 'endsWith and string includes from params: the pattern is a parameter too',
    query: customers.where((c, p) => c.name.endsWith(p.suffix) || c.email!.includes(p.part), { suffix: 'son', part: '[vip]' }),
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."name" GLOB ? OR "c"."email" GLOB ?`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[name] LIKE @p0 OR [c].[email] LIKE @p1`,
    params: { sqlite: ['*son', '*[[]vip]*'], mssql: ['%son', '%[[]vip]%'] },
    ...entityRows,
  },
  {
    name: 'IN via includes on a params array: one parameter per value',
    query: customers.where((c, p) => p.ids.includes(c.id), { ids: [1, 2, 3] }),
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."id" IN (?, ?, ?)`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[id] IN (@p0, @p1, @p2)`,
    params: { sqlite: [1n, 2n, 3n], mssql: [1, 2, 3] },
    ...entityRows,
  },
  {
    name: "null semantics: `!==` on a nullable column also matches NULL (as JavaScript's null !== 'vip')",
    query: customers.where((c) => c.email !== 'vip'),
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."email" <> ? OR "c"."email" IS NULL`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[email] <> @p0 OR [c].[email] IS NULL`,
    params: { sqlite: ['vip'], mssql: ['vip'] },
    ...entityRows,
  },
  {
    name: 'null semantics: `!==` on a non-nullable column is a plain <>',
    query: customers.where((c) => c.name !== 'vip'),
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."name" <> ?`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[name] <> @p0`,
    params: { sqlite: ['vip'], mssql: ['vip'] },
    ...entityRows,
  },
  {
    name: 'null semantics: `=== null` is IS NULL, with no parameter',
    query: customers.where((c) => c.rating === null),
    sqlite: `SELECT ${S_ALL} FROM "Customers_EU" AS "c" WHERE "c"."rating" IS NULL`,
    mssql: `SELECT ${M_ALL} FROM [Customers_EU] AS [c] WHERE [c].[rating] IS NULL`,
    ...entityRows,
  },
  {
    name: 'a where over a scalar projection reads the projected value (here its length)',
    query: customers.select((c) => c.name).where((n) => n.length > 3),
    sqlite: 'SELECT "c"."name" AS "name" FROM "Customers_EU" AS "c" WHERE dtde_length("c"."name") > ?',
    mssql: 'SELECT [c].[name] AS [name] FROM [Customers_EU] AS [c] WHERE (DATALENGTH([c].[name]) / 2) > @p0',
    params: { sqlite: [3n], mssql: [3] },
    ...entityRows,
    finish: 'project',
  },
];

describe('planQuery predicates, SQLite and SQL Server side by side', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectShape(c);
  });
});

describe('params values never become SQL text', () => {
  const secret = "zebra'; DROP TABLE x; --7781";
  const since = new Date('2024-05-06T07:08:09.000Z');
  const plans = {
    'a string compared in a where': rowsPlanOf(customers.where((c, p) => c.name === p.secret, { secret })),
    'a string in startsWith': rowsPlanOf(customers.where((c, p) => c.name.startsWith(p.secret), { secret })),
    'strings in an IN list': rowsPlanOf(customers.where((c, p) => p.names.includes(c.name), { names: [secret, 'other-4242'] })),
    'a number and a date': rowsPlanOf(orders.where((o, p) => o.total > p.min && o.orderDate >= p.since, { min: 987654.25, since })),
    'a value in a projection-composed where': rowsPlanOf(
      customers.select((c) => ({ n: c.name })).where((x, p) => x.n === p.secret, { secret }),
    ),
  };

  it.each(Object.entries(plans))('%s', async (_name, plan) => {
    const both = renderBoth(plan);
    const literals = [secret, 'zebra', 'other-4242', '987654', '2024-05-06', 'DROP TABLE'];
    for (const command of [...both.sqlite, ...both.mssql]) {
      for (const literal of literals) expect(command.sql).not.toContain(literal);
    }
    for (const command of both.mssql) await parseTsql(command.sql);
    const bound = [...both.sqlite, ...both.mssql]
      .flatMap((c) => c.parameters)
      .map((v) => (v instanceof Date ? v.toISOString() : String(v)));
    expect(bound.some((v) => v.includes('zebra') || v.includes('987654') || v.includes('2024-05-06'))).toBe(true);
  });

  it('the values themselves appear among the parameters of every shard command', () => {
    const both = renderBoth(plans['a number and a date']);
    // Orders_2025 holds only dates after `since`: that shard's statement drops the implied date test.
    const expected = (shard: string, date: unknown) => (shard === 'years::2024' ? [987654.25, date] : [987654.25]);
    for (const command of both.mssql) expect(command.parameters).toEqual(expected(command.shard, since));
    for (const command of both.sqlite) expect(command.parameters).toEqual(expected(command.shard, '2024-05-06T07:08:09.000Z'));
    const named = renderBoth(plans['a string compared in a where']);
    for (const command of [...named.sqlite, ...named.mssql]) expect(command.parameters).toEqual([secret]);
  });
});
