// A sharded model built with the real ModelBuilder and ShardsBuilder, a ShardedQueryExecutor whose
// driver throws when called (planning must not do I/O), and helpers that render a plan in both
// dialects so tests can show SQLite and SQL Server text side by side.
import { expect } from 'vitest';
import { DbSet } from '../../src/context/db-set.js';
import { ShardedQueryExecutor } from '../../src/execution/sharded-query-executor.js';
import type {
  ExecuteOptions,
  QueryExecutor,
  QueryExplanation,
  QueryExpression,
  QueryStringOptions,
  TerminalOperation,
} from '../../src/linq/expression/query-expression.js';
import type { Queryable } from '../../src/linq/query/queryable.js';
import { entityModelOf } from '../../src/metadata/entity-model-of.js';
import type { EntityClass, Model, ShardLayout } from '../../src/metadata/model.js';
import { ModelBuilder } from '../../src/metadata/model-builder.js';
import { buildShardLayout } from '../../src/metadata/shards-builder.js';
import type { MergePlan } from '../../src/planner/merge-plan.js';
import type { RowFinish, ShardQueryPlan } from '../../src/planner/shard-query-plan.js';
import type { DatabaseDriver } from '../../src/providers/database-driver.js';
import type { BoundParameter } from '../../src/sql/dialect.js';
import { mssqlDialect } from '../../src/providers/mssql/mssql-dialect.js';
import { sqliteDialect } from '../../src/providers/sqlite/sqlite-dialect.js';
import { Archive, configureShop, Customer, Event, Order, shopShards } from '../support/shop-model.js';
import { parseTsql } from './translate-fixtures.js';

export { parseTsql };

// The shared shop model, every shard a table in one database: customers by region (EU, US, APAC),
// orders by year (2023 to 2025), events hashed by user into four buckets, and the manual archive
// tables in a schema (dbo.ArchiveOld, dbo.ArchiveNew), so names are quoted part by part.
export function buildModel(): Model {
  return configureShop(new ModelBuilder(), { archive: { schema: 'dbo' } }).build();
}

export function buildLayout(): ShardLayout {
  return buildShardLayout((s) => shopShards(s));
}

export class NoIoError extends Error {
  constructor(method: string) {
    super(`planning must not do I/O, but the driver's ${method}() was called`);
  }
}

/** A driver every method of which throws: plans, explain() and toQueryString() must never reach it. */
export const throwingDriver = new Proxy({} as DatabaseDriver, {
  get(_target, property) {
    if (property === 'name') return 'no-io';
    if (property === 'then') return undefined; // not a thenable
    return () => {
      throw new NoIoError(String(property));
    };
  },
});

export const model = buildModel();
export const layout = buildLayout();
export const engine = new ShardedQueryExecutor({ model, layout, dialect: sqliteDialect, driver: throwingDriver, maxParallelShards: 4 });

/**
 * Stands in front of the real engine so that a terminal (`count()`, `first(...)`...) called the way
 * users call it resolves to the engine's plan for it instead of running it. explain() and
 * toQueryString() go to the engine unchanged.
 */
class PlanRecorder implements QueryExecutor {
  async execute(query: QueryExpression, terminal: TerminalOperation, _options?: ExecuteOptions): Promise<unknown> {
    return engine.plan(query, terminal);
  }

  stream(query: QueryExpression): AsyncIterable<unknown> {
    return engine.stream(query);
  }

  toQueryString(query: QueryExpression, options?: QueryStringOptions): string {
    return engine.toQueryString(query, options);
  }

  explain(query: QueryExpression, options?: QueryStringOptions): QueryExplanation {
    return engine.explain(query, options);
  }
}

const recorder = new PlanRecorder();
const setOf = <T>(entity: EntityClass<T>): DbSet<T> => new DbSet<T>(entityModelOf(model, entity), recorder);

export const customers = setOf(Customer);
export const orders = setOf(Order);
export const events = setOf(Event);
export const archive = setOf(Archive);

/** A DbSet wired straight to the engine (no recorder), to show that running a query does reach the driver. */
export const engineCustomers = new DbSet<Customer>(entityModelOf(model, Customer), engine);

/** The plan of a terminal: `await planOf(customers.where(...).count())`. */
export async function planOf(result: Promise<unknown>): Promise<ShardQueryPlan> {
  return (await result) as ShardQueryPlan;
}

/** The plan of a streamed query (no terminal). */
export function rowsPlanOf(query: Queryable<unknown>): ShardQueryPlan {
  return engine.plan(query.toQueryExpression(), null);
}

