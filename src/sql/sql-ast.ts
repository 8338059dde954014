import type { ColumnType, TableName } from '../metadata/model.js';

/**
 * A small, dialect-neutral SQL IR. The planner builds statements from these nodes, the expression
 * translator builds the expressions, and a `Dialect` renders them to text plus parameters. Nodes are
 * immutable plain objects with a `kind` discriminant. Values never appear as text: every value is a
 * `param` node and the dialect decides how it is bound.
 */

/** The SQL type hint of a parameter: a model column type, or `float` for a non-integral JS number. */
export type SqlType = ColumnType | { readonly kind: 'float' };

export interface ColumnRef {
  readonly kind: 'column';
  /** The row alias (`c`), or null for an unqualified name (e.g. an output alias in ORDER BY). */
  readonly table: string | null;
  readonly name: string;
}

/** A bound value. `type` drives the dialect's conversion and, in T-SQL, the declared type. */
export interface ParamExpr {
  readonly kind: 'param';
  readonly value: unknown;
  readonly type: SqlType | null;
  /**
   * Where the planner read the value (a params read, see src/planner/params-recorder.ts): a cached
   * plan binds the next query's value through it. Renderers ignore it.
   */
  readonly source?: object;
}

/** Fixed SQL constants only (`1 = 0`, `THEN 1 ELSE 0`, `NULL`): never user values. */
export interface LiteralExpr {
  readonly kind: 'literal';
  readonly value: 0 | 1 | null;
}

export type SqlComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
/** `/` is JavaScript division: dialects render it as floating-point division even over integers. */
export type SqlArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type SqlBinaryOp = SqlComparisonOp | SqlArithmeticOp | 'and' | 'or' | 'concat';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: SqlBinaryOp;
  readonly left: SqlExpr;
  readonly right: SqlExpr;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: 'not' | 'negate';
  readonly operand: SqlExpr;
}

/** `operand IS NULL`, or `IS NOT NULL` when `negated`. */
export interface IsNullExpr {
  readonly kind: 'isNull';
  readonly operand: SqlExpr;
  readonly negated: boolean;
}

/** `operand IN (values…)`; `values` is never empty (the translator turns `[]` into `1 = 0`). */
export interface InListExpr {
  readonly kind: 'inList';
  readonly operand: SqlExpr;
  readonly values: readonly SqlExpr[];
  readonly negated: boolean;
}

/**
 * Case-sensitive string matching as JavaScript's `startsWith` / `endsWith` / `includes`. `search`
 * holds the raw (unescaped) text; each dialect builds its own pattern: SQLite uses `GLOB` (LIKE is
 * case-insensitive there), SQL Server uses `LIKE … ESCAPE '\'`.
 */
export interface StringMatchExpr {
  readonly kind: 'stringMatch';
  readonly mode: 'startsWith' | 'endsWith' | 'contains';
  readonly operand: SqlExpr;
  readonly search: string;
  /** The operand column's declared collation, when it has one: a dialect may need another LIKE for it. */
  readonly collation?: string;
}

export type SqlFunctionName =
  | 'lower'
  | 'upper'
  | 'trim'
  | 'length'
  | 'abs'
  | 'round'
  | 'floor'
  | 'ceil'
  | 'least'
  | 'greatest'
  | 'year'
  | 'month'
  | 'day'
  | 'count'
  | 'count_big'
  | 'sum'
  | 'min'
  | 'max'
  /** JavaScript `%` on non-integers (SQLite's `%` truncates its operands to integers). */
  | 'fmod'
  /** SUM of 32-bit integers in 64 bits (T-SQL's SUM of an int is an int and overflows). */
  | 'sum_bigint';

/**
 * An abstract function; dialects map names to their spelling. `count`/`count_big` with no
 * arguments are `COUNT(*)`. `round` rounds halves away from zero (SQL's rule, which dtde's evaluator
 * also uses for `Math.round`).
 */
export interface FunctionCallExpr {
  readonly kind: 'function';
  readonly name: SqlFunctionName;
  readonly args: readonly SqlExpr[];
  readonly distinct?: boolean;
  /**
   * The type of the argument, where a dialect spells the function by it: MIN/MAX of a boolean
   * (SQL Server has no MAX of bit). Set by the planner on aggregates.
   */
  readonly argType?: SqlType;
}

export interface CaseExpr {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: SqlExpr; readonly then: SqlExpr }[];
  /** Null renders no ELSE (SQL's NULL). */
  readonly else: SqlExpr | null;
}

export interface CoalesceExpr {
  readonly kind: 'coalesce';
  readonly args: readonly SqlExpr[];
}

export type SqlExpr =
  | ColumnRef
  | ParamExpr
  | LiteralExpr
  | BinaryExpr
  | UnaryExpr
  | IsNullExpr
  | InListExpr
  | StringMatchExpr
  | FunctionCallExpr
  | CaseExpr
  | CoalesceExpr;

export type SqlExprKind = SqlExpr['kind'];

export interface SelectItem {
  readonly expr: SqlExpr;
  /** Output column name; null keeps the database's default (only sensible for plain columns). */
  readonly alias: string | null;
}

export interface OrderItem {
  readonly expr: SqlExpr;
  readonly descending: boolean;
  /**
   * The key is never null (a column of a property that is not nullable): a dialect whose engine
   * places nulls otherwise than dtde (PostgreSQL: last when ascending) need not say where they go,
   * and an ordering that says nothing is one an ordinary index on the column can serve.
   */
  readonly notNull?: boolean;
}

