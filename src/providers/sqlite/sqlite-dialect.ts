import { DtdeInvalidOperationError } from '../../errors/dtde-invalid-operation-error.js';
import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { ColumnType, TableName } from '../../metadata/model.js';
import type {
  CreateTableStatement,
  DropTableStatement,
  FunctionCallExpr,
  ParamExpr,
  SelectStatement,
  SqlType,
  StringMatchExpr,
} from '../../sql/sql-ast.js';
import type { RenderedSql } from '../../sql/dialect.js';
import { RenderState, SqlRenderer, escapeGlobPattern, matchPattern } from '../../sql/sql-renderer.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * SQLite's dialect. Storage choices (what `toDbValue` binds and `fromDbValue` reads back):
 * - dateTime: ISO-8601 UTC text `YYYY-MM-DDTHH:MM:SS.sssZ` (fixed width, so text order is time
 *   order; years 0000–9999 only). `strftime` reads it for year/month/day.
 * - boolean: INTEGER 0/1.
 * - bigint: INTEGER, bound as a JS bigint (read it with better-sqlite3's `safeIntegers(true)` to
 *   keep values above 2^53 exact; `fromDbValue` accepts number or bigint).
 * - decimal: REAL. A JS number round-trips exactly through a REAL (both are IEEE doubles);
 *   sums are floating point, unlike SQL Server's exact decimal sums.
 * - uuid: TEXT as given.
 *
 * Parameters are positional `?`. `LIKE` is case-insensitive in SQLite, so string matching uses
 * `GLOB` (case-sensitive, as JavaScript) with `*`, `?` and `[` escaped as `[*]`, `[?]`, `[[]`.
 *
 * @example
 * const { sql, parameters } = sqliteDialect.renderSelect(stmt);
 * db.prepare(sql).all(...parameters.map((p) => p.value));
 */
export class SqliteDialect extends SqlRenderer {
  readonly name = 'sqlite' as const;
  readonly parameterStyle = 'positional' as const;
  /** @internal Every parameter is `?`, its declared type from the tree's type. */
  override readonly textIgnoresValues = true;
  /** SQLite's own default: code-point order. */
  readonly defaultCollation = 'BINARY';
  /** SQLITE_MAX_VARIABLE_NUMBER of the SQLite better-sqlite3 12 ships. */
  readonly maxParametersPerStatement = 32766;
  /** SQLite bounds a multi-row VALUES only by its parameters (it is not a compound SELECT since 3.8.8). */
  readonly maxRowsPerInsert = 32766;
  protected readonly concatOperator = '||';

  quoteIdentifier(name: string): string {
    return name.includes('"') ? `"${name.replace(/"/g, '""')}"` : `"${name}"`;
  }

  columnType(type: ColumnType): string {
    switch (type.kind) {
      case 'int':
      case 'bigint':
      case 'boolean':
        return 'INTEGER';
      case 'decimal':
        return 'REAL';
      case 'string':
      case 'dateTime':
      case 'uuid':
        return 'TEXT';
    }
  }

  renderSelect(statement: SelectStatement): RenderedSql {
    const state = new RenderState();
    let sql = `SELECT ${statement.distinct ? 'DISTINCT ' : ''}${this.selectBody(statement, state, [])}`;
    if (statement.limit !== null || statement.offset !== null) {
      // SQLite has no OFFSET without LIMIT; LIMIT -1 means "no limit".
      sql += ` LIMIT ${statement.limit === null ? '-1' : this.count(statement.limit, state)}`;
      if (statement.offset !== null) sql += ` OFFSET ${this.count(statement.offset, state)}`;
    }
    return { sql, parameters: state.parameters };
  }

