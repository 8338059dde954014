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
import { validatePoolSizes } from '../schema/validate-pool-sizes.js';
import { registerContextRuntime } from './context-runtime.js';
import { DbSet } from './db-set.js';
import { NoProviderExecutor } from './no-provider-executor.js';

// One model per context class (and identifier limit): onModelCreating runs once per process.
const modelCache = new WeakMap<Function, Map<number, Model>>();

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
  readonly #layout: ShardLayout;
  #model: Model | null = null;
  #executor: QueryExecutor | null = null;
  readonly #sets = new Map<EntityClass, DbSet<unknown>>();
  #started = false;
  #closing: Promise<void> | null = null;

  constructor(options: DtdeContextOptions = {}) {
    this.options = parseContextOptions(options);
    this.#layout = buildShardLayout(this.options.shards);
    const context = this;
    registerContextRuntime(this, {
      contextName: this.constructor.name,
      get model() {
        return context.model;
      },
      layout: this.#layout,
      options: this.options,
      ready: (operation) => this.#ready(operation),
    });
  }

  /** Configures the entities of this context. Override it; the default configures none. */
  protected onModelCreating(_mb: ModelBuilder): void {}

  /**
   * Supplies the executor every `DbSet` of this context runs its queries with. Called once, on the
   * first `set`. Without a query engine it is an executor whose queries fail with a message saying
   * how to configure a provider.
   */
  protected createExecutor(): QueryExecutor {
    if (this.options.provider === undefined) return new NoProviderExecutor(this.constructor.name);
    const context = this;
    return new ShardedQueryExecutor(() => {
      const provider = this.ensureReady();
      return {
        model: this.model,
        layout: this.shardLayout,
        dialect: provider.dialect,
        // Read on every query, so a query after close() fails here, saying so, not in the driver.
        get driver() {
          return context.#provider('query').driver;
        },
        maxParallelShards: this.options.maxParallelShards,
        queryTimeoutMs: this.options.queryTimeoutMs,
        maxIdentifierLength: this.options.maxIdentifierLength,
        strictRouting: this.options.strictRouting,
      };
    });
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
   * engine calls it before its first query; `ensureCreated` and `bulkLoad` call it too.
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
    this.#closing ??= this.options.provider?.driver.close() ?? Promise.resolve();
    return this.#closing;
  }

  /** `await using ctx = new ShopContext(...)` closes the context at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The model built by `onModelCreating`, checked against this context's shard layout. */
  get model(): Model {
    if (this.#model === null) {
      const model = this.#cachedModel();
      // Per instance: the layout comes from this context's options.
      validateShardLayout(model, this.#layout, { maxIdentifierLength: this.options.maxIdentifierLength });
      this.#model = model;
    }
    return this.#model;
  }

  /** The shards declared by the `shards` option, by group. */
  get shardLayout(): ShardLayout {
    return this.#layout;
  }

  /**
   * The queryable of an entity configured in `onModelCreating`; the same instance on every call.
   * An entity the model does not configure is a DtdeConfigurationError naming it.
   */
  set<T>(entity: EntityClass<T>): DbSet<T> {
    let set = this.#sets.get(entity as EntityClass);
    if (set === undefined) {
      const entityModel = entityModelOf(this.model, entity, this.constructor.name);
      this.#executor ??= this.createExecutor();
      set = new DbSet<unknown>(entityModel, this.#executor);
      this.#sets.set(entity as EntityClass, set);
    }
    return set as DbSet<T>;
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
      validatePoolSizes(this.#schemaScope(provider), this.options.maxParallelShards);
      this.#started = true;
    }
    return provider;
  }

  #schemaScope(provider: DtdeProvider): SchemaScope {
    return { model: this.model, layout: this.#layout, provider, targetOptions: { maxIdentifierLength: this.options.maxIdentifierLength } };
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
