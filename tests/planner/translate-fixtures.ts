import Database from 'better-sqlite3';
import { registerJsFunctions } from '../../src/providers/sqlite/sqlite-js-functions.js';
import { init, parse } from '@guanmingchiu/sqlparser-ts';
import type { QueryParams } from '../../src/linq/expression/query-expression.js';
import { parseLambda } from '../../src/linq/parse/parse-lambda.js';
import { evaluateLambda } from '../../src/linq/evaluate/evaluate-expression.js';
import type { EntityModel, PropertyModel, ColumnType } from '../../src/metadata/model.js';
import { selectStatement, sql, type SqlExpr } from '../../src/sql/sql-ast.js';
import { translateWhere } from '../../src/planner/translate-expression.js';
import { mssqlDialect } from '../../src/providers/mssql/mssql-dialect.js';
import { sqliteDialect } from '../../src/providers/sqlite/sqlite-dialect.js';

/** A test entity with a nullable column of every interesting type. */
export class Item {
  id!: number;
  name!: string | null;
  code!: string;
  qty!: number | null;
  price!: number | null;
  active!: boolean | null;
  flag!: boolean;
  createdAt!: Date | null;
  big!: bigint | null;
}

const prop = (name: string, type: ColumnType, nullable = true, column = name): PropertyModel => ({
  name,
  column,
  type,
  nullable,
  generated: false,
});

const properties: PropertyModel[] = [
  prop('id', { kind: 'int' }, false),
  prop('name', { kind: 'string', maxLength: 20 }),
  prop('code', { kind: 'string', maxLength: 8 }, false, 'Code'),
  prop('qty', { kind: 'int' }),
  prop('price', { kind: 'decimal', precision: 10, scale: 2 }),
  prop('active', { kind: 'boolean' }),
  prop('flag', { kind: 'boolean' }, false),
  prop('createdAt', { kind: 'dateTime' }),
  prop('big', { kind: 'bigint' }),
];

export const itemModel: EntityModel = {
  name: 'Item',
  entity: Item,
  table: { name: 'Items' },
  properties,
  propertyByName: new Map(properties.map((p) => [p.name, p])),
  key: ['id'],
  sharding: null,
  temporal: null,
};

const d = (iso: string) => new Date(iso);
/** Rows with nulls, mixed case and LIKE/GLOB metacharacters. */
export const itemRows: Item[] = [
  {
    id: 1,
    name: 'Abc',
    code: 'A1',
    qty: 5,
    price: 10.5,
    active: true,
    flag: true,
    createdAt: d('2024-01-15T10:00:00.000Z'),
    big: 9007199254740993n,
  },
  {
    id: 2,
    name: 'abc',
    code: 'a1',
    qty: null,
    price: 2.25,
    active: false,
    flag: false,
    createdAt: d('2025-06-30T23:59:59.999Z'),
    big: -5n,
  },
  { id: 3, name: null, code: 'B2', qty: 0, price: null, active: null, flag: true, createdAt: null, big: null },
  { id: 4, name: '50%_off', code: 'C%', qty: -3, price: 0.1, active: true, flag: false, createdAt: d('1999-12-31T00:00:00.000Z'), big: 0n },
  {
    id: 5,
    name: '500 off',
    code: 'C_',
    qty: 12,
    price: 99.99,
    active: null,
    flag: true,
    createdAt: d('2024-02-29T12:00:00.000Z'),
    big: 7n,
  },
  {
    id: 6,
    name: '[x]*?',
    code: '[a]',
    qty: 7,
    price: -1.5,
    active: false,
    flag: true,
    createdAt: d('2024-12-31T23:59:59.000Z'),
    big: null,
  },
  { id: 7, name: '', code: '\\b', qty: null, price: 2.5, active: true, flag: false, createdAt: null, big: 1n },
  { id: 8, name: 'x\\y', code: 'ABC', qty: 2, price: null, active: null, flag: false, createdAt: d('2024-01-01T00:00:00.000Z'), big: -1n },
];

/** An in-memory SQLite database holding `itemRows`, created with the dialect's own DDL. */
export function createItemDb(rows: readonly Item[] = itemRows): Database.Database {
  const db = new Database(':memory:');
  registerJsFunctions(db);
  db.defaultSafeIntegers(true);
  const create = sqliteDialect.renderCreateTable({
    kind: 'createTable',
    table: itemModel.table,
    columns: properties.map((p) => ({ name: p.column, type: p.type, nullable: p.nullable, generated: false })),
    primaryKey: ['id'],
  });
  db.exec(create.sql);
  const insert = db.prepare(
    `INSERT INTO "Items" (${properties.map((p) => `"${p.column}"`).join(', ')}) VALUES (${properties.map(() => '?').join(', ')})`,
  );
  for (const row of rows) {
    insert.run(...properties.map((p) => sqliteDialect.toDbValue((row as unknown as Record<string, unknown>)[p.name], p.type)));
  }
  return db;
}

/** `SELECT c.id FROM Items AS c WHERE <where> ORDER BY c.id` in both dialects. */
export function renderWhere(where: SqlExpr) {
  const stmt = selectStatement(
    { table: itemModel.table, alias: 'c' },
    { columns: [{ expr: sql.column('c', 'id'), alias: 'id' }], where, orderBy: [{ expr: sql.column('c', 'id'), descending: false }] },
  );
  return { sqlite: sqliteDialect.renderSelect(stmt), mssql: mssqlDialect.renderSelect(stmt) };
}

/** Translates a where lambda for Item. */
export function whereOf(fn: (c: Item, p: any) => unknown, params: QueryParams = {}): SqlExpr {
  return translateWhere({ lambda: parseLambda(fn), params }, { model: itemModel, alias: 'c' });
}

/** The ids SQLite returns for a rendered select of ids. */
export function runIds(db: Database.Database, rendered: { sql: string; parameters: readonly { value: unknown }[] }): number[] {
  return db
    .prepare(rendered.sql)
    .all(...rendered.parameters.map((p) => p.value))
    .map((r) => Number((r as { id: bigint }).id));
}

/** The ids the in-memory evaluator selects (the oracle). */
export function evaluatorIds(fn: (c: Item, p: any) => unknown, params: QueryParams = {}, rows = itemRows): number[] {
  const lambda = parseLambda(fn);
  return rows.filter((r) => Boolean(evaluateLambda(lambda, r, params))).map((r) => r.id);
}

let ready: Promise<void> | undefined;
/**
 * Parses T-SQL with sqlparser-rs's MsSqlDialect. Its grammar rejects a variable in
 * `FETCH NEXT @p ROWS ONLY` (valid T-SQL, EF Core emits it), so for the check only the FETCH
 * parameter is replaced by an integer literal.
 */
export async function parseTsql(text: string): Promise<void> {
  ready ??= init();
  await ready;
  parse(text.replace(/FETCH NEXT @p\d+ ROWS ONLY/g, 'FETCH NEXT 10 ROWS ONLY'), 'mssql');
}
