import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareMssqlUuid } from '../../src/providers/mssql/compare-mssql-uuid.js';
import { mssqlDialect } from '../../src/providers/mssql/mssql-dialect.js';
import { sqliteDialect } from '../../src/providers/sqlite/sqlite-dialect.js';
import { openShop, type OpenShop } from '../e2e/support/open-shop.js';
import { Customer, Order } from '../e2e/support/shop-model.js';
import { customers, orders, renderBoth, rowsPlanOf } from '../planner/plan-fixtures.js';
import { recordingProvider } from './recording-driver.js';
import { Badge, CorpusShop, corpusShards } from './tsql-corpus-shop.js';

// The T-SQL defects a real T-SQL engine found in the SQL Server dialect's output ("Today's T-SQL,
// executed on a real T-SQL engine" in issue 12), each pinned by the text that fixes it; grammars
// accept the old text, so only the text (and the live suite, on a server) can show them. Where the
// fix changed the plan, the same queries also run on SQLite against the in-memory evaluator.

const mssqlOf = (query: Parameters<typeof rowsPlanOf>[0]) => renderBoth(rowsPlanOf(query)).mssql.map((c) => c.sql);

/** `[alias]` of every select-list item, and the ORDER BY items, of a rendered SELECT. */
function selectParts(sql: string): { aliases: string[]; orderBy: string[] } {
  const list = sql.slice(0, sql.indexOf(' FROM '));
  const orderBy = sql.includes(' ORDER BY ') ? sql.slice(sql.indexOf(' ORDER BY ') + 10).replace(/ OFFSET .*$/, '') : '';
  return {
    aliases: [...list.matchAll(/ AS (\[[^\]]+\])/g)].map((m) => m[1]),
    orderBy: orderBy === '' ? [] : orderBy.split(', ').map((item) => item.replace(/ (ASC|DESC)$/, '')),
  };
}

describe('Msg 145: the ORDER BY of a SELECT DISTINCT names select-list items', () => {
  const cases = {
    'coalesce with a constant': customers
      .select((c) => c.rating ?? -100)
      .distinct()
      .orderByDescending((x) => x)
      .take(5),
    'Math.floor of a division': orders
      .select((o) => Math.floor(o.total / 100))
      .distinct()
      .orderBy((x) => x),
    'string concatenation': customers
      .select((c) => c.name + '-' + c.region)
      .distinct()
      .orderBy((x) => x),
    'a product, paged on one shard': customers
      .where((c) => c.region === 'EU')
      .select((c) => c.score * 2)
      .distinct()
      .orderBy((x) => x)
      .skip(1)
      .take(3),
    'an object projection ordered by one field': customers
      .select((c) => ({ n: c.name, r: c.region }))
      .distinct()
      .orderBy((x) => x.r)
      .take(4),
  };

  it('orders by the alias, so no expression is repeated with a fresh parameter', () => {
    expect(mssqlOf(cases['coalesce with a constant'])[0]).toBe(
      'SELECT DISTINCT TOP (@p0) COALESCE([c].[rating], @p1) AS [value] FROM [Customers_EU] AS [c] ORDER BY [value] DESC',
    );
    expect(mssqlOf(cases['a product, paged on one shard'])[0]).toBe(
      'SELECT DISTINCT [c].[score] * @p0 AS [value] FROM [Customers_EU] AS [c] ORDER BY [value] ASC OFFSET @p1 ROWS FETCH NEXT @p2 ROWS ONLY',
    );
  });

  for (const [name, query] of Object.entries(cases)) {
    it(`every ORDER BY item is a select-list alias: ${name}`, () => {
      for (const sql of mssqlOf(query)) {
        const { aliases, orderBy } = selectParts(sql);
        expect(orderBy.length, sql).toBeGreaterThan(0);
        for (const item of orderBy) expect(aliases, `${item} in ${sql}`).toContain(item);
      }
    });
  }
});

