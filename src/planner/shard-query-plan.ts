import type { QueryOperator, TerminalOperation, BoundLambda } from '../linq/expression/query-expression.js';
import type { EntityModel, ShardTarget } from '../metadata/model.js';
import type { MergePlan } from './merge-plan.js';
import type { ParamExpr, SelectStatement, SqlType } from '../sql/sql-ast.js';

/**
 * What the planner decided for one query: one SQL statement per target shard, how their answers
 * merge, and how merged rows become the user's results. Dialect-free: the executor renders the
 * statements with the provider's dialect, `toQueryString({ dialect })` with any dialect.
 */
export interface ShardQueryPlan {
  readonly entity: EntityModel;
  /** In layout order; empty when the filters contradict on the shard key (the answer is empty). */
  readonly commands: readonly ShardCommandPlan[];
  readonly merge: MergePlan;
  /** How one merged row becomes a result row (for row merges and for `first`/`single`). */
  readonly finish: RowFinish;
  /** Why `commands` is empty (published on `dtde:query:plan`); undefined when there are commands. */
  readonly noShardReason?: string;
  /**
   * The most rows a shard's statement can return, when known at plan time: its LIMIT, or 1 when
   * the filters fix the primary key. Undefined when unbounded (and for aggregates and groups).
   */
  readonly rowsPerShard?: number;
  /** Where the terminal is computed: by the merge (`merge`), or on the client over the finished rows (`client`). */
  readonly terminal: { readonly where: 'stream' | 'merge' } | { readonly where: 'client'; readonly operation: TerminalOperation };
}

export interface ShardCommandPlan {
  readonly target: ShardTarget;
  readonly statement: SelectStatement;
  /**
   * For a command bound from a cached plan: the statement as planned and, per parameter node of
   * it that binding replaced, the new value. `statement` is that statement with those values, so a
   * dialect can render the planned one once and bind the values (see execution/render-command.ts).
   */
  readonly boundFrom?: { readonly statement: SelectStatement; readonly values: ReadonlyMap<ParamExpr, unknown> };
  /** Row field (SQL alias) to type, for turning driver values into JavaScript values before the merge. */
  readonly fieldTypes: Readonly<Record<string, SqlType>>;
}

/**
 * - `entity`: rows hold every property under its own name; they become instances of the class.
 * - `project`: rows hold the properties the projection reads; it is evaluated on the client
 *   (EF Core evaluates a top-level projection on the client too).
 * - `fields`: rows already hold the projected values (SQL-side projection, used with distinct);
 *   `scalar` takes the single field `value`.
 * - `group`: rows are merged groups; `select` reads `g.key` and `g.__aN`, then `then` runs over the outputs.
 * - `none`: the merge already produced the final value.
 */
export type RowFinish =
  | { readonly kind: 'entity' }
  | { readonly kind: 'project'; readonly projection: BoundLambda; readonly asEntity: boolean }
  | { readonly kind: 'fields'; readonly fields: readonly string[]; readonly scalar: boolean }
  | {
      readonly kind: 'group';
      readonly keyFields: readonly string[];
      /** Null for a scalar key (`g.key` is the value of the single key field). */
      readonly keyNames: readonly string[] | null;
      readonly aggregateFields: readonly string[];
      readonly select: BoundLambda;
      readonly then: readonly QueryOperator[];
    }
  | { readonly kind: 'none' };
