import { DtdeInvalidOperationError } from '../../errors/dtde-invalid-operation-error.js';
import { isMssqlCollation } from './mssql-collation.js';
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
import type { BoundParameter, RenderedSql } from '../../sql/dialect.js';
import { RenderState, SqlRenderer, matchPattern } from '../../sql/sql-renderer.js';
import { registerDialect } from '../dialect-registry.js';
import { compareMssqlUuid } from './compare-mssql-uuid.js';
import { mssqlParameterType } from './mssql-parameter-type.js';

/**
 * SQL Server's dialect (T-SQL): `[bracket]` quoting, named `@p0…` parameters declared with their
 * SQL types for `sp_executesql`, `TOP (@p)` for a limit, `OFFSET … FETCH` (with `ORDER BY (SELECT
 * NULL)` when the statement has no order) for paging, `LIKE … ESCAPE '\'` for string matching,
 * and idempotent DDL guarded by `OBJECT_ID`.
 *
 * Collation: whether `=` and `LIKE` are case-sensitive depends on the column's collation (the
 * usual `_CI_` collations are not); dtde does not change that here. `=` also ignores trailing
 * spaces (ANSI padding), unlike JavaScript.
 *
 * @example
 * const { sql, parameters } = mssqlDialect.renderSelect(stmt);
 * mssqlParameterDeclarations(parameters); // "@p0 int, @p1 nvarchar(8)"
 */
export class MssqlDialect extends SqlRenderer {
  readonly name = 'mssql' as const;
  readonly parameterStyle = 'named' as const;
  /**
   * @param columnCollation What `mssql({ collation })` gives string columns that declare none;
   * without it they take the database's default.
   */
  constructor(readonly columnCollation?: string) {
    super();
  }

  /**
   * What a column without a declared collation has: `mssql({ collation })`, or the database's
   * default, assumed to be SQL Server's installation default (case-insensitive, accent-sensitive).
   */
  get defaultCollation(): string {
    return this.columnCollation ?? 'SQL_Latin1_General_CP1_CI_AS';
  }
  /**
   * SQL Server takes 2100 parameters per request, and `sp_executesql` spends two of them on the
   * statement text and the declaration list.
   */
  readonly maxParametersPerStatement = 2098;
  /** A table value constructor (`VALUES (…), (…)`) holds at most 1000 rows. */
  readonly maxRowsPerInsert = 1000;
  protected readonly concatOperator = '+';

  quoteIdentifier(name: string): string {
    return `[${name.replace(/]/g, ']]')}]`;
  }

  columnType(type: ColumnType): string {
    switch (type.kind) {
      case 'int':
        return 'int';
      case 'bigint':
        return 'bigint';
      case 'decimal':
        return `decimal(${type.precision},${type.scale})`;
      case 'string':
        return type.maxLength !== undefined && type.maxLength <= 4000 ? `nvarchar(${type.maxLength})` : 'nvarchar(max)';
      case 'boolean':
        return 'bit';
      case 'dateTime':
        return 'datetime2(7)';
      case 'uuid':
        return 'uniqueidentifier';
    }
  }

  renderSelect(statement: SelectStatement): RenderedSql {
    const state = new RenderState();
    const paging = statement.offset !== null;
    let sql = `SELECT ${statement.distinct ? 'DISTINCT ' : ''}`;
    // TOP comes before the select list, so its parameter is @p0 when present.
    if (statement.limit !== null && !paging) sql += `TOP (${this.countParam(statement.limit, state)}) `;
    // OFFSET needs an ORDER BY; (SELECT NULL) asks for none in particular.
    const orderBy = paging && statement.orderBy.length === 0 ? ['(SELECT NULL)'] : [];
    sql += this.selectBody(statement, state, orderBy);
    if (paging) {
      sql += ` OFFSET ${this.countParam(statement.offset ?? 0, state)} ROWS`;
      if (statement.limit !== null) sql += ` FETCH NEXT ${this.countParam(statement.limit, state)} ROWS ONLY`;
    }
    return { sql, parameters: state.parameters };
  }

