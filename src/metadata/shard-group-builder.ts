import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { shardTableSuffix, validateShardId } from './identifier.js';
import type { ConnectionRef, ShardModel } from './model.js';
import { DEFAULT_SHARD_GROUP } from './model.js';

/** A shard as declared, before the layout is frozen. */
interface DeclaredShard {
  id: string;
  placement: ShardModel['placement'];
  connection: ConnectionRef | null;
  readOnly: boolean;
}

/**
 * Declares the shards of one group. The default group is declared directly on `ShardsBuilder`,
 * named groups through `addShardGroup(name, g => ...)`.
 *
 * `readOnly()` marks every shard added by the call just before it (one for `addShard`, all of
 * them for `addShards`), so `addShards('2020', '2021').readOnly()` archives both years.
 *
 * @example
 * s.addShardGroup('years', g => g.addShards('2020', '2021').readOnly().addShards('2024', '2025'));
 */
export class ShardGroupBuilder {
  readonly #group: string;
  readonly #shards: DeclaredShard[] = [];
  #lastAdded: DeclaredShard[] = [];

  constructor(group: string = DEFAULT_SHARD_GROUP) {
    this.#group = group;
  }

  /**
   * Declares one shard: in the context's database without a connection, in that database with one.
   * Its table follows the entity's storage mode: `'tables'` gives a `{Table}_{ShardId}` table
   * (`Customers_EU`), `'databases'` the entity's own table, which needs a connection.
   *
   * @example s.addShard('EU').addShard('US', { file: 'us.db' });
   */
  addShard(id: string, connection?: ConnectionRef): this {
    const shard =
      connection === undefined
        ? this.#declare(id, 'table', null)
        : this.#declare(id, 'database', checkConnection(connection, this.#path(id)));
    this.#lastAdded = [shard];
    return this;
  }

  /**
   * Declares several shards without a connection at once, as `addShard(id)` each: they live in the
   * context's database, so they suit `'tables'` storage.
   *
   * @example s.addShards('EU', 'US', 'APAC');
   */
  addShards(...ids: string[]): this {
    this.#lastAdded = ids.map((id) => this.#declare(id, 'table', null));
    return this;
  }

  /**
   * Mixed placement: a table named by the entity's table pattern (`{Table}_{ShardId}` by default)
   * that lives in the given database or server, whatever the entity's storage mode.
   *
   * @example s.addTableShardInDatabase('LATAM', { file: 'latam.db' }); // Customers_LATAM in latam.db
   */
  addTableShardInDatabase(id: string, connection: ConnectionRef): this {
    const shard = this.#declare(id, 'tableInDatabase', checkConnection(connection, this.#path(id)));
    this.#lastAdded = [shard];
    return this;
  }

  /**
   * Marks the shards added by the previous call as read-only: queries still read them, but
   * writes refuse rows routed to them. Throws `DtdeConfigurationError` when the previous call
   * added no shard.
   *
   * @example s.addShards('2020', '2021').readOnly().addShard('2025');
   */
  readOnly(): this {
    if (this.#lastAdded.length === 0) {
      throw new DtdeConfigurationError(
        `${this.#pathPrefix()}readOnly(): nothing to mark; call readOnly() right after addShard, addShards or addTableShardInDatabase.`,
        { path: `${this.#pathPrefix()}readOnly` },
      );
    }
    for (const shard of this.#lastAdded) shard.readOnly = true;
    return this;
  }

  /** @internal The frozen shards of this group, in declaration order. */
  buildShards(): readonly ShardModel[] {
    return Object.freeze(
      this.#shards.map((s) =>
        Object.freeze({
          id: s.id,
          group: this.#group,
          qualifiedId: this.#group === DEFAULT_SHARD_GROUP ? s.id : `${this.#group}::${s.id}`,
          placement: s.placement,
          connection: s.connection,
          readOnly: s.readOnly,
        }),
      ),
    );
  }

  /** @internal Lets `ShardsBuilder.readOnly()` mark a whole group added just before it. */
  markAllReadOnly(): void {
    for (const shard of this.#shards) shard.readOnly = true;
  }

  /** @internal Clears the `readOnly()` target (another builder call came in between). */
  forgetLastAdded(): void {
    this.#lastAdded = [];
  }

  #declare(id: string, placement: DeclaredShard['placement'], connection: ConnectionRef | null): DeclaredShard {
    validateShardId(id, this.#path(id));
    if (this.#shards.some((s) => s.id === id)) {
      throw new DtdeConfigurationError(
        `${this.#path(id)}: shard '${id}' is declared twice in ${this.#groupText()}; remove one declaration.`,
        { path: this.#path(id) },
      );
    }
    // Compared case-insensitively: SQL Server's default collation treats `Orders_eu` and `Orders_EU` as one table.
    const suffix = shardTableSuffix(id).toLowerCase();
    const clash = this.#shards.find((s) => shardTableSuffix(s.id).toLowerCase() === suffix);
    if (clash !== undefined) {
      throw new DtdeConfigurationError(
        `${this.#path(id)}: shard '${id}' would use the same table suffix '${shardTableSuffix(id)}' as shard '${clash.id}' ` +
          `in ${this.#groupText()} (unsafe characters are removed and case is ignored); rename one of them.`,
        { path: this.#path(id) },
      );
    }
    const shard: DeclaredShard = { id, placement, connection, readOnly: false };
    this.#shards.push(shard);
    return shard;
  }

  #pathPrefix(): string {
    return this.#group === DEFAULT_SHARD_GROUP ? 'shards.' : `shards.${this.#group}.`;
  }

  #path(id: string): string {
    return `${this.#pathPrefix()}${String(id)}`;
  }

  #groupText(): string {
    return this.#group === DEFAULT_SHARD_GROUP ? 'the default shard group' : `shard group '${this.#group}'`;
  }
}

function checkConnection(connection: unknown, path: string): ConnectionRef {
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw new DtdeConfigurationError(
      `${path}: the connection must be an object in the provider's terms (e.g. { file: 'eu.db' }), got ${
        connection === null ? 'null' : Array.isArray(connection) ? 'an array' : typeof connection
      }.`,
      { path },
    );
  }
  // A shallow frozen copy: later edits to the caller's object must not move a shard.
  return Object.freeze({ ...(connection as Record<string, unknown>) });
}
