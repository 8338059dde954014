import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { validateGroupName } from './identifier.js';
import type { DateInterval, ManualShardTable, ShardingModel, StorageMode } from './model.js';
import { DEFAULT_SHARD_GROUP } from './model.js';

/** The default table name pattern of `tables` storage: `Customers_EU`. */
export const DEFAULT_TABLE_PATTERN = '{Table}_{ShardId}';

/** @internal What a sharding call (`shardBy`, `shardByDate`, ...) recorded, before the builder options. */
export type ShardingStrategyDraft =
  | { readonly strategy: 'value'; readonly property: string; readonly caseSensitive: boolean }
  | { readonly strategy: 'date'; readonly property: string; readonly interval: DateInterval }
  | { readonly strategy: 'hash'; readonly property: string; readonly shardCount: number }
  | { readonly strategy: 'manual'; readonly tables: readonly ManualShardTable[] };

const STORAGE_MODES: readonly StorageMode[] = ['tables', 'databases', 'manual'];
const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Returned by `shardBy`, `shardByDate`, `shardByHash` and `useManualSharding`: where the shards
 * of the entity live.
 *
 * - `withStorageMode('tables')` (default): one table per shard, named by the table pattern, in the
 *   shard's database (the context's own unless the shard was declared with a connection).
 * - `withStorageMode('databases')`: the entity's own table name in each shard's database; every shard
 *   of the group needs a connection (`addShard(id, connection)`).
 * - `'manual'` is the only mode of `useManualSharding`, and is implied by it.
 *
 * @example
 * e.shardBy(c => c.region).withStorageMode('tables').withTablePattern('{Table}_{ShardId}');
 * e.shardByDate(o => o.orderDate, 'year').useShardGroup('years');
 */
export class ShardingBuilder {
  readonly #path: string;
  readonly #draft: ShardingStrategyDraft;
  #storageMode: StorageMode;
  #tablePattern = DEFAULT_TABLE_PATTERN;
  #shardGroup = DEFAULT_SHARD_GROUP;
  #autoCreate = false;

  /** @internal Created by the sharding methods of `EntityTypeBuilder`. */
  constructor(path: string, draft: ShardingStrategyDraft) {
    this.#path = path;
    this.#draft = draft;
    this.#storageMode = draft.strategy === 'manual' ? 'manual' : 'tables';
  }

  /**
   * Where the shards' rows live: `'tables'` (default) puts a pattern-named table per shard in the
   * shard's database; `'databases'` puts the entity's own table in each shard's database, so every
   * shard needs a connection (shards from `addTableShardInDatabase` keep the pattern). `'manual'`
   * is accepted only after `useManualSharding`, the other two only after the other strategies;
   * anything else throws `DtdeConfigurationError`.
   *
   * @example e.shardByDate(o => o.orderDate, 'year').withStorageMode('databases');
   */
  withStorageMode(mode: StorageMode): this {
    const path = `${this.#path}.withStorageMode`;
    if (!STORAGE_MODES.includes(mode)) {
      throw new DtdeConfigurationError(`${path}: unknown storage mode '${String(mode)}'; use 'tables', 'databases' or 'manual'.`, { path });
    }
    if (this.#draft.strategy === 'manual' && mode !== 'manual') {
      throw new DtdeConfigurationError(
        `${path}: manual sharding maps to the tables given to addTable, so its storage mode is always 'manual'; remove withStorageMode('${mode}').`,
        { path },
      );
    }
    if (this.#draft.strategy !== 'manual' && mode === 'manual') {
      throw new DtdeConfigurationError(
        `${path}: storage mode 'manual' needs pre-existing tables; use useManualSharding(m => m.addTable(...)) instead of a ${this.#draft.strategy} strategy.`,
        { path },
      );
    }
    this.#storageMode = mode;
    return this;
  }

  /**
   * The shard table name pattern of `tables` storage and of shards declared with
   * `addTableShardInDatabase`. Placeholders: `{Table}` (the entity's table name) and `{ShardId}`
   * (the shard id with unsafe characters removed); the rest must be letters, digits or underscore.
   * `{ShardId}` is required. Not available with `useManualSharding`.
   *
   * @example e.shardBy(c => c.region).withTablePattern('{Table}Shard{ShardId}'); // CustomersShardEU
   */
  withTablePattern(pattern: string): this {
    const path = `${this.#path}.withTablePattern`;
    if (this.#draft.strategy === 'manual') {
      throw new DtdeConfigurationError(`${path}: manual sharding uses the table names given to addTable; remove withTablePattern.`, {
        path,
      });
    }
    this.#tablePattern = validateTablePattern(pattern, path);
    return this;
  }

