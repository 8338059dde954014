import { CallSite } from '../errors/call-site.js';
import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import { ShardedQueryExecutor } from '../execution/sharded-query-executor.js';
import type { QueryExecutor } from '../linq/expression/query-expression.js';
import { parseContextOptions, type DtdeContextOptions, type ResolvedContextOptions } from './context-options.js';
import { entityModelOf } from '../metadata/entity-model-of.js';
import type { EntityClass, Model, ShardLayout } from '../metadata/model.js';
import { ModelBuilder } from '../metadata/model-builder.js';
import { buildShardLayout } from '../metadata/shards-builder.js';
import { validateShardLayout } from '../metadata/validate-shard-layout.js';
import type { DtdeProvider } from '../providers/provider.js';
import { createSchema, type SchemaScope } from '../schema/create-schema.js';
import { deleteSchema } from '../schema/delete-schema.js';
import { validateCollations } from '../schema/validate-collations.js';
import { validatePoolSizes } from '../schema/validate-pool-sizes.js';
import { DbSet } from './db-set.js';
import { TemporalDbSet } from './temporal-db-set.js';
import { NoProviderExecutor } from './no-provider-executor.js';
import { ContextWrites } from './context-writes.js';
import { DateShardCatalog } from './date-shard-catalog.js';
import { subscribeQueryLog } from './query-log.js';
import type { BulkInsertOptions, BulkInsertResult } from '../writes/bulk-insert.js';
import type { RecoveryResult } from '../writes/recover-transactions.js';
import type { WriteRuntime } from '../writes/write-runtime.js';

// One model per context class (and identifier limit): onModelCreating runs once per process.
const modelCache = new WeakMap<Function, Map<number, Model>>();

/** Options of `saveChanges`. */
export interface SaveChangesOptions {
  /** Aborts waiting for connections and locks; a save aborted before its commit writes nothing. */
  readonly signal?: AbortSignal;
  /** Keep the history of temporal entities; see `saveChangesWithVersioning`. */
  readonly versioning?: boolean;
}

/**
 * The base class of a user's context: entities are configured in `onModelCreating`, shards and the
 * provider are given at construction, and `set(Entity)` returns a typed queryable.
 *
 * The model is built lazily on first use (`set`, `model`, `shardLayout`), so class fields such as
 * `customers = this.set(Customer)` work, and it is cached per subclass: a second context of the
 * same class reuses it. Options and the shard layout are validated in the constructor.
 *
 * @example
 * class ShopContext extends DtdeContext {
 *   customers = this.set(Customer);
 *   protected override onModelCreating(mb: ModelBuilder) {
 *     mb.entity(Customer, e => {
 *       e.toTable('Customers');
 *       e.key(c => c.id);
 *       e.property(c => c.id).int();
 *       e.property(c => c.region).string(8);
 *       e.shardBy(c => c.region);
 *     });
 *   }
 * }
 * await using ctx = new ShopContext({ provider: sqlite({ file: 'shop.db' }), shards: s => s.addShards('EU', 'US') });
 * await ctx.ensureCreated();
 */
export abstract class DtdeContext implements AsyncDisposable {
  /** The validated options, defaults applied. */
  readonly options: ResolvedContextOptions;
  readonly #shards: DateShardCatalog;
  #model: Model | null = null;
  #executor: QueryExecutor | null = null;
  readonly #sets = new Map<EntityClass, DbSet<unknown>>();
  #started = false;
  #closing: Promise<void> | null = null;
  readonly #writes: ContextWrites;
  #stopLog: (() => void) | undefined;

  constructor(options: DtdeContextOptions = {}) {
    try {
      this.options = parseContextOptions(options, `new ${new.target.name}`);
    } catch (error) {
      // new.target is the class the user constructed: its caller is the user's line.
      throw CallSite.capture(new.target, `new ${new.target.name}()`).relocate(error);
    }
    const declared = buildShardLayout(this.options.shards);
    this.#shards = new DateShardCatalog(declared, () => this.#provider('query').databaseId(null));
    this.#writes = new ContextWrites((operation) => this.#writeRuntime(operation), { autoRecover: this.options.recoverOnFirstWrite });
    if (this.options.log !== undefined) this.#stopLog = subscribeQueryLog(this.options.log, this);
  }

  /** Configures the entities of this context. Override it; the default configures none. */
  protected onModelCreating(_mb: ModelBuilder): void {}

