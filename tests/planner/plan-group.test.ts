// groupBy(key).select(g => ...): every shard groups its rows and returns partial aggregates
// (average as SUM and COUNT), the merge combines partials of equal keys, and the group select and
// anything after it run on the client. Orders are sharded by year into Orders_2023 / _2024 / _2025.
import { describe, expect, it } from 'vitest';
import { ALL_YEARS, type ShapeCase, expectShape, orders, rowsPlanOf } from './plan-fixtures.js';
import { parseTsql } from './translate-fixtures.js';

const cases: ShapeCase[] = [
  {
    name: 'scalar key with count and average: GROUP BY, COUNT(*) / COUNT_BIG(*), average as partial SUM + COUNT',
    query: orders.groupBy((o) => o.customerId).select((g) => ({ id: g.key, n: g.count(), avg: g.average((o) => o.total) })),
    shards: ALL_YEARS,
    sqlite:
      'SELECT "o"."customerId" AS "__g0", COUNT(*) AS "__p0", SUM("o"."total") AS "__p1s", COUNT("o"."total") AS "__p1c" FROM "Orders_2023" AS "o" GROUP BY "o"."customerId"',
    mssql:
      'SELECT [o].[customerId] AS [__g0], COUNT_BIG(*) AS [__p0], SUM([o].[total]) AS [__p1s], COUNT_BIG([o].[total]) AS [__p1c] FROM [Orders_2023] AS [o] GROUP BY [o].[customerId]',
    merge: {
      kind: 'groupBy',
      keys: [{ field: '__g0' }],
      aggregates: [
        { op: 'count', countField: '__p0', output: '__a0' },
        { op: 'average', sumField: '__p1s', countField: '__p1c', output: '__a1' },
      ],
    },
    finish: 'group',
    terminal: 'stream',
  },
  {
    name: 'object key with sum and max: one GROUP BY column per key part',
    query: orders
      .groupBy((o) => ({ c: o.customerId, s: o.status }))
      .select((g) => ({ c: g.key.c, s: g.key.s, total: g.sum((o) => o.total), hi: g.max((o) => o.total) })),
    shards: ALL_YEARS,
    sqlite:
      'SELECT "o"."customerId" AS "__g0", "o"."status" AS "__g1", SUM("o"."total") AS "__p0", MAX("o"."total") AS "__p1" FROM "Orders_2023" AS "o" GROUP BY "o"."customerId", "o"."status"',
    mssql:
      'SELECT [o].[customerId] AS [__g0], [o].[status] AS [__g1], SUM([o].[total]) AS [__p0], MAX([o].[total]) AS [__p1] FROM [Orders_2023] AS [o] GROUP BY [o].[customerId], [o].[status]',
    merge: {
      kind: 'groupBy',
      keys: [{ field: '__g0' }, { field: '__g1' }],
      aggregates: [
        { op: 'sum', sumField: '__p0', output: '__a0' },
        { op: 'max', valueField: '__p1', output: '__a1' },
      ],
    },
    finish: 'group',
    terminal: 'stream',
  },
  {
    name: 'computed key (year of a date): the expression is both selected and grouped by',
    query: orders.groupBy((o) => o.orderDate.getUTCFullYear()).select((g) => ({ y: g.key, lo: g.min((o) => o.total) })),
    shards: ALL_YEARS,
    sqlite:
      'SELECT CAST(strftime(\'%Y\', "o"."orderDate") AS INTEGER) AS "__g0", MIN("o"."total") AS "__p0" FROM "Orders_2023" AS "o" GROUP BY CAST(strftime(\'%Y\', "o"."orderDate") AS INTEGER)',
    mssql: 'SELECT YEAR([o].[orderDate]) AS [__g0], MIN([o].[total]) AS [__p0] FROM [Orders_2023] AS [o] GROUP BY YEAR([o].[orderDate])',
    merge: { kind: 'groupBy', keys: [{ field: '__g0' }], aggregates: [{ op: 'min', valueField: '__p0', output: '__a0' }] },
    finish: 'group',
    terminal: 'stream',
  },
  {
    name: 'where before groupBy prunes shards (a date range inside 2024) and is sent to the shard',
    query: orders
      .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, {
        from: new Date('2024-04-01T00:00:00.000Z'),
        to: new Date('2024-07-01T00:00:00.000Z'),
      })
      .groupBy((o) => o.status)
      .select((g) => ({ status: g.key, n: g.count() })),
    shards: ['years::2024'],
    sqlite:
      'SELECT "o"."status" AS "__g0", COUNT(*) AS "__p0" FROM "Orders_2024" AS "o" WHERE "o"."orderDate" >= ? AND "o"."orderDate" < ? GROUP BY "o"."status"',
    mssql:
      'SELECT [o].[status] AS [__g0], COUNT_BIG(*) AS [__p0] FROM [Orders_2024] AS [o] WHERE [o].[orderDate] >= @p0 AND [o].[orderDate] < @p1 GROUP BY [o].[status]',
    params: {
      sqlite: ['2024-04-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
      mssql: [new Date('2024-04-01T00:00:00.000Z'), new Date('2024-07-01T00:00:00.000Z')],
    },
    merge: { kind: 'groupBy', keys: [{ field: '__g0' }], aggregates: [{ op: 'count', countField: '__p0', output: '__a0' }] },
    finish: 'group',
    terminal: 'stream',
  },
  {
    name: 'groupBy followed by orderBy/take: shards send every group; ordering and paging run on the client',
    query: orders
      .groupBy((o) => o.customerId)
      .select((g) => ({ id: g.key, n: g.count() }))
      .orderByDescending((x) => x.n)
      .take(3),
    shards: ALL_YEARS,
    sqlite: 'SELECT "o"."customerId" AS "__g0", COUNT(*) AS "__p0" FROM "Orders_2023" AS "o" GROUP BY "o"."customerId"',
    mssql: 'SELECT [o].[customerId] AS [__g0], COUNT_BIG(*) AS [__p0] FROM [Orders_2023] AS [o] GROUP BY [o].[customerId]',
    merge: { kind: 'groupBy', keys: [{ field: '__g0' }], aggregates: [{ op: 'count', countField: '__p0', output: '__a0' }] },
    finish: 'group',
    terminal: 'stream',
  },
];

