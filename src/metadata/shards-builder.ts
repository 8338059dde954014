import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { validateGroupName } from './identifier.js';
import type { ConnectionRef, ShardLayout, ShardModel } from './model.js';
import { DEFAULT_SHARD_GROUP } from './model.js';
import { ShardGroupBuilder } from './shard-group-builder.js';

/**
 * Declares which shards exist and where they live; the `shards` option of a context receives one.
 * Shards declared directly belong to the default group (known by their plain id); named groups
 * (`addShardGroup`) are known as `group::id`. `readOnly()` marks what the previous call added: one
 * shard, the shards of `addShards`, or every shard of the group of `addShardGroup`.
 *
 * @example
 * new ShopContext({
 *   shards: s => s
 *     .addShards('EU', 'US')
 *     .addShard('APAC', { file: 'apac.db' })                // in apac.db, named as the storage mode says
 *     .addTableShardInDatabase('LATAM', { file: 'la.db' })  // Customers_LATAM in la.db
 *     .addShardGroup('years', g => g.addShards('2023').readOnly().addShards('2024', '2025')),
 * });
 */
export class ShardsBuilder extends ShardGroupBuilder {
  readonly #groups = new Map<string, ShardGroupBuilder>();
  #lastGroup: ShardGroupBuilder | null = null;

  constructor() {
    super(DEFAULT_SHARD_GROUP);
  }

  /**
   * Declares a named group of shards, used by entities through `useShardGroup(name)`; its shards
   * are known as `name::id`. Each name may be declared once, and not as `'default'`.
   *
   * @example s.addShardGroup('years', g => g.addShard('2024', { file: 'orders-2024.db' }));
   */
  addShardGroup(name: string, configure: (g: ShardGroupBuilder) => ShardGroupBuilder | void): this {
    const path = `shards.${String(name)}`;
    validateGroupName(name, path);
    if (name === DEFAULT_SHARD_GROUP) {
      throw new DtdeConfigurationError(
        `${path}: '${DEFAULT_SHARD_GROUP}' is the name of the default group; declare its shards with addShard/addShards directly, or pick another group name.`,
        { path },
      );
    }
    if (this.#groups.has(name)) {
      throw new DtdeConfigurationError(
        `${path}: shard group '${name}' is declared twice; declare all its shards in one addShardGroup call.`,
        { path },
      );
    }
    const group = new ShardGroupBuilder(name);
    configure(group);
    this.#groups.set(name, group);
    this.forgetLastAdded();
    this.#lastGroup = group;
    return this;
  }

  /**
   * Declares one shard of the default group, in the context's database or, with a connection, in
   * that one; see `ShardGroupBuilder.addShard`.
   *
   * @example s.addShard('US', { file: 'us.db' });
   */
  override addShard(id: string, connection?: ConnectionRef): this {
    this.#lastGroup = null;
    return super.addShard(id, connection);
  }

  /**
   * Declares several shards of the default group, all in the context's database.
   *
   * @example s.addShards('EU', 'US', 'APAC');
   */
  override addShards(...ids: string[]): this {
    this.#lastGroup = null;
    return super.addShards(...ids);
  }

  /**
   * Declares a default-group shard whose pattern-named table (`Customers_LATAM`) lives in another
   * database, whatever the entity's storage mode.
   *
   * @example s.addTableShardInDatabase('LATAM', { file: 'latam.db' });
   */
  override addTableShardInDatabase(id: string, connection: ConnectionRef): this {
    this.#lastGroup = null;
    return super.addTableShardInDatabase(id, connection);
  }

  /**
   * Marks what the previous call added as read-only (queried, but refused by writes): its
   * shard or shards, or every shard of the group when it was `addShardGroup`.
   *
   * @example s.addShardGroup('archive', g => g.addShards('2019', '2020')).readOnly();
   */
  override readOnly(): this {
    if (this.#lastGroup === null) return super.readOnly();
    this.#lastGroup.markAllReadOnly();
    return this;
  }

  /** The frozen layout. The default group is always present, possibly empty. */
  build(): ShardLayout {
    const groups = new Map<string, readonly ShardModel[]>([[DEFAULT_SHARD_GROUP, this.buildShards()]]);
    for (const [name, group] of this.#groups) groups.set(name, group.buildShards());
    return Object.freeze({ groups });
  }
}

/** Runs a `shards` option callback and returns the layout (an empty default group without one). */
export function buildShardLayout(configure?: (s: ShardsBuilder) => ShardsBuilder | void): ShardLayout {
  const builder = new ShardsBuilder();
  configure?.(builder);
  return builder.build();
}