  /** Windows and SQL collation names with their case/accent flags (`Latin1_General_100_CI_AS`) or binary (`_BIN2`). */
  acceptsCollation(name: string): boolean {
    return isMssqlCollation(name);
  }

  renderCreateTable(statement: CreateTableStatement): RenderedSql {
    const columns = statement.columns.map((c) => {
      const collation = c.type.kind === 'string' ? (c.type.collation ?? this.columnCollation) : undefined;
      const collate = collation !== undefined ? ` COLLATE ${collation}` : '';
      return `${this.quoteIdentifier(c.name)} ${this.columnType(c.type)}${collate}${c.generated ? ' IDENTITY(1,1)' : ''}${c.nullable ? ' NULL' : ' NOT NULL'}`;
    });
    if (statement.primaryKey.length > 0) {
      columns.push(
        `CONSTRAINT ${this.quoteIdentifier(`PK_${statement.table.name}`)} PRIMARY KEY (${statement.primaryKey.map((k) => this.quoteIdentifier(k)).join(', ')})`,
      );
    }
    const table = this.quoteTable(statement.table);
    const create = `IF ${this.objectIdTest(statement.table)} IS NULL CREATE TABLE ${table} (${columns.join(', ')})`;
    const schema = statement.table.schema;
    if (schema === undefined) return { sql: create, parameters: [] };
    // CREATE SCHEMA must be alone in its batch, hence EXEC.
    const createSchema = nText(`CREATE SCHEMA ${this.quoteIdentifier(schema)}`);
    return { sql: `IF SCHEMA_ID(${nText(schema)}) IS NULL EXEC(${createSchema}); ${create}`, parameters: [] };
  }

  renderDropTable(statement: DropTableStatement): RenderedSql {
    return { sql: `IF ${this.objectIdTest(statement.table)} IS NOT NULL DROP TABLE ${this.quoteTable(statement.table)}`, parameters: [] };
  }

  override renderTableNames(): RenderedSql {
    return {
      sql: "SELECT TABLE_NAME AS name FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_TYPE = 'BASE TABLE'",
      parameters: [],
    };
  }

  /** Upper-case catalog names (a case-sensitive collation needs them); unqualified tables are in `SCHEMA_NAME()`. */
  override renderTableColumns(table: TableName): RenderedSql {
    const state = new RenderState();
    const text = (value: string) => this.placeholder({ kind: 'param', value, type: { kind: 'string' } }, state);
    const name = text(table.name);
    const schema = table.schema === undefined ? 'SCHEMA_NAME()' : text(table.schema);
    return {
      sql: `SELECT COLUMN_NAME AS name FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = ${name} AND TABLE_SCHEMA = ${schema}`,
      parameters: state.parameters,
    };
  }

  /** `uniqueidentifier` orders by byte groups, the last six bytes first; the rest as dtde's default. */
  orderComparer(type: SqlType): ((a: unknown, b: unknown) => number) | undefined {
    return type.kind === 'uuid' ? compareMssqlUuid : undefined;
  }

