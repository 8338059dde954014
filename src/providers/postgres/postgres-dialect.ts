import { DtdeInvalidOperationError } from '../../errors/dtde-invalid-operation-error.js';
import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { ColumnType } from '../../metadata/model.js';
import type {
  BinaryExpr,
  CaseExpr,
  CreateTableStatement,
  DropTableStatement,
  FunctionCallExpr,
  ParamExpr,
  SelectStatement,
  SqlExpr,
  SqlExprVisitor,
  SqlType,
  StringMatchExpr,
  UnaryExpr,
} from '../../sql/sql-ast.js';
import type { RenderedSql } from '../../sql/dialect.js';
import { RenderState, SqlRenderer, escapeLikePattern, matchPattern } from '../../sql/sql-renderer.js';
import { registerDialect } from '../dialect-registry.js';
import { isFlagCase, isZeroOrOne, renderPostgresFunction, WIDEN } from './postgres-functions.js';

/** An ICU locale tag PostgreSQL can name a collation by: `und-u-ks-level2`, `en-x-icu`. */
function isIcuTag(name: string): boolean {
  return /^([a-z]{2,3}|und)(-[a-z0-9]{2,8})*?(-u(-[a-z0-9]{2,8})+)?(-x-icu)?$/i.test(name) && /-u-|-x-icu$/i.test(name);
}

/** ICU strength 1 or 2: strings that differ only in case (and accents, at 1) are equal. */
function isNondeterministic(collation: string): boolean {
  return /(^|-)ks-level[12]($|-)/i.test(collation);
}

/** PostgreSQL truncates longer identifiers silently (NAMEDATALEN - 1), so two names could become one. */
const MAX_IDENTIFIER_BYTES = 63;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The collation dtde gives string columns it creates: byte order of UTF-8, which is code-point
 * order, the order the in-memory evaluator and the k-way merge use.
 */
export const POSTGRES_STRING_COLLATION = 'C';

// Identifiers already quoted: a query renders the same few model names each time, and measuring
// each one's UTF-8 length (PostgreSQL cuts names at 63 bytes) was a tenth of rendering a lookup.
const quotedNames = new Map<string, string>();
const MAX_QUOTED_NAMES = 10_000;

/**
 * PostgreSQL's dialect. Storage choices (what `toDbValue` binds and `fromDbValue` reads back):
 * - string: `varchar(n)` or `text`, `COLLATE "C"`, so `<`, `ORDER BY`, `MIN` and `MAX` compare
 *   by code point as JavaScript's evaluator and dtde's merge do, and `=` is exact;
 * - dateTime: `timestamptz`, bound as ISO-8601 UTC text (years 1 to 9999); read as a `Date`;
 * - decimal: `numeric(p,s)`; the driver returns the exact text and `fromDbValue` turns it into
 *   the JavaScript number dtde promises for decimals (the nearest double, as SQLite's REAL);
 * - bigint: `bigint`, bound as decimal text (all 64 bits); read as a `bigint`;
 * - boolean: `boolean`; uuid: `uuid`, read in lower case; int: `integer`.
 *
 * Parameters are positional `$1`, `$2`… with an explicit cast from the model type (`$1::text`,
 * `$2::timestamptz`, integers as `int8` so arithmetic does not overflow at 2^31), so PostgreSQL
 * never has to guess a type. The same parameter node rendered twice (a group key in SELECT and in
 * GROUP BY) keeps one number, so the two expressions stay equal.
 *
 * Where PostgreSQL's built-ins disagree with JavaScript, this dialect renders what gives the
 * in-memory evaluator's answer: `/` and `%` by zero are NULL, `/` is floating point, `%` on
 * non-integers is JavaScript's remainder, `Math.round` rounds halves away from zero exactly,
 * `.length` counts UTF-16 code units, `toUpperCase`/`toLowerCase` use Unicode case mapping (ICU's
 * root locale, whatever the database's `LC_CTYPE`), `trim` removes JavaScript's whitespace set,
 * dates read their parts in UTC, and `startsWith`/`endsWith`/`includes` are case-sensitive `LIKE`
 * with `\`, `%` and `_` escaped.
 *
 * @example
 * ```ts
 * const { sql, parameters } = postgresDialect.renderSelect(statement);
 * // SELECT * FROM "Customers_EU" AS "c" WHERE "c"."region" = $1::text LIMIT $2::int8
 * ```
 */
