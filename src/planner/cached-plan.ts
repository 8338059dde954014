import type { BoundLambda, QueryOperator, QueryParams, TerminalOperation } from '../linq/expression/query-expression.js';
import { readParamsPath } from '../linq/expression/read-params-path.js';
import { type ParamExpr, type SelectStatement, type SqlExpr, type SqlExprVisitor, visitSqlExpr } from '../sql/sql-ast.js';
import { composedParams, composeParams } from './compose-over-projection.js';
import type { ParamSlot, ParamsRead, ParamsRecording } from './params-recorder.js';
import type { PlanQueryInput } from './plan-query.js';
import type { RowFinish, ShardCommandPlan, ShardQueryPlan } from './shard-query-plan.js';

/** What a later query must show to reuse a plan: per params read, the same value (exact) or the same class. */
interface Guard {
  readonly root: number;
  readonly path: readonly string[];
  readonly exact: boolean;
  /** `exact`: the value as planned (see `sameValue`); else its `valueClass`. */
  readonly expected: unknown;
}

/**
 * A plan of one query shape, and what it depends on: the params values planning read, each either
 * folded into the plan (the next query must bring the same value) or only bound to SQL parameters
 * (any value of the same class will do; `bind` puts it in). Also the layout and targets it was
 * planned against.
 */
export class CachedPlan {
  private constructor(
    private readonly plan: ShardQueryPlan,
    private readonly input: Pick<PlanQueryInput, 'entity' | 'layout' | 'targets' | 'strictRouting'>,
    private readonly roots: readonly QueryParams[],
    /** `aliases[i]`: the first lambda whose params object is lambda i's (reads are recorded against it). */
    private readonly aliases: readonly number[],
    private readonly guards: readonly Guard[],
    /** The guard index of each params read a SQL parameter binds. */
    private readonly slots: ReadonlyMap<ParamsRead, number>,
    /** Expression nodes of the statements holding a parameter bound through a slot. */
    private readonly slotted: ReadonlySet<SqlExpr>,
  ) {}

  /**
   * The cacheable form of a plan just made from `roots` (the params objects of the chain's
   * lambdas), or null when the recording cannot tell what it depends on.
   */
  static of(plan: ShardQueryPlan, recording: ParamsRecording, input: PlanQueryInput, roots: readonly QueryParams[]): CachedPlan | null {
    if (recording.failed) return null;
    const reads = recording.reads;
    const slotted = new Set<SqlExpr>();
    // A value planning only bound must appear in the SQL only through its slot: any other parameter
    // or pattern holding it (a copy the translator made) pins its read.
    // Every node is visited (no short cut): each one holding a slot must be known to `bind`.
    const check = (node: SqlExpr): boolean => {
      const any = (nodes: readonly SqlExpr[]): boolean => nodes.map(check).includes(true);
      const found = visitSqlExpr(node, {
        column: () => false,
        literal: () => false,
        param: (n) => {
          if (n.source !== undefined) return true;
          for (const read of reads) if (!read.exact && Object.is(read.value, n.value)) read.exact = true;
          return false;
        },
        binary: (n) => any([n.left, n.right]),
        unary: (n) => check(n.operand),
        isNull: (n) => check(n.operand),
        inList: (n) => any([n.operand, ...n.values]),
        stringMatch: (n) => {
          for (const read of reads) if (!read.exact && read.value === n.search) read.exact = true;
          return check(n.operand);
        },
        function: (n) => any(n.args),
        case: (n) => any([...n.whens.flatMap((w) => [w.when, w.then]), ...(n.else === null ? [] : [n.else])]),
        coalesce: (n) => any(n.args),
      } satisfies SqlExprVisitor<boolean>);
      if (found) slotted.add(node);
      return found;
    };
    for (const command of plan.commands) statementExpressions(command.statement).forEach(check);
    // A read pinned after its parameter was made still binds it (to the same value).
    const slots = new Map<ParamsRead, number>(reads.map((read, i) => [read, i]));
    // Every slot's parameter holds the value of its read: nothing was computed from it on the way.
    for (const node of slotted) {
      if (node.kind === 'param' && !Object.is(node.value, (node.source as ParamSlot).read.value)) return null;
    }
    const guards = reads.map(
      (read): Guard => ({
        root: read.root,
        path: read.path,
        exact: read.exact,
        expected: read.exact ? snapshot(read.value) : valueClass(read.value),
      }),
    );
    const cached = new CachedPlan(plan, input, roots, aliasesOf(roots), guards, slots, slotted);
    // The lambdas the plan keeps (a client-side projection, a terminal run on the client) must be
    // ones it can give the next query's params objects.
    return cached.lambdasFor([...roots]) === null ? null : cached;
  }

