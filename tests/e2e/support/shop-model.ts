import { DtdeContext, type ModelBuilder, type ShardsBuilder } from '../../../src/index.js';

// The e2e model: one entity per sharding strategy and storage mode.

/** Value-sharded by region, table mode: Customers_EU, Customers_US, Customers_APAC in the main file. */
export class Customer {
  id!: number;
  region!: string;
  name!: string;
  email!: string | null;
  createdAt!: Date;
  vip!: boolean;
  score!: number;
}

/** Date-sharded by year, database mode: the table Orders in one SQLite file per year. */
export class Order {
  id!: number;
  customerId!: number;
  orderDate!: Date;
  total!: number;
  status!: string;
  note!: string | null;
}

/** Hash-sharded by userId into 4 buckets, mixed mode: Events_bN tables in two other files. */
export class Event {
  id!: number;
  userId!: number;
  kind!: string;
  amount!: bigint;
  at!: Date;
}

/** Unsharded: one table in the main file. */
export class Product {
  id!: number;
  name!: string;
  price!: number;
  category!: string | null;
}

/** Manual sharding over pre-existing tables that dtde never creates. */
export class Archive {
  id!: number;
  orderDate!: Date;
  total!: number;
}

export const ARCHIVE_SPLIT = new Date('2020-01-01T00:00:00Z');

export class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);
  events = this.set(Event);
  products = this.set(Product);
  archive = this.set(Archive);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.email).string(200).nullable();
      e.property((c) => c.createdAt).dateTime();
      e.property((c) => c.vip).boolean();
      e.property((c) => c.score).int();
      e.shardBy((c) => c.region).withStorageMode('tables');
    });
    mb.entity(Order, (e) => {
      e.toTable('Orders');
      e.key((o) => o.id);
      e.property((o) => o.id).int();
      e.property((o) => o.customerId).int();
      e.property((o) => o.orderDate).dateTime();
      e.property((o) => o.total).decimal(12, 2);
      e.property((o) => o.status).string(16);
      e.property((o) => o.note).string(100).nullable();
      e.shardByDate((o) => o.orderDate, 'year').withStorageMode('databases').useShardGroup('years');
    });
    mb.entity(Event, (e) => {
      e.toTable('Events');
      e.key((x) => x.id);
      e.property((x) => x.id).int();
      e.property((x) => x.userId).int();
      e.property((x) => x.kind).string(16);
      e.property((x) => x.amount).bigint();
      e.property((x) => x.at).dateTime();
      e.shardByHash((x) => x.userId, 4).useShardGroup('buckets');
    });
    mb.entity(Product, (e) => {
      e.toTable('Products');
      e.key((p) => p.id);
      e.property((p) => p.id).int();
      e.property((p) => p.name).string(100);
      e.property((p) => p.price).decimal(10, 2);
      e.property((p) => p.category).string(20).nullable();
    });
    mb.entity(Archive, (e) => {
      e.key((a) => a.id);
      e.property((a) => a.id).int();
      e.property((a) => a.orderDate).dateTime();
      e.property((a) => a.total).decimal(12, 2);
      e.useManualSharding((m) =>
        m
          .addTable('ArchiveOld', (a, p) => a.orderDate < p.split, { split: ARCHIVE_SPLIT })
          .addTable('ArchiveNew', (a, p) => a.orderDate >= p.split, { split: ARCHIVE_SPLIT }),
      );
    });
  }
}

/**
 * The shop's shard layout: customers in table shards of the main file, orders in one file per
 * year, events in table shards spread over two other files (mixed mode).
 */
export function shopShards(s: ShardsBuilder): ShardsBuilder {
  return s
    .addShards('EU', 'US', 'APAC')
    .addShardGroup('years', (g) =>
      g.addShard('2023', { file: 'orders-2023.db' }).addShard('2024', { file: 'orders-2024.db' }).addShard('2025', { file: 'orders-2025.db' }),
    )
    .addShardGroup('buckets', (g) =>
      g
        .addTableShardInDatabase('b0', { file: 'events-a.db' })
        .addTableShardInDatabase('b1', { file: 'events-a.db' })
        .addTableShardInDatabase('b2', { file: 'events-b.db' })
        .addTableShardInDatabase('b3', { file: 'events-b.db' }),
    );
}
