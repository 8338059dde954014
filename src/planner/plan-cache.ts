import type { LambdaExpression } from '../linq/expression/expression.js';
import type { BoundLambda, QueryExpression, TerminalOperation } from '../linq/expression/query-expression.js';
import { CachedPlan } from './cached-plan.js';
import { recordParamsReads } from './params-recorder.js';
import { type PlanQueryInput, planQuery } from './plan-query.js';
import type { ShardQueryPlan } from './shard-query-plan.js';

/** Plans kept per query chain (a chain whose folded values vary keeps several), least recently used first out. */
const PLANS_PER_CHAIN = 8;
/** Chains kept; past it the oldest goes. */
const MAX_CHAINS = 2_000;
/** A chain that missed this often without hits in between (every query routes by a new key value) is planned afresh each time. */
const MISSES_BEFORE_GIVING_UP = 64;

let hits = 0;
let misses = 0;

/**
 * How many plans every plan cache bound from a cached shape and how many it made, so tests can
 * see the cache work (as `lambdaParseStats` does for lambdas).
 *
 * @example
 * const before = planCacheStats().hits;
 * await query(1); await query(2);
 * planCacheStats().hits - before; // 1
 */
export function planCacheStats(): { readonly hits: number; readonly misses: number } {
  return { hits, misses };
}

interface Chain {
  readonly plans: CachedPlan[];
  misses: number;
}

/**
 * Plans of query shapes, so that a repeated query only binds its values, as EF Core's compiled
 * queries do without asking for them. A shape is the chain's identity: the entity, each operator
 * with its parsed lambda (one object per source text, see `parseLambda`) and counts, and the
 * terminal. The SQL also depends on params values beyond binding (`x === p.v` is `IS NULL` when v
 * is null, an IN list has the list's length, a shard-key value picks the shards and drops the
 * predicate a shard implies), so each plan records every params value planning read and keeps
 * it only for queries that bring the same folded values and values of the same class elsewhere
 * (see `CachedPlan`). The plan is data, rendered per query, so a dialect sees the actual values.
 *
 * @example
 * const plans = new PlanCache();
 * plans.plan(input); // planned, recorded
 * plans.plan({ ...input, query: sameShapeOtherValues }); // bound from the cache
 */
export class PlanCache {
  readonly #chains = new Map<string, Chain>();

  plan(input: PlanQueryInput): ShardQueryPlan {
    const key = chainKey(input.query, input.terminal);
    if (key === null) return planQuery(input);
    let chain = this.#chains.get(key);
    if (chain !== undefined && chain.misses >= MISSES_BEFORE_GIVING_UP) return planQuery(input);
    const roots = chainLambdas(input.query, input.terminal).map((bound) => bound.params);
    if (chain !== undefined) {
      for (let i = 0; i < chain.plans.length; i++) {
        const cached = chain.plans[i]!;
        const bound = cached.bind(input, roots);
        if (bound === null) continue;
        if (i > 0) chain.plans.unshift(...chain.plans.splice(i, 1));
        chain.misses = 0;
        hits++;
        return bound;
      }
    }
    misses++;
    const { result: plan, recording } = recordParamsReads(roots, () => planQuery(input));
    const cached = CachedPlan.of(plan, recording, input, roots);
    if (chain === undefined) {
      if (this.#chains.size >= MAX_CHAINS) this.#chains.delete(this.#chains.keys().next().value!);
      this.#chains.set(key, (chain = { plans: [], misses: 0 }));
    } else {
      chain.misses++;
    }
    if (cached !== null) {
      chain.plans.unshift(cached);
      if (chain.plans.length > PLANS_PER_CHAIN) chain.plans.pop();
    }
    return plan;
  }
}

/** The lambdas of a chain in order (operators, then the terminal's): whose params objects a plan reads. */
export function chainLambdas(query: QueryExpression, terminal: TerminalOperation | null): BoundLambda[] {
  const lambdas: BoundLambda[] = [];
  for (const op of query.operators) {
    switch (op.kind) {
      case 'where':
        lambdas.push(op.predicate);
        break;
      case 'select':
        lambdas.push(op.selector);
        break;
      case 'orderBy':
      case 'groupBy':
        lambdas.push(op.key);
        break;
      case 'skip':
      case 'take':
      case 'distinct':
        break;
    }
  }
  const last =
    terminal === null ? undefined : 'predicate' in terminal ? terminal.predicate : 'selector' in terminal ? terminal.selector : undefined;
  if (last !== undefined) lambdas.push(last);
  return lambdas;
}

// Small numbers for entity classes and parsed lambdas, so a chain's key is a short string.
const ids = new WeakMap<object, number>();
let nextId = 0;

function idOf(object: object): number {
  let id = ids.get(object);
  if (id === undefined) ids.set(object, (id = nextId++));
  return id;
}

/** The chain's identity as text, or null for a chain the engine does not plan (not over an entity). */
function chainKey(query: QueryExpression, terminal: TerminalOperation | null): string | null {
  if (query.source.kind !== 'entity') return null;
  const lambda = (l: LambdaExpression): number => idOf(l);
  let key = `${idOf(query.source.entity)}`;
  for (const op of query.operators) {
    switch (op.kind) {
      case 'where':
        key += ` w${lambda(op.predicate.lambda)}`;
        break;
      case 'select':
        key += ` s${lambda(op.selector.lambda)}`;
        break;
      case 'orderBy':
        key += ` o${lambda(op.key.lambda)}${op.descending ? 'd' : 'a'}${op.thenBy ? 't' : ''}`;
        break;
      case 'groupBy':
        key += ` g${lambda(op.key.lambda)}`;
        break;
      case 'skip':
        key += ` k${op.count}`;
        break;
      case 'take':
        key += ` t${op.count}`;
        break;
      case 'distinct':
        key += ' d';
        break;
    }
  }
  if (terminal === null) return `${key} | stream`;
  const last = 'predicate' in terminal ? terminal.predicate : 'selector' in terminal ? terminal.selector : undefined;
  return `${key} | ${terminal.kind}${last === undefined ? '' : ` ${lambda(last.lambda)}`}`;
}