  /**
   * The plan for a query of the same chain over `roots`, its params values bound, or null when
   * this plan does not hold for them (a folded value differs, a value of another class, another
   * layout).
   */
  bind(input: PlanQueryInput, roots: readonly QueryParams[]): ShardQueryPlan | null {
    const planned = this.input;
    if (input.layout !== planned.layout || input.targets !== planned.targets || input.entity !== planned.entity) return null;
    if (input.strictRouting !== planned.strictRouting || roots.length !== this.roots.length) return null;
    for (let i = 0; i < roots.length; i++) if (roots[i] !== roots[this.aliases[i]!]) return null;
    const values: unknown[] = new Array(this.guards.length);
    for (let i = 0; i < this.guards.length; i++) {
      const guard = this.guards[i]!;
      const value = readParamsPath(roots[guard.root]!, guard.path);
      if (guard.exact ? !sameValue(guard.expected as Snapshot, value) : valueClass(value) !== guard.expected) return null;
      values[i] = value;
    }
    const lambdas = this.lambdasFor(roots);
    if (lambdas === null) return null;
    const commands = this.slotted.size === 0 ? this.plan.commands : this.bindCommands(values);
    return { ...this.plan, commands, finish: lambdas.finish, terminal: lambdas.terminal };
  }

  private bindCommands(values: readonly unknown[]): ShardCommandPlan[] {
    const bound = new Map<SqlExpr, SqlExpr>();
    const boundValues = new Map<ParamExpr, unknown>();
    const bind = (node: SqlExpr): SqlExpr => {
      if (!this.slotted.has(node)) return node;
      let copy = bound.get(node);
      if (copy === undefined) bound.set(node, (copy = visitSqlExpr(node, rebuild)));
      return copy;
    };
    const rebuild: SqlExprVisitor<SqlExpr> = {
      column: (n) => n,
      literal: (n) => n,
      param: (n) => {
        const value = values[this.slots.get((n.source as ParamSlot).read)!];
        boundValues.set(n, value);
        return { ...n, value };
      },
      binary: (n) => ({ ...n, left: bind(n.left), right: bind(n.right) }),
      unary: (n) => ({ ...n, operand: bind(n.operand) }),
      isNull: (n) => ({ ...n, operand: bind(n.operand) }),
      inList: (n) => ({ ...n, operand: bind(n.operand), values: n.values.map(bind) }),
      stringMatch: (n) => ({ ...n, operand: bind(n.operand) }),
      function: (n) => ({ ...n, args: n.args.map(bind) }),
      case: (n) => ({
        ...n,
        whens: n.whens.map((w) => ({ when: bind(w.when), then: bind(w.then) })),
        else: n.else === null ? null : bind(n.else),
      }),
      coalesce: (n) => ({ ...n, args: n.args.map(bind) }),
    };
    return this.plan.commands.map((command) => ({
      ...command,
      statement: bindStatement(command.statement, bind),
      boundFrom: { statement: command.statement, values: boundValues },
    }));
  }

  /** The plan's finish and terminal with their lambdas reading `roots` instead of the planned params objects. */
  private lambdasFor(roots: readonly QueryParams[]): Pick<ShardQueryPlan, 'finish' | 'terminal'> | null {
    const { finish, terminal } = this.plan;
    if (roots === this.roots) return { finish, terminal };
    const rebind = (bound: BoundLambda): BoundLambda | null => {
      const params = remapParams(bound.params, this.roots, roots);
      return params === null ? null : { lambda: bound.lambda, params };
    };
    const newFinish = rebindFinish(finish, rebind);
    if (newFinish === null) return null;
    if (terminal.where !== 'client') return { finish: newFinish, terminal };
    const operation = rebindTerminal(terminal.operation, rebind);
    return operation === null ? null : { finish: newFinish, terminal: { where: 'client', operation } };
  }
}

type Rebind = (bound: BoundLambda) => BoundLambda | null;

function rebindFinish(finish: RowFinish, rebind: Rebind): RowFinish | null {
  switch (finish.kind) {
    case 'entity':
    case 'fields':
    case 'none':
      return finish;
    case 'project': {
      const projection = rebind(finish.projection);
      return projection === null ? null : { ...finish, projection };
    }
    case 'group': {
      const select = rebind(finish.select);
      const then: QueryOperator[] = [];
      for (const op of finish.then) {
        const next = rebindOperator(op, rebind);
        if (next === null) return null;
        then.push(next);
      }
      return select === null ? null : { ...finish, select, then };
    }
  }
}