  /**
   * @internal
   * Supplies the executor every `DbSet` of this context runs its queries with. Called once, on the
   * first `set`. Without a query engine it is an executor whose queries fail with a message saying
   * how to configure a provider.
   */
  protected createExecutor(): QueryExecutor {
    if (this.options.provider === undefined) return new NoProviderExecutor(this.constructor.name);
    const context = this;
    const reads = new ShardedQueryExecutor(() => {
      const provider = this.ensureReady();
      return {
        model: this.model,
        get layout() {
          return context.shardLayout;
        },
        dialect: provider.dialect,
        // Read on every query, so a query after close() fails here, saying so, not in the driver,
        // and a query inside a transaction scope reads through the scope's transactions.
        get driver() {
          return context.#writes.readingDriver(context.#provider('query').driver);
        },
        maxParallelShards: this.options.maxParallelShards,
        queryTimeoutMs: this.options.queryTimeoutMs,
        maxIdentifierLength: this.options.maxIdentifierLength,
        strictRouting: this.options.strictRouting,
        source: context,
        databaseId: (connection) => provider.databaseId(connection),
      };
    });
    const writes = this.#writes;
    // Entities whose date shards are created on demand: before the first read, find the shards
    // other processes created.
    const discovering = [...this.model.entities.values()].some((e) => e.sharding?.strategy === 'date' && e.sharding.autoCreate === true);
    if (discovering) {
      const discover = () => this.#shards.discover(this.model, this.#provider('query'));
      return {
        execute: async (query, terminal, options) => {
          await discover();
          return reads.execute(query, terminal, options);
        },
        stream: (query, options) => afterDiscovery(discover, () => reads.stream(query, options)),
        toQueryString: (query, options) => reads.toQueryString(query, options),
        explain: (query, options) => reads.explain(query, options),
        executeUpdate: async (query, set, options) => {
          await discover();
          return writes.setWrite(query, set, options?.signal);
        },
        executeDelete: async (query, options) => {
          await discover();
          return writes.setWrite(query, null, options?.signal);
        },
      };
    }
    return {
      execute: (query, terminal, options) => reads.execute(query, terminal, options),
      executeNow: (query, terminal, options) => reads.executeNow(query, terminal, options),
      stream: (query, options) => reads.stream(query, options),
      toQueryString: (query, options) => reads.toQueryString(query, options),
      explain: (query, options) => reads.explain(query, options),
      executeUpdate: (query, set, options) => writes.setWrite(query, set, options?.signal),
      executeDelete: (query, options) => writes.setWrite(query, null, options?.signal),
    };
  }

  /**
   * The provider from the options. Throws `DtdeConfigurationError` when none was given and
   * `DtdeInvalidOperationError` once the context is closed. For the query engine: it runs no
   * start-up checks (`ensureReady` does).
   */
  protected get provider(): DtdeProvider {
    return this.#provider('query');
  }

  /**
   * The provider, after the start-up checks that need it, run once per context on first use:
   * `maxParallelShards` must fit each database's pool (see `validatePoolSizes`). The query
   * engine calls it before its first query; `ensureCreated` and the writes call it too.
   */
  protected ensureReady(): DtdeProvider {
    return this.#ready('query');
  }

