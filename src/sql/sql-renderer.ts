import type { ColumnType, TableName } from '../metadata/model.js';
import {
  type CreateTableStatement,
  type DeleteStatement,
  type DropTableStatement,
  type FunctionCallExpr,
  type InsertStatement,
  type ParamExpr,
  type SelectStatement,
  type SqlExpr,
  type SqlExprVisitor,
  type SqlType,
  type StringMatchExpr,
  type UpdateStatement,
  visitSqlExpr,
} from './sql-ast.js';
import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { BoundParameter, Dialect, RenderedSql } from './dialect.js';

/** The parameters collected while one statement is rendered, in text order. */
export class RenderState {
  readonly parameters: BoundParameter[] = [];
  /** Names already given to parameter nodes, for dialects whose parameters are named. */
  readonly names = new Map<ParamExpr, string>();
  /** The dialect's visitor over this state, made on first use (a statement renders many expressions). */
  visitor: SqlExprVisitor<string> | undefined;
}

/** A statement's rendering with, per parameter, the tree's parameter node it came from (see `renderSelectTraced`). */
export interface TracedRendering {
  readonly rendered: RenderedSql;
  /** `sources[i]`: the node of `rendered.parameters[i]`; undefined for one the dialect made itself (a LIMIT, a LIKE pattern). */
  readonly sources: readonly (ParamExpr | undefined)[];
}

// Binding strength, loosest first. A child binding looser than its parent gets parentheses.
const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  not: 3,
  '=': 4,
  '<>': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  isNull: 4,
  inList: 4,
  stringMatch: 4,
  '+': 5,
  '-': 5,
  concat: 5,
  '*': 6,
  '/': 6,
  '%': 6,
  negate: 7,
};
const ATOM = 8;

function precedence(node: SqlExpr): number {
  if (node.kind === 'binary') return PRECEDENCE[node.op];
  if (node.kind === 'unary') return PRECEDENCE[node.op];
  if (node.kind === 'isNull' || node.kind === 'inList' || node.kind === 'stringMatch') return PRECEDENCE[node.kind];
  return ATOM;
}

/**
 * What SQLite and SQL Server render alike, with hooks for what they spell differently. Each
 * render call threads a fresh `RenderState`, so dialect objects stay stateless.
 */
export abstract class SqlRenderer implements Dialect {
  abstract readonly name: string;
  abstract readonly parameterStyle: 'positional' | 'named';
  abstract quoteIdentifier(name: string): string;
  abstract columnType(type: ColumnType): string;
  abstract renderSelect(statement: SelectStatement): RenderedSql;
  abstract renderCreateTable(statement: CreateTableStatement): RenderedSql;
  abstract renderDropTable(statement: DropTableStatement): RenderedSql;
  abstract toDbValue(value: unknown, type: SqlType | null): unknown;
  abstract fromDbValue(type: ColumnType, raw: unknown): unknown;
  abstract readonly maxParametersPerStatement: number;
  abstract readonly maxRowsPerInsert: number;

  /**
   * Whether the statement text and every parameter's `sqlType` depend only on the tree's shape and
   * types, never on parameter values: then a statement that differs from another only in its
   * parameters' values renders as the other with those values converted (see `renderSelectTraced`).
   * SQL Server's dialect declares a parameter's type from its value (`int` or `bigint`), so it does not.
   * @internal
   */
  readonly textIgnoresValues: boolean = false;
  // Set only while renderSelectTraced runs (rendering is synchronous), so the dialect stays shareable.
  #trace: (ParamExpr | undefined)[] | undefined;

  /**
   * `renderSelect`, telling which tree node each parameter came from, so that a statement of the
   * same shape with other values can be bound without rendering it again.
   * @internal
   */
  renderSelectTraced(statement: SelectStatement): TracedRendering {
    const sources: (ParamExpr | undefined)[] = [];
    this.#trace = sources;
    try {
      const rendered = this.renderSelect(statement);
      sources.length = rendered.parameters.length;
      return { rendered, sources };
    } finally {
      this.#trace = undefined;
    }
  }

  /** The placeholder for the next parameter; the dialect records it in `state`. */
  protected abstract placeholder(param: ParamExpr, state: RenderState): string;
  protected abstract renderFunction(node: FunctionCallExpr, args: readonly string[]): string;
  /** Case-sensitive `startsWith` / `endsWith` / `includes` over `operand` (already rendered). */
  protected abstract renderStringMatch(node: StringMatchExpr, operand: string, state: RenderState): string;
  /** JavaScript division: floating point even over two integers. */
  protected abstract renderDivision(left: string, right: string): string;
  /** Integer `%`; by zero it must be NULL, as in the evaluator (SQLite's `%` already is). */
  protected renderRemainder(left: string, right: string): string {
    return `${left} % ${right}`;
  }
  protected abstract readonly concatOperator: string;

  quoteTable(table: TableName): string {
    const name = this.quoteIdentifier(table.name);
    return table.schema === undefined ? name : `${this.quoteIdentifier(table.schema)}.${name}`;
  }