  /** Dates, numbers, strings and booleans go to the driver (tedious) as they are; bigints as text. */
  toDbValue(value: unknown, type: SqlType | null): unknown {
    if (value === null || value === undefined) return null;
    // tedious takes BigInt values as strings, which keeps all 64 bits.
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && type?.kind === 'bigint') return String(value);
    return value;
  }

  fromDbValue(type: ColumnType, raw: unknown): unknown {
    if (raw === null || raw === undefined) return null;
    switch (type.kind) {
      case 'int':
      case 'decimal':
        return Number(raw);
      case 'bigint':
        // tedious returns bigint columns as strings.
        return BigInt(raw as string | number | bigint);
      case 'boolean':
        return typeof raw === 'boolean' ? raw : Number(raw) !== 0;
      case 'dateTime': {
        const date = raw instanceof Date ? raw : new Date(raw as string);
        if (Number.isNaN(date.getTime())) {
          throw new DtdeInvalidOperationError(`The value '${String(raw)}' returned for a datetime2 column is not a date.`, {
            operation: 'materialize',
          });
        }
        return date;
      }
      case 'string':
        return String(raw);
      case 'uuid':
        // SQL Server returns uniqueidentifier in upper case; JavaScript (crypto.randomUUID) uses lower.
        return String(raw).toLowerCase();
    }
  }

  // SQL Server names the generated values with OUTPUT before VALUES, reads the alias of an UPDATE
  // or DELETE from a FROM clause, and has no AS alias right after the target table.
  protected override insertText(table: string, columnList: string, values: readonly string[], returning: readonly string[]): string {
    const output = returning.length === 0 ? '' : ` OUTPUT ${returning.map((c) => `INSERTED.${this.quoteIdentifier(c)}`).join(', ')}`;
    return `INSERT INTO ${table} (${columnList})${output} VALUES ${values.join(', ')}`;
  }

  protected override updateText(table: string, alias: string, assignments: readonly string[], where: string | null): string {
    return `UPDATE ${alias} SET ${assignments.join(', ')} FROM ${table} AS ${alias}${where === null ? '' : ` WHERE ${where}`}`;
  }

  protected override deleteText(table: string, alias: string, where: string | null): string {
    return `DELETE ${alias} FROM ${table} AS ${alias}${where === null ? '' : ` WHERE ${where}`}`;
  }

  protected placeholder(param: ParamExpr, state: RenderState): string {
    // The same parameter node rendered twice (a group key in SELECT and in GROUP BY) keeps one
    // name: SQL Server matches GROUP BY expressions by text, and @p0 vs @p1 would not match.
    const known = state.names.get(param);
    if (known !== undefined) return known;
    const name = `@p${state.parameters.length}`;
    state.parameters.push({ name, value: this.toDbValue(param.value, param.type), sqlType: mssqlParameterType(param) });
    state.names.set(param, name);
    return name;
  }

  private countParam(count: number, state: RenderState): string {
    return this.placeholder(
      { kind: 'param', value: count, type: { kind: Number.isSafeInteger(count) && count <= 2147483647 ? 'int' : 'bigint' } },
      state,
    );
  }

  private objectIdTest(table: TableName): string {
    // The quoted name goes inside an N'' literal, so its quotes are doubled.
    return `OBJECT_ID(${nText(this.quoteTable(table))}, N'U')`;
  }

  protected renderFunction(node: FunctionCallExpr, args: readonly string[]): string {
    const [a] = args;
    switch (node.name) {
      case 'lower':
      case 'upper':
      case 'abs':
      case 'floor':
        return `${node.name.toUpperCase()}(${a})`;
      case 'ceil':
        return `CEILING(${a})`;
      case 'trim':
        return `LTRIM(RTRIM(${a}))`;
      case 'length':
        // LEN ignores trailing spaces and counts by collation; bytes / 2 of an nvarchar is the
        // number of UTF-16 code units, which is JavaScript's length.
        return `(DATALENGTH(${a}) / 2)`;
      case 'round':
        // Halves away from zero, the rule dtde's evaluator uses for Math.round (SQL's rule).
        return `ROUND(${a}, 0)`;
      case 'least':
      case 'greatest':
        return extremum(args, node.name === 'least' ? '<=' : '>=');
      case 'year':
      case 'month':
      case 'day':
        return `${node.name.toUpperCase()}(${a})`;
      case 'sum_bigint':
        return `SUM(CAST(${args[0]} AS bigint))`;
      case 'fmod': {
        // JavaScript's % on doubles (the remainder keeps the dividend's sign; by zero it is NULL, as
        // in the evaluator). T-SQL refuses % on float operands (Msg 8117), so it is spelled out with
        // ROUND(…, 0, 1), which truncates. Like every double remainder computed this way it can
        // differ from JavaScript's exact one when x / y rounds up to a whole number (1 % 0.1).
        const x = `CAST(${args[0]} AS float)`;
        const y = `CAST(${args[1]} AS float)`;
        return `(${x} - ${y} * ROUND(${x} / NULLIF(${y}, 0), 0, 1))`;
      }
      case 'count':
      case 'count_big':
        return `${node.name.toUpperCase()}(${args.length === 0 ? '*' : `${node.distinct ? 'DISTINCT ' : ''}${a}`})`;
      case 'min':
      case 'max':
        // T-SQL has no MIN/MAX of bit (Msg 8117): compare as tinyint, read back as bit.
        if (node.argType?.kind === 'boolean') return `CAST(${node.name.toUpperCase()}(CAST(${a} AS tinyint)) AS bit)`;
        return `${node.name.toUpperCase()}(${node.distinct ? 'DISTINCT ' : ''}${a})`;
      case 'sum':
        return `${node.name.toUpperCase()}(${node.distinct ? 'DISTINCT ' : ''}${a})`;
    }
  }

  /**
   * `LIKE` with the value's wildcards in brackets (`[%]`, `[_]`, `[[]`), SQL Server's documented
   * literal form; `ESCAPE` would do on SQL Server, but Babelfish ignores an escaped `%` or `_` after
   * a leading `%`, and brackets work on both.
   */
  protected renderStringMatch(node: StringMatchExpr, operand: string, state: RenderState): string {
    const pattern = matchPattern(node, (s) => s.replace(/[%_[]/g, (c) => `[${c}]`), '%');
    return `${operand} LIKE ${this.placeholder({ kind: 'param', value: pattern, type: { kind: 'string' } }, state)}`;
  }

  /** By zero SQL Server raises Msg 8134 (ANSI_WARNINGS); dtde's answer is NULL, hence NULLIF. */
  protected renderDivision(left: string, right: string): string {
    return `CAST(${left} AS float) / NULLIF(${right}, 0)`;
  }

  protected override renderRemainder(left: string, right: string): string {
    return `${left} % NULLIF(${right}, 0)`;
  }
}

