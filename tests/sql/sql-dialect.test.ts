import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnType } from '../../src/metadata/model.js';
import { type SelectStatement, selectStatement, sql } from '../../src/sql/sql-ast.js';
import { mssqlDialect, mssqlExecuteSqlText, mssqlParameterDeclarations } from '../../src/providers/mssql/mssql-dialect.js';
import { sqliteDialect } from '../../src/providers/sqlite/sqlite-dialect.js';
import { createItemDb, parseTsql } from '../planner/translate-fixtures.js';

const db = createItemDb();
afterAll(() => db.close());

const from = { table: { name: 'Items' }, alias: 'c' };
const id = sql.column('c', 'id');
const byId = [{ expr: id, descending: false }];

interface SelectCase {
  readonly name: string;
  readonly stmt: SelectStatement;
  readonly sqlite: string;
  readonly mssql: string;
  /** What SQLite returns over the fixture rows. */
  readonly rows: unknown[];
}

const selects: SelectCase[] = [
  {
    name: 'limit without offset: LIMIT / TOP',
    stmt: selectStatement(from, { columns: [{ expr: id, alias: 'id' }], orderBy: [{ expr: id, descending: true }], limit: 2 }),
    sqlite: 'SELECT "c"."id" AS "id" FROM "Items" AS "c" ORDER BY "c"."id" DESC LIMIT 2',
    mssql: 'SELECT TOP (@p0) [c].[id] AS [id] FROM [Items] AS [c] ORDER BY [c].[id] DESC',
    rows: [{ id: 8n }, { id: 7n }],
  },
  {
    name: 'offset and limit: LIMIT OFFSET / OFFSET FETCH',
    stmt: selectStatement(from, { columns: [{ expr: id, alias: 'id' }], orderBy: byId, limit: 2, offset: 3 }),
    sqlite: 'SELECT "c"."id" AS "id" FROM "Items" AS "c" ORDER BY "c"."id" ASC LIMIT 2 OFFSET 3',
    mssql: 'SELECT [c].[id] AS [id] FROM [Items] AS [c] ORDER BY [c].[id] ASC OFFSET @p0 ROWS FETCH NEXT @p1 ROWS ONLY',
    rows: [{ id: 4n }, { id: 5n }],
  },
  {
    name: 'offset only: LIMIT -1 / OFFSET without FETCH',
    stmt: selectStatement(from, { columns: [{ expr: id, alias: 'id' }], orderBy: byId, offset: 6 }),
    sqlite: 'SELECT "c"."id" AS "id" FROM "Items" AS "c" ORDER BY "c"."id" ASC LIMIT -1 OFFSET 6',
    mssql: 'SELECT [c].[id] AS [id] FROM [Items] AS [c] ORDER BY [c].[id] ASC OFFSET @p0 ROWS',
    rows: [{ id: 7n }, { id: 8n }],
  },
  {
    name: 'offset with no order: ORDER BY (SELECT NULL) in T-SQL',
    stmt: selectStatement(from, {
      columns: [{ expr: sql.fn('count_big'), alias: 'n' }],
      where: sql.binary('>', id, sql.param(2, { kind: 'int' })),
      offset: 0,
      limit: 1,
    }),
    sqlite: 'SELECT COUNT(*) AS "n" FROM "Items" AS "c" WHERE "c"."id" > ? LIMIT 1 OFFSET 0',
    mssql:
      'SELECT COUNT_BIG(*) AS [n] FROM [Items] AS [c] WHERE [c].[id] > @p0 ORDER BY (SELECT NULL) OFFSET @p1 ROWS FETCH NEXT @p2 ROWS ONLY',
    rows: [{ n: 6n }],
  },
  {
    name: 'group by with aggregates',
    stmt: selectStatement(from, {
      columns: [
        { expr: sql.column('c', 'flag'), alias: 'flag' },
        { expr: sql.fn('count'), alias: 'n' },
        { expr: sql.fn('sum', sql.column('c', 'qty')), alias: 'total' },
        { expr: sql.fn('min', sql.column('c', 'Code')), alias: 'lo' },
        { expr: sql.fn('max', sql.column('c', 'price')), alias: 'hi' },
      ],
      groupBy: [sql.column('c', 'flag')],
      orderBy: [{ expr: sql.column('c', 'flag'), descending: false }],
    }),
    sqlite:
      'SELECT "c"."flag" AS "flag", COUNT(*) AS "n", SUM("c"."qty") AS "total", MIN("c"."Code") AS "lo", MAX("c"."price") AS "hi" FROM "Items" AS "c" GROUP BY "c"."flag" ORDER BY "c"."flag" ASC',
    mssql:
      'SELECT [c].[flag] AS [flag], COUNT(*) AS [n], SUM([c].[qty]) AS [total], MIN([c].[Code]) AS [lo], MAX([c].[price]) AS [hi] FROM [Items] AS [c] GROUP BY [c].[flag] ORDER BY [c].[flag] ASC',
    rows: [
      { flag: 0n, n: 4n, total: -1n, lo: 'ABC', hi: 2.5 },
      { flag: 1n, n: 4n, total: 24n, lo: 'A1', hi: 99.99 },
    ],
  },
  {
    name: 'distinct, star-free projection with CASE, COALESCE and least/greatest',
    stmt: selectStatement(from, {
      distinct: true,
      columns: [
        {
          expr: { kind: 'case', whens: [{ when: sql.isNull(sql.column('c', 'qty')), then: sql.literal(1) }], else: sql.literal(0) },
          alias: 'noQty',
        },
        { expr: { kind: 'coalesce', args: [sql.column('c', 'qty'), sql.param(-9, { kind: 'int' })] }, alias: 'q' },
        { expr: sql.fn('greatest', sql.column('c', 'qty'), sql.param(3, { kind: 'int' })), alias: 'g' },
      ],
      where: sql.binary('<=', id, sql.param(3, { kind: 'int' })),
      orderBy: [{ expr: sql.column(null, 'q'), descending: false }],
    }),
    sqlite:
      'SELECT DISTINCT CASE WHEN "c"."qty" IS NULL THEN 1 ELSE 0 END AS "noQty", COALESCE("c"."qty", ?) AS "q", max("c"."qty", ?) AS "g" FROM "Items" AS "c" WHERE "c"."id" <= ? ORDER BY "q" ASC',
    mssql:
      'SELECT DISTINCT CASE WHEN [c].[qty] IS NULL THEN 1 ELSE 0 END AS [noQty], COALESCE([c].[qty], @p0) AS [q], CASE WHEN [c].[qty] IS NULL OR @p1 IS NULL THEN NULL WHEN [c].[qty] >= @p1 THEN [c].[qty] ELSE @p1 END AS [g] FROM [Items] AS [c] WHERE [c].[id] <= @p2 ORDER BY [q] ASC',
    rows: [
      { noQty: 1n, q: -9n, g: null },
      { noQty: 0n, q: 0n, g: 3n },
      { noQty: 0n, q: 5n, g: 5n },
    ],
  },
  {
    name: 'select star from a schema-qualified table',
    stmt: selectStatement(
      { table: { name: 'Items', schema: 'main' }, alias: 'c' },
      { where: sql.binary('=', id, sql.param(1, { kind: 'int' })) },
    ),
    sqlite: 'SELECT * FROM "main"."Items" AS "c" WHERE "c"."id" = ?',
    mssql: 'SELECT * FROM [main].[Items] AS [c] WHERE [c].[id] = @p0',
    rows: [expect.objectContaining({ id: 1n, Code: 'A1' })],
  },
];