  /**
   * Creates every database and table the model needs, idempotently: each shard database (SQLite:
   * one file per database-mode shard), then each shard table and the table of each unsharded
   * entity, with the columns, types, nullability, key and identity of the model. Tables that
   * exist are left as they are. Manual-mode tables are never created: they pre-exist.
   *
   * @example
   * await using ctx = new ShopContext({ provider: sqlite({ file: 'shop.db' }), shards });
   * await ctx.ensureCreated(); // Customers_EU, Customers_US in shop.db; Orders in 2024.db, 2025.db
   */
  async ensureCreated(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await createSchema(this.#schemaScope(this.#ready('ensureCreated')), options.signal);
  }

  /**
   * Removes what `ensureCreated` creates: drops the tables in the context's own database (which is
   * kept, with any other tables in it) and deletes every shard database (SQLite: the shard's file
   * with its -wal and -shm files). Manual-mode tables are never dropped. Read-only shards are
   * removed too: read-only guards their rows against writes, not the schema. Idempotent.
   *
   * @example
   * await ctx.ensureDeleted(); // shop.db keeps only what dtde did not create; 2024.db, 2025.db are gone
   */
  async ensureDeleted(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await deleteSchema(this.#schemaScope(this.#provider('ensureDeleted')), options.signal);
  }

  /**
   * Releases the provider's driver: open streams fail, open transactions roll back, connections
   * close. Idempotent; afterwards the context refuses work. `await using` calls it.
   *
   * @example
   * const ctx = new ShopContext({ provider: sqlite({ file: 'shop.db' }) });
   * try { ... } finally { await ctx.close(); }
   */
  close(): Promise<void> {
    this.#stopLog?.();
    this.#stopLog = undefined;
    this.#closing ??= this.options.provider?.driver.close() ?? Promise.resolve();
    return this.#closing;
  }

  /** `await using ctx = new ShopContext(...)` closes the context at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Marks a new entity to be inserted by the next `saveChanges`, into the shard its shard key
   * routes to. The object must be an instance of an entity class of the model; for a plain object
   * use the entity's set (`ctx.customers.add({ ... })`).
   *
   * @example
   * ctx.add(Object.assign(new Customer(), { id: 7, region: 'EU', name: 'Ada', createdAt: new Date() }));
   * await ctx.saveChanges();
   */
  add<T extends object>(entity: T): void {
    this.#writes.track('add', this.#entityOf(entity, 'add'), entity);
  }

  /** `add` for each entity. */
  addRange(entities: Iterable<object>): void {
    for (const entity of entities) this.add(entity);
  }

  /**
   * Marks an entity to be written back by the next `saveChanges`. The stored row is found by the
   * values the entity had when dtde read (or last saved) it, so changing its shard key moves the
   * row to its new shard, atomically. For an entity dtde did not read, pass those stored values
   * as `from` (at least the key and the old shard key); without them the current values are taken
   * to be the stored ones. A concurrency token makes the save fail if the row changed meanwhile.
   *
   * @example
   * const c = await ctx.customers.first(c => c.id === 7);
   * c.region = 'US';     // moves the row from Customers_EU to Customers_US
   * ctx.update(c);
   * await ctx.saveChanges();
   */
  update<T extends object>(entity: T, options: { readonly from?: Partial<T> } = {}): void {
    this.#writes.track('update', this.#entityOf(entity, 'update'), entity, options.from as Readonly<Record<string, unknown>> | undefined);
  }

  /**
   * Marks an entity to be deleted by the next `saveChanges`, found like `update` finds it.
   *
   * @example
   * ctx.remove(await ctx.customers.first(c => c.id === 7));
   * await ctx.saveChanges();
   */
  remove<T extends object>(entity: T, options: { readonly from?: Partial<T> } = {}): void {
    this.#writes.track('remove', this.#entityOf(entity, 'remove'), entity, options.from as Readonly<Record<string, unknown>> | undefined);
  }

  /** How many entities have a change waiting for `saveChanges`. */
  get pendingChangeCount(): number {
    return this.#writes.pendingCount;
  }

  /** Forgets every pending change (after a failed save, instead of retrying it). */
  discardChanges(): void {
    this.#writes.discard();
  }

  /**
   * Writes every pending change: validated first (one `DtdeValidationError` lists every bad field
   * of every entity, and nothing is sent), routed by shard key, then written atomically: one
   * local transaction when every shard lives in one database, otherwise a two-phase commit with a
   * redo log in the coordinator database, so the save commits everywhere or nowhere even if the
   * process dies midway (`recover()` finishes a decided save). Returns the number of rows written
   * and leaves no pending change; on failure the changes stay pending, so retry or
   * `discardChanges()`. Generated keys and incremented concurrency tokens are written back to the
   * entity objects once the save is durable.
   *
   * @example
   * ctx.add(order);
   * ctx.update(customer);
   * const written = await ctx.saveChanges(); // 2
   */
  async saveChanges(options: SaveChangesOptions = {}): Promise<number> {
    return this.#writes.saveChanges(options.signal, options.versioning ?? false);
  }

  /**
   * `saveChanges({ versioning: true })`: entities with temporal validity keep their history. An
   * update closes the current version (its validTo becomes the save's instant, read once from the
   * context's clock) and inserts the next version valid from that same instant, so exactly one
   * version is valid at every instant; a remove closes the current version. The close and the
   * insert commit together even when they land in different shards. Other entities save as usual.
   *
   * @example
   * const c = await ctx.contracts.validAt(new Date()).first(c => c.id === 7);
   * c.rate = 0.05;
   * ctx.update(c);
   * await ctx.saveChangesWithVersioning(); // the old rate stays valid until now
   */
  async saveChangesWithVersioning(options: { readonly signal?: AbortSignal } = {}): Promise<number> {
    return this.#writes.saveChanges(options.signal, true);
  }

  /**
   * Runs `work` in one transaction across every database it writes: `saveChanges`, set-based
   * writes and `bulkInsert` inside it join the transaction, and queries inside it read the
   * databases it has written through the transaction, so they see its own writes. It commits
   * (by the same protocol as `saveChanges`) when `work` resolves and rolls back when it throws.
   * The scope follows the async calls made inside `work`; `tx` is this context.
   *
   * @example
   * await ctx.transaction(async (tx) => {
   *   tx.add(order);
   *   await tx.saveChanges();
   *   const n = await tx.orders.count(o => o.customerId === order.customerId); // sees the new order
   * });
   */
  async transaction<R>(work: (tx: this) => Promise<R>, options: { readonly signal?: AbortSignal } = {}): Promise<R> {
    return this.#writes.transaction(() => work(this), options.signal);
  }

  /**
   * Inserts many rows of one entity, far faster than one `add` per row: each batch is validated
   * (one error lists every bad field of every row) and routed before any of it is sent, then
   * written as multi-row INSERT statements within the provider's limits (SQL Server: 2,100
   * parameters and 1,000 rows per statement). Atomic across every shard and batch, by the same
   * protocol as `saveChanges`. Generated keys come back into the objects.
   *
   * @example
   * const { rowsInserted, perShard } = await ctx.bulkInsert(Customer, customers);
   * // rowsInserted: 50000, perShard: { EU: 16817, US: 16683, APAC: 16500 }
   */
  async bulkInsert<T extends object>(
    entity: EntityClass<T>,
    rows: Iterable<T> | AsyncIterable<T>,
    options: BulkInsertOptions = {},
  ): Promise<BulkInsertResult> {
    return this.#writes.bulkInsert(entityModelOf(this.model, entity, this.constructor.name), rows, options);
  }

  /**
   * Retention for date-sharded entities: drops every shard of `entity` whose interval ends at or
   * before `date`, table and rows, the cheap way to delete old data that date sharding exists for.
   * A shard whose interval straddles `date` is an error and nothing is dropped. Returns the ids of
   * the dropped shards; every context of this process stops reading them.
   *
   * @example
   * await ctx.dropShardsBefore(Order, new Date('2024-01-01')); // ['years::2022', 'years::2023']
   */
  async dropShardsBefore<T>(entity: EntityClass<T>, date: Date): Promise<string[]> {
    const provider = this.#ready('dropShardsBefore');
    await this.#shards.discover(this.model, provider);
    return this.#shards.dropBefore(
      entityModelOf(this.model, entity, this.constructor.name),
      date,
      provider,
      this.options.maxIdentifierLength,
    );
  }

  /**
   * Finishes every save across databases that a stopped process left decided but incomplete, from
   * the coordinator's log, and cleans up the log. Runs by itself before a context's first write
   * (`recoverOnFirstWrite`); call it at start-up to finish them before any read.
   */
  async recover(options: { readonly signal?: AbortSignal } = {}): Promise<RecoveryResult> {
    return this.#writes.recover(options.signal);
  }

  /** The model built by `onModelCreating`, checked against this context's shard layout. */
  get model(): Model {
    if (this.#model === null) {
      const model = this.#cachedModel();
      // Per instance: the layout comes from this context's options.
      validateShardLayout(model, this.#shards.layout, { maxIdentifierLength: this.options.maxIdentifierLength });
      this.#model = model;
    }
    return this.#model;
  }

  /** The shards declared by the `shards` option, by group. */
  get shardLayout(): ShardLayout {
    return this.#shards.layout;
  }

  /**
   * The queryable of an entity configured in `onModelCreating`; the same instance on every call.
   * An entity the model does not configure is a DtdeConfigurationError naming it.
   */
  set<T>(entity: EntityClass<T>): DbSet<T> {
    let set = this.#sets.get(entity as EntityClass);
    if (set === undefined) {
      const entityModel = this.#entityModelAt(entity, DtdeContext.prototype.set, '.set()');
      this.#executor ??= this.createExecutor();
      set = new DbSet<unknown>(entityModel, this.#executor, this.#writes);
      this.#sets.set(entity as EntityClass, set);
    }
    return set as DbSet<T>;
  }

  /**
   * The set of an entity with temporal validity: `set(Entity)` plus `validAt(date)`,
   * `validBetween(from, to)` and `allVersions()`. Declare it for the entities configured with
   * `hasTemporalValidity(...)`; any other entity is a `DtdeConfigurationError`.
   *
   * @example
   * class HrContext extends DtdeContext {
   *   contracts = this.temporalSet(Contract);
   * }
   * await ctx.contracts.validAt(new Date()).count();
   */
  temporalSet<T>(entity: EntityClass<T>): TemporalDbSet<T> {
    let set = this.#sets.get(entity as EntityClass);
    if (!(set instanceof TemporalDbSet)) {
      const entityModel = this.#entityModelAt(entity, DtdeContext.prototype.temporalSet, '.temporalSet()');
      if (entityModel.temporal === null) {
        const error = new DtdeConfigurationError(
          `${entityModel.name} has no temporal validity, so it has no temporal set; configure e.hasTemporalValidity(x => x.validFrom, x => x.validTo) for it, or use set(${entityModel.name}).`,
          { path: `${entityModel.name}.hasTemporalValidity` },
        );
        throw CallSite.capture(DtdeContext.prototype.temporalSet, '.temporalSet()').relocate(error);
      }
      this.#executor ??= this.createExecutor();
      set = new TemporalDbSet<unknown>(entityModel, this.#executor, this.#writes);
      this.#sets.set(entity as EntityClass, set);
    }
    return set as TemporalDbSet<T>;
  }

  /**
   * The model of `entity`, for the public `api` the user called: an entity the model does not
   * configure is an error pointing at the user's line. (An error building the model is not: its
   * own stack shows the line of onModelCreating at fault.)
   */
  #entityModelAt(entity: EntityClass, api: Function, label: string) {
    const model = this.model;
    try {
      return entityModelOf(model, entity, this.constructor.name);
    } catch (error) {
      throw CallSite.capture(api, label).relocate(error);
    }
  }

  #entityOf(entity: object, operation: string) {
    if (typeof entity !== 'object' || entity === null) {
      throw new DtdeInvalidOperationError(`${operation}() needs an entity object, got ${entity === null ? 'null' : typeof entity}.`, {
        operation,
      });
    }
    const type = (entity as { constructor?: unknown }).constructor;
    if (type === Object || typeof type !== 'function') {
      throw new DtdeInvalidOperationError(
        `${operation}() got a plain object, so dtde cannot tell its entity; use the entity's set (ctx.set(Customer).${operation}({ ... })) or pass an instance of the entity class.`,
        { operation },
      );
    }
    return entityModelOf(this.model, type as EntityClass, this.constructor.name);
  }

  #writeRuntime(operation: string): WriteRuntime {
    const context = this;
    const provider = this.#ready(operation);
    return {
      model: this.model,
      get layout() {
        return context.shardLayout;
      },
      provider,
      ensureShards: async (entity, rows) => {
        await this.#shards.discover(this.model, provider);
        await this.#shards.ensureShardsFor(entity, rows, provider, this.options.maxIdentifierLength);
      },
      maxIdentifierLength: this.options.maxIdentifierLength,
      coordinator: this.options.coordinator,
      now: this.options.clock,
    };
  }

  #provider(operation: string): DtdeProvider {
    const name = this.constructor.name;
    if (this.#closing !== null) {
      throw new DtdeInvalidOperationError(`${name} is closed, so ${operation} cannot run; create a new context.`, { operation });
    }
    const provider = this.options.provider;
    if (provider === undefined) {
      throw new DtdeConfigurationError(
        `${name} has no provider configured, so ${operation} cannot run; pass provider: sqlite({ file: 'app.db' }) (or another dtde provider) in the context options.`,
        { path: 'options.provider' },
      );
    }
    return provider;
  }

