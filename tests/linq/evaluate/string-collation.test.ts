import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asQueryable, DtdeConfigurationError } from '../../../src/index.js';
import { stringCollation } from '../../../src/linq/evaluate/string-collation.js';
import { PropertyBuilder } from '../../../src/metadata/property-builder.js';
import { mssqlDialect } from '../../../src/providers/mssql/mssql-dialect.js';
import { postgresDialect } from '../../../src/providers/postgres/postgres-dialect.js';
import { sqliteDialect } from '../../../src/providers/sqlite/sqlite-dialect.js';
import { selectStatement, sql } from '../../../src/sql/sql-ast.js';

describe('stringCollation: the client-side twin of an engine collation', () => {
  it('knows code-point, SQLite, ICU and SQL Server names, and nothing else', () => {
    for (const name of ['BINARY', 'C', 'POSIX', 'ucs_basic', 'Latin1_General_100_BIN2']) {
      expect(stringCollation(name)?.compare('B', 'a'), name).toBeLessThan(0); // 'B' (66) before 'a' (97)
    }
    expect(stringCollation('NOCASE')?.compare('ABC', 'abc')).toBe(0);
    expect(stringCollation('NOCASE')?.compare('É', 'é')).not.toBe(0); // ASCII letters only, as SQLite
    expect(stringCollation('RTRIM')?.compare('a  ', 'a')).toBe(0);
    expect(stringCollation('und-u-ks-level2')?.compare('Bob', 'bob')).toBe(0);
    expect(stringCollation('und-u-ks-level2')?.compare('e', 'é')).not.toBe(0);
    expect(stringCollation('und-u-ks-level1')?.compare('e', 'É')).toBe(0);
    expect(stringCollation('SQL_Latin1_General_CP1_CI_AS')?.compare('straße', 'STRASSE')).not.toBe(0);
    expect(stringCollation('SQL_Latin1_General_CP1_CI_AS')?.compare('Zoe', 'zoe')).toBe(0);
    // Deterministic ICU (strength 3): PostgreSQL breaks ICU's ties by code point, so only equal strings are equal.
    expect(stringCollation('und-x-icu')?.compare('a', 'A')).not.toBe(0);
    expect(stringCollation('und-x-icu')?.compare('a', 'B')).toBeLessThan(0);
    for (const name of ['Klingon', 'fr_FR.UTF-8', 'und-x-unknown', '']) expect(stringCollation(name), name).toBeUndefined();
  });

  it('orders as the engine does: case-insensitive collations put b next to B, not after Z', () => {
    const names = ['b', 'Z', 'a', 'B', '_x', 'é', 'e'];
    expect([...names].sort(stringCollation('BINARY')!.compare)).toEqual(['B', 'Z', '_x', 'a', 'b', 'e', 'é']);
    expect([...names].sort(stringCollation('NOCASE')!.compare)).toEqual(['_x', 'a', 'b', 'B', 'e', 'Z', 'é']);
    expect([...names].sort(stringCollation('und-u-ks-level2')!.compare)).toEqual(['_x', 'a', 'b', 'B', 'e', 'é', 'Z']);
  });

  it('keys are equal exactly when compare says equal (distinct rows and group keys rely on it)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'é', 'É', 'e', 'ß', 's', 'S', ' ', '-', 'Ａ'), maxLength: 5 });
    for (const name of [
      'BINARY',
      'NOCASE',
      'RTRIM',
      'und-u-ks-level2',
      'und-u-ks-level1',
      'Latin1_General_CI_AS',
      'Latin1_General_CI_AI',
    ]) {
      const c = stringCollation(name)!;
      fc.assert(
        fc.property(text, text, (a, b) => (c.compare(a, b) === 0) === (c.key(a) === c.key(b))),
        { numRuns: 2000 },
      );
    }
  });
});