describe('planQuery groupBy, SQLite and SQL Server side by side', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectShape(c);
  });

  it('the group finish reads merged aggregates by name and keeps the operators after the group select for the client', () => {
    const plan = rowsPlanOf(
      orders
        .groupBy((o) => ({ c: o.customerId, s: o.status }))
        .select((g) => ({ c: g.key.c, share: g.sum((o) => o.total) / g.count() }))
        .orderByDescending((x) => x.share)
        .take(3),
    );
    if (plan.finish.kind !== 'group') throw new Error(`expected a group finish, got ${plan.finish.kind}`);
    expect(plan.finish.keyFields).toEqual(['__g0', '__g1']);
    expect(plan.finish.keyNames).toEqual(['c', 's']);
    expect(plan.finish.aggregateFields).toEqual(['__a0', '__a1']);
    expect(plan.finish.then.map((op) => op.kind)).toEqual(['orderBy', 'take']);
    // The merge itself neither orders nor pages: the client does, after the group select.
    expect(plan.merge).not.toHaveProperty('order');
    expect(plan.merge).not.toHaveProperty('take');
  });

  it('a scalar key has no key names (g.key is the single key field)', () => {
    const plan = rowsPlanOf(orders.groupBy((o) => o.status).select((g) => ({ s: g.key, n: g.count() })));
    expect(plan.finish).toMatchObject({ kind: 'group', keyFields: ['__g0'], keyNames: null });
  });
});

describe('group keys that read params', () => {
  it('keep one T-SQL parameter name in SELECT and GROUP BY, which SQL Server matches by text', async () => {
    const q = orders.groupBy((o, p) => Math.floor(o.total / p.step), { step: 100 }).select((g) => ({ bucket: g.key, n: g.count() }));
    const [command] = q.explain({ dialect: 'mssql' }).commands;
    expect(command.sql).toBe(
      'SELECT FLOOR(CAST([o].[total] AS float) / NULLIF(@p0, 0)) AS [__g0], COUNT_BIG(*) AS [__p0] FROM [Orders_2023] AS [o] GROUP BY FLOOR(CAST([o].[total] AS float) / NULLIF(@p0, 0))',
    );
    expect(command.parameters).toEqual([100]);
    await parseTsql(command.sql); // throws on a grammar error
  });
});
