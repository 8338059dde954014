// Property: a plan bound from the plan cache is the plan made afresh. For query shapes whose SQL
// depends on params values beyond binding (null tests, IN lists, routing by the shard key, a
// dropped shard-key predicate, folded comparisons, patterns, client-side projections and
// terminals over params), random params are planned by the engine, which caches by shape, and by
// planQuery alone; both render to the same SQL and parameters in SQLite and SQL Server, with the
// same merge, finish (with the same params behind its lambdas), terminal and empty-answer reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindLambda } from '../../src/linq/parse/bind-lambda.js';
import type { QueryExpression, TerminalOperation } from '../../src/linq/expression/query-expression.js';
import type { Queryable } from '../../src/linq/query/queryable.js';
import { entityModelOf } from '../../src/metadata/entity-model-of.js';
import type { EntityClass } from '../../src/metadata/model.js';
import { shardTargets } from '../../src/metadata/shard-targets.js';
import { planCacheStats } from '../../src/planner/plan-cache.js';
import { planQuery } from '../../src/planner/plan-query.js';
import type { RowFinish, ShardQueryPlan } from '../../src/planner/shard-query-plan.js';
import { archive, customers, engine, events, layout, model, orders, renderBoth } from './plan-fixtures.js';
import { Archive, Customer, Event, Order } from '../support/shop-model.js';

const RUNS = Number(process.env.DTDE_PROPERTY_RUNS ?? 1000);

type P = Record<string, unknown>;

/** A query shape: the same lambdas every time (so one cache entry per shape), the params varying. */
interface Shape {
  readonly name: string;
  readonly entity: EntityClass;
  readonly build: (p: P) => Queryable<unknown>;
  readonly terminal?: (p: P) => TerminalOperation;
  readonly params: fc.Arbitrary<P>;
}