/** `SELECT [DISTINCT] … FROM table AS alias [WHERE] [GROUP BY] [ORDER BY] [limit/offset]`. */
export interface SelectStatement {
  readonly kind: 'select';
  readonly from: { readonly table: TableName; readonly alias: string };
  /** `'*'` selects every column of the table. */
  readonly columns: readonly SelectItem[] | '*';
  readonly where: SqlExpr | null;
  readonly groupBy: readonly SqlExpr[];
  readonly orderBy: readonly OrderItem[];
  readonly limit: number | null;
  readonly offset: number | null;
  readonly distinct: boolean;
}

export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** Database-generated identity; only valid on a single-column integer primary key. */
  readonly generated: boolean;
}

/** Idempotent `CREATE TABLE` (does nothing when the table exists). */
export interface CreateTableStatement {
  readonly kind: 'createTable';
  readonly table: TableName;
  readonly columns: readonly ColumnDefinition[];
  /** Column names of the primary key, in order. */
  readonly primaryKey: readonly string[];
}

/** Idempotent `DROP TABLE` (does nothing when the table is missing). */
export interface DropTableStatement {
  readonly kind: 'dropTable';
  readonly table: TableName;
}

/**
 * `INSERT INTO table (columns…) VALUES (…), (…)`: several rows in one statement. Each row holds one
 * expression per column, in `columns` order; values are `param` nodes (typed with the column type,
 * so the dialect converts them as the column stores them). A statement must stay within the
 * dialect's `maxRowsPerInsert` and `maxParametersPerStatement`: the caller splits larger loads.
 */
export interface InsertStatement {
  readonly kind: 'insert';
  readonly table: TableName;
  /** Column names (not property names); generated (identity) columns are left out. */
  readonly columns: readonly string[];
  /** At least one row; every row has exactly `columns.length` expressions. */
  readonly rows: readonly (readonly SqlExpr[])[];
  /**
   * Columns whose stored values the statement returns (database-generated keys), one row per
   * inserted row. Engines do not promise the order of returned rows, so a statement that asks
   * for them carries one row.
   */
  readonly returning?: readonly string[];
}

/** One `column = value` of an UPDATE; `value` may read the row being updated through the alias. */
export interface Assignment {
  readonly column: string;
  readonly value: SqlExpr;
}

/** `UPDATE table AS alias SET column = value, … WHERE …`; a null `where` updates every row. */
export interface UpdateStatement {
  readonly kind: 'update';
  readonly table: TableName;
  readonly alias: string;
  /** At least one assignment; column names, not property names. */
  readonly set: readonly Assignment[];
  readonly where: SqlExpr | null;
}

/** `DELETE FROM table AS alias WHERE …`; a null `where` deletes every row. */
export interface DeleteStatement {
  readonly kind: 'delete';
  readonly table: TableName;
  readonly alias: string;
  readonly where: SqlExpr | null;
}

/** A `SelectStatement` with every field defaulted except `from`; spreads `parts` over it. */
export function selectStatement(
  from: SelectStatement['from'],
  parts: Partial<Omit<SelectStatement, 'kind' | 'from'>> = {},
): SelectStatement {
  return {
    kind: 'select',
    from,
    columns: '*',
    where: null,
    groupBy: [],
    orderBy: [],
    limit: null,
    offset: null,
    distinct: false,
    ...parts,
  };
}

/** Small constructors so translators and tests read like the SQL they build. */
/** SUM of a translated value: int sums are widened to 64 bits, which T-SQL does not do by itself. */
export function sumOf(value: { readonly sql: SqlExpr; readonly type: SqlType | null }): FunctionCallExpr {
  return { kind: 'function', name: value.type?.kind === 'int' ? 'sum_bigint' : 'sum', args: [value.sql] };
}

export const sql = {
  column: (table: string | null, name: string): ColumnRef => ({ kind: 'column', table, name }),
  param: (value: unknown, type: SqlType | null = null): ParamExpr => ({ kind: 'param', value, type }),
  literal: (value: 0 | 1 | null): LiteralExpr => ({ kind: 'literal', value }),
  binary: (op: SqlBinaryOp, left: SqlExpr, right: SqlExpr): BinaryExpr => ({ kind: 'binary', op, left, right }),
  and: (left: SqlExpr, right: SqlExpr): BinaryExpr => ({ kind: 'binary', op: 'and', left, right }),
  or: (left: SqlExpr, right: SqlExpr): BinaryExpr => ({ kind: 'binary', op: 'or', left, right }),
  not: (operand: SqlExpr): UnaryExpr => ({ kind: 'unary', op: 'not', operand }),
  isNull: (operand: SqlExpr, negated = false): IsNullExpr => ({ kind: 'isNull', operand, negated }),
  fn: (name: SqlFunctionName, ...args: SqlExpr[]): FunctionCallExpr => ({ kind: 'function', name, args }),
  /** `1 = 1`: a predicate that is always true (portable; T-SQL has no boolean literals). */
  alwaysTrue: (): BinaryExpr => ({ kind: 'binary', op: '=', left: sql.literal(1), right: sql.literal(1) }),
  /** `1 = 0`: a predicate that is always false. */
  alwaysFalse: (): BinaryExpr => ({ kind: 'binary', op: '=', left: sql.literal(1), right: sql.literal(0) }),
};

/**
 * A visitor over every SQL expression kind: a missing kind is a compile error, so adding a node
 * kind forces every renderer to handle it.
 */
export type SqlExprVisitor<R> = { readonly [K in SqlExprKind]: (node: Extract<SqlExpr, { kind: K }>) => R };

/** Dispatches `node` to the visitor entry for its kind. */
export function visitSqlExpr<R>(node: SqlExpr, visitor: SqlExprVisitor<R>): R {
  return (visitor[node.kind] as (n: SqlExpr) => R)(node);
}