  /**
   * The standard `information_schema.columns` query, in the session's `current_schema` (where
   * PostgreSQL resolves unqualified names) unless the table names its schema.
   */
  renderTableColumns(table: TableName): RenderedSql {
    const state = new RenderState();
    const text = (value: string) => this.placeholder({ kind: 'param', value, type: { kind: 'string' } }, state);
    const name = text(table.name);
    const schema = table.schema === undefined ? 'current_schema' : text(table.schema);
    return {
      sql: `SELECT column_name AS name FROM information_schema.columns WHERE table_name = ${name} AND table_schema = ${schema}`,
      parameters: state.parameters,
    };
  }

  renderTableNames(): RenderedSql {
    return {
      sql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema AND table_type = 'BASE TABLE'",
      parameters: [],
    };
  }

  renderInsert(statement: InsertStatement): RenderedSql {
    const { table, columns, rows } = statement;
    const target = `${this.dialectLabel()} INSERT into ${table.name}`;
    if (columns.length === 0 || rows.length === 0) {
      throw new DtdeTranslationError(
        `${target} needs at least one column and one row; skip the statement when there is nothing to insert.`,
      );
    }
    if (rows.length > this.maxRowsPerInsert) {
      throw new DtdeTranslationError(
        `${target} has ${rows.length} rows, over the limit of ${this.maxRowsPerInsert} per statement; split the rows into several statements.`,
      );
    }
    const parameterCount = rows.length * columns.length;
    if (parameterCount > this.maxParametersPerStatement) {
      throw new DtdeTranslationError(
        `${target} binds ${parameterCount} values (${rows.length} rows × ${columns.length} columns), over the limit of ${this.maxParametersPerStatement} per statement; ` +
          `split the rows into statements of at most ${Math.floor(this.maxParametersPerStatement / columns.length)} rows.`,
      );
    }
    const state = new RenderState();
    const values = rows.map((row, index) => {
      if (row.length !== columns.length) {
        throw new DtdeTranslationError(
          `${target}: row ${index} has ${row.length} values for ${columns.length} columns; give one value per column.`,
        );
      }
      return `(${row.map((value) => this.renderExpression(value, state)).join(', ')})`;
    });
    const columnList = columns.map((c) => this.quoteIdentifier(c)).join(', ');
    const returning = statement.returning ?? [];
    if (returning.length > 0 && rows.length !== 1) {
      throw new DtdeTranslationError(
        `${target} returns generated columns, so it must insert exactly one row; engines do not keep the order of returned rows.`,
      );
    }
    return { sql: this.insertText(this.quoteTable(table), columnList, values, returning), parameters: state.parameters };
  }

  /** `INSERT INTO … VALUES … RETURNING …`; SQL Server spells the returned columns `OUTPUT INSERTED.x`. */
  protected insertText(table: string, columnList: string, values: readonly string[], returning: readonly string[]): string {
    const tail = returning.length === 0 ? '' : ` RETURNING ${returning.map((c) => this.quoteIdentifier(c)).join(', ')}`;
    return `INSERT INTO ${table} (${columnList}) VALUES ${values.join(', ')}${tail}`;
  }

  renderUpdate(statement: UpdateStatement): RenderedSql {
    if (statement.set.length === 0) {
      throw new DtdeTranslationError(`${this.dialectLabel()} UPDATE of ${statement.table.name} needs at least one column to set.`);
    }
    const state = new RenderState();
    const assignments = statement.set.map((a) => `${this.quoteIdentifier(a.column)} = ${this.renderExpression(a.value, state)}`);
    const where = statement.where === null ? null : this.renderExpression(statement.where, state);
    return {
      sql: this.updateText(this.quoteTable(statement.table), this.quoteIdentifier(statement.alias), assignments, where),
      parameters: state.parameters,
    };
  }

  renderDelete(statement: DeleteStatement): RenderedSql {
    const state = new RenderState();
    const where = statement.where === null ? null : this.renderExpression(statement.where, state);
    return {
      sql: this.deleteText(this.quoteTable(statement.table), this.quoteIdentifier(statement.alias), where),
      parameters: state.parameters,
    };
  }

  /** `UPDATE t AS a SET … WHERE …` (SQLite, PostgreSQL); SQL Server overrides it. */
  protected updateText(table: string, alias: string, assignments: readonly string[], where: string | null): string {
    return `UPDATE ${table} AS ${alias} SET ${assignments.join(', ')}${where === null ? '' : ` WHERE ${where}`}`;
  }

  /** `DELETE FROM t AS a WHERE …` (SQLite, PostgreSQL); SQL Server overrides it. */
  protected deleteText(table: string, alias: string, where: string | null): string {
    return `DELETE FROM ${table} AS ${alias}${where === null ? '' : ` WHERE ${where}`}`;
  }

  /** Renders one expression, adding its parameters to `state`. */
  renderExpression(node: SqlExpr, state: RenderState): string {
    state.visitor ??= this.visitor(state);
    return visitSqlExpr(node, state.visitor);
  }