  /**
   * A LIMIT or OFFSET count, written as a number: SQLite's planner reads a bound LIMIT's value, so
   * binding one marks the prepared statement expired and every query prepared it again (8 µs of a
   * 15 µs `first()` lookup). A count is the query's own `take`/`skip` (an integer the operator
   * checked), never a value from outside; a count too large to write exactly stays a parameter.
   */
  private count(value: number, state: RenderState): string {
    if (Number.isSafeInteger(value) && value >= 0) return String(value);
    return this.placeholder({ kind: 'param', value, type: { kind: 'bigint' } }, state);
  }

  /** SQLite's built-in collations: `BINARY`, `NOCASE` (ASCII case folds), `RTRIM`. */
  acceptsCollation(name: string): boolean {
    return ['BINARY', 'NOCASE', 'RTRIM'].includes(name.toUpperCase());
  }

  renderCreateTable(statement: CreateTableStatement): RenderedSql {
    const generated = statement.columns.find((c) => c.generated);
    const columns = statement.columns.map((c) => {
      // Only `INTEGER PRIMARY KEY` can be generated in SQLite (it aliases the rowid).
      if (c.generated) return `${this.quoteIdentifier(c.name)} INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`;
      const collate = c.type.kind === 'string' && c.type.collation !== undefined ? ` COLLATE ${c.type.collation.toUpperCase()}` : '';
      return `${this.quoteIdentifier(c.name)} ${this.columnType(c.type)}${collate}${c.nullable ? '' : ' NOT NULL'}`;
    });
    if (generated !== undefined && (statement.primaryKey.length !== 1 || statement.primaryKey[0] !== generated.name)) {
      throw new DtdeTranslationError(
        `Column '${generated.name}' of ${statement.table.name} is generated but is not the whole primary key; SQLite can only generate a single INTEGER PRIMARY KEY. Make it the only key column or drop generated().`,
      );
    }
    if (generated === undefined && statement.primaryKey.length > 0) {
      columns.push(`PRIMARY KEY (${statement.primaryKey.map((k) => this.quoteIdentifier(k)).join(', ')})`);
    }
    return { sql: `CREATE TABLE IF NOT EXISTS ${this.quoteTable(statement.table)} (${columns.join(', ')})`, parameters: [] };
  }

  renderDropTable(statement: DropTableStatement): RenderedSql {
    return { sql: `DROP TABLE IF EXISTS ${this.quoteTable(statement.table)}`, parameters: [] };
  }

  /** SQLite has no information_schema: `pragma_table_info(table, schema)` lists the columns. */
  override renderTableNames(): RenderedSql {
    return { sql: `SELECT "name" FROM sqlite_master WHERE "type" = 'table'`, parameters: [] };
  }

  override renderTableColumns(table: TableName): RenderedSql {
    const state = new RenderState();
    const args = [table.name, ...(table.schema === undefined ? [] : [table.schema])].map((value) =>
      this.placeholder({ kind: 'param', value, type: { kind: 'string' } }, state),
    );
    return { sql: `SELECT "name" FROM pragma_table_info(${args.join(', ')})`, parameters: state.parameters };
  }