describe('Msg 164: a constant group key is no GROUP BY term', () => {
  it('a params key: no GROUP BY at all, and a row count that tells an empty shard apart', () => {
    const plan = rowsPlanOf(orders.groupBy((_o, p) => p.all, { all: 'all' }).select((g) => ({ k: g.key, n: g.count() })));
    expect(renderBoth(plan).mssql[0].sql).toBe(
      'SELECT @p0 AS [__g0], COUNT_BIG(*) AS [__p0], COUNT_BIG(*) AS [__n] FROM [Orders_2023] AS [o]',
    );
    expect(plan.merge).toMatchObject({ kind: 'groupBy', rowCountField: '__n' });
  });

  it('a key with a params part: only the column is grouped by', () => {
    const plan = rowsPlanOf(
      customers.groupBy((c, p) => ({ r: c.region, tag: p.tag }), { tag: 't' }).select((g) => ({ k: g.key, n: g.count() })),
    );
    expect(renderBoth(plan).mssql[0].sql).toBe(
      'SELECT [c].[region] AS [__g0], @p0 AS [__g1], COUNT_BIG(*) AS [__p0] FROM [Customers_EU] AS [c] GROUP BY [c].[region]',
    );
    expect(plan.merge).not.toHaveProperty('rowCountField');
  });

  describe('on SQLite, against the in-memory evaluator', () => {
    let shop: OpenShop;
    beforeAll(async () => {
      shop = await openShop();
    });
    afterAll(() => shop.close());
    const unordered = { ordered: false };

    it('one group of every row; none when no shard has a row; shards without rows add nothing', async () => {
      for (const min of [0, 500, 1e9]) {
        await shop.oracle.check(
          shop.ctx,
          Order,
          (q) =>
            q
              .where((o, p) => o.total > p.min, { min })
              .groupBy((_o, p) => p.all, { all: 'all' })
              .select((g) => ({
                k: g.key,
                n: g.count(),
                t: g.sum((o) => o.total),
                lo: g.min((o) => o.total),
                avg: g.average((o) => o.total),
              }))
              .toArray(),
          unordered,
        );
      }
      await shop.oracle.check(
        shop.ctx,
        Customer,
        (q) =>
          q
            .groupBy((c, p) => ({ r: c.region, tag: p.tag }), { tag: 't' })
            .select((g) => ({ k: g.key, n: g.count() }))
            .toArray(),
        unordered,
      );
    });
  });
});

describe("Msg 8117: % with a float operand is JavaScript's remainder, without T-SQL's %", () => {
  it('spells x - y * ROUND(x / y, 0, 1) over floats, NULL for a zero divisor', () => {
    const [sql] = mssqlOf(orders.where((o) => o.total % 0.5 === 0 && (o.customerId / 4) % 1 > 0));
    expect(sql.slice(sql.indexOf(' WHERE ') + 7)).toBe(
      '(CAST([o].[total] AS float) - CAST(@p0 AS float) * ROUND(CAST([o].[total] AS float) / NULLIF(CAST(@p0 AS float), 0), 0, 1)) = @p1 AND ' +
        '(CAST(CAST([o].[customerId] AS float) / NULLIF(@p2, 0) AS float) - CAST(@p3 AS float) * ROUND(CAST(CAST([o].[customerId] AS float) / NULLIF(@p2, 0) AS float) / NULLIF(CAST(@p3 AS float), 0), 0, 1)) > @p4',
    );
    expect(sql).not.toMatch(/ % /);
  });

  it('integers keep T-SQL % (exact, and the sign of the dividend as in JavaScript), NULL by zero', () => {
    const [sql] = mssqlOf(customers.where((c) => c.score % 3 === 1));
    expect(sql).toMatch(/WHERE \[c\]\.\[score\] % NULLIF\(@p0, 0\) = @p1$/);
  });

  // SQL Server raises Msg 8134 on a division by zero (ANSI_WARNINGS, the default); dtde's answer is NULL.
  it('/ and % by zero are NULL, not Msg 8134', () => {
    const [sql] = mssqlOf(customers.where((c, p) => c.score / p.d > 1 || c.score % p.d === 0, { d: 0 }));
    expect(sql).toMatch(/WHERE CAST\(\[c\]\.\[score\] AS float\) \/ NULLIF\(@p0, 0\) > @p1 OR \[c\]\.\[score\] % NULLIF\(@p2, 0\) = @p3$/);
  });

  // SQL Server has no MIN or MAX of bit (Msg 8117): compared as tinyint, read back as bit.
  it('min and max of a boolean compare it as tinyint', () => {
    const [sql] = mssqlOf(customers.groupBy((c) => c.region).select((g) => ({ r: g.key, any: g.max((c) => c.vip) })));
    expect(sql).toContain('CAST(MAX(CAST([c].[vip] AS tinyint)) AS bit)');
  });

  it('the spelled-out remainder is JavaScript’s for fractions, negative dividends and whole quotients', () => {
    // The same double arithmetic the T-SQL does, with ROUND(…, 0, 1) as Math.trunc.
    const spelled = (x: number, y: number) => x - y * Math.trunc(x / y);
    for (const [x, y] of [
      [10.5, 0.5],
      [2.25, 0.5],
      [99.99, 0.5],
      [-7.25, 2],
      [7, -2.5],
      [0.75, 1],
      [-0.75, 1],
      [12345.67, 0.25],
    ]) {
      expect(spelled(x, y), `${x} % ${y}`).toBeCloseTo(x % y, 12);
    }
  });
});

