import type { ColumnType, TableName } from '../metadata/model.js';
import type {
  CreateTableStatement,
  DeleteStatement,
  DropTableStatement,
  InsertStatement,
  SelectStatement,
  SqlType,
  UpdateStatement,
} from './sql-ast.js';

/** One bound parameter of a rendered statement, in the order the driver binds them. */
export interface BoundParameter {
  /**
   * `@p0`, `@p1`… for named dialects (SQL Server); the 1-based position as text for positional
   * ones (SQLite's `?`).
   */
  readonly name: string;
  /** The value already converted for the driver (see `Dialect.toDbValue`). */
  readonly value: unknown;
  /** The declared SQL type (`nvarchar(8)`, `int`); T-SQL needs it for sp_executesql. */
  readonly sqlType: string;
}

/** SQL text plus its parameters. Values are never part of `sql`. */
export interface RenderedSql {
  readonly sql: string;
  readonly parameters: readonly BoundParameter[];
}

/**
 * A SQL dialect: turns the SQL tree (`SelectStatement` and the other statements) into text and
 * parameters, quotes identifiers, maps column types for DDL and converts values between JavaScript
 * and the driver. Dialects are stateless and safe to share. Extend `SqlRenderer` to get the parts
 * every SQL engine spells alike.
 *
 * @example
 * ```ts
 * const { sql, parameters } = provider.dialect.renderSelect(statement);
 * db.prepare(sql).all(...parameters.map((p) => p.value));
 * ```
 */
export interface Dialect {
  /**
   * The name `toQueryString({ dialect })` knows it by (`sqlite`, `mssql`), unique among the
   * registered dialects (see `registerDialect`).
   */
  readonly name: string;
  /** `?` (positional) or `@p0` (named). */
  readonly parameterStyle: 'positional' | 'named';
  /** Quotes one identifier, escaping the quote character. */
  quoteIdentifier(name: string): string;
  /** `schema.table`, both parts quoted (schema only when given). */
  quoteTable(table: TableName): string;
  /** The column type used by `CREATE TABLE` for a model column type. */
  columnType(type: ColumnType): string;
  renderSelect(statement: SelectStatement): RenderedSql;
  /** Idempotent: does nothing when the table exists. */
  renderCreateTable(statement: CreateTableStatement): RenderedSql;
  /** Idempotent: does nothing when the table is missing. */
  renderDropTable(statement: DropTableStatement): RenderedSql;
  /**
   * The query that lists the columns of an existing table: one row per column, its name in a
   * field called `name`, in any order; no rows when the table does not exist. `ensureCreated` runs
   * it on every table it owns and compares the names with the model, so a table created from an
   * older model is reported instead of failing later with "no such column". `SqlRenderer` gives
   * the standard `information_schema.columns` query in the `current_schema` (PostgreSQL); an
   * engine without it, or with another default schema, overrides it (SQLite: `pragma_table_info`;
   * SQL Server: `SCHEMA_NAME()`).
   *
   * @example
   * const { sql, parameters } = dialect.renderTableColumns({ name: 'Customers_EU' });
   * for await (const row of driver.query(null, sql, parameters)) console.log(row.name);
   */
  renderTableColumns(table: TableName): RenderedSql;
  /**
   * Lists the names of the tables in the connection's default schema, one row each with a `name`
   * column (date shards created on demand are found by their names).
   */
  renderTableNames(): RenderedSql;
  /**
   * A multi-row `INSERT … VALUES (…), (…)`. Throws `DtdeTranslationError` when the statement has
   * no rows, a row of the wrong width, or more rows or parameters than the limits below.
   */
  renderInsert(statement: InsertStatement): RenderedSql;
  /** `UPDATE … SET … WHERE …`; the row is reachable through the statement's alias. */
  renderUpdate(statement: UpdateStatement): RenderedSql;
  /** `DELETE … WHERE …`; the row is reachable through the statement's alias. */
  renderDelete(statement: DeleteStatement): RenderedSql;
  /** Most bound parameters one statement may carry (SQLite 32766; SQL Server 2100 per request). */
  readonly maxParametersPerStatement: number;
  /** Most rows one `INSERT … VALUES` may carry (SQL Server: 1000). */
  readonly maxRowsPerInsert: number;
  /**
   * How the engine orders two non-null values of `type`, when that is not dtde's default order
   * (numbers by value, dates by instant, strings by code point, booleans false first). The merge of
   * shard answers orders by it, so that a merged order is the order one table gives on this
   * engine. Leave it out, or return undefined, for the default. SQL Server orders
   * `uniqueidentifier` by byte groups, the last six bytes first.
   *
   * @example
   * mssqlDialect.orderComparer?.({ kind: 'uuid' })?.(a, b); // SQL Server's GUID order
   */
  orderComparer?(type: SqlType): ((a: unknown, b: unknown) => number) | undefined;
  /**
   * The collation of a string column that declares none (`PropertyBuilder.collation`): the one
   * `CREATE TABLE` gives dtde's columns, or the engine's default. The merge of shard answers, distinct
   * rows and group keys compare such strings as it does. Code point (`BINARY`) when left out.
   *
   * @example postgresDialect.defaultCollation; // 'C'
   */
  readonly defaultCollation?: string;
  /**
   * Whether a column may declare the collation `name` on this engine; checked when a context
   * starts, so a SQLite `NOCASE` on a SQL Server context is refused before any table exists.
   * Every name is accepted when left out.
   */
  acceptsCollation?(name: string): boolean;
  /** A JavaScript value as the driver binds it for a column or parameter of `type`. */
  toDbValue(value: unknown, type: SqlType | null): unknown;
  /** A value the driver returned for a column of `type`, as the JavaScript value dtde promises. */
  fromDbValue(type: ColumnType, raw: unknown): unknown;
}