  toDbValue(value: unknown, type: SqlType | null): unknown {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return isoText(value);
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'bigint') {
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new DtdeTranslationError(`The bigint ${value} does not fit SQLite's 64-bit INTEGER; store a smaller value.`);
      }
      return value;
    }
    // better-sqlite3 binds every JS number as REAL; integer-typed values go as INTEGER instead, so
    // an expression such as COALESCE(qty, ?) keeps the column's storage class.
    if (typeof value === 'number' && (type?.kind === 'int' || type?.kind === 'bigint') && Number.isSafeInteger(value)) {
      return BigInt(value);
    }
    return value;
  }

  fromDbValue(type: ColumnType, raw: unknown): unknown {
    if (raw === null || raw === undefined) return null;
    switch (type.kind) {
      case 'int':
      case 'decimal':
        return Number(raw);
      case 'bigint':
        return typeof raw === 'bigint' ? raw : BigInt(raw as number | string);
      case 'boolean':
        return Number(raw) !== 0;
      case 'dateTime': {
        const date = new Date(raw as string | number);
        if (Number.isNaN(date.getTime())) {
          throw new DtdeInvalidOperationError(
            `The stored value '${String(raw)}' is not a date; dtde stores dates as ISO-8601 UTC text. Fix the row or the column mapping.`,
            { operation: 'materialize' },
          );
        }
        return date;
      }
      case 'string':
      case 'uuid':
        return String(raw);
    }
  }

  protected placeholder(param: ParamExpr, state: RenderState): string {
    const value = this.toDbValue(param.value, param.type);
    state.parameters.push({ name: String(state.parameters.length + 1), value, sqlType: sqliteParamType(param) });
    return '?';
  }

  protected renderFunction(node: FunctionCallExpr, args: readonly string[]): string {
    const [a] = args;
    switch (node.name) {
      case 'lower':
      case 'upper':
      case 'trim':
      case 'length':
        // JavaScript semantics, registered on every connection (sqlite-js-functions.ts).
        return `dtde_${node.name}(${a})`;
      case 'fmod':
        return `dtde_mod(${args.join(', ')})`;
      case 'sum_bigint':
        return `SUM(${a})`; // SQLite integers are 64-bit already
      case 'abs':
      case 'floor':
      case 'ceil':
        return `${node.name}(${a})`;
      case 'round':
        // Halves away from zero, the rule dtde's evaluator uses for Math.round (SQL's rule).
        return `round(${a})`;
      case 'least':
        return `min(${args.join(', ')})`;
      case 'greatest':
        return `max(${args.join(', ')})`;
      case 'year':
        return `CAST(strftime('%Y', ${a}) AS INTEGER)`;
      case 'month':
        return `CAST(strftime('%m', ${a}) AS INTEGER)`;
      case 'day':
        return `CAST(strftime('%d', ${a}) AS INTEGER)`;
      case 'count':
      case 'count_big':
        return args.length === 0 ? 'COUNT(*)' : `COUNT(${node.distinct ? 'DISTINCT ' : ''}${a})`;
      case 'sum':
      case 'min':
      case 'max':
        return `${node.name.toUpperCase()}(${node.distinct ? 'DISTINCT ' : ''}${a})`;
    }
  }

  /** GLOB is case-sensitive whatever the column's collation; a NOCASE column compares ASCII-lower-cased, as its `=` does. */
  protected renderStringMatch(node: StringMatchExpr, operand: string, state: RenderState): string {
    if (node.collation?.toUpperCase() === 'NOCASE') {
      const folded = matchPattern({ ...node, search: asciiLower(node.search) }, escapeGlobPattern, '*');
      return `lower(${operand}) GLOB ${this.placeholder({ kind: 'param', value: folded, type: { kind: 'string' } }, state)}`;
    }
    const pattern = matchPattern(node, escapeGlobPattern, '*');
    return `${operand} GLOB ${this.placeholder({ kind: 'param', value: pattern, type: { kind: 'string' } }, state)}`;
  }

  protected renderDivision(left: string, right: string): string {
    return `CAST(${left} AS REAL) / ${right}`;
  }
}

/** SQLite's built-in `lower()`: ASCII letters only, as `NOCASE` folds them. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function sqliteParamType(param: ParamExpr): string {
  if (param.type === null) return 'ANY';
  return param.type.kind === 'float' ? 'REAL' : sqliteDialect.columnType(param.type);
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`, refusing dates whose text would not sort (outside years 0–9999). */
function isoText(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new DtdeTranslationError(
      `The date ${Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString()} cannot be stored in SQLite: dtde stores dates as ISO text for years 0000–9999. Use a date in that range.`,
    );
  }
  // toISOString's text, built from the UTC fields: about half its cost, and a bulk insert
  // converts a date per row. Years 0–999 keep their four digits.
  return (
    `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}` +
    `T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}Z`
  );
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

/** The shared SQLite dialect instance. */
export const sqliteDialect = new SqliteDialect();
