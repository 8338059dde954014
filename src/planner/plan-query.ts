import type { BoundLambda, QueryExpression, TerminalOperation } from '../linq/expression/query-expression.js';
import type { EntityModel, ShardLayout, ShardTarget } from '../metadata/model.js';
import { composeOverProjection } from './compose-over-projection.js';
import type { MergePlan } from './merge-plan.js';
import { normalizeQuery } from './normalize-query.js';
import { isAggregateTerminal, planAggregate } from './plan-aggregate.js';
import { planGroup } from './plan-group.js';
import { planRowQuery, rowAlias, rowsMergePlan } from './plan-rows.js';
import type { QueryShape } from './query-shape.js';
import { noShardMatched } from '../routing/no-shard-matched.js';
import { resolveShards } from '../routing/resolve-shards.js';
import type { RowFinish, ShardCommandPlan, ShardQueryPlan } from './shard-query-plan.js';
import { selectStatement } from '../sql/sql-ast.js';

export interface PlanQueryInput {
  readonly query: QueryExpression;
  /** Null to stream the rows (`for await`). */
  readonly terminal: TerminalOperation | null;
  readonly entity: EntityModel;
  readonly layout: ShardLayout;
  /** Every shard target of the entity (from `shardTargets`), computed once per context. */
  readonly targets: readonly ShardTarget[];
  /** Throw `DtdeRoutingError` for a shard-key value that names no shard (the `strictRouting` option). */
  readonly strictRouting?: boolean;
}

/**
 * Plans a query: which shards, what SQL each gets, how the answers merge, and where the terminal
 * is computed. A query that reaches one shard is sent whole (its own ORDER BY, OFFSET and limit);
 * across shards each gets the full WHERE, the ORDER BY and a limit of `skip + take`, and the merge
 * pages once. Aggregates become partials merged exactly. A terminal that cannot be pushed below
 * paging, distinct or grouping runs on the client over the merged rows, which are exact.
 */
export function planQuery(input: PlanQueryInput): ShardQueryPlan {
  const { entity } = input;
  let shape = normalizeQuery(input.query);
  const terminal = input.terminal;
  const pushable = !shape.group && shape.skip === 0 && shape.take === null && !shape.distinct;

  type Mode = { kind: 'rows' } | { kind: 'element'; op: 'first' | 'firstOrDefault' | 'single' | 'singleOrDefault' } | { kind: 'aggregate' } | { kind: 'client' };
  let mode: Mode = { kind: 'rows' };
  if (terminal !== null && terminal.kind !== 'toArray') {
    switch (terminal.kind) {
      case 'first':
      case 'firstOrDefault':
      case 'single':
      case 'singleOrDefault': {
        if (shape.group || (terminal.predicate && !pushable)) {
          mode = { kind: 'client' };
          break;
        }
        if (terminal.predicate) shape = withFilter(shape, terminal.predicate);
        const limit = terminal.kind.startsWith('single') ? 2 : 1;
        shape = { ...shape, take: shape.take === null ? limit : Math.min(shape.take, limit) };
        mode = { kind: 'element', op: terminal.kind };
        break;
      }
      default:
        if (!pushable) {
          mode = { kind: 'client' };
          break;
        }
        if ((terminal.kind === 'count' || terminal.kind === 'any') && terminal.predicate) shape = withFilter(shape, terminal.predicate);
        mode = { kind: 'aggregate' };
    }
  }

  const resolution = resolveShards(entity, input.layout, shape.filters);
  const byShard = new Map(input.targets.map((t) => [t.shard, t]));
  // take(0) answers nothing without I/O (and SQL Server refuses `FETCH NEXT 0 ROWS`).
  const targets =
    shape.take === 0
      ? []
      : resolution.shards.map((s) => byShard.get(s) ?? input.targets.find((t) => t.shard.qualifiedId === s.qualifiedId)!);
  let noShardReason: string | undefined;
  if (targets.length === 0 || (input.strictRouting && resolution.unmatched.length > 0)) {
    const none = noShardMatched(entity, resolution, shape.take === 0);
    if (input.strictRouting && none.error !== null) throw none.error;
    noShardReason = none.reason;
  }
  const single = targets.length === 1;
  const alias = rowAlias(entity);
  const commands = (build: (target: ShardTarget) => Omit<ShardCommandPlan, 'target'>): ShardCommandPlan[] =>
    targets.map((target) => ({ target, ...build(target) }));

  if (mode.kind === 'aggregate' && isAggregateTerminal(terminal)) {
    const parts = planAggregate(shape, terminal, entity);
    return {
      entity,
      commands: commands((t) => ({
        statement: selectStatement({ table: t.table, alias }, { columns: parts.columns, where: parts.where, limit: parts.limit }),
        fieldTypes: parts.fieldTypes,
      })),
      merge: parts.merge,
      finish: { kind: 'none' },
      terminal: { where: 'merge' },
      noShardReason,
    };
  }

  if (shape.group) {
    const parts = planGroup(shape, shape.group, entity);
    return {
      entity,
      commands: commands((t) => ({
        statement: selectStatement({ table: t.table, alias }, { columns: parts.columns, where: parts.where, groupBy: parts.groupBy }),
        fieldTypes: parts.fieldTypes,
      })),
      merge: parts.merge,
      finish: parts.finish,
      terminal: clientTerminal(terminal),
      noShardReason,
    };
  }

  const parts = planRowQuery(shape, entity);
  const rowsPlan = rowsMergePlan(parts, shape, single);
  const limit = shape.take === null ? null : single ? shape.take : shape.skip + shape.take;
  const offset = single && shape.skip > 0 ? shape.skip : null;
  const merge: MergePlan = mode.kind === 'element' ? { kind: 'element', op: mode.op, source: rowsPlan } : rowsPlan;
  const finish: RowFinish = parts.finish;
  return {
    entity,
    commands: commands((t) => ({
      statement: selectStatement(
        { table: t.table, alias },
        { columns: parts.columns, where: parts.where, orderBy: parts.orderBy, distinct: parts.distinct, limit, offset },
      ),
      fieldTypes: parts.fieldTypes,
    })),
    merge,
    finish,
    terminal: mode.kind === 'element' ? { where: 'merge' } : clientTerminal(terminal),
    noShardReason,
  };
}

function clientTerminal(terminal: TerminalOperation | null): ShardQueryPlan['terminal'] {
  return terminal === null || terminal.kind === 'toArray' ? { where: 'stream' } : { where: 'client', operation: terminal };
}

/** Adds a terminal's predicate (over the projection's output) as one more filter over the row. */
function withFilter(shape: QueryShape, predicate: BoundLambda): QueryShape {
  const filter = shape.projection ? composeOverProjection(predicate, shape.projection) : predicate;
  return { ...shape, filters: [...shape.filters, filter] };
}
