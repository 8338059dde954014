import { afterAll, describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../src/errors/dtde-translation-error.js';
import type { QueryParams } from '../../src/linq/expression/query-expression.js';
import { type Item, createItemDb, evaluatorIds, parseTsql, renderWhere, runIds, whereOf } from './translate-fixtures.js';

const db = createItemDb();
afterAll(() => db.close());

interface Case {
  readonly name: string;
  readonly where: (c: Item, p: any) => unknown;
  readonly params?: QueryParams;
  /** The WHERE clause each dialect renders, side by side. */
  readonly sqlite: string;
  readonly mssql: string;
  /** The ids JavaScript semantics select (also checked against the in-memory evaluator). */
  readonly ids: number[];
}

const cases: Case[] = [
  {
    name: 'equality with a params value',
    where: (c, p) => c.code === p.code,
    params: { code: 'A1' },
    sqlite: '"c"."Code" = ?',
    mssql: '[c].[Code] = @p0',
    ids: [1],
  },
  {
    name: '=== null is IS NULL',
    where: (c) => c.name === null,
    sqlite: '"c"."name" IS NULL',
    mssql: '[c].[name] IS NULL',
    ids: [3],
  },
  {
    name: 'a params value that is null becomes IS NULL when bound',
    where: (c, p) => c.qty === p.qty,
    params: { qty: null },
    sqlite: '"c"."qty" IS NULL',
    mssql: '[c].[qty] IS NULL',
    ids: [2, 7],
  },
  {
    name: '!== on a nullable column also matches nulls',
    where: (c, p) => c.name !== p.name,
    params: { name: 'abc' },
    sqlite: '"c"."name" <> ? OR "c"."name" IS NULL',
    mssql: '[c].[name] <> @p0 OR [c].[name] IS NULL',
    ids: [1, 3, 4, 5, 6, 7, 8],
  },
  {
    name: '!(a === x) on a nullable column matches nulls',
    where: (c) => !(c.name === 'Abc'),
    sqlite: '"c"."name" <> ? OR "c"."name" IS NULL',
    mssql: '[c].[name] <> @p0 OR [c].[name] IS NULL',
    ids: [2, 3, 4, 5, 6, 7, 8],
  },
  {
    name: '!(a > x) keeps nulls (null fails the comparison, so its negation holds)',
    where: (c) => !(c.qty! > 2),
    sqlite: 'NOT ("c"."qty" > ? AND "c"."qty" IS NOT NULL)',
    mssql: 'NOT ([c].[qty] > @p0 AND [c].[qty] IS NOT NULL)',
    ids: [2, 3, 4, 7, 8],
  },
  {
    name: 'column-to-column equality with both nullable',
    where: (c) => c.qty === c.big,
    sqlite: '"c"."qty" = "c"."big" OR ("c"."qty" IS NULL AND "c"."big" IS NULL)',
    mssql: '[c].[qty] = [c].[big] OR ([c].[qty] IS NULL AND [c].[big] IS NULL)',
    ids: [],
  },
  {
    name: 'column-to-column inequality with both nullable',
    where: (c) => c.qty !== c.price,
    sqlite: '("c"."qty" <> "c"."price" OR "c"."qty" IS NULL OR "c"."price" IS NULL) AND ("c"."qty" IS NOT NULL OR "c"."price" IS NOT NULL)',
    mssql: '([c].[qty] <> [c].[price] OR [c].[qty] IS NULL OR [c].[price] IS NULL) AND ([c].[qty] IS NOT NULL OR [c].[price] IS NOT NULL)',
    ids: [1, 2, 3, 4, 5, 6, 7, 8],
  },
  {
    name: 'a boolean column as a predicate, and its negation',
    where: (c) => c.active || !c.flag,
    sqlite: '"c"."active" = 1 OR "c"."flag" = 0',
    mssql: '[c].[active] = 1 OR [c].[flag] = 0',
    ids: [1, 2, 4, 7, 8],
  },
  {
    name: '!nullableBoolean matches false and null',
    where: (c) => !c.active,
    sqlite: '"c"."active" = 0 OR "c"."active" IS NULL',
    mssql: '[c].[active] = 0 OR [c].[active] IS NULL',
    ids: [2, 3, 5, 6, 8],
  },
  {
    name: 'includes on a params array is IN',
    where: (c, p) => p.codes.includes(c.code),
    params: { codes: ['A1', 'B2', 'nope'] },
    sqlite: '"c"."Code" IN (?, ?, ?)',
    mssql: '[c].[Code] IN (@p0, @p1, @p2)',
    ids: [1, 3],
  },
  {
    name: 'includes on an empty array is always false',
    where: (c, p) => p.ids.includes(c.id),
    params: { ids: [] },
    sqlite: '1 = 0',
    mssql: '1 = 0',
    ids: [],
  },
  {
    name: 'null in an IN list matches nulls',
    where: (c, p) => p.qtys.includes(c.qty),
    params: { qtys: [5, null] },
    sqlite: '"c"."qty" IN (?) OR "c"."qty" IS NULL',
    mssql: '[c].[qty] IN (@p0) OR [c].[qty] IS NULL',
    ids: [1, 2, 7],
  },
  {
    name: 'negated IN on a nullable column keeps nulls',
    where: (c) => !['Abc', 'abc'].includes(c.name!),
    sqlite: 'NOT ("c"."name" IN (?, ?) AND "c"."name" IS NOT NULL)',
    mssql: 'NOT ([c].[name] IN (@p0, @p1) AND [c].[name] IS NOT NULL)',
    ids: [3, 4, 5, 6, 7, 8],
  },
  {
    name: 'startsWith is case-sensitive (GLOB in SQLite, LIKE with escapes in T-SQL)',
    where: (c) => c.name!.startsWith('A'),
    sqlite: '"c"."name" GLOB ?',
    mssql: '[c].[name] LIKE @p0',
    ids: [1],
  },
  {
    name: '% and _ in a search are literal',
    where: (c, p) => c.name!.includes(p.s),
    params: { s: '%_' },
    sqlite: '"c"."name" GLOB ?',
    mssql: '[c].[name] LIKE @p0',
    ids: [4],
  },
  {
    name: 'GLOB metacharacters in a search are literal',
    where: (c) => c.name!.startsWith('[x]*?'),
    sqlite: '"c"."name" GLOB ?',
    mssql: '[c].[name] LIKE @p0',
    ids: [6],
  },
  {
    name: 'endsWith with a backslash',
    where: (c) => c.name!.endsWith('\\y') || c.code.endsWith('b'),
    sqlite: '"c"."name" GLOB ? OR "c"."Code" GLOB ?',
    mssql: '[c].[name] LIKE @p0 OR [c].[Code] LIKE @p1',
    ids: [7, 8],
  },
  {
    name: 'negated startsWith keeps nulls',
    where: (c) => !c.name!.startsWith('a'),
    sqlite: 'NOT ("c"."name" GLOB ? AND "c"."name" IS NOT NULL)',
    mssql: 'NOT ([c].[name] LIKE @p0 AND [c].[name] IS NOT NULL)',
    ids: [1, 3, 4, 5, 6, 7, 8],
  },
  {
    name: 'ternary becomes CASE',
    where: (c) => (c.flag ? c.qty! > 4 : c.price! < 1),
    sqlite:
      'CASE WHEN "c"."flag" = 1 THEN CASE WHEN "c"."qty" > ? THEN 1 ELSE 0 END ELSE CASE WHEN "c"."price" < ? THEN 1 ELSE 0 END END = 1',
    mssql:
      'CASE WHEN [c].[flag] = 1 THEN CASE WHEN [c].[qty] > @p0 THEN 1 ELSE 0 END ELSE CASE WHEN [c].[price] < @p1 THEN 1 ELSE 0 END END = 1',
    ids: [1, 4, 5, 6],
  },
  {
    name: '?? becomes COALESCE',
    where: (c) => (c.qty ?? 100) > 10,
    sqlite: 'COALESCE("c"."qty", ?) > ?',
    mssql: 'COALESCE([c].[qty], @p0) > @p1',
    ids: [2, 5, 7],
  },
  {
    name: 'string concatenation (null is the empty string)',
    where: (c) => c.name + c.code === 'AbcA1' || `${c.name}-${c.code}` === '-B2',
    sqlite: 'COALESCE("c"."name", ?) || "c"."Code" = ? OR COALESCE("c"."name", ?) || ? || "c"."Code" = ?',
    mssql: 'COALESCE([c].[name], @p0) + [c].[Code] = @p1 OR COALESCE([c].[name], @p2) + @p3 + [c].[Code] = @p4',
    ids: [1, 3],
  },
  {
    name: 'length, toLowerCase and trim',
    where: (c) => c.name!.length === 3 && c.name!.toLowerCase() === 'abc' && c.code.trim() === c.code,
    sqlite: 'dtde_length("c"."name") = ? AND dtde_lower("c"."name") = ? AND dtde_trim("c"."Code") = "c"."Code"',
    mssql: '(DATALENGTH([c].[name]) / 2) = @p0 AND LOWER([c].[name]) = @p1 AND LTRIM(RTRIM([c].[Code])) = [c].[Code]',
    ids: [1, 2],
  },
  {
    name: 'arithmetic: division is floating point, Math functions',
    where: (c) => c.qty! / 2 === 2.5 || Math.abs(c.qty!) === 3 || Math.round(c.price!) === 3,
    sqlite: 'CAST("c"."qty" AS REAL) / ? = ? OR abs("c"."qty") = ? OR round("c"."price") = ?',
    mssql: 'CAST([c].[qty] AS float) / NULLIF(@p0, 0) = @p1 OR ABS([c].[qty]) = @p2 OR ROUND([c].[price], 0) = @p3',
    ids: [1, 4, 7],
  },
  {
    name: '% on a decimal keeps the fraction, as JavaScript (SQLite % would truncate to integers)',
    where: (c) => c.price! % 1 > 0.4,
    sqlite: 'dtde_mod("c"."price", ?) > ?',
    // T-SQL refuses % on a float (Msg 8117): JavaScript's double remainder, spelled out.
    mssql:
      '(CAST([c].[price] AS float) - CAST(@p0 AS float) * ROUND(CAST([c].[price] AS float) / NULLIF(CAST(@p0 AS float), 0), 0, 1)) > @p1',
    ids: [1, 5, 7],
  },
  {
    name: 'Date getters read UTC, months are 0-based',
    where: (c) => c.createdAt!.getUTCFullYear() === 2024 && c.createdAt!.getMonth() === 1,
    sqlite: 'CAST(strftime(\'%Y\', "c"."createdAt") AS INTEGER) = ? AND CAST(strftime(\'%m\', "c"."createdAt") AS INTEGER) - 1 = ?',
    mssql: 'YEAR([c].[createdAt]) = @p0 AND MONTH([c].[createdAt]) - 1 = @p1',
    ids: [5],
  },
  {
    name: 'dates compare as instants',
    where: (c, p) => c.createdAt! >= p.from && c.createdAt! < p.to,
    params: { from: new Date('2024-01-01T00:00:00.000Z'), to: new Date('2025-01-01T00:00:00.000Z') },
    sqlite: '"c"."createdAt" >= ? AND "c"."createdAt" < ?',
    mssql: '[c].[createdAt] >= @p0 AND [c].[createdAt] < @p1',
    ids: [1, 5, 6, 8],
  },
  {
    name: 'bigint beyond 2^53 compares exactly',
    where: (c, p) => c.big === p.big,
    params: { big: 9007199254740993n },
    sqlite: '"c"."big" = ?',
    mssql: '[c].[big] = @p0',
    ids: [1],
  },
  {
    name: 'values of another type never equal (no coercion)',
    where: (c, p) => c.id === p.id || c.code !== p.code,
    params: { id: '1', code: 5 },
    sqlite: '1 = 0 OR 1 = 1',
    mssql: '1 = 0 OR 1 = 1',
    ids: [1, 2, 3, 4, 5, 6, 7, 8],
  },
  {
    name: 'De Morgan with null-aware leaves',
    where: (c) => !(c.qty! > 0 || c.name === null),
    sqlite: 'NOT ("c"."qty" > ? AND "c"."qty" IS NOT NULL) AND "c"."name" IS NOT NULL',
    mssql: 'NOT ([c].[qty] > @p0 AND [c].[qty] IS NOT NULL) AND [c].[name] IS NOT NULL',
    ids: [2, 4, 7],
  },
  {
    name: 'a string column as a predicate is a non-empty test',
    where: (c) => !!c.name && !c.qty,
    sqlite: '"c"."name" <> ? AND ("c"."qty" = 0 OR "c"."qty" IS NULL)',
    mssql: '[c].[name] <> @p0 AND ([c].[qty] = 0 OR [c].[qty] IS NULL)',
    ids: [2],
  },
];

describe('translateExpression: where clauses in both dialects', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { sqlite, mssql } = renderWhere(whereOf(c.where, c.params));
      const where = (text: string) => text.replace(/^.* WHERE /, '').replace(/ ORDER BY .*$/, '');
      expect({ sqlite: where(sqlite.sql), mssql: where(mssql.sql) }).toEqual({ sqlite: c.sqlite, mssql: c.mssql });
      // JS semantics, the evaluator and SQLite agree.
      expect(evaluatorIds(c.where, c.params)).toEqual(c.ids);
      expect(runIds(db, sqlite)).toEqual(c.ids);
      await parseTsql(mssql.sql);
      expect(mssql.parameters.map((p) => p.name)).toEqual(sqlite.parameters.map((_, i) => `@p${i}`));
    });
  }
});