const int = fc.oneof(fc.integer({ min: -5, max: 400 }), fc.constantFrom(0, -0, 2 ** 31, 2 ** 53, 0.5, Number.NaN));
const text = fc.oneof(fc.constantFrom('EU', 'US', 'APAC', 'XX', 'eu', '', 'A*[?'), fc.string({ maxLength: 4 }));
const nullable = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.constant(null));
const date = fc.oneof(
  fc.constantFrom('2022-12-31T23:59:59.999Z', '2023-01-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  fc
    .date({ min: new Date('2022-06-01T00:00:00Z'), max: new Date('2026-06-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
);

const shapes: Shape[] = [
  {
    name: 'a routed lookup',
    entity: Customer,
    build: (p) => customers.where((c, q: P) => c.region === q.region && c.id === q.id, p),
    params: fc.record({ region: text, id: int }),
  },
  {
    name: 'equality with a value that may be null',
    entity: Customer,
    build: (p) => customers.where((c, q: P) => c.email === q.email || c.rating === q.rating, p),
    params: fc.record({ email: nullable(text), rating: nullable(int) }),
  },
  {
    name: 'IN lists of any length, nulls among them',
    entity: Customer,
    build: (p) => customers.where((c, q: P) => (q.ids as number[]).includes(c.id) || (q.regions as string[]).includes(c.region), p),
    params: fc.record({ ids: fc.array(nullable(int), { maxLength: 5 }), regions: fc.array(nullable(text), { maxLength: 3 }) }),
  },
  {
    name: 'an IN list literal of params values',
    entity: Customer,
    build: (p) => customers.where((c, q: P) => [q.a, q.b].includes(c.region), p),
    params: fc.record({ a: nullable(text), b: text }),
  },
  {
    name: 'folded truthiness and comparisons of two params values',
    entity: Customer,
    build: (p) => customers.where((c, q: P) => !!(q.n as number) || (q.a === q.b && c.score > (q.min as number)), p),
    // Small domains, so that a folded true and a folded false meet values of the same class.
    params: fc.record({
      n: fc.constantFrom(0, 1, 2, Number.NaN),
      a: fc.constantFrom(1, 2, 0, -0, null),
      b: fc.constantFrom(1, 2, 0, null),
      min: int,
    }),
  },
  {
    name: 'a pattern from params',
    entity: Customer,
    build: (p) => customers.where((c, q: P) => c.name.startsWith(q.prefix as string) && !c.region.endsWith(q.suffix as string), p),
    params: fc.record({ prefix: text, suffix: text }),
  },
  {
    name: 'a date range that picks and trims year shards',
    entity: Order,
    build: (p) =>
      orders
        .where((o, q: P) => o.orderDate >= (q.from as Date) && o.orderDate < (q.to as Date), {
          from: new Date(p.from as string),
          to: new Date(p.to as string),
        })
        .orderBy((o) => o.orderDate)
        .take(3),
    params: fc.record({ from: date, to: date }),
  },
  {
    name: 'a hashed key',
    entity: Event,
    build: (p) => events.where((e, q: P) => e.userId === q.user && e.amount > (q.min as bigint), p),
    params: fc.record({ user: int, min: fc.bigInt({ min: -5n, max: 5n }) }),
  },
  {
    name: 'a manual table predicate',
    entity: Archive,
    build: (p) => archive.where((a, q: P) => a.orderDate >= (q.from as Date), { from: new Date(p.from as string) }),
    params: fc.record({ from: date }),
  },
  {
    name: 'a projection reading params, filtered and ordered over its output',
    entity: Customer,
    build: (p) =>
      customers
        .select((c, q: P) => ({ id: c.id, bonus: c.score + (q.bonus as number), tag: `${q.tag}:${c.region}` }), p)
        .where((x, q: P) => x.bonus > (q.min as number), p)
        .orderBy((x) => x.bonus)
        .skip(1)
        .take(4),
    params: fc.record({ bonus: int, tag: text, min: int }),
  },
  {
    name: 'an order key and a default from params',
    entity: Customer,
    build: (p) =>
      customers.where((c, q: P) => (c.rating ?? (q.dflt as number)) > 3, p).orderBy((c, q: P) => c.score * (q.rate as number), p),
    params: fc.record({ dflt: nullable(int), rate: int }),
  },
  {
    name: 'a group key from params',
    entity: Customer,
    build: (p) =>
      customers
        .groupBy((c, q: P) => c.score > (q.cut as number), p)
        .select((g) => ({ big: g.key, n: g.count() }))
        .orderBy((x) => x.n),
    params: fc.record({ cut: int }),
  },
  {
    name: "a terminal's predicate over a paged query (run on the client)",
    entity: Customer,
    build: () => customers.orderBy((c) => c.id).take(10),
    terminal: (p) => ({ kind: 'count', predicate: bindLambda('count', (c: Customer, q: P) => c.score > (q.min as number), p) }),
    params: fc.record({ min: int }),
  },
  {
    name: "a terminal's predicate pushed to the shards",
    entity: Customer,
    build: () => customers,
    terminal: (p) => ({ kind: 'firstOrDefault', predicate: bindLambda('firstOrDefault', (c: Customer, q: P) => c.region === q.region, p) }),
    params: fc.record({ region: text }),
  },
];

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function settle(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Everything a plan answers with, lambdas shown as their source and the params they read. */
function summary(plan: ShardQueryPlan): unknown {
  const lambdaOf = (b: { lambda: { source: string }; params: unknown }) => ({ source: b.lambda.source, params: b.params });
  const finish = (f: RowFinish): unknown => {
    switch (f.kind) {
      case 'project':
        return { ...f, projection: lambdaOf(f.projection) };
      case 'group':
        return { ...f, select: lambdaOf(f.select), then: f.then };
      default:
        return f;
    }
  };
  const terminal =
    plan.terminal.where === 'client'
      ? {
          where: 'client',
          kind: plan.terminal.operation.kind,
          ...('predicate' in plan.terminal.operation && plan.terminal.operation.predicate
            ? { predicate: lambdaOf(plan.terminal.operation.predicate) }
            : {}),
        }
      : plan.terminal;
  return {
    rendered: settle(() => renderBoth(plan)),
    merge: plan.merge,
    finish: finish(plan.finish),
    terminal,
    noShardReason: plan.noShardReason,
    fieldTypes: plan.commands.map((c) => c.fieldTypes),
  };
}

function fresh(entity: EntityClass, query: QueryExpression, terminal: TerminalOperation | null): ShardQueryPlan {
  const e = entityModelOf(model, entity);
  return planQuery({ query, terminal, entity: e, layout, targets: shardTargets(e, layout) });
}

describe('the plan cache', () => {
  it('binds plans equal to fresh ones for every params value, however the SQL depends on it', () => {
    const before = planCacheStats();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: shapes.length - 1 }).chain((i) => fc.tuple(fc.constant(shapes[i]!), shapes[i]!.params)),
        ([shape, params]) => {
          const query = shape.build(params).toQueryExpression();
          const terminal = shape.terminal?.(params) ?? null;
          const cached = settle(() => summary(engine.plan(query, terminal)));
          const expected = settle(() => summary(fresh(shape.entity, query, terminal)));
          expect(cached, shape.name).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
    const after = planCacheStats();
    // The shapes repeat with values of the same class: most plans come from the cache.
    expect(after.hits - before.hits).toBeGreaterThan(RUNS / 4);
  });

  it('keeps the params objects a chain shares between lambdas apart when a later chain does not share them', () => {
    const shared = { min: 100 };
    const build = (a: P, b: P) =>
      customers
        .where((c, q: P) => c.score > (q.min as number), a)
        .where((c, q: P) => c.score < (q.min as number) + 50, b)
        .toQueryExpression();
    const plan = (query: QueryExpression) => renderBoth(engine.plan(query, null)).sqlite.map((c) => c.parameters);
    expect(plan(build(shared, shared))).toEqual(plan(build(shared, shared)));
    const apart = build({ min: 1 }, { min: 200 });
    expect(plan(apart)).toEqual(renderBoth(fresh(Customer, apart, null)).sqlite.map((c) => c.parameters));
  });
});
