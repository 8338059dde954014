/**
 * The provider contract of dtde, imported as `dtde/provider`: everything a third party needs to
 * add a database engine, and nothing a query writer needs (that is `dtde`).
 *
 * A provider (`DtdeProvider`) is three things a context is given in its options:
 *
 * - a `Dialect`, which turns dtde's SQL tree (`SelectStatement`, `InsertStatement`,
 *   `UpdateStatement`, `DeleteStatement`, `CreateTableStatement`, `DropTableStatement`, built from
 *   `SqlExpr` nodes) into SQL text plus `BoundParameter`s, quotes identifiers, maps `ColumnType`s
 *   to the engine's column types and converts values both ways (`toDbValue` before binding,
 *   `fromDbValue` after reading). Values never go into the text: every `param` node becomes a
 *   parameter. Extend `SqlRenderer` to get what SQL engines spell alike (expressions, precedence,
 *   `INSERT`, `UPDATE`, `DELETE`, the select body) and implement the hooks for what yours spells
 *   differently (placeholders, functions, string matching, division, paging in `renderSelect`, DDL);
 * - a `DatabaseDriver`, which runs that text: connections and pools, streaming rows, transactions,
 *   cancellation through `AbortSignal`, and engine errors mapped to `DtdeDatabaseError` (from
 *   `dtde`);
 * - `databaseId(connection)`, a stable identity of the database a shard's `ConnectionRef` names,
 *   so two spellings of one database count as one.
 *
 * Give the dialect a unique `name` and call `registerDialect(dialect)` when your module loads:
 * `toQueryString({ dialect: 'name' })` then renders with it on any context. The built-in
 * providers (`sqlite` from `dtde`, and SQL Server's dialect) register themselves the same way.
 *
 * Each engine lives in a folder of its own with the same files as the others (dialect, driver,
 * options, provider factory) and touches nothing in the planner or the execution engine.
 *
 * @example
 * ```ts
 * import { DtdeContext } from 'dtde';
 * import { registerDialect, SqlRenderer, type DtdeProvider } from 'dtde/provider';
 *
 * class MyDialect extends SqlRenderer {
 *   readonly name = 'mydb';
 *   // quoteIdentifier, columnType, renderSelect, renderCreateTable, renderDropTable,
 *   // toDbValue, fromDbValue and the protected hooks…
 * }
 * export const myDialect = new MyDialect();
 * registerDialect(myDialect);
 *
 * export function mydb(options: MyOptions): DtdeProvider {
 *   const driver = new MyDriver(options); // implements DatabaseDriver
 *   return { dialect: myDialect, driver, databaseId: (connection) => driver.databaseOf(connection) };
 * }
 *
 * const ctx = new ShopContext({ provider: mydb({ url: '…' }) });
 * ```
 *
 * @packageDocumentation
 */

// The provider and its two halves
export type { DtdeProvider } from './providers/provider.js';
export type {
  DatabaseDriver,
  DriverParameters,
  DriverRow,
  DriverTransaction,
  ExecuteOptions,
  ExecuteResult,
  QueryNowOptions,
  QueryOptions,
  TransactionHandle,
  TransactionOptions,
  TypedParameter,
} from './providers/database-driver.js';
export type { BoundParameter, Dialect, RenderedSql } from './sql/dialect.js';
export { findDialect, registerDialect } from './providers/dialect-registry.js';

// The SQL tree a dialect renders
export {
  visitSqlExpr,
  type Assignment,
  type BinaryExpr,
  type CaseExpr,
  type CoalesceExpr,
  type ColumnDefinition,
  type ColumnRef,
  type CreateTableStatement,
  type DeleteStatement,
  type DropTableStatement,
  type FunctionCallExpr,
  type InListExpr,
  type InsertStatement,
  type IsNullExpr,
  type LiteralExpr,
  type OrderItem,
  type ParamExpr,
  type SelectItem,
  type SelectStatement,
  type SqlArithmeticOp,
  type SqlBinaryOp,
  type SqlComparisonOp,
  type SqlExpr,
  type SqlExprKind,
  type SqlExprVisitor,
  type SqlFunctionName,
  type SqlType,
  type StringMatchExpr,
  type UnaryExpr,
  type UpdateStatement,
} from './sql/sql-ast.js';

// The renderer base a dialect may extend, and its pattern helpers
export { RenderState, SqlRenderer, escapeGlobPattern, escapeLikePattern, matchPattern } from './sql/sql-renderer.js';

// Model types the contract mentions (also exported by `dtde`)
export type { ColumnType, ConnectionRef, TableName } from './metadata/model.js';