  #ready(operation: string): DtdeProvider {
    const provider = this.#provider(operation);
    if (!this.#started) {
      validateCollations(this.model, provider.dialect);
      validatePoolSizes(this.#schemaScope(provider), this.options.maxParallelShards);
      this.#started = true;
    }
    return provider;
  }

  #schemaScope(provider: DtdeProvider): SchemaScope {
    return {
      model: this.model,
      layout: this.shardLayout,
      provider,
      targetOptions: { maxIdentifierLength: this.options.maxIdentifierLength },
    };
  }

  #cachedModel(): Model {
    const contextClass = this.constructor;
    const limit = this.options.maxIdentifierLength;
    let byLimit = modelCache.get(contextClass);
    if (byLimit === undefined) modelCache.set(contextClass, (byLimit = new Map()));
    let model = byLimit.get(limit);
    if (model === undefined) {
      const mb = new ModelBuilder({ maxIdentifierLength: limit });
      this.onModelCreating(mb);
      model = mb.build();
      byLimit.set(limit, model);
    }
    return model;
  }
}

/** A stream that first waits for `ready`, then yields what `open` streams. */
async function* afterDiscovery(ready: () => Promise<void>, open: () => AsyncIterable<unknown>): AsyncGenerator<unknown> {
  await ready();
  yield* open();
}