export class PostgresDialect extends SqlRenderer {
  readonly name = 'postgres' as const;
  readonly parameterStyle = 'positional' as const;
  /** @internal A parameter's cast comes from its type, never its value. */
  override readonly textIgnoresValues = true;
  /** The collation dtde's string columns get when the model declares none. */
  readonly defaultCollation = POSTGRES_STRING_COLLATION;
  /** The Bind message counts parameters in 16 bits. */
  readonly maxParametersPerStatement = 65535;
  /** A multi-row VALUES is bounded only by its parameters. */
  readonly maxRowsPerInsert = 65535;
  protected readonly concatOperator = '||';

  quoteIdentifier(name: string): string {
    const known = quotedNames.get(name);
    if (known !== undefined) return known;
    const quoted = this.checkedQuote(name);
    if (quotedNames.size >= MAX_QUOTED_NAMES) quotedNames.clear();
    quotedNames.set(name, quoted);
    return quoted;
  }

  private checkedQuote(name: string): string {
    if (name.includes('\0')) throw new DtdeTranslationError('A PostgreSQL identifier cannot contain a NUL character.');
    if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
      throw new DtdeTranslationError(
        `The identifier '${name}' is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes; PostgreSQL would silently cut it. ` +
          'Choose a shorter table, column or alias name (the context option maxIdentifierLength: 63 checks model names up front).',
      );
    }
    return `"${name.replace(/"/g, '""')}"`;
  }

  columnType(type: ColumnType): string {
    switch (type.kind) {
      case 'int':
        return 'integer';
      case 'bigint':
        return 'bigint';
      case 'decimal':
        return `numeric(${type.precision},${type.scale})`;
      case 'string':
        return type.maxLength !== undefined && type.maxLength <= 10_485_760 ? `varchar(${type.maxLength})` : 'text';
      case 'boolean':
        return 'boolean';
      case 'dateTime':
        return 'timestamptz';
      case 'uuid':
        return 'uuid';
    }
  }

  renderSelect(statement: SelectStatement): RenderedSql {
    const state = new RenderState();
    let sql = `SELECT ${statement.distinct ? 'DISTINCT ' : ''}${this.postgresSelectBody(statement, state)}`;
    if (statement.limit !== null) sql += ` LIMIT ${this.countParam(statement.limit, state)}`;
    if (statement.offset !== null) sql += ` OFFSET ${this.countParam(statement.offset, state)}`;
    return { sql, parameters: state.parameters };
  }

  /** Code-point collations and ICU locale tags (`und-u-ks-level2`, `de-x-icu`); see `renderCreateTable`. */
  acceptsCollation(name: string): boolean {
    return /^(c|posix|ucs_basic)$/i.test(name) || isIcuTag(name);
  }

  /**
   * `CREATE TABLE IF NOT EXISTS`, string columns `COLLATE` their declared collation or `"C"`. A
   * declared ICU tag with a `-u-` extension (`und-u-ks-level2`) is created first when missing, as
   * an ICU collation of that name, nondeterministic at strength 1 or 2 (so `=` ignores case).
   */
  renderCreateTable(statement: CreateTableStatement): RenderedSql {
    const collations = new Set<string>();
    const columns = statement.columns.map((c) => {
      if (c.generated) {
        if (c.type.kind !== 'int' && c.type.kind !== 'bigint') {
          throw new DtdeTranslationError(
            `Column '${c.name}' of ${statement.table.name} is generated but is ${c.type.kind}; PostgreSQL generates integer and bigint identities only.`,
          );
        }
        return `${this.quoteIdentifier(c.name)} ${this.columnType(c.type)} GENERATED BY DEFAULT AS IDENTITY`;
      }
      if (c.type.kind === 'string' && c.type.collation !== undefined && /-u-/i.test(c.type.collation)) collations.add(c.type.collation);
      const collate = c.type.kind === 'string' ? ` COLLATE ${this.quoteIdentifier(c.type.collation ?? POSTGRES_STRING_COLLATION)}` : '';
      return `${this.quoteIdentifier(c.name)} ${this.columnType(c.type)}${collate}${c.nullable ? '' : ' NOT NULL'}`;
    });
    if (statement.primaryKey.length > 0) {
      columns.push(`PRIMARY KEY (${statement.primaryKey.map((k) => this.quoteIdentifier(k)).join(', ')})`);
    }
    const create = `CREATE TABLE IF NOT EXISTS ${this.quoteTable(statement.table)} (${columns.join(', ')})`;
    const schema = statement.table.schema;
    const before = [...collations].map(
      (name) =>
        `CREATE COLLATION IF NOT EXISTS ${this.quoteIdentifier(name)} (provider = icu, locale = '${name}', deterministic = ${isNondeterministic(name) ? 'false' : 'true'}); `,
    );
    if (schema !== undefined) before.push(`CREATE SCHEMA IF NOT EXISTS ${this.quoteIdentifier(schema)}; `);
    return { sql: before.join('') + create, parameters: [] };
  }

  renderDropTable(statement: DropTableStatement): RenderedSql {
    return { sql: `DROP TABLE IF EXISTS ${this.quoteTable(statement.table)}`, parameters: [] };
  }

  /**
   * A computed value over a decimal column (`o.total * 2`) is exact `numeric` in PostgreSQL, and
   * the driver returns it as its exact text where dtde expects a floating-point number: the merge
   * of shard answers orders such fields by their numeric value, exactly, as PostgreSQL did.
   */
  orderComparer(type: SqlType): ((a: unknown, b: unknown) => number) | undefined {
    return type.kind === 'float' ? compareNumericValues : undefined;
  }

  toDbValue(value: unknown, type: SqlType | null): unknown {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return isoText(value);
    if (typeof value === 'bigint') {
      if ((type?.kind === 'int' || type?.kind === 'bigint') && (value < INT64_MIN || value > INT64_MAX)) {
        throw new DtdeTranslationError(`The bigint ${value} does not fit PostgreSQL's 64-bit bigint; store a smaller value.`);
      }
      return value.toString();
    }
    if (typeof value === 'number') {
      // Integers as exact digits ('1e+21' is not bigint input); others as JavaScript prints them.
      if ((type?.kind === 'int' || type?.kind === 'bigint') && Number.isInteger(value)) return BigInt(value).toString();
      return String(value);
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
        if (typeof raw === 'boolean') return raw;
        if (typeof raw === 'string') return raw === 't' || raw === 'true' || raw === '1';
        return Number(raw) !== 0;
      case 'dateTime': {
        const date = raw instanceof Date ? raw : new Date(raw as string);
        if (Number.isNaN(date.getTime())) {
          throw new DtdeInvalidOperationError(
            `The value '${String(raw)}' returned for a timestamptz column is not a date. Fix the row or the column mapping.`,
            { operation: 'materialize' },
          );
        }
        return date;
      }
      case 'string':
        return String(raw);
      case 'uuid':
        return String(raw).toLowerCase();
    }
  }

  protected placeholder(param: ParamExpr, state: RenderState): string {
    // One number per node: PostgreSQL matches GROUP BY and DISTINCT expressions by structure, and
    // $1 and $2 are different expressions even when their values are equal.
    const known = state.names.get(param);
    if (known !== undefined) return known;
    const position = state.parameters.length + 1;
    const sqlType = postgresParameterType(param.type);
    state.parameters.push({ name: String(position), value: this.toDbValue(param.value, param.type), sqlType });
    const text = sqlType === 'unknown' ? `$${position}` : `$${position}::${sqlType}`;
    state.names.set(param, text);
    return text;
  }

  protected override visitor(state: RenderState): SqlExprVisitor<string> {
    const base = super.visitor(state);
    return {
      ...base,
      binary: (n) => this.renderBinary(n, state, base),
      unary: (n) => this.renderUnary(n, state, base),
      case: (n) => (isFlagCase(n) ? this.renderFlagCase(n, state) : base.case(n)),
    };
  }

  protected renderFunction(node: FunctionCallExpr, args: readonly string[]): string {
    return renderPostgresFunction(node, args);
  }

  /**
   * Case-sensitive `LIKE`; on a column of a nondeterministic collation (which PostgreSQL's LIKE
   * refuses) case-insensitive `ILIKE` under ICU's root collation, as the column's `=` ignores case.
   */
  protected renderStringMatch(node: StringMatchExpr, operand: string, state: RenderState): string {
    const pattern = matchPattern(node, (s) => escapeLikePattern(s, false), '%');
    if (node.collation !== undefined && isNondeterministic(node.collation)) {
      return `(${operand} COLLATE "und-x-icu") ILIKE ${this.placeholder({ kind: 'param', value: pattern, type: { kind: 'string' } }, state)} ESCAPE E'\\\\'`;
    }
    return `${operand} LIKE ${this.placeholder({ kind: 'param', value: pattern, type: { kind: 'string' } }, state)} ESCAPE E'\\\\'`;
  }

  protected renderDivision(left: string, right: string): string {
    return `CAST(${left} AS double precision) / NULLIF(${right}, 0)`;
  }

  /**
   * The select list, FROM, WHERE, GROUP BY and ORDER BY, as `selectBody` renders them except for
   * the order: nulls first ascending and last descending (dtde's order, which the merge and the
   * evaluator use; PostgreSQL's default is the opposite), and under DISTINCT an order key equal to
   * a select item is written as that item's alias, since PostgreSQL requires DISTINCT's order keys
   * to be select items and `$2` differs from `$1` even when their values are equal.
   */
  private postgresSelectBody(statement: SelectStatement, state: RenderState): string {
    const r = (n: SqlExpr) => this.renderExpression(n, state);
    const items = statement.columns === '*' ? [] : statement.columns;
    const columns =
      statement.columns === '*'
        ? '*'
        : items.map((c) => (c.alias === null ? r(c.expr) : `${r(c.expr)} AS ${this.quoteIdentifier(c.alias)}`)).join(', ');
    let text = `${columns} FROM ${this.quoteTable(statement.from.table)} AS ${this.quoteIdentifier(statement.from.alias)}`;
    if (statement.where !== null) text += ` WHERE ${r(statement.where)}`;
    if (statement.groupBy.length > 0) text += ` GROUP BY ${statement.groupBy.map(r).join(', ')}`;
    const order = statement.orderBy.map((o) => {
      const selected = statement.distinct ? items.find((c) => c.alias !== null && sameExpr(c.expr, o.expr)) : undefined;
      const key = selected !== undefined ? this.quoteIdentifier(selected.alias!) : r(o.expr);
      // Said only where a null can be: `ORDER BY name NULLS FIRST` cannot use an index on (name).
      if (o.notNull) return `${key}${o.descending ? ' DESC' : ' ASC'}`;
      return `${key}${o.descending ? ' DESC NULLS LAST' : ' ASC NULLS FIRST'}`;
    });
    if (order.length > 0) text += ` ORDER BY ${order.join(', ')}`;
    return text;
  }

  private countParam(count: number, state: RenderState): string {
    return this.placeholder({ kind: 'param', value: count, type: { kind: 'bigint' } }, state);
  }

  private renderBinary(n: BinaryExpr, state: RenderState, base: SqlExprVisitor<string>): string {
    if (n.op === '%') {
      // An integer remainder by zero is NULL, as in the evaluator; PostgreSQL would raise an error.
      const left = this.renderExpression(n.left, state);
      const right = this.renderExpression(n.right, state);
      return `${isAtom(n.left) ? left : `(${left})`} % NULLIF(${right}, 0)`;
    }
    if (n.op === '=' || n.op === '<>') {
      // The planner compares booleans with 1 and 0 (`flag = 1`) and numbers with 0. A quoted
      // literal takes the other side's type, so the same text works for a boolean and a number.
      const leftLiteral = isZeroOrOne(n.left);
      const rightLiteral = isZeroOrOne(n.right);
      if (leftLiteral !== rightLiteral) {
        const value = leftLiteral ? n.left : n.right;
        const other = this.operand(leftLiteral ? n.right : n.left, state);
        const quoted = `'${(value as { value: 0 | 1 }).value}'`;
        return leftLiteral ? `${quoted} ${n.op} ${other}` : `${other} ${n.op} ${quoted}`;
      }
    }
    if ((n.op === '+' || n.op === '-' || n.op === '*') && !hasConstant(n)) {
      // Two integer columns (or expressions) would add in 32 bits and fail past 2^31, where
      // JavaScript's numbers do not; adding a bigint 0 first widens an integer and leaves a
      // numeric or a double as it is. A parameter operand is an int8 already.
      const left = this.renderExpression(n.left, state);
      const right = this.renderExpression(n.right, state);
      return `(${WIDEN} + ${left}) ${n.op} ${isAtom(n.right) || n.right.kind === 'unary' ? right : `(${right})`}`;
    }
    return base.binary(n);
  }

  /** `-x` as `0 - x` in 64 bits: the negation of -2^31 does not fit an integer (as in `abs`). */
  private renderUnary(n: UnaryExpr, state: RenderState, base: SqlExprVisitor<string>): string {
    if (n.op !== 'negate' || n.operand.kind === 'param' || n.operand.kind === 'literal') return base.unary(n);
    const operand = this.renderExpression(n.operand, state);
    return `(${WIDEN} - ${isAtom(n.operand) ? operand : `(${operand})`})`;
  }

  /** `CASE WHEN p THEN 1 ELSE 0 END` (a predicate used as a value) as a boolean, like the columns it meets. */
  private renderFlagCase(n: CaseExpr, state: RenderState): string {
    const flag = (e: SqlExpr | null) => ((e as { value: 0 | 1 }).value === 1 ? 'TRUE' : 'FALSE');
    const whens = n.whens.map((w) => `WHEN ${this.renderExpression(w.when, state)} THEN ${flag(w.then)}`).join(' ');
    return `CASE ${whens} ELSE ${flag(n.else)} END`;
  }
}

