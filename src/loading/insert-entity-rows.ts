import type { EntityModel, TableName } from '../metadata/model.js';
import type { InsertStatement, SqlExpr } from '../sql/sql-ast.js';
import type { TransactionHandle } from '../providers/database-driver.js';
import type { Dialect } from '../sql/dialect.js';

/**
 * Rows per INSERT statement, at most. Larger statements stop paying off in SQLite (parse and bind
 * time grow with them) while fewer, fuller statements keep the per-statement overhead low.
 */
const PREFERRED_ROWS_PER_STATEMENT = 200;

/**
 * Inserts entity objects into one table inside a transaction, as multi-row `INSERT … VALUES`
 * statements within the dialect's limits (rows and parameters per statement). Generated
 * (identity) properties are not written. Values go through `dialect.toDbValue` with their column
 * type. Returns the number of rows inserted. The rows must already be validated.
 *
 * @example
 * await driver.transaction(target.connection, (tx) => insertEntityRows(tx, dialect, customerModel, target.table, rows));
 */
export async function insertEntityRows(
  tx: TransactionHandle,
  dialect: Dialect,
  entity: EntityModel,
  table: TableName,
  rows: readonly object[],
  signal?: AbortSignal,
): Promise<number> {
  const properties = entity.properties.filter((p) => !p.generated);
  const columns = properties.map((p) => p.column);
  const perStatement = Math.max(
    1,
    Math.min(
      PREFERRED_ROWS_PER_STATEMENT,
      dialect.maxRowsPerInsert,
      Math.floor(dialect.maxParametersPerStatement / Math.max(1, columns.length)),
    ),
  );
  let inserted = 0;
  for (let start = 0; start < rows.length; start += perStatement) {
    signal?.throwIfAborted();
    const chunk = rows.slice(start, start + perStatement);
    const statement: InsertStatement = {
      kind: 'insert',
      table,
      columns,
      rows: chunk.map((row) => {
        const values = row as Record<string, unknown>;
        return properties.map((p): SqlExpr => ({ kind: 'param', value: values[p.name] ?? null, type: p.type }));
      }),
    };
    const { sql, parameters } = dialect.renderInsert(statement);
    await tx.execute(sql, parameters, { signal });
    inserted += chunk.length;
  }
  return inserted;
}