describe('asQueryable(rows, { collation }): the in-memory evaluator compares in the collation', () => {
  const rows = [
    { id: 1, name: 'bob' },
    { id: 2, name: 'Bob' },
    { id: 3, name: 'alice' },
    { id: 4, name: 'Zed' },
    { id: 5, name: 'ANNA' },
  ];
  const ci = asQueryable(rows, { collation: 'und-u-ks-level2' });
  const binary = asQueryable(rows);

  it('===, <, startsWith, includes', async () => {
    expect(await ci.where((r) => r.name === 'BOB').count()).toBe(2);
    expect(await binary.where((r) => r.name === 'BOB').count()).toBe(0);
    expect(await ci.where((r) => r.name < 'b').count()).toBe(2); // alice, ANNA
    expect(await binary.where((r) => r.name < 'b').count()).toBe(4); // every capital and alice
    expect(await ci.where((r) => r.name.startsWith('an')).count()).toBe(1);
    expect(await ci.where((r) => ['ZED'].includes(r.name)).count()).toBe(1);
  });

  it('orderBy, distinct, groupBy, min and max', async () => {
    expect(
      await ci
        .orderBy((r) => r.name)
        .thenBy((r) => r.id)
        .select((r) => r.id)
        .toArray(),
    ).toEqual([3, 5, 1, 2, 4]);
    expect(
      await ci
        .select((r) => r.name)
        .distinct()
        .toArray(),
    ).toEqual(['bob', 'alice', 'Zed', 'ANNA']);
    expect(
      await ci
        .groupBy((r) => r.name)
        .select((g) => ({ key: g.key, n: g.count() }))
        .toArray(),
    ).toEqual([
      { key: 'bob', n: 2 },
      { key: 'alice', n: 1 },
      { key: 'Zed', n: 1 },
      { key: 'ANNA', n: 1 },
    ]);
    expect(await ci.max((r) => r.name)).toBe('Zed');
    expect(await binary.max((r) => r.name)).toBe('bob');
    expect(await ci.min((r) => r.name)).toBe('alice');
  });

  it('an unknown collation is refused with what dtde knows', () => {
    expect(() => asQueryable(rows, { collation: 'fr_FR' })).toThrow(DtdeConfigurationError);
    expect(() => asQueryable(rows, { collation: 'fr_FR' })).toThrow(/collation 'fr_FR'.*'und-u-ks-level2' for case-insensitive/);
  });
});

describe('PropertyBuilder.collation', () => {
  it('is recorded on the string column type', () => {
    const p = new PropertyBuilder('Customer', 'name').string(200).collation('und-u-ks-level2').build();
    expect(p.type).toEqual({ kind: 'string', maxLength: 200, collation: 'und-u-ks-level2' });
  });

  it('is refused on other types, for unknown names and for names no engine can spell', () => {
    expect(() => new PropertyBuilder('Customer', 'score').int().collation('NOCASE').build()).toThrow(
      /Customer\.score: collation\('NOCASE'\): only string\(\) columns have a collation, not int\(\)/,
    );
    expect(() => new PropertyBuilder('Customer', 'name').string().collation('Klingon')).toThrow(
      /Customer\.name\.collation: dtde does not know how the collation 'Klingon' compares strings/,
    );
    expect(() => new PropertyBuilder('Customer', 'name').string().collation('x"; DROP')).toThrow(/letters, digits, '_' and '-'/);
  });
});

