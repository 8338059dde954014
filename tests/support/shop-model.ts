import type { EntityTypeBuilder, ModelBuilder, ShardsBuilder } from '../../src/index.js';

// The one test model: a shop with one entity per sharding strategy. Every suite that needs
// customers and orders uses these classes and this configuration; tests pick a variant through
// the options instead of declaring their own copy.

/** Value-sharded by region into table shards: Customers_EU, Customers_US, Customers_APAC. */
export class Customer {
  id!: number;
  region!: string;
  name!: string;
  email!: string | null;
  createdAt!: Date;
  vip!: boolean;
  score!: number;
  /** The one nullable number of the model, for null-aware aggregates and comparisons. */
  rating!: number | null;
}

/** Date-sharded by year in the `years` group. */
export class Order {
  id!: number;
  customerId!: number;
  orderDate!: Date;
  total!: number;
  status!: string;
  note!: string | null;
}

/** Hash-sharded by userId into the four shards of the `buckets` group: Events_b0 … Events_b3. */
export class Event {
  id!: number;
  userId!: number;
  kind!: string;
  amount!: bigint;
  at!: Date;
}

/** Unsharded: one table, Products. */
export class Product {
  id!: number;
  name!: string;
  price!: number;
  category!: string | null;
}

/** Manual sharding over two pre-existing tables that dtde never creates: ArchiveOld and ArchiveNew. */
export class Archive {
  id!: number;
  orderDate!: Date;
  total!: number;
}

/** A temporal entity that `configureShop` leaves out: for temporal validity, and as an entity a context does not configure. */
export class Price {
  id!: string;
  amount!: number;
  validFrom!: Date;
  validTo!: Date | null;
}

/**
 * A temporal entity: every version of a contract is a row, keyed by id and validFrom, date-sharded
 * by validFrom into quarters; `configureShop` leaves it out.
 */
export class Contract {
  id!: number;
  customerId!: number;
  rate!: number;
  validFrom!: Date;
  validTo!: Date | null;
}

/** An unsharded entity with a concurrency token, for optimistic concurrency; `configureShop` leaves it out. */
export class Account {
  id!: number;
  owner!: string;
  balance!: number;
  version!: number | null;
}

/** Archive rows before this instant live in ArchiveOld, the others in ArchiveNew. */
export const ARCHIVE_SPLIT = new Date('2020-01-01T00:00:00Z');

export interface OrderOptions {
  /**
   * 'tables' (default): Orders_2023, Orders_2024 … in each shard's database (the context's when the
   * shard has no connection). 'databases': the table Orders in one database per year.
   */
  readonly storage?: 'tables' | 'databases';
  /** The database assigns Order ids (identity / AUTOINCREMENT); inserts leave them out unless a row sets one. */
  readonly generatedIds?: boolean;
}

export interface ArchiveOptions {
  /** A schema for both manual tables, e.g. 'dbo' for dbo.ArchiveOld and dbo.ArchiveNew. */
  readonly schema?: string;
}

export interface ShopModelOptions {
  readonly orders?: OrderOptions;
  readonly archive?: ArchiveOptions;
}

export function configureCustomer(e: EntityTypeBuilder<Customer>, options: { storage?: 'tables' | 'databases' } = {}): void {
  e.toTable('Customers');
  e.key((c) => c.id);
  e.property((c) => c.id).int();
  e.property((c) => c.region).string(8);
  e.property((c) => c.name).string(200);
  e.property((c) => c.email)
    .string(200)
    .nullable();
  e.property((c) => c.createdAt).dateTime();
  e.property((c) => c.vip).boolean();
  e.property((c) => c.score).int();
  e.property((c) => c.rating)
    .int()
    .nullable();
  e.shardBy((c) => c.region).withStorageMode(options.storage ?? 'tables');
}

export function configureOrder(e: EntityTypeBuilder<Order>, options: OrderOptions = {}): void {
  e.toTable('Orders');
  e.key((o) => o.id);
  e.property((o) => o.id)
    .int()
    .generated(options.generatedIds ?? false);
  e.property((o) => o.customerId).int();
  e.property((o) => o.orderDate).dateTime();
  e.property((o) => o.total).decimal(12, 2);
  e.property((o) => o.status).string(16);
  e.property((o) => o.note)
    .string(100)
    .nullable();
  e.shardByDate((o) => o.orderDate, 'year')
    .withStorageMode(options.storage ?? 'tables')
    .useShardGroup('years');
}