describe('renderSelect in both dialects', () => {
  for (const c of selects) {
    it(c.name, async () => {
      const sqlite = sqliteDialect.renderSelect(c.stmt);
      const mssql = mssqlDialect.renderSelect(c.stmt);
      expect({ sqlite: sqlite.sql, mssql: mssql.sql }).toEqual({ sqlite: c.sqlite, mssql: c.mssql });
      expect(db.prepare(sqlite.sql).all(...sqlite.parameters.map((p) => p.value))).toEqual(c.rows);
      await parseTsql(mssql.sql);
      await parseTsql(mssqlExecuteSqlText(mssql));
    });
  }

  it('declares typed T-SQL parameters for sp_executesql', () => {
    const stmt = selectStatement(from, {
      columns: [{ expr: id, alias: 'id' }],
      where: sql.and(
        sql.binary('=', sql.column('c', 'Code'), sql.param('EU', { kind: 'string', maxLength: 8 })),
        sql.binary('>', sql.column('c', 'createdAt'), sql.param(new Date(0), { kind: 'dateTime' })),
      ),
      limit: 10,
    });
    const rendered = mssqlDialect.renderSelect(stmt);
    expect(mssqlParameterDeclarations(rendered.parameters)).toBe('@p0 int, @p1 nvarchar(8), @p2 datetime2(7)');
    expect(mssqlExecuteSqlText(rendered)).toBe(
      "EXEC sp_executesql N'SELECT TOP (@p0) [c].[id] AS [id] FROM [Items] AS [c] WHERE [c].[Code] = @p1 AND [c].[createdAt] > @p2', N'@p0 int, @p1 nvarchar(8), @p2 datetime2(7)'",
    );
  });

  it('escapes quote characters in identifiers', async () => {
    expect(sqliteDialect.quoteIdentifier('a"b')).toBe('"a""b"');
    expect(mssqlDialect.quoteIdentifier('a]b')).toBe('[a]]b]');
    await parseTsql(`SELECT ${mssqlDialect.quoteIdentifier('a]b')} FROM [T]`);
  });
});