describe('collations in each dialect', () => {
  const column = (collation?: string) => ({
    name: 'name',
    type: { kind: 'string' as const, maxLength: 40, ...(collation ? { collation } : {}) },
    nullable: false,
    generated: false,
  });
  const table = (collation?: string) => ({
    kind: 'createTable' as const,
    table: { name: 'P' },
    columns: [column(collation)],
    primaryKey: [],
  });

  it('DDL writes the declared collation, or each engine its default', () => {
    expect(sqliteDialect.renderCreateTable(table('nocase')).sql).toBe(
      'CREATE TABLE IF NOT EXISTS "P" ("name" TEXT COLLATE NOCASE NOT NULL)',
    );
    expect(sqliteDialect.renderCreateTable(table()).sql).toBe('CREATE TABLE IF NOT EXISTS "P" ("name" TEXT NOT NULL)');
    expect(postgresDialect.renderCreateTable(table('und-u-ks-level2')).sql).toBe(
      `CREATE COLLATION IF NOT EXISTS "und-u-ks-level2" (provider = icu, locale = 'und-u-ks-level2', deterministic = false); ` +
        'CREATE TABLE IF NOT EXISTS "P" ("name" varchar(40) COLLATE "und-u-ks-level2" NOT NULL)',
    );
    expect(postgresDialect.renderCreateTable(table('und-x-icu')).sql).toBe(
      'CREATE TABLE IF NOT EXISTS "P" ("name" varchar(40) COLLATE "und-x-icu" NOT NULL)',
    );
    expect(postgresDialect.renderCreateTable(table()).sql).toBe('CREATE TABLE IF NOT EXISTS "P" ("name" varchar(40) COLLATE "C" NOT NULL)');
    expect(mssqlDialect.renderCreateTable(table('Latin1_General_100_CI_AS')).sql).toBe(
      "IF OBJECT_ID(N'[P]', N'U') IS NULL CREATE TABLE [P] ([name] nvarchar(40) COLLATE Latin1_General_100_CI_AS NOT NULL)",
    );
  });

  it('each dialect accepts its own collation names and has a default', () => {
    expect([sqliteDialect.defaultCollation, postgresDialect.defaultCollation, mssqlDialect.defaultCollation]).toEqual([
      'BINARY',
      'C',
      'SQL_Latin1_General_CP1_CI_AS',
    ]);
    expect(['NOCASE', 'und-u-ks-level2', 'Latin1_General_100_CI_AS'].map((n) => sqliteDialect.acceptsCollation(n))).toEqual([
      true,
      false,
      false,
    ]);
    expect(['NOCASE', 'und-u-ks-level2', 'Latin1_General_100_CI_AS'].map((n) => postgresDialect.acceptsCollation(n))).toEqual([
      false,
      true,
      false,
    ]);
    expect(['NOCASE', 'und-u-ks-level2', 'Latin1_General_100_CI_AS'].map((n) => mssqlDialect.acceptsCollation(n))).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("startsWith on a case-insensitive column: PostgreSQL's ILIKE (LIKE refuses nondeterministic collations), SQLite's lower() GLOB", () => {
    const match = (collation: string) =>
      selectStatement(
        { table: { name: 'P' }, alias: 'p' },
        {
          columns: [{ expr: sql.column('p', 'name'), alias: 'name' }],
          where: { kind: 'stringMatch', mode: 'startsWith', operand: sql.column('p', 'name'), search: 'Bo_', collation },
        },
      );
    const pg = postgresDialect.renderSelect(match('und-u-ks-level2'));
    expect(pg.sql).toBe(`SELECT "p"."name" AS "name" FROM "P" AS "p" WHERE ("p"."name" COLLATE "und-x-icu") ILIKE $1::text ESCAPE E'\\\\'`);
    expect(pg.parameters.map((p) => p.value)).toEqual(['Bo\\_%']);
    const lite = sqliteDialect.renderSelect(match('NOCASE'));
    expect(lite.sql).toBe('SELECT "p"."name" AS "name" FROM "P" AS "p" WHERE lower("p"."name") GLOB ?');
    expect(lite.parameters.map((p) => p.value)).toEqual(['bo_*']);
  });
});

describe('mssql({ collation }): the collation of string columns that declare none', () => {
  it('is written by DDL, compared in by the merge, and validated', async () => {
    const { mssql } = await import('../../../src/index.js');
    const provider = mssql({ server: 'db1', database: 'shop', collation: 'Latin1_General_100_BIN2' });
    expect(provider.dialect.defaultCollation).toBe('Latin1_General_100_BIN2');
    expect(mssqlDialect.defaultCollation).toBe('SQL_Latin1_General_CP1_CI_AS');
    const ddl = provider.dialect.renderCreateTable({
      kind: 'createTable',
      table: { name: 'P' },
      columns: [
        { name: 'a', type: { kind: 'string', maxLength: 8 }, nullable: false, generated: false },
        { name: 'b', type: { kind: 'string', maxLength: 8, collation: 'Latin1_General_100_CI_AS' }, nullable: false, generated: false },
      ],
      primaryKey: [],
    });
    expect(ddl.sql).toBe(
      "IF OBJECT_ID(N'[P]', N'U') IS NULL CREATE TABLE [P] ([a] nvarchar(8) COLLATE Latin1_General_100_BIN2 NOT NULL, [b] nvarchar(8) COLLATE Latin1_General_100_CI_AS NOT NULL)",
    );
    await provider.driver.close();
    expect(() => mssql({ server: 'db1', database: 'shop', collation: 'und-u-ks-level2' })).toThrow(
      /^mssql\(\{ collation \}\): collation must be a SQL Server collation name with its case and accent flags .*; got the string "und-u-ks-level2"\./,
    );
  });
});
