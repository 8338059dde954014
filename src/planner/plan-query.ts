import type { BoundLambda, QueryExpression, TerminalOperation } from '../linq/expression/query-expression.js';
import type { EntityModel, ShardLayout, ShardTarget } from '../metadata/model.js';
import { composeOverProjection } from './compose-over-projection.js';
import { filtersForShard } from './drop-implied-filters.js';
import type { MergePlan } from './merge-plan.js';
import { normalizeQuery } from './normalize-query.js';
import { pinsPrimaryKey } from './pins-primary-key.js';
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

  type Mode =
    | { kind: 'rows' }
    | { kind: 'element'; op: 'first' | 'firstOrDefault' | 'single' | 'singleOrDefault' }
    | { kind: 'aggregate' }
    | { kind: 'client' };
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
  // Shards whose rows satisfy a shard-key conjunct by construction get a statement without it;
  // shards that drop the same conjuncts share one planned variant of the shape.
  const variants = shapeVariants(shape, entity, targets);
  const commands = <P>(plan: (variant: QueryShape) => P, build: (target: ShardTarget, parts: P) => Omit<ShardCommandPlan, 'target'>) => {
    const parts = variants.shapes.map(plan);
    return {
      first: parts[0] ?? plan(shape),
      commands: targets.map((target, i): ShardCommandPlan => ({ target, ...build(target, parts[variants.of[i]!]!) })),
    };
  };

  if (mode.kind === 'aggregate' && isAggregateTerminal(terminal)) {
    const planned = commands(
      (s) => planAggregate(s, terminal, entity),
      (t, parts) => ({
        statement: selectStatement({ table: t.table, alias }, { columns: parts.columns, where: parts.where, limit: parts.limit }),
        fieldTypes: parts.fieldTypes,
      }),
    );
    return {
      entity,
      commands: planned.commands,
      merge: planned.first.merge,
      finish: { kind: 'none' },
      terminal: { where: 'merge' },
      noShardReason,
    };
  }

  if (shape.group) {
    const group = shape.group;
    const planned = commands(
      (s) => planGroup(s, group, entity),
      (t, parts) => ({
        statement: selectStatement({ table: t.table, alias }, { columns: parts.columns, where: parts.where, groupBy: parts.groupBy }),
        fieldTypes: parts.fieldTypes,
      }),
    );
    return {
      entity,
      commands: planned.commands,
      merge: planned.first.merge,
      finish: planned.first.finish,
      terminal: clientTerminal(terminal),
      noShardReason,
    };
  }

  // first/single over filters that fix the primary key: a shard holds at most one such row, so a
  // LIMIT would add nothing (a bound one costs a server that plans by its value), and the merge
  // picks or checks the element from what the shards return anyway.
  const pinsKey = pinsPrimaryKey(shape.filters, entity);
  const atMostOneRow = mode.kind === 'element' && shape.skip === 0 && pinsKey;
  const limit = shape.take === null || atMostOneRow ? null : single ? shape.take : shape.skip + shape.take;
  // What the executor may read at once instead of streaming (an in-process engine's `queryNow`).
  const rowsPerShard = pinsKey ? Math.min(1, limit ?? 1) : (limit ?? undefined);
  const offset = single && shape.skip > 0 ? shape.skip : null;
  const planned = commands(
    (s) => planRowQuery(s, entity),
    (t, parts) => ({
      statement: selectStatement(
        { table: t.table, alias },
        { columns: parts.columns, where: parts.where, orderBy: parts.orderBy, distinct: parts.distinct, limit, offset },
      ),
      fieldTypes: parts.fieldTypes,
    }),
  );
  const parts = planned.first;
  const rowsPlan = rowsMergePlan(parts, shape, single);
  const merge: MergePlan = mode.kind === 'element' ? { kind: 'element', op: mode.op, source: rowsPlan } : rowsPlan;
  const finish: RowFinish = parts.finish;
  return {
    entity,
    commands: planned.commands,
    merge,
    finish,
    terminal: mode.kind === 'element' ? { where: 'merge' } : clientTerminal(terminal),
    noShardReason,
    ...(rowsPerShard === undefined ? {} : { rowsPerShard }),
  };
}

/**
 * The shape each target's statement is planned from: `shape` with the filters its shard implies
 * dropped (see `filtersForShard`). `shapes` holds each distinct variant once; `of[i]` is the
 * index of target `i`'s variant.
 */
function shapeVariants(shape: QueryShape, entity: EntityModel, targets: readonly ShardTarget[]): { shapes: QueryShape[]; of: number[] } {
  const shapes: QueryShape[] = [];
  const byDropped = new Map<string, number>();
  const of = targets.map((target) => {
    const reduced = filtersForShard(shape.filters, entity, target.shard);
    let index = byDropped.get(reduced.dropped);
    if (index === undefined) {
      index = shapes.length;
      shapes.push(reduced.dropped === '' ? shape : { ...shape, filters: reduced.filters });
      byDropped.set(reduced.dropped, index);
    }
    return index;
  });
  return { shapes, of };
}

function clientTerminal(terminal: TerminalOperation | null): ShardQueryPlan['terminal'] {
  return terminal === null || terminal.kind === 'toArray' ? { where: 'stream' } : { where: 'client', operation: terminal };
}

/** Adds a terminal's predicate (over the projection's output) as one more filter over the row. */
function withFilter(shape: QueryShape, predicate: BoundLambda): QueryShape {
  const filter = shape.projection ? composeOverProjection(predicate, shape.projection) : predicate;
  return { ...shape, filters: [...shape.filters, filter] };
}
