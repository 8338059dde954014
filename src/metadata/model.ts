import type { BoundLambda } from '../linq/expression/query-expression.js';

/**
 * The built model: what `ModelBuilder` produces from `onModelCreating`, read by every later stage
 * (routing, planning, SQL, materialisation). Plain immutable data; built once per context class.
 */

/** Any class; rows are materialised with `Object.create(prototype)`, so constructors need no arguments. */
export type EntityClass<T = unknown> = abstract new (...args: never[]) => T;

export type ColumnType =
  | { readonly kind: 'int' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | {
      readonly kind: 'string';
      readonly maxLength?: number;
      /** The engine collation the column declares (`collation()`); the provider's default when absent. */
      readonly collation?: string;
    }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'dateTime' }
  | { readonly kind: 'uuid' };

export interface PropertyModel {
  /** The JavaScript property name (`createdAt`). */
  readonly name: string;
  /** The column name in SQL (`createdAt` unless `column('CreatedAt')` was given). Validated. */
  readonly column: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** Identity / database-generated (`generated()`): never written by inserts. */
  readonly generated: boolean;
  /**
   * A version number dtde increments on every update (`concurrencyToken()`): an update or remove
   * matches it as read, so a concurrent change makes the save fail instead of being overwritten.
   */
  readonly concurrencyToken?: boolean;
}

export interface TableName {
  readonly name: string;
  readonly schema?: string;
}

/** A pre-existing table of manual sharding, with the predicate that says which rows it holds. */
export interface ManualShardTable {
  /** The shard id, derived from the table name (`Orders_2023` for `dbo.Orders_2023`). */
  readonly id: string;
  readonly table: TableName;
  /** @internal The parsed predicate and its params. */
  readonly predicate: BoundLambda;
}

export type DateInterval = 'day' | 'month' | 'quarter' | 'year';
export type StorageMode = 'tables' | 'databases' | 'manual';

/** What every sharding strategy of an entity has. */
export interface ShardingBase {
  readonly storageMode: StorageMode;
  /** `{Table}_{ShardId}` by default. */
  readonly tablePattern: string;
  /** The shard group whose shards this entity uses (the default group unless `useShardGroup`). */
  readonly shardGroup: string;
  /** Date sharding only: a write into a shard that does not exist yet creates its table first (`autoCreate()`). */
  readonly autoCreate?: boolean;
}

export type ShardingModel =
  | (ShardingBase & { readonly strategy: 'value'; readonly property: string; readonly caseSensitive: boolean })
  | (ShardingBase & { readonly strategy: 'date'; readonly property: string; readonly interval: DateInterval })
  | (ShardingBase & { readonly strategy: 'hash'; readonly property: string; readonly shardCount: number })
  | (ShardingBase & { readonly strategy: 'manual'; readonly tables: readonly ManualShardTable[] });

export interface TemporalModel {
  readonly validFrom: string;
  readonly validTo: string;
}

export interface EntityModel {
  /** The class name (`Customer`); used in messages. */
  readonly name: string;
  readonly entity: EntityClass;
  /** From `toTable`; for manual sharding without it, the first manual table. Never the class name. */
  readonly table: TableName;
  /** In declaration order. */
  readonly properties: readonly PropertyModel[];
  readonly propertyByName: ReadonlyMap<string, PropertyModel>;
  /** Property names of the primary key, in order (one for a simple key). */
  readonly key: readonly string[];
  /** Null for an unsharded entity (one table in the context's database). */
  readonly sharding: ShardingModel | null;
  readonly temporal: TemporalModel | null;
}

export interface Model {
  readonly entities: ReadonlyMap<EntityClass, EntityModel>;
}

/**
 * Where a shard lives, in the provider's own terms (`{ file: 'eu.db' }` for SQLite,
 * `{ server, database }` for SQL Server). Null means the context's own database.
 */
export type ConnectionRef = Readonly<Record<string, unknown>>;

export interface ShardModel {
  readonly id: string;
  /** The group name; `DEFAULT_SHARD_GROUP` for shards declared outside any group. */
  readonly group: string;
  /** `group::id`, or plain `id` in the default group: the name used in logs, errors, diagnostics. */
  readonly qualifiedId: string;
  /** `table`: a `{Table}_{ShardId}` table; `database`: the entity's own table in another database; `tableInDatabase`: a shard table in another database. */
  readonly placement: 'table' | 'database' | 'tableInDatabase';
  readonly connection: ConnectionRef | null;
  readonly readOnly: boolean;
}

export const DEFAULT_SHARD_GROUP = 'default';

export interface ShardLayout {
  /** Shards of each group, in declaration order. */
  readonly groups: ReadonlyMap<string, readonly ShardModel[]>;
}

/** One physical place a shard's rows live for one entity: which database and which table. */
export interface ShardTarget {
  readonly shard: ShardModel;
  readonly connection: ConnectionRef | null;
  readonly table: TableName;
}