export function configureEvent(e: EntityTypeBuilder<Event>): void {
  e.toTable('Events');
  e.key((x) => x.id);
  e.property((x) => x.id).int();
  e.property((x) => x.userId).int();
  e.property((x) => x.kind).string(16);
  e.property((x) => x.amount).bigint();
  e.property((x) => x.at).dateTime();
  e.shardByHash((x) => x.userId, 4).useShardGroup('buckets');
}

export function configureProduct(e: EntityTypeBuilder<Product>): void {
  e.toTable('Products');
  e.key((p) => p.id);
  e.property((p) => p.id).int();
  e.property((p) => p.name).string(100);
  e.property((p) => p.price).decimal(10, 2);
  e.property((p) => p.category)
    .string(20)
    .nullable();
}

export function configureContract(e: EntityTypeBuilder<Contract>, options: { storage?: 'tables' | 'databases' } = {}): void {
  e.toTable('Contracts');
  e.key((c) => [c.id, c.validFrom]);
  e.property((c) => c.id).int();
  e.property((c) => c.customerId).int();
  e.property((c) => c.rate).decimal(9, 4);
  e.property((c) => c.validFrom).dateTime();
  e.property((c) => c.validTo)
    .dateTime()
    .nullable();
  e.hasTemporalValidity(
    (c) => c.validFrom,
    (c) => c.validTo,
  );
  e.shardByDate((c) => c.validFrom, 'quarter')
    .withStorageMode(options.storage ?? 'tables')
    .useShardGroup('quarters');
}

export function configureAccount(e: EntityTypeBuilder<Account>): void {
  e.toTable('Accounts');
  e.key((a) => a.id);
  e.property((a) => a.id).int();
  e.property((a) => a.owner).string(40);
  e.property((a) => a.balance).int();
  e.property((a) => a.version)
    .int()
    .nullable()
    .concurrencyToken();
}

export function configureArchive(e: EntityTypeBuilder<Archive>, options: ArchiveOptions = {}): void {
  const prefix = options.schema === undefined ? '' : `${options.schema}.`;
  e.key((a) => a.id);
  e.property((a) => a.id).int();
  e.property((a) => a.orderDate).dateTime();
  e.property((a) => a.total).decimal(12, 2);
  e.useManualSharding((m) =>
    m
      .addTable(`${prefix}ArchiveOld`, (a, p) => a.orderDate < p.split, { split: ARCHIVE_SPLIT })
      .addTable(`${prefix}ArchiveNew`, (a, p) => a.orderDate >= p.split, { split: ARCHIVE_SPLIT }),
  );
}

/** Configures the whole shop: Customer, Order, Event, Product and Archive, in that order. */
export function configureShop(mb: ModelBuilder, options: ShopModelOptions = {}): ModelBuilder {
  return mb
    .entity(Customer, configureCustomer)
    .entity(Order, (e) => configureOrder(e, options.orders))
    .entity(Event, configureEvent)
    .entity(Product, configureProduct)
    .entity(Archive, (e) => configureArchive(e, options.archive));
}

export const REGIONS = ['EU', 'US', 'APAC'] as const;
export const YEARS = ['2023', '2024', '2025'] as const;
export const BUCKETS = ['b0', 'b1', 'b2', 'b3'] as const;

/**
 * The shop's shard layout: regions EU, US, APAC; `years` 2023 to 2025; `buckets` b0 to b3.
 * Without `files`, every shard lives in the context's database (for plans, which do no I/O).
 * With `files` (for orders stored as 'databases'): one file per year, orders-2023.db …, and the
 * event buckets as table shards in two other files, events-a.db (b0, b1) and events-b.db (b2, b3).
 */
export function shopShards(s: ShardsBuilder, options: { files?: boolean } = {}): ShardsBuilder {
  s.addShards(...REGIONS);
  if (!options.files) {
    return s.addShardGroup('years', (g) => g.addShards(...YEARS)).addShardGroup('buckets', (g) => g.addShards(...BUCKETS));
  }
  return s
    .addShardGroup('years', (g) => {
      for (const year of YEARS) g.addShard(year, { file: `orders-${year}.db` });
    })
    .addShardGroup('buckets', (g) =>
      g
        .addTableShardInDatabase('b0', { file: 'events-a.db' })
        .addTableShardInDatabase('b1', { file: 'events-a.db' })
        .addTableShardInDatabase('b2', { file: 'events-b.db' })
        .addTableShardInDatabase('b3', { file: 'events-b.db' }),
    );
}
