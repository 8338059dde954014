import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import type {
  ExecuteNowResult,
  ExecuteOptions,
  MergeExplanation,
  QueryExecutor,
  QueryExplanation,
  QueryExpression,
  QueryStringOptions,
  TerminalOperation,
} from '../linq/expression/query-expression.js';
import { runTerminal } from '../linq/evaluate/run-terminal.js';
import { entityModelOf } from '../metadata/entity-model-of.js';
import type { EntityModel, Model, ShardLayout, ShardTarget } from '../metadata/model.js';
import { shardTargets } from '../metadata/shard-targets.js';
import { isRowsMergePlan, type MergeOrderKey, type MergeRow, type RowsMergePlan } from '../planner/merge-plan.js';
import { PlanCache } from '../planner/plan-cache.js';
import type { ShardQueryPlan } from '../planner/shard-query-plan.js';
import type { SqlType } from '../sql/sql-ast.js';
import type { DatabaseDriver } from '../providers/database-driver.js';
import { findDialect } from '../providers/dialect-registry.js';
import type { Dialect } from '../sql/dialect.js';
import { fieldOrders } from './field-orders.js';
import { finishRow, finishRows } from './finish-rows.js';
import { takeElementNow } from './merge-element.js';
import { readSingleShard, readSingleShardNow } from './read-single-shard.js';
import { renderCommand } from './render-command.js';
import { stripRow } from './row-stream.js';
import { mergeRows } from './merge-rows.js';
import { mergeValue } from './merge-value.js';
import type { ShardCommand } from './run-shard-commands.js';

/** What the engine needs from its context; resolved on first use, after the context's start-up checks. */
export interface ShardedQueryRuntime {
  readonly model: Model;
  readonly layout: ShardLayout;
  readonly dialect: Dialect;
  readonly driver: DatabaseDriver;
  readonly maxParallelShards: number;
  readonly queryTimeoutMs?: number;
  readonly maxIdentifierLength?: number;
  /** A shard-key value that names no shard is a `DtdeRoutingError` (the `strictRouting` context option). */
  readonly strictRouting?: boolean;
  /** Who runs the queries (the context), published with each shard command's diagnostics. */
  readonly source?: object;
  /** The provider's `databaseId`: a timeout error names the database of a slow shard with it. */
  readonly databaseId?: (connection: ShardTarget['connection']) => string;
}

/**
 * The query engine behind `ctx.set(Entity)`: plans each query over the entity's shards, runs the
 * shard commands through the driver under the parallelism bound, merges the answers and
 * materialises results. Plans are data, so `toQueryString` and `explain` need no I/O.
 */
export class ShardedQueryExecutor implements QueryExecutor {
  readonly #runtime: () => ShardedQueryRuntime;
  #resolved: ShardedQueryRuntime | undefined;
  /** Plans of the query shapes this engine has run: a repeated shape only binds its values. */
  readonly #plans = new PlanCache();

  /** `runtime` is called on the first query, not before: contexts create their executor while their fields initialise. */
  constructor(runtime: ShardedQueryRuntime | (() => ShardedQueryRuntime)) {
    this.#runtime = typeof runtime === 'function' ? runtime : () => runtime;
  }

  get #options(): ShardedQueryRuntime {
    return (this.#resolved ??= this.#runtime());
  }

  async execute(query: QueryExpression, terminal: TerminalOperation, options: ExecuteOptions = {}): Promise<unknown> {
    const answer = this.executeNow(query, terminal, options);
    return 'value' in answer ? answer.value : answer.pending;
  }

  /** `execute`, answered before returning when one shard's small result is read at once (see `singleShard`). */
  executeNow(query: QueryExpression, terminal: TerminalOperation, options: ExecuteOptions = {}): ExecuteNowResult {
    const plan = this.plan(query, terminal);
    return this.singleShard(plan, options) ?? { pending: this.executeMerged(plan, options) };
  }

  private async executeMerged(plan: ShardQueryPlan, options: ExecuteOptions): Promise<unknown> {
    if (plan.terminal.where === 'merge' && !isRowsMergePlan(plan.merge)) {
      const value = await mergeValue(plan.merge, this.commands(plan), this.mergeOptions(plan, options));
      if (plan.merge.kind === 'element') return value === null ? null : finishRow(value as MergeRow, plan.finish, plan.entity);
      return value;
    }
    const rows: unknown[] = [];
    for await (const row of this.rows(plan, options)) rows.push(row);
    return plan.terminal.where === 'client' ? runTerminal(rows, plan.terminal.operation, this.clientCollation(plan)) : rows;
  }

  stream(query: QueryExpression, options: ExecuteOptions = {}): AsyncIterable<unknown> {
    return this.rows(this.plan(query, null), options);
  }