describe('GUID order: a merge across shards orders uniqueidentifier as SQL Server does', () => {
  // SQL Server compares the last six bytes first, then bytes 8-9, then the first three groups each
  // from its last byte (.NET's SqlGuid documents the same order). Ascending, a GUID with a single
  // 01 byte sorts by where that byte is: first group first … last group last.
  const single = (byte: number) => {
    const hex = '00'.repeat(byte) + '01' + '00'.repeat(15 - byte);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const sqlServerOrder = [0, 1, 2, 3, 4, 5, 6, 7, 9, 8, 15, 14, 13, 12, 11, 10].map(single);

  it('compareMssqlUuid sorts as SQL Server does, not as text', () => {
    const shuffled = [...sqlServerOrder].reverse();
    expect([...shuffled].sort(compareMssqlUuid)).toEqual(sqlServerOrder);
    expect([...shuffled].sort()).not.toEqual(sqlServerOrder);
    expect(compareMssqlUuid('ffffffff-ffff-ffff-ffff-000000000000', '00000000-0000-0000-0000-000000000001')).toBe(-1);
    expect(compareMssqlUuid('6F9619FF-8B86-D011-B42D-00C04FC964FF', '6f9619ff-8b86-d011-b42d-00c04fc964ff')).toBe(0);
  });

  it('the dialect supplies it for uuid columns only; the merge of shard streams uses it', async () => {
    expect(mssqlDialect.orderComparer({ kind: 'uuid' })).toBe(compareMssqlUuid);
    expect(mssqlDialect.orderComparer({ kind: 'string', maxLength: 36 })).toBeUndefined();
    // Each shard answers in SQL Server's order; the merged answer must be SQL Server's order too.
    const byRegion = new Map([
      ['EU', [] as string[]],
      ['US', [] as string[]],
      ['APAC', [] as string[]],
    ]);
    sqlServerOrder.forEach((id, i) => {
      byRegion.get(['EU', 'US', 'APAC'][(i * 7) % 3])!.push(id);
    });
    const merged = async (dialect: typeof mssqlDialect | typeof sqliteDialect) => {
      const provider = recordingProvider(dialect, {
        rows: (sql) => {
          const region = /FROM \W?Badges_(\w+)/.exec(sql)![1];
          return byRegion.get(region)!.map((id) => ({ id, region, issued: new Date(0) }));
        },
      });
      const ctx = new CorpusShop({ provider, shards: corpusShards });
      const rows = await ctx
        .set(Badge)
        .orderBy((b) => b.id)
        .toArray();
      await ctx.close();
      return rows.map((b) => b.id);
    };
    expect(await merged(mssqlDialect)).toEqual(sqlServerOrder);
    // SQLite orders GUID text as text, and so does its merge.
    expect(await merged(sqliteDialect)).not.toEqual(sqlServerOrder);
  });
});