/** `text` as a T-SQL N'' literal (for catalog names built from validated identifiers, never values). */
function nText(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

/** Math.min/Math.max over SQL values: NULL when any argument is NULL, as SQLite's min()/max(). */
function extremum(args: readonly string[], op: '<=' | '>='): string {
  return args.reduce(
    (acc, next) => `CASE WHEN ${acc} IS NULL OR ${next} IS NULL THEN NULL WHEN ${acc} ${op} ${next} THEN ${acc} ELSE ${next} END`,
  );
}

/**
 * The parameter declaration list `sp_executesql` takes as its second argument, without the N''
 * quoting: `@p0 int, @p1 nvarchar(8)`.
 *
 * @example
 * mssqlParameterDeclarations(mssqlDialect.renderSelect(stmt).parameters);
 */
export function mssqlParameterDeclarations(parameters: readonly BoundParameter[]): string {
  return parameters.map((p) => `${p.name} ${p.sqlType}`).join(', ');
}

/**
 * A whole `EXEC sp_executesql N'…', N'@p0 int, …'` batch for logs and `toQueryString()`; the values
 * are not included (they are bound by the driver).
 */
export function mssqlExecuteSqlText(rendered: RenderedSql): string {
  const quote = (s: string) => `N'${s.replace(/'/g, "''")}'`;
  if (rendered.parameters.length === 0) return `EXEC sp_executesql ${quote(rendered.sql)}`;
  return `EXEC sp_executesql ${quote(rendered.sql)}, ${quote(mssqlParameterDeclarations(rendered.parameters))}`;
}

/** The shared SQL Server dialect instance. */
export const mssqlDialect = new MssqlDialect();

// Known by name from the moment dtde is imported: `toQueryString({ dialect: 'mssql' })`.
registerDialect(mssqlDialect);