export interface RenderedCommand {
  readonly shard: string;
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export interface SideBySide {
  readonly shards: readonly string[];
  readonly sqlite: readonly RenderedCommand[];
  readonly mssql: readonly RenderedCommand[];
}

const values = (parameters: readonly BoundParameter[]) => parameters.map((p) => p.value);

/** Every command of a plan rendered by both dialects, in command (layout) order. */
export function renderBoth(plan: ShardQueryPlan): SideBySide {
  const render = (dialect: typeof sqliteDialect | typeof mssqlDialect) =>
    plan.commands.map((c) => {
      const r = dialect.renderSelect(c.statement);
      return { shard: c.target.shard.qualifiedId, sql: r.sql, parameters: values(r.parameters) };
    });
  return { shards: plan.commands.map((c) => c.target.shard.qualifiedId), sqlite: render(sqliteDialect), mssql: render(mssqlDialect) };
}

/** The quoted table of each command, per dialect. */
export function tablesOf(plan: ShardQueryPlan, dialect: 'sqlite' | 'mssql'): string[] {
  const d = dialect === 'sqlite' ? sqliteDialect : mssqlDialect;
  return plan.commands.map((c) => d.quoteTable(c.target.table));
}

/**
 * One query shape as a reviewer reads it: the shards it reaches, the SQL every one of them gets in
 * SQLite and in SQL Server (written for the first shard; the others differ only by table), the
 * parameters each dialect binds, and how the answers merge.
 */
export interface ShapeCase {
  readonly name: string;
  /** A streamed query (checked through `explain()` too), or a terminal's plan (`planOf(q.count())`). */
  readonly query: Queryable<unknown> | (() => Promise<ShardQueryPlan>);
  readonly shards: readonly string[];
  readonly sqlite: string;
  readonly mssql: string;
  readonly params?: { readonly sqlite: readonly unknown[]; readonly mssql: readonly unknown[] };
  /** Shards whose statement differs (a date range implied on some shards only), by shard id. */
  readonly perShard?: Readonly<
    Record<
      string,
      {
        readonly sqlite: string;
        readonly mssql: string;
        readonly params?: { readonly sqlite: readonly unknown[]; readonly mssql: readonly unknown[] };
      }
    >
  >;
  readonly merge: MergePlan;
  readonly finish: RowFinish['kind'];
  readonly terminal: ShardQueryPlan['terminal']['where'];
}

/**
 * Checks a `ShapeCase`: shards, SQL text of both dialects on every shard, parameters, merge plan,
 * finish and terminal placement; parses every T-SQL statement with the T-SQL grammar; and for a
 * streamed query, that `explain({ dialect })` shows the same SQL.
 */
export async function expectShape(c: ShapeCase): Promise<ShardQueryPlan> {
  const plan = typeof c.query === 'function' ? await c.query() : rowsPlanOf(c.query);
  const both = renderBoth(plan);
  expect(both.shards).toEqual(c.shards);
  expect(plan.merge).toEqual(c.merge);
  expect(plan.finish.kind).toBe(c.finish);
  expect(plan.terminal.where).toBe(c.terminal);
  for (const dialect of ['sqlite', 'mssql'] as const) {
    const commands = both[dialect];
    const tables = tablesOf(plan, dialect);
    for (let i = 0; i < commands.length; i++) {
      // Every shard gets the first shard's SQL with its own table, and the same parameters, unless
      // `perShard` says otherwise.
      const own = c.perShard?.[commands[i].shard];
      const sql = own ? own[dialect] : c[dialect].split(tables[0]).join(tables[i]);
      expect(commands[i].sql, `${dialect} SQL of ${commands[i].shard}`).toBe(sql);
      expect(commands[i].parameters, `${dialect} parameters of ${commands[i].shard}`).toEqual(
        (own ? own.params : c.params)?.[dialect] ?? [],
      );
    }
    if (typeof c.query !== 'function') {
      const explained = c.query.explain({ dialect });
      expect(explained.commands.map((e) => e.sql)).toEqual(commands.map((e) => e.sql));
      expect(explained.commands.map((e) => e.parameters)).toEqual(commands.map((e) => e.parameters));
    }
  }
  for (const command of both.mssql) await parseTsql(command.sql);
  return plan;
}

/** Every Customer column, as whole-entity queries select them. */
const CUSTOMER_COLUMNS = ['id', 'region', 'name', 'email', 'createdAt', 'vip', 'score', 'rating'];
export const SQLITE_CUSTOMER = CUSTOMER_COLUMNS.map((c) => `"c"."${c}" AS "${c}"`).join(', ');
export const MSSQL_CUSTOMER = CUSTOMER_COLUMNS.map((c) => `[c].[${c}] AS [${c}]`).join(', ');

export const ALL_REGIONS = ['EU', 'US', 'APAC'];
export const ALL_YEARS = ['years::2023', 'years::2024', 'years::2025'];