  protected visitor(state: RenderState): SqlExprVisitor<string> {
    const r = (n: SqlExpr) => this.renderExpression(n, state);
    return {
      column: (n) => (n.table === null ? this.quoteIdentifier(n.name) : `${this.quoteIdentifier(n.table)}.${this.quoteIdentifier(n.name)}`),
      param: (n) => {
        const at = state.parameters.length;
        const text = this.placeholder(n, state);
        if (this.#trace !== undefined && state.parameters.length > at) this.#trace[at] = n;
        return text;
      },
      literal: (n) => (n.value === null ? 'NULL' : String(n.value)),
      binary: (n) => {
        const p = PRECEDENCE[n.op];
        // Same-operator chains of AND / OR stay flat; otherwise only a left child of equal
        // strength above the comparison level may drop its parentheses (left associativity).
        const flat = (child: SqlExpr, left: boolean) => {
          const cp = precedence(child);
          const sameChain = child.kind === 'binary' && child.op === n.op && (n.op === 'and' || n.op === 'or');
          // `||` binds tighter than `+` in SQLite, so concatenation never mixes unparenthesised.
          const mixesConcat = child.kind === 'binary' && child.op !== n.op && (child.op === 'concat' || n.op === 'concat');
          // AND under OR is parenthesised for the reader, though SQL would not need it.
          const andUnderOr = n.op === 'or' && child.kind === 'binary' && child.op === 'and';
          const need = andUnderOr || cp < p || (cp === p && !sameChain && (!left || p <= 4 || mixesConcat));
          return need ? `(${r(child)})` : r(child);
        };
        const left = flat(n.left, true);
        const right = flat(n.right, false);
        if (n.op === '/') return this.renderDivision(left, right);
        if (n.op === '%') return this.renderRemainder(left, right);
        const op = n.op === 'and' ? 'AND' : n.op === 'or' ? 'OR' : n.op === 'concat' ? this.concatOperator : n.op;
        return `${left} ${op} ${right}`;
      },
      unary: (n) => {
        const operand = precedence(n.operand) === ATOM ? r(n.operand) : `(${r(n.operand)})`;
        return n.op === 'not' ? `NOT ${operand}` : `-${operand}`;
      },
      isNull: (n) => `${this.operand(n.operand, state)} IS ${n.negated ? 'NOT ' : ''}NULL`,
      inList: (n) => `${this.operand(n.operand, state)} ${n.negated ? 'NOT IN' : 'IN'} (${n.values.map(r).join(', ')})`,
      stringMatch: (n) => this.renderStringMatch(n, this.operand(n.operand, state), state),
      function: (n) => this.renderFunction(n, n.args.map(r)),
      case: (n) =>
        `CASE ${n.whens.map((w) => `WHEN ${r(w.when)} THEN ${r(w.then)}`).join(' ')}${n.else === null ? '' : ` ELSE ${r(n.else)}`} END`,
      coalesce: (n) => `COALESCE(${n.args.map(r).join(', ')})`,
    };
  }

  private dialectLabel(): string {
    return this.name === 'mssql' ? 'SQL Server' : this.name === 'sqlite' ? 'SQLite' : this.name;
  }

  /** An operand of a comparison-level operator: parenthesised unless it binds tighter. */
  protected operand(node: SqlExpr, state: RenderState): string {
    const text = this.renderExpression(node, state);
    return precedence(node) > 4 ? text : `(${text})`;
  }

  /** The select list, FROM, WHERE, GROUP BY and ORDER BY clauses, shared by both dialects. */
  protected selectBody(statement: SelectStatement, state: RenderState, orderBy: string[]): string {
    const r = (n: SqlExpr) => this.renderExpression(n, state);
    const columns =
      statement.columns === '*'
        ? '*'
        : statement.columns.map((c) => (c.alias === null ? r(c.expr) : `${r(c.expr)} AS ${this.quoteIdentifier(c.alias)}`)).join(', ');
    let text = `${columns} FROM ${this.quoteTable(statement.from.table)} AS ${this.quoteIdentifier(statement.from.alias)}`;
    if (statement.where !== null) text += ` WHERE ${r(statement.where)}`;
    if (statement.groupBy.length > 0) text += ` GROUP BY ${statement.groupBy.map(r).join(', ')}`;
    for (const o of statement.orderBy) orderBy.push(`${r(o.expr)}${o.descending ? ' DESC' : ' ASC'}`);
    if (orderBy.length > 0) text += ` ORDER BY ${orderBy.join(', ')}`;
    return text;
  }
}

/** `value` with `\`, `%`, `_` (and `[` when asked) escaped by `\`, for `LIKE … ESCAPE '\'`. */
export function escapeLikePattern(value: string, escapeBracket: boolean): string {
  return value.replace(escapeBracket ? /[\\%_[]/g : /[\\%_]/g, (c) => `\\${c}`);
}

/** `value` with GLOB's wildcards made literal: `*` → `[*]`, `?` → `[?]`, `[` → `[[]`. */
export function escapeGlobPattern(value: string): string {
  return value.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** The pattern text of a string match, given an escape function and the dialect's "any" wildcard. */
export function matchPattern(node: StringMatchExpr, escapeText: (s: string) => string, any: string): string {
  const text = escapeText(node.search);
  return node.mode === 'startsWith' ? text + any : node.mode === 'endsWith' ? any + text : any + text + any;
}