const ddlColumns = [
  { name: 'id', type: { kind: 'int' } as ColumnType, nullable: false, generated: false },
  { name: 'name', type: { kind: 'string', maxLength: 40 } as ColumnType, nullable: true, generated: false },
  { name: 'notes', type: { kind: 'string' } as ColumnType, nullable: true, generated: false },
  { name: 'big', type: { kind: 'bigint' } as ColumnType, nullable: false, generated: false },
  { name: 'price', type: { kind: 'decimal', precision: 12, scale: 4 } as ColumnType, nullable: false, generated: false },
  { name: 'on', type: { kind: 'boolean' } as ColumnType, nullable: false, generated: false },
  { name: 'at', type: { kind: 'dateTime' } as ColumnType, nullable: true, generated: false },
  { name: 'uid', type: { kind: 'uuid' } as ColumnType, nullable: true, generated: false },
];

describe('DDL in both dialects', () => {
  it('creates tables idempotently', async () => {
    const stmt = { kind: 'createTable' as const, table: { name: 'Orders_2024' }, columns: ddlColumns, primaryKey: ['id', 'big'] };
    const sqlite = sqliteDialect.renderCreateTable(stmt);
    const mssql = mssqlDialect.renderCreateTable({ ...stmt, table: { name: 'Orders_2024', schema: 'dbo' } });
    expect({ sqlite: sqlite.sql, mssql: mssql.sql }).toEqual({
      sqlite:
        'CREATE TABLE IF NOT EXISTS "Orders_2024" ("id" INTEGER NOT NULL, "name" TEXT, "notes" TEXT, "big" INTEGER NOT NULL, "price" REAL NOT NULL, "on" INTEGER NOT NULL, "at" TEXT, "uid" TEXT, PRIMARY KEY ("id", "big"))',
      mssql:
        // The schema is created when missing (CREATE SCHEMA must be alone in its batch, hence EXEC).
        "IF SCHEMA_ID(N'dbo') IS NULL EXEC(N'CREATE SCHEMA [dbo]'); IF OBJECT_ID(N'[dbo].[Orders_2024]', N'U') IS NULL CREATE TABLE [dbo].[Orders_2024] ([id] int NOT NULL, [name] nvarchar(40) NULL, [notes] nvarchar(max) NULL, [big] bigint NOT NULL, [price] decimal(12,4) NOT NULL, [on] bit NOT NULL, [at] datetime2(7) NULL, [uid] uniqueidentifier NULL, CONSTRAINT [PK_Orders_2024] PRIMARY KEY ([id], [big]))",
    });
    const scratch = new Database(':memory:');
    scratch.exec(sqlite.sql);
    scratch.exec(sqlite.sql); // idempotent
    expect(scratch.prepare('SELECT COUNT(*) AS n FROM "Orders_2024"').get()).toEqual({ n: 0 });
    scratch.close();
    await parseTsql(mssql.sql);
  });

  it('creates a generated key (AUTOINCREMENT / IDENTITY)', async () => {
    const stmt = {
      kind: 'createTable' as const,
      table: { name: 'Log' },
      primaryKey: ['id'],
      columns: [{ ...ddlColumns[0], generated: true }, ddlColumns[1]],
    };
    const sqlite = sqliteDialect.renderCreateTable(stmt);
    const mssql = mssqlDialect.renderCreateTable(stmt);
    expect(sqlite.sql).toBe('CREATE TABLE IF NOT EXISTS "Log" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "name" TEXT)');
    expect(mssql.sql).toBe(
      "IF OBJECT_ID(N'[Log]', N'U') IS NULL CREATE TABLE [Log] ([id] int IDENTITY(1,1) NOT NULL, [name] nvarchar(40) NULL, CONSTRAINT [PK_Log] PRIMARY KEY ([id]))",
    );
    const scratch = new Database(':memory:');
    scratch.exec(sqlite.sql);
    scratch.prepare('INSERT INTO "Log" ("name") VALUES (?)').run('x');
    expect(scratch.prepare('SELECT "id" FROM "Log"').get()).toEqual({ id: 1 });
    scratch.close();
    await parseTsql(mssql.sql);
  });

  it('drops tables idempotently', async () => {
    const stmt = { kind: 'dropTable' as const, table: { name: "Odd'Name]", schema: 'dbo' } };
    const sqlite = sqliteDialect.renderDropTable(stmt);
    const mssql = mssqlDialect.renderDropTable(stmt);
    expect({ sqlite: sqlite.sql, mssql: mssql.sql }).toEqual({
      sqlite: 'DROP TABLE IF EXISTS "dbo"."Odd\'Name]"',
      mssql: "IF OBJECT_ID(N'[dbo].[Odd''Name]]]', N'U') IS NOT NULL DROP TABLE [dbo].[Odd'Name]]]",
    });
    const scratch = new Database(':memory:');
    scratch.exec(sqliteDialect.renderDropTable({ kind: 'dropTable', table: { name: 'Nope' } }).sql);
    scratch.close();
    await parseTsql(mssql.sql);
  });
});