describe('translateExpression: parameters', () => {
  it('binds escaped patterns per dialect', () => {
    const { sqlite, mssql } = renderWhere(whereOf((c, p) => c.name!.includes(p.s), { s: '5[0%_\\*?' }));
    expect(sqlite.parameters[0].value).toBe('*5[[]0%_\\[*][?]*');
    expect(mssql.parameters[0]).toEqual({ name: '@p0', value: '%5[[]0[%][_]\\*?%', sqlType: 'nvarchar(4000)' });
  });

  it('types a parameter by the column it is compared with', () => {
    const { sqlite, mssql } = renderWhere(
      whereOf((c, p) => c.code === p.code && c.price! > p.price && c.createdAt! < p.at && c.active === p.on, {
        code: 'EU',
        price: 2.555,
        at: new Date(0),
        on: true,
      }),
    );
    expect(mssql.parameters.map((p) => `${p.name} ${p.sqlType}`)).toEqual([
      '@p0 nvarchar(8)',
      '@p1 decimal(11,3)',
      '@p2 datetime2(7)',
      '@p3 bit',
    ]);
    expect(sqlite.parameters.map((p) => p.value)).toEqual(['EU', 2.555, '1970-01-01T00:00:00.000Z', 1]);
  });

  it('never puts a user value in SQL text', () => {
    const { sqlite, mssql } = renderWhere(whereOf((c) => c.name === "O'Brien; DROP TABLE x" || c.qty === 12345));
    for (const text of [sqlite.sql, mssql.sql]) {
      expect(text).not.toContain('Brien');
      expect(text).not.toContain('12345');
    }
  });
});

describe('translateExpression: errors', () => {
  const fails = (fn: (c: Item, p: any) => unknown, params: QueryParams, message: RegExp) => {
    let error: unknown;
    try {
      whereOf(fn, params);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DtdeTranslationError);
    const e = error as DtdeTranslationError;
    expect(e.message).toMatch(message);
    expect(e.lambdaSource).toBeDefined();
    expect(e.position).toBeDefined();
  };

  it('names an unmapped property and lists the mapped ones', () => {
    fails((c) => (c as any).missing === 1, {}, /no mapped property 'missing'.*id, name, code/s);
  });
  it('refuses a missing params value', () => {
    fails((c, p) => c.code === p.nope, {}, /undefined\. Pass the value in the params object/);
  });
  it('refuses a column as the search text of startsWith', () => {
    fails((c) => c.name!.startsWith(c.code), {}, /must be a string constant or a string params value/);
  });
  it('refuses || returning a non-boolean operand as a value', () => {
    expect(() => renderWhere(whereOf((c) => (c.name || 'x') === 'x'))).toThrow(/Use \?\? for a default/);
  });
  it('refuses a relational comparison across types', () => {
    fails((c, p) => c.qty! < p.s, { s: 'x' }, /Cannot compare a number with a string/);
  });
});
