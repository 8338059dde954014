import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../src/errors/dtde-translation-error.js';
import type { ColumnType } from '../../src/metadata/model.js';
import { type InsertStatement, sql } from '../../src/sql/sql-ast.js';
import { mssqlDialect, mssqlParameterDeclarations } from '../../src/providers/mssql/mssql-dialect.js';
import { sqliteDialect } from '../../src/providers/sqlite/sqlite-dialect.js';
import { parseTsql } from '../planner/translate-fixtures.js';

const types: Record<string, ColumnType> = {
  id: { kind: 'int' },
  name: { kind: 'string', maxLength: 40 },
  big: { kind: 'bigint' },
  price: { kind: 'decimal', precision: 12, scale: 4 },
  on: { kind: 'boolean' },
  at: { kind: 'dateTime' },
};
const columns = Object.keys(types);
const row = (values: Record<string, unknown>) => columns.map((c) => sql.param(values[c] ?? null, types[c]));
const values = [
  { id: 1, name: 'Zoë', big: 2n ** 62n + 1n, price: 0.1 + 0.2, on: true, at: new Date('2024-02-29T23:59:59.999Z') },
  { id: 2, name: null, big: 7, price: 10, on: false, at: null },
];
const insert: InsertStatement = { kind: 'insert', table: { name: 'Orders_2024' }, columns, rows: values.map(row) };

describe('INSERT in both dialects', () => {
  it('renders multi-row VALUES with typed parameters, side by side', async () => {
    const sqlite = sqliteDialect.renderInsert(insert);
    const mssql = mssqlDialect.renderInsert({ ...insert, table: { name: 'Orders_2024', schema: 'dbo' } });
    expect({ sqlite: sqlite.sql, mssql: mssql.sql }).toEqual({
      sqlite: 'INSERT INTO "Orders_2024" ("id", "name", "big", "price", "on", "at") VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)',
      mssql:
        'INSERT INTO [dbo].[Orders_2024] ([id], [name], [big], [price], [on], [at]) VALUES (@p0, @p1, @p2, @p3, @p4, @p5), (@p6, @p7, @p8, @p9, @p10, @p11)',
    });
    // Values converted by each dialect's toDbValue with the column type.
    expect(sqlite.parameters.map((p) => p.value)).toEqual([
      1n,
      'Zoë',
      2n ** 62n + 1n,
      0.1 + 0.2,
      1,
      '2024-02-29T23:59:59.999Z',
      2n,
      null,
      7n,
      10,
      0,
      null,
    ]);
    expect(mssql.parameters.map((p) => p.value)).toEqual([
      1,
      'Zoë',
      '4611686018427387905',
      0.1 + 0.2,
      true,
      new Date('2024-02-29T23:59:59.999Z'),
      2,
      null,
      '7',
      10,
      false,
      null,
    ]);
    expect(mssqlParameterDeclarations(mssql.parameters)).toBe(
      '@p0 int, @p1 nvarchar(40), @p2 bigint, @p3 decimal(25,17), @p4 bit, @p5 datetime2(7), ' +
        '@p6 int, @p7 nvarchar(40), @p8 bigint, @p9 decimal(12,4), @p10 bit, @p11 datetime2(7)',
    );
    await parseTsql(mssql.sql);

    // The SQLite text runs, and the rows read back as the model's values.
    const db = new Database(':memory:');
    db.defaultSafeIntegers(true);
    db.exec(
      sqliteDialect.renderCreateTable({
        kind: 'createTable',
        table: { name: 'Orders_2024' },
        primaryKey: ['id'],
        columns: columns.map((c) => ({ name: c, type: types[c], nullable: c === 'name' || c === 'at', generated: false })),
      }).sql,
    );
    expect(db.prepare(sqlite.sql).run(...sqlite.parameters.map((p) => p.value)).changes).toBe(2);
    const back = (db.prepare('SELECT * FROM "Orders_2024" ORDER BY "id"').all() as Record<string, unknown>[]).map((r) =>
      Object.fromEntries(columns.map((c) => [c, sqliteDialect.fromDbValue(types[c], r[c])])),
    );
    expect(back).toEqual([
      { ...values[0], id: 1 },
      { id: 2, name: null, big: 7n, price: 10, on: false, at: null },
    ]);
    db.close();
  });

  it('exposes statement limits; SQL Server at its limits still parses', async () => {
    expect({ sqlite: [sqliteDialect.maxRowsPerInsert, sqliteDialect.maxParametersPerStatement] }).toEqual({ sqlite: [32766, 32766] });
    expect({ mssql: [mssqlDialect.maxRowsPerInsert, mssqlDialect.maxParametersPerStatement] }).toEqual({ mssql: [1000, 2098] });
    const thousand: InsertStatement = {
      kind: 'insert',
      table: { name: 'T' },
      columns: ['id', 'n'],
      rows: Array.from({ length: 1000 }, (_, i) => [sql.param(i, { kind: 'int' }), sql.param(i, { kind: 'int' })]),
    };
    const mssql = mssqlDialect.renderInsert(thousand);
    expect(mssql.parameters).toHaveLength(2000);
    expect(mssql.sql.endsWith('(@p1998, @p1999)')).toBe(true);
    await parseTsql(mssql.sql);
    // SQLite takes 1000 rows in one VALUES too (no compound-SELECT limit), and runs it.
    const sqlite = sqliteDialect.renderInsert(thousand);
    const db = new Database(':memory:');
    db.exec('CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "n" INTEGER)');
    expect(db.prepare(sqlite.sql).run(...sqlite.parameters.map((p) => p.value)).changes).toBe(1000);
    db.close();
  });

  it('refuses statements over the limits, naming the limit and the fix', () => {
    const rows = (count: number, width: number) =>
      Array.from({ length: count }, () => Array.from({ length: width }, () => sql.param(1, { kind: 'int' })));
    const tooManyRows: InsertStatement = { kind: 'insert', table: { name: 'T' }, columns: ['a'], rows: rows(1001, 1) };
    expect(() => mssqlDialect.renderInsert(tooManyRows)).toThrow(
      new DtdeTranslationError(
        'SQL Server INSERT into T has 1001 rows, over the limit of 1000 per statement; split the rows into several statements.',
      ),
    );
    const wide = Array.from({ length: 3 }, (_, i) => `c${i}`);
    const tooManyParams: InsertStatement = { kind: 'insert', table: { name: 'T' }, columns: wide, rows: rows(700, 3) };
    expect(() => mssqlDialect.renderInsert(tooManyParams)).toThrow(
      'SQL Server INSERT into T binds 2100 values (700 rows × 3 columns), over the limit of 2098 per statement; split the rows into statements of at most 699 rows.',
    );
    expect(() => sqliteDialect.renderInsert({ ...tooManyRows, rows: [] })).toThrow(
      'SQLite INSERT into T needs at least one column and one row; skip the statement when there is nothing to insert.',
    );
    expect(() => sqliteDialect.renderInsert({ kind: 'insert', table: { name: 'T' }, columns: ['a', 'b'], rows: [rows(1, 1)[0]] })).toThrow(
      'SQLite INSERT into T: row 0 has 1 values for 2 columns; give one value per column.',
    );
  });
});