describe('value conversion', () => {
  it('round-trips every column type through a real SQLite table', () => {
    const scratch = new Database(':memory:');
    scratch.defaultSafeIntegers(true);
    scratch.exec(
      sqliteDialect.renderCreateTable({ kind: 'createTable', table: { name: 'V' }, columns: ddlColumns, primaryKey: ['id'] }).sql,
    );
    const values: Record<string, unknown> = {
      id: 1,
      name: 'Zoë',
      notes: null,
      big: 2n ** 62n + 1n,
      price: 0.1 + 0.2,
      on: true,
      at: new Date('2024-02-29T23:59:59.999Z'),
      uid: '0f8fad5b-d9cb-469f-a165-70867728950e',
    };
    scratch
      .prepare(`INSERT INTO "V" VALUES (${ddlColumns.map(() => '?').join(', ')})`)
      .run(...ddlColumns.map((c) => sqliteDialect.toDbValue(values[c.name], c.type)));
    const raw = scratch.prepare('SELECT * FROM "V"').get() as Record<string, unknown>;
    expect(raw.at).toBe('2024-02-29T23:59:59.999Z');
    const back = Object.fromEntries(ddlColumns.map((c) => [c.name, sqliteDialect.fromDbValue(c.type, raw[c.name])]));
    expect(back).toEqual(values);
    scratch.close();
  });

  it('stores dates as ISO text that sorts as time and refuses years outside 0000-9999', () => {
    const dates = ['1970-01-01T00:00:00.000Z', '0999-05-05T00:00:00.000Z', '2024-01-01T00:00:00.001Z', '2023-12-31T23:59:59.999Z'];
    const texts = dates.map((d) => sqliteDialect.toDbValue(new Date(d), { kind: 'dateTime' }) as string);
    expect([...texts].sort()).toEqual([...dates].sort((a, b) => Date.parse(a) - Date.parse(b)));
    expect(() => sqliteDialect.toDbValue(new Date('+010000-01-01T00:00:00Z'), null)).toThrow(/years 0000–9999/);
    expect(() => sqliteDialect.toDbValue(new Date(Number.NaN), null)).toThrow(/Invalid Date/);
  });

  it("writes a date as toISOString's text at every instant of years 0000-9999 (built from its UTC fields)", () => {
    const years = { min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true };
    fc.assert(
      fc.property(fc.date(years), (d) => sqliteDialect.toDbValue(d, { kind: 'dateTime' }) === d.toISOString()),
      { numRuns: 5000 },
    );
  });

  it('converts SQL Server driver values', () => {
    expect(mssqlDialect.fromDbValue({ kind: 'bigint' }, '9007199254740993')).toBe(9007199254740993n);
    expect(mssqlDialect.fromDbValue({ kind: 'uuid' }, '0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(mssqlDialect.fromDbValue({ kind: 'boolean' }, true)).toBe(true);
    expect(mssqlDialect.toDbValue(2n ** 63n - 1n, { kind: 'bigint' })).toBe('9223372036854775807');
  });
});