  toQueryString(query: QueryExpression, options: QueryStringOptions = {}): string {
    // The commands of explain(), without the rest of the explanation.
    const plan = this.plan(query, null);
    const dialect = this.dialectFor(options.dialect);
    if (plan.commands.length === 0) return '-- no shard can hold matching rows: the answer is empty without I/O';
    return plan.commands
      .map((c) => `-- shard ${c.target.shard.qualifiedId} (${dialect.quoteTable(c.target.table)})\n${renderCommand(dialect, c).sql};`)
      .join('\n\n');
  }

  explain(query: QueryExpression, options: QueryStringOptions = {}): QueryExplanation {
    const plan = this.plan(query, null);
    const dialect = this.dialectFor(options.dialect);
    if (!isRowsMergePlan(plan.merge)) {
      throw new DtdeInvalidOperationError(`A streamed query was planned with a ${plan.merge.kind} merge.`, { operation: 'explain' });
    }
    const explanation: QueryExplanation = {
      entity: plan.entity.name,
      dialect: dialect.name,
      commands: plan.commands.map((c) => {
        const rendered = renderCommand(dialect, c);
        return {
          shardId: c.target.shard.qualifiedId,
          table: dialect.quoteTable(c.target.table),
          sql: rendered.sql,
          parameters: rendered.parameters.map((p) => p.value),
        };
      }),
      merge: explainMerge(plan.merge),
      terminal: plan.terminal.where,
      toJSON: () => ({ ...explanation, commands: explanation.commands.map((c) => ({ ...c, parameters: c.parameters.map(jsonValue) })) }),
    };
    // Not enumerable: the explanation reads (and compares in tests) as the plain data it is.
    return Object.defineProperty(explanation, 'toJSON', { enumerable: false });
  }

  /** The context's own dialect, the one named (the context's, or a registered one), or the one given. */
  private dialectFor(choice: QueryStringOptions['dialect']): Dialect {
    const own = this.#options.dialect;
    if (choice === undefined) return own;
    if (typeof choice !== 'string') return choice;
    return choice === own.name ? own : findDialect(choice);
  }