/** The cast a parameter of `type` gets, also its `sqlType`: `int8`, `text`, `timestamptz`…; `unknown` when untyped. */
export function postgresParameterType(type: SqlType | null): string {
  switch (type?.kind) {
    case undefined:
      return 'unknown';
    case 'int':
    case 'bigint':
      return 'int8';
    case 'float':
      return 'float8';
    case 'decimal':
      // Not numeric(p,s): a cast would round the value to the column's scale before comparing.
      return 'numeric';
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'dateTime':
      return 'timestamptz';
    case 'uuid':
      return 'uuid';
  }
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Orders two numbers, or two `numeric` texts exactly (by their digits, not through a double);
 * anything else (`NaN`, `Infinity` as text) by its value as a double.
 */
export function compareNumericValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = DECIMAL_TEXT.exec(a);
    const y = DECIMAL_TEXT.exec(b);
    if (x !== null && y !== null) {
      const scale = Math.max((x[3] ?? '').length, (y[3] ?? '').length);
      const units = (m: RegExpExecArray) => BigInt(`${m[1]}${m[2]}${(m[3] ?? '').padEnd(scale, '0')}`);
      const d = units(x) - units(y);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
  }
  const d = Number(a) - Number(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** Structural equality of two expressions, parameters compared by value and type (not identity). */
function sameExpr(a: SqlExpr, b: SqlExpr): boolean {
  return JSON.stringify(a, bigintText) === JSON.stringify(b, bigintText);
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

/** Whether either operand is a parameter or a literal, whose type already decides the arithmetic. */
function hasConstant(n: BinaryExpr): boolean {
  const constant = (e: SqlExpr) => e.kind === 'param' || e.kind === 'literal';
  return constant(n.left) || constant(n.right);
}

function isAtom(e: SqlExpr): boolean {
  return (
    e.kind === 'column' || e.kind === 'param' || e.kind === 'literal' || e.kind === 'function' || e.kind === 'case' || e.kind === 'coalesce'
  );
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`, refusing dates PostgreSQL would read differently (outside years 1–9999). */
function isoText(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) {
    throw new DtdeTranslationError(
      `The date ${Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString()} cannot be stored in PostgreSQL by dtde: it binds dates as ISO-8601 text for years 1 to 9999. Use a date in that range.`,
    );
  }
  return date.toISOString();
}

/** The shared PostgreSQL dialect instance. */
export const postgresDialect = new PostgresDialect();

// Known by name from the moment this module loads: `toQueryString({ dialect: 'postgres' })`.
registerDialect(postgresDialect);
