import type { QueryExecutor } from '../linq/query-expression.js';
import { parseContextOptions, type DtdeContextOptions, type ResolvedContextOptions } from '../metadata/context-options.js';
import { entityModelOf } from '../metadata/entity-model-of.js';
import type { EntityClass, Model, ShardLayout } from '../metadata/model.js';
import { ModelBuilder } from '../metadata/model-builder.js';
import { buildShardLayout } from '../metadata/shards-builder.js';
import { validateShardLayout } from '../metadata/validate-shard-layout.js';
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
 *       e.key(c => c.id);
 *       e.property(c => c.id).int();
 *       e.property(c => c.region).string(8);
 *       e.shardBy(c => c.region);
 *     });
 *   }
 * }
 * const ctx = new ShopContext({ provider: sqlite({ file: 'shop.db' }), shards: s => s.addShards('EU', 'US') });
 */
export abstract class DtdeContext {
  /** The validated options, defaults applied. */
  readonly options: ResolvedContextOptions;
  readonly #layout: ShardLayout;
  #model: Model | null = null;
  #executor: QueryExecutor | null = null;
  readonly #sets = new Map<EntityClass, DbSet<unknown>>();

  constructor(options: DtdeContextOptions = {}) {
    this.options = parseContextOptions(options);
    this.#layout = buildShardLayout(this.options.shards);
  }

  /** Configures the entities of this context. Override it; the default configures none. */
  protected onModelCreating(_mb: ModelBuilder): void {}

  /**
   * Supplies the executor every `DbSet` of this context runs its queries with. Called once, on the
   * first `set`. Without a query engine it is an executor whose queries fail with a message saying
   * how to configure a provider.
   */
  protected createExecutor(): QueryExecutor {
    return new NoProviderExecutor(this.constructor.name, this.options.provider !== undefined);
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