  /** Plans a query (no I/O). */
  plan(query: QueryExpression, terminal: TerminalOperation | null): ShardQueryPlan {
    if (query.source.kind !== 'entity') {
      throw new DtdeInvalidOperationError('The sharded query engine runs queries over entities; use asQueryable(rows) for arrays.', {
        operation: 'plan',
      });
    }
    const entity = entityModelOf(this.#options.model, query.source.entity);
    const { layout, strictRouting } = this.#options;
    return this.#plans.plan({ query, terminal, entity, layout, targets: this.targetsOf(entity), strictRouting });
  }

  /**
   * The fast path of a query one shard answers whole (rows, or first/single over them): the rows
   * are read straight from the driver into an array, without the runner, the merge and the
   * per-row generators; a small result of an engine in this process (`DatabaseDriver.queryNow`)
   * is read and finished before this returns (`{ value }`, or the failure thrown). Null when the
   * plan needs the general path.
   */
  private singleShard(plan: ShardQueryPlan, options: ExecuteOptions): ExecuteNowResult | null {
    if (plan.commands.length !== 1) return null;
    const merge = plan.merge;
    const rows = merge.kind === 'element' ? merge.source : merge;
    if (rows.kind !== 'concat' || rows.skip !== undefined || rows.take !== undefined) return null;
    if (merge.kind !== 'element' && plan.terminal.where === 'merge') return null;
    const command = plan.commands[0]!;
    const { dialect, driver } = this.#options;
    const rendered = renderCommand(dialect, command);
    const convert = rowConverter(command.fieldTypes, dialect);
    const finish = (found: MergeRow[]): unknown => {
      const strip = rows.stripFields;
      if (merge.kind === 'element') {
        const value = takeElementNow(found, merge.op);
        return value === null ? null : finishRow(stripRow(value, strip), plan.finish, plan.entity);
      }
      const out = found.map((row) => finishRow(stripRow(row, strip), plan.finish, plan.entity));
      return plan.terminal.where === 'client' ? runTerminal(out, plan.terminal.operation, this.clientCollation(plan)) : out;
    };
    // A small result from an engine in this process: read at once, no lease, no async iteration.
    const maxRows = plan.rowsPerShard;
    if (driver.queryNow !== undefined && maxRows !== undefined) {
      const now = readSingleShardNow(
        {
          shardId: command.target.shard.qualifiedId,
          sql: rendered.sql,
          parameters: rendered.parameters.map((p) => p.value),
          source: this.#options.source,
          readNow: () => driver.queryNow!(command.target.connection, rendered.sql, rendered.parameters, { maxRows, safeIntegers: true }),
          convert: convert.convert,
        },
        { signal: options.signal, entity: plan.entity.name, ...(merge.kind === 'element' ? { doneRowCount: () => 1 } : {}) },
      );
      if (now !== undefined) return { value: finish(now) };
    }
    const read = readSingleShard(
      {
        shardId: command.target.shard.qualifiedId,
        sql: rendered.sql,
        parameters: rendered.parameters.map((p) => p.value),
        source: this.#options.source,
        locate: () => this.locate(command.target),
        // Converted as read, without a generator per row.
        run: (signal) =>
          driver.query(command.target.connection, rendered.sql, rendered.parameters, { signal, safeIntegers: true, maxRows }),
        convert: convert.convert,
      },
      {
        signal: options.signal,
        timeoutMs: this.#options.queryTimeoutMs,
        entity: plan.entity.name,
        ...(merge.kind === 'element' ? { doneRowCount: () => 1 } : {}),
      },
    );
    return { pending: read.then(finish) };
  }

  private rows(plan: ShardQueryPlan, options: ExecuteOptions): AsyncIterable<unknown> {
    if (!isRowsMergePlan(plan.merge)) {
      throw new DtdeInvalidOperationError(`A ${plan.merge.kind} plan has no rows to stream.`, { operation: 'stream' });
    }
    const merged = mergeRows(plan.merge, this.commands(plan), this.mergeOptions(plan, options));
    return finishRows(merged, plan.finish, plan.entity, this.clientCollation(plan));
  }

  private commands(plan: ShardQueryPlan): ShardCommand<MergeRow>[] {
    const { dialect, driver } = this.#options;
    return plan.commands.map((command) => {
      const rendered = renderCommand(dialect, command);
      return {
        shardId: command.target.shard.qualifiedId,
        sql: rendered.sql,
        parameters: rendered.parameters.map((p) => p.value),
        source: this.#options.source,
        locate: () => this.locate(command.target),
        run: (signal: AbortSignal) =>
          rowConverter(command.fieldTypes, dialect).stream(
            driver.query(command.target.connection, rendered.sql, rendered.parameters, {
              signal,
              safeIntegers: true,
              maxRows: plan.rowsPerShard,
            }),
          ),
      };
    });
  }

  /** How client-side steps over the finished rows compare strings (see `FieldOrders.collation`). */
  private clientCollation(plan: ShardQueryPlan) {
    return plan.commands.length > 0 ? fieldOrders(plan.commands[0].fieldTypes, this.#options.dialect).collation : undefined;
  }

  private mergeOptions(plan: ShardQueryPlan, options: ExecuteOptions) {
    return {
      ...(plan.commands.length > 0 ? fieldOrders(plan.commands[0].fieldTypes, this.#options.dialect) : {}),
      maxParallel: this.parallelismFor(plan),
      signal: options.signal,
      timeoutMs: this.#options.queryTimeoutMs,
      entity: plan.entity.name,
      noShardReason: plan.noShardReason,
    };
  }

  // shardTargets caches per entity and layout; the layout changes when date shards are created
  // on demand or dropped, so it is read on every plan.
  /**
   * How many shard commands may run at once. An ordered merge needs the first row of every shard
   * before it can yield one, so with more shards than `maxParallelShards` the runner would read
   * the shards waiting for a slot into memory whole. Instead every stream is opened at once (each
   * reads ahead at most 64 rows, so memory is bounded by shards × 64 rows whatever the row count)
   * when each database's pool can hold its streams, which `maxParallelShards` then does not limit
   * (the streams wait on the consumer, so they load the databases no faster than it reads). Only
   * when a pool is smaller than a database's shards does the runner take turns and buffer.
   */
  private parallelismFor(plan: ShardQueryPlan): number {
    const { maxParallelShards, driver } = this.#options;
    const merge = plan.merge.kind === 'element' ? plan.merge.source : plan.merge;
    if (merge.kind !== 'ordered' || plan.commands.length <= maxParallelShards) return maxParallelShards;
    const perDatabase = new Map<string, { connection: ShardTarget['connection']; streams: number }>();
    for (const c of plan.commands) {
      const key = JSON.stringify(c.target.connection);
      const entry = perDatabase.get(key);
      if (entry === undefined) perDatabase.set(key, { connection: c.target.connection, streams: 1 });
      else entry.streams++;
    }
    // A pool too small for every stream: the runner's turn-taking, which buffers waiting shards
    // (each bounded by its SQL limit when the query is paged). Raising the pool lifts it.
    return [...perDatabase.values()].some((d) => d.streams > driver.poolSize(d.connection)) ? maxParallelShards : plan.commands.length;
  }

  /** Where a shard command runs, for an error naming it: the quoted table and the database's id (never credentials). */
  private locate(target: ShardTarget): { table: string; database?: string } {
    const { dialect, databaseId } = this.#options;
    const table = dialect.quoteTable(target.table);
    return databaseId === undefined ? { table } : { table, database: databaseId(target.connection) };
  }

  private targetsOf(entity: EntityModel): readonly ShardTarget[] {
    return shardTargets(entity, this.#options.layout, { maxIdentifierLength: this.#options.maxIdentifierLength });
  }
}

interface RowConverter {
  /** Converts one driver row in place. */
  readonly convert: (row: MergeRow) => void;
  /** Converts each row of a stream. */
  readonly stream: (rows: AsyncIterable<Record<string, unknown>>) => AsyncIterable<MergeRow>;
}

// Per result shape (a plan's fieldTypes object) and dialect: the converters are worked out once.
const converters = new WeakMap<object, WeakMap<Dialect, RowConverter>>();

/**
 * Driver values to the JavaScript values dtde promises, before the merge compares them: one
 * converter per result shape, holding each typed field with its type, so a row costs a loop over
 * those fields only.
 */
function rowConverter(fieldTypes: Readonly<Record<string, SqlType>>, dialect: Dialect): RowConverter {
  let byDialect = converters.get(fieldTypes);
  if (byDialect === undefined) converters.set(fieldTypes, (byDialect = new WeakMap()));
  let found = byDialect.get(dialect);
  if (found !== undefined) return found;
  const typedFields: string[] = [];
  const typedTypes: Exclude<SqlType, { kind: 'float' }>[] = [];
  // A float expression can still come back as an integer (SQLite's floor/ceil of an int, a CASE
  // whose branch is an int column), which safe-integer drivers return as a bigint; it is a number.
  const floats: string[] = [];
  for (const [field, type] of Object.entries(fieldTypes)) {
    if (type.kind === 'float') floats.push(field);
    else {
      typedFields.push(field);
      typedTypes.push(type);
    }
  }
  const convert = (row: MergeRow): void => {
    const r = row as Record<string, unknown>;
    for (let i = 0; i < typedFields.length; i++) {
      const field = typedFields[i]!;
      if (field in r) r[field] = dialect.fromDbValue(typedTypes[i]!, r[field]);
    }
    // A float expression can come back as a bigint (an integral result with safe integers on) or
    // as exact decimal text (PostgreSQL's numeric arithmetic); either way it is a number.
    for (const field of floats) {
      const v = r[field];
      if (typeof v === 'bigint' || typeof v === 'string') r[field] = Number(v);
    }
  };
  found = {
    convert,
    // A plain iterator over the driver's: an async generator costs several promise turns per row.
    stream: (rows) => ({
      [Symbol.asyncIterator]: () => {
        const inner = rows[Symbol.asyncIterator]();
        return {
          next: () =>
            inner.next().then((result) => {
              if (result.done === true) return result;
              try {
                convert(result.value);
              } catch (error) {
                // The runner treats a throwing stream as finished: the driver's must be closed here.
                return closeThenThrow(inner, error);
              }
              return result;
            }),
          return: async () => (await inner.return?.()) ?? { done: true, value: undefined },
        };
      },
    }),
  };
  byDialect.set(dialect, found);
  return found;
}

/** Closes `iterator` (its connection goes back), then fails with `error`. */
async function closeThenThrow(iterator: AsyncIterator<unknown>, error: unknown): Promise<never> {
  try {
    await iterator.return?.();
  } catch {
    // The conversion error is the one to report.
  }
  throw error;
}

/** A rows merge plan as `explain()` documents it: the same fields, copied, none of them undefined. */
function explainMerge(plan: RowsMergePlan): MergeExplanation {
  const paging = defined({ skip: plan.skip, take: plan.take, stripFields: plan.stripFields });
  switch (plan.kind) {
    case 'concat':
    case 'distinct':
      return { kind: plan.kind, ...paging };
    case 'ordered':
      return { kind: 'ordered', keys: plan.keys.map(explainKey), ...paging, ...defined({ distinct: plan.distinct }) };
    case 'groupBy':
      return {
        kind: 'groupBy',
        keys: plan.keys.map((k) => ({ field: k.field })),
        aggregates: plan.aggregates.map((a) => ({ ...a })),
        ...defined({ order: plan.order?.map(explainKey) }),
        ...paging,
      };
  }
}

function explainKey(key: MergeOrderKey) {
  return { field: key.field, descending: key.descending };
}

/** `fields` without its undefined entries, so that absent stays absent. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

/** A parameter value `JSON.stringify` can write: bigints as their decimal text (`12n` → `"12"`). */
function jsonValue(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
