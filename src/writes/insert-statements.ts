import type { EntityModel, ShardTarget } from '../metadata/model.js';
import type { Dialect } from '../sql/dialect.js';
import { type InsertStatement, sql } from '../sql/sql-ast.js';
import type { WriteStatement } from './write-runtime.js';

/** Rows per INSERT statement at most: fuller statements stop paying off in parse and bind time. */
const PREFERRED_ROWS_PER_INSERT = 200;

/** A row as the INSERT reads it: property name to value. */
export type InsertRow = Readonly<Record<string, unknown>>;

/**
 * The multi-row INSERT statements that write `rows` (of `entity`, all routed to `target`), in
 * order, each within the dialect's limits (rows per statement, parameters per statement).
 *
 * For a positional dialect (`?`, `$1`) the SQL of a statement depends only on the table, the
 * columns and the number of rows, so it is rendered once per (dialect, table, columns, rows) and
 * later statements bind their values as an array, converted by `dialect.toDbValue` as the renderer
 * converts them; building a SQL tree per value costs more than the database's insert. A named
 * dialect (SQL Server declares each parameter's type from its value) renders every statement.
 *
 * @example
 * insertStatements(customer, usTarget, rows, sqliteDialect); // one statement per 200 rows
 */
export function insertStatements(entity: EntityModel, target: ShardTarget, rows: readonly InsertRow[], dialect: Dialect): WriteStatement[] {
  if (rows.length === 0) return [];
  // A batched row has every generated value (else it is inserted alone, returning them).
  const columns = entity.properties.filter((p) => !p.generated || rows.some((r) => r[p.name] !== undefined && r[p.name] !== null));
  const perStatement = Math.max(
    1,
    Math.min(
      PREFERRED_ROWS_PER_INSERT,
      dialect.maxRowsPerInsert,
      Math.floor(dialect.maxParametersPerStatement / Math.max(1, columns.length)),
    ),
  );
  const statements: WriteStatement[] = [];
  const texts = dialect.parameterStyle === 'positional' ? textsOf(dialect) : null;
  const names = columns.map((p) => p.column).join('\u0000');
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const key = `${dialect.quoteTable(target.table)}\u0001${names}\u0001${chunk.length}`;
    const text = texts?.get(key);
    if (text !== undefined) {
      const values: unknown[] = new Array(chunk.length * columns.length);
      let i = 0;
      for (const row of chunk) for (const p of columns) values[i++] = dialect.toDbValue(row[p.name] ?? null, p.type);
      statements.push({ target, rendered: { sql: text, parameters: values }, insertedRows: chunk.length });
      continue;
    }
    const rendered = dialect.renderInsert(insertOf(target, columns, chunk));
    if (texts !== null && bindsValuesInOrder(rendered.parameters, columns, chunk, dialect)) texts.set(key, rendered.sql);
    statements.push({ target, rendered, insertedRows: chunk.length });
  }
  return statements;
}

/**
 * The single-row INSERT of a row whose generated columns the engine fills in, returning them
 * (one row per statement: engines return rows in no set order). `returned` receives them,
 * converted, when the statement runs.
 */
export function insertReturning(
  entity: EntityModel,
  target: ShardTarget,
  row: InsertRow,
  dialect: Dialect,
): { readonly statement: WriteStatement; readonly returned: Record<string, unknown> } {
  const generated = entity.properties.filter((p) => p.generated);
  const columns = entity.properties.filter((p) => !p.generated || (row[p.name] !== undefined && row[p.name] !== null));
  const returned: Record<string, unknown> = {};
  return {
    statement: {
      target,
      rendered: dialect.renderInsert({ ...insertOf(target, columns, [row]), returning: generated.map((p) => p.column) }),
      insertedRows: 1,
      returned: (r) => {
        for (const p of generated) returned[p.name] = dialect.fromDbValue(p.type, r[p.column]);
      },
    },
    returned,
  };
}

function insertOf(target: ShardTarget, columns: EntityModel['properties'], rows: readonly InsertRow[]): InsertStatement {
  return {
    kind: 'insert',
    table: target.table,
    columns: columns.map((p) => p.column),
    rows: rows.map((row) => columns.map((p) => sql.param(row[p.name] ?? null, p.type))),
  };
}

// Per dialect: INSERT text by table, columns and row count, for dialects shown to bind in order.
const insertTexts = new WeakMap<Dialect, Map<string, string>>();

/** Distinct statement shapes kept per dialect; past it, texts are rendered again (bounded memory). */
const MAX_TEXTS_PER_DIALECT = 1_000;

function textsOf(dialect: Dialect): Map<string, string> {
  let texts = insertTexts.get(dialect);
  if (texts === undefined) insertTexts.set(dialect, (texts = new Map()));
  if (texts.size >= MAX_TEXTS_PER_DIALECT) texts.clear();
  return texts;
}

/**
 * Whether the dialect bound exactly one parameter per value, in row-major order, each the value as
 * `toDbValue` converts it: then a later statement of the same shape may bind its values as an
 * array. A dialect that renders otherwise (a value inlined, a parameter reused) keeps rendering.
 */
function bindsValuesInOrder(
  parameters: readonly { readonly value: unknown }[],
  columns: EntityModel['properties'],
  rows: readonly InsertRow[],
  dialect: Dialect,
): boolean {
  if (parameters.length !== rows.length * columns.length) return false;
  let i = 0;
  for (const row of rows) {
    for (const p of columns) {
      const bound = parameters[i++]!.value;
      const converted = dialect.toDbValue(row[p.name] ?? null, p.type);
      if (
        !Object.is(bound, converted) &&
        !(bound instanceof Date && converted instanceof Date && bound.getTime() === converted.getTime())
      ) {
        return false;
      }
    }
  }
  return true;
}
