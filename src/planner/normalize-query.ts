import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { BoundLambda, QueryExpression, QueryOperator } from '../linq/expression/query-expression.js';
import { composeOverProjection } from './compose-over-projection.js';
import type { GroupShape, OrderKey, QueryShape } from './query-shape.js';

/**
 * Normalises an operator chain into a `QueryShape`, or refuses it with a `DtdeTranslationError`
 * when shards cannot answer it exactly (for example a `where` after `take`, which would need a
 * subquery per shard and a second merge).
 */
export function normalizeQuery(query: QueryExpression): QueryShape {
  const state: MutableShape = {
    filters: [],
    projection: null,
    group: null,
    ordering: [],
    skip: 0,
    take: null,
    distinct: false,
  };
  const ops = query.operators;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    switch (op.kind) {
      case 'where':
        refuseAfterPaging(state, op, 'where', 'Move .where(...) before .skip()/.take()/.distinct().');
        state.filters.push(state.projection ? composeOverProjection(op.predicate, state.projection) : op.predicate);
        break;
      case 'select':
        // A projection keeps the rows and their order, so it may follow skip/take (it shapes the
        // page). After distinct() it would change which rows are distinct.
        if (state.distinct) refuse(op, '.select(...) after .distinct() cannot be merged exactly. Move .select(...) before .distinct().');
        // `select(c => c)` keeps whole entities: no projection (and distinct over entities is a no-op).
        if (isIdentity(op.selector)) break;
        state.projection = state.projection ? composeOverProjection(op.selector, state.projection) : op.selector;
        break;
      case 'groupBy': {
        const next = ops[i + 1];
        if (next?.kind !== 'select') refuse(op, 'groupBy(...) must be followed by select(g => ({ key: g.key, ... })).');
        if (state.projection || state.ordering.length || state.distinct || state.take !== null || state.skip > 0) {
          refuse(op, 'groupBy must come right after the where filters; move select/orderBy/skip/take/distinct after the group select.');
        }
        state.group = { key: op.key, select: next.selector, then: ops.slice(i + 2) };
        return state;
      }
      case 'orderBy': {
        refuseAfterPaging(state, op, 'orderBy', 'Put .orderBy(...) before .skip()/.take().');
        // Keys read the projection's output; rewrite them to read the row.
        const key = state.projection ? composeOverProjection(op.key, state.projection) : op.key;
        const entry: OrderKey = { key, descending: op.descending };
        if (op.thenBy) state.ordering.push(entry);
        else state.ordering = [entry]; // a new orderBy replaces the previous ordering, as in EF Core
        break;
      }
      case 'skip':
        if (state.take !== null) {
          // take(t).skip(s) keeps the rows t..s of the first t: the same as skip(s).take(t - s).
          state.take = Math.max(0, state.take - op.count);
        }
        state.skip += op.count;
        break;
      case 'take':
        state.take = state.take === null ? op.count : Math.min(state.take, op.count);
        break;
      case 'distinct':
        // A second distinct() is a no-op: the rows are distinct already (even after paging).
        if (state.distinct) break;
        refuseAfterPaging(state, op, 'distinct', 'Put .distinct() before .skip()/.take().');
        state.distinct = true;
        break;
      default: {
        const unreachable: never = op;
        throw new DtdeTranslationError(`Unknown query operator ${(unreachable as QueryOperator).kind}.`);
      }
    }
  }
  return state;
}

interface MutableShape {
  filters: BoundLambda[];
  projection: BoundLambda | null;
  group: GroupShape | null;
  ordering: OrderKey[];
  skip: number;
  take: number | null;
  distinct: boolean;
}

function isIdentity(selector: BoundLambda): boolean {
  const body = selector.lambda.body;
  return body.kind === 'parameter' && body.role === 'row' && body.depth === 0;
}

function refuseAfterPaging(state: MutableShape, op: QueryOperator, name: string, fix: string): void {
  const call = name === 'distinct' ? '.distinct()' : `.${name}(...)`;
  if (state.skip > 0 || state.take !== null) {
    refuse(op, `${call} after .skip()/.take() would need a subquery on every shard and cannot be merged exactly. ${fix}`);
  }
  if (state.distinct && name !== 'orderBy') {
    refuse(op, `${call} after .distinct() cannot be merged exactly. ${fix}`);
  }
}

function refuse(op: QueryOperator, message: string): never {
  const lambda = lambdaOf(op);
  throw new DtdeTranslationError(`Unsupported query shape: ${message}`, {
    lambdaSource: lambda?.lambda.source,
  });
}

function lambdaOf(op: QueryOperator): BoundLambda | undefined {
  switch (op.kind) {
    case 'where':
      return op.predicate;
    case 'select':
      return op.selector;
    case 'orderBy':
    case 'groupBy':
      return op.key;
    default:
      return undefined;
  }
}