function rebindOperator(op: QueryOperator, rebind: Rebind): QueryOperator | null {
  switch (op.kind) {
    case 'where': {
      const predicate = rebind(op.predicate);
      return predicate === null ? null : { ...op, predicate };
    }
    case 'select': {
      const selector = rebind(op.selector);
      return selector === null ? null : { ...op, selector };
    }
    case 'orderBy':
    case 'groupBy': {
      const key = rebind(op.key);
      return key === null ? null : { ...op, key };
    }
    case 'skip':
    case 'take':
    case 'distinct':
      return op;
  }
}

function rebindTerminal(terminal: TerminalOperation, rebind: Rebind): TerminalOperation | null {
  if ('predicate' in terminal && terminal.predicate !== undefined) {
    const predicate = rebind(terminal.predicate);
    return predicate === null ? null : { ...terminal, predicate };
  }
  if ('selector' in terminal && terminal.selector !== undefined) {
    const selector = rebind(terminal.selector);
    return selector === null ? null : { ...terminal, selector };
  }
  return terminal;
}

/** `params` (a planned chain's params object, or one composed of them) as the new chain's. */
function remapParams(params: QueryParams, from: readonly QueryParams[], to: readonly QueryParams[]): QueryParams | null {
  const parts = composedParams(params);
  if (parts !== undefined) {
    const outer = remapParams(parts.outer, from, to);
    const inner = remapParams(parts.inner, from, to);
    return outer === null || inner === null ? null : composeParams(outer, inner);
  }
  const index = from.indexOf(params);
  return index < 0 ? null : to[index]!;
}

function aliasesOf(roots: readonly QueryParams[]): number[] {
  return roots.map((params) => roots.indexOf(params));
}

function statementExpressions(statement: SelectStatement): SqlExpr[] {
  return [
    ...(statement.columns === '*' ? [] : statement.columns.map((c) => c.expr)),
    ...(statement.where === null ? [] : [statement.where]),
    ...statement.groupBy,
    ...statement.orderBy.map((o) => o.expr),
  ];
}

function bindStatement(statement: SelectStatement, bind: (node: SqlExpr) => SqlExpr): SelectStatement {
  return {
    ...statement,
    columns: statement.columns === '*' ? '*' : statement.columns.map((c) => ({ ...c, expr: bind(c.expr) })),
    where: statement.where === null ? null : bind(statement.where),
    groupBy: statement.groupBy.map(bind),
    orderBy: statement.orderBy.map((o) => ({ ...o, expr: bind(o.expr) })),
  };
}

/**
 * What the translator can tell apart about a value it only binds: its SQL type (`inferSqlType`:
 * int, bigint, float, string, boolean, date), null, and for numbers whether they are integers,
 * safe, NaN or infinite (a parameter adopts an integer column's type only when it is an integer).
 * Booleans are told apart by value (there are two).
 */
function valueClass(value: unknown): string {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'nan';
      if (!Number.isFinite(value)) return 'infinite';
      if (!Number.isInteger(value)) return 'fraction';
      if (!Number.isSafeInteger(value)) return 'unsafe integer';
      return value >= -2147483648 && value <= 2147483647 ? 'int32' : 'int53';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : 'date';
      return Array.isArray(value) ? 'array' : 'object';
    default:
      return typeof value;
  }
}

/** A folded value as planned, kept so that changing the object afterwards (a Date, an array) is noticed. */
type Snapshot =
  | { readonly kind: 'same'; readonly value: unknown }
  | { readonly kind: 'date'; readonly time: number }
  | { readonly kind: 'array'; readonly items: readonly Snapshot[] };

function snapshot(value: unknown): Snapshot {
  if (value instanceof Date) return { kind: 'date', time: value.getTime() };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(snapshot) };
  return { kind: 'same', value };
}

function sameValue(expected: Snapshot, value: unknown): boolean {
  switch (expected.kind) {
    case 'same':
      return Object.is(expected.value, value);
    case 'date':
      return value instanceof Date && Object.is(value.getTime(), expected.time);
    case 'array':
      return Array.isArray(value) && value.length === expected.items.length && expected.items.every((item, i) => sameValue(item, value[i]));
  }
}