  /**
   * Uses the shards of the named group (declared with `addShardGroup(name, ...)`) instead of the
   * default group. Not available with `useManualSharding`.
   *
   * @example e.shardByDate(o => o.orderDate, 'year').useShardGroup('years');
   */
  useShardGroup(name: string): this {
    const path = `${this.#path}.useShardGroup`;
    if (this.#draft.strategy === 'manual') {
      throw new DtdeConfigurationError(
        `${path}: manual sharding takes its shards from addTable, not from a shard group; remove useShardGroup.`,
        {
          path,
        },
      );
    }
    this.#shardGroup = validateGroupName(name, path);
    return this;
  }

  /**
   * Date sharding: a write whose date falls in a shard that does not exist yet creates the shard's
   * table (in the context's database, named by the table pattern) and registers the shard for
   * every context of the process, instead of failing; concurrent creators, also in other
   * processes, create it once. A context also finds shards other processes created when it
   * starts. Only with `tables` storage, since a new database would need a connection.
   *
   * @example e.shardByDate(o => o.orderDate, 'month').autoCreate(); // Orders_202611 on the first November order
   */
  autoCreate(): this {
    const path = `${this.#path}.autoCreate`;
    if (this.#draft.strategy !== 'date') {
      throw new DtdeConfigurationError(
        `${path}: only date shards are created on demand; a ${this.#draft.strategy} shard must be declared in the shard layout.`,
        { path },
      );
    }
    this.#autoCreate = true;
    return this;
  }

  /** @internal */
  build(): ShardingModel {
    if (this.#autoCreate && this.#storageMode !== 'tables') {
      const path = `${this.#path}.autoCreate`;
      throw new DtdeConfigurationError(
        `${path}: autoCreate() creates shard tables in the context's database, so it needs withStorageMode('tables'); a shard in another database needs its connection declared.`,
        { path },
      );
    }
    const base = {
      storageMode: this.#storageMode,
      tablePattern: this.#tablePattern,
      shardGroup: this.#shardGroup,
      ...(this.#autoCreate ? { autoCreate: true } : {}),
    };
    return Object.freeze({ ...this.#draft, ...base }) as ShardingModel;
  }
}

/** Throws unless `pattern` has `{ShardId}`, only known placeholders, and safe characters elsewhere. */
export function validateTablePattern(pattern: string, path: string): string {
  if (typeof pattern !== 'string') {
    throw new DtdeConfigurationError(`${path}: expected a pattern string such as '${DEFAULT_TABLE_PATTERN}', got ${typeof pattern}.`, {
      path,
    });
  }
  for (const match of pattern.matchAll(PLACEHOLDER)) {
    if (match[1] !== 'Table' && match[1] !== 'ShardId') {
      throw new DtdeConfigurationError(
        `${path}: unknown placeholder '{${match[1]}}' in table pattern '${pattern}'; use {Table} and {ShardId}.`,
        { path },
      );
    }
  }
  if (!pattern.includes('{ShardId}')) {
    throw new DtdeConfigurationError(
      `${path}: table pattern '${pattern}' has no {ShardId}, so every shard would share one table; include {ShardId} (e.g. '${DEFAULT_TABLE_PATTERN}').`,
      { path },
    );
  }
  const literal = pattern.replace(PLACEHOLDER, '');
  if (!/^[A-Za-z0-9_]*$/.test(literal)) {
    throw new DtdeConfigurationError(
      `${path}: table pattern '${pattern}' has characters other than letters, digits and underscore outside its placeholders; remove them.`,
      { path },
    );
  }
  return pattern;
}

/** Applies a validated table pattern: `applyTablePattern('{Table}_{ShardId}', 'Orders', '202406')` is `Orders_202406`. */
export function applyTablePattern(pattern: string, table: string, suffix: string): string {
  return pattern.replace(PLACEHOLDER, (_, name: string) => (name === 'Table' ? table : suffix));
}
