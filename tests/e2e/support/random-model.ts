import { DtdeContext, type DtdeContextOptions, type ModelBuilder, type ShardsBuilder, type StorageMode } from '../../../src/index.js';

// The entity the random-query property test shards in many ways. The model is cached per context
// class, so there is one class per (strategy, storage mode); the shard layout varies per case.

export class Item {
  id!: number;
  region!: string;
  name!: string | null;
  score!: number;
  price!: number;
  at!: Date;
  flag!: boolean;
}

export type Strategy = 'value' | 'date' | 'hash';

/** Value shards are regions, date shards are years, hash shards are the HASH_BUCKETS buckets. */
export const REGIONS = ['EU', 'US', 'APAC', 'LATAM', 'MEA'] as const;
export const YEARS = [2022, 2023, 2024, 2025, 2026] as const;
export const HASH_BUCKETS = ['h0', 'h1', 'h2'] as const;

/**
 * Where the shards live. `files` gives each shard's own database file (database mode needs one per
 * shard; in table mode a file puts that shard's table in another database, null keeps it in the
 * main file).
 */
export interface RandomLayout {
  readonly strategy: Strategy;
  readonly mode: StorageMode;
  readonly shardIds: readonly string[];
  readonly files: readonly (string | null)[];
}

function configureItem(mb: ModelBuilder, strategy: Strategy, mode: StorageMode): void {
  mb.entity(Item, (e) => {
    e.toTable('Items');
    e.key((c) => c.id);
    e.property((c) => c.id).int();
    e.property((c) => c.region).string(8);
    e.property((c) => c.name)
      .string(40)
      .nullable();
    e.property((c) => c.score).int();
    e.property((c) => c.price).decimal(10, 2);
    e.property((c) => c.at).dateTime();
    e.property((c) => c.flag).boolean();
    const sharding =
      strategy === 'value'
        ? e.shardBy((c) => c.region)
        : strategy === 'date'
          ? e.shardByDate((c) => c.at, 'year')
          : e.shardByHash((c) => c.score, HASH_BUCKETS.length);
    sharding.withStorageMode(mode);
  });
}

export type RandomContextClass = new (options: DtdeContextOptions) => DtdeContext;

function contextClass(strategy: Strategy, mode: StorageMode): RandomContextClass {
  return class RandomItemsContext extends DtdeContext {
    protected override onModelCreating(mb: ModelBuilder): void {
      configureItem(mb, strategy, mode);
    }
  };
}

const CONTEXTS = new Map<string, RandomContextClass>();
for (const strategy of ['value', 'date', 'hash'] as const) {
  for (const mode of ['tables', 'databases'] as const) CONTEXTS.set(`${strategy}/${mode}`, contextClass(strategy, mode));
}

/** The context class of a layout: created once per (strategy, mode), so models are built once. */
export function randomContextClass(layout: RandomLayout): RandomContextClass {
  return CONTEXTS.get(`${layout.strategy}/${layout.mode}`)!;
}

/** Declares the layout's shards, each in the main file or in its own. */
export function declareShards(layout: RandomLayout): (s: ShardsBuilder) => ShardsBuilder {
  return (s) => {
    layout.shardIds.forEach((id, i) => {
      const file = layout.files[i];
      if (file === null) s.addShard(id);
      else if (layout.mode === 'databases') s.addShard(id, { file });
      else s.addTableShardInDatabase(id, { file });
    });
    return s;
  };
}
