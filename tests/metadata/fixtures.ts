import type { EntityTypeBuilder } from '../../src/metadata/entity-type-builder.js';

/** Entity classes shared by the metadata and context tests. */
export class Customer {
  id!: number;
  tenantId!: number;
  region!: string;
  name!: string;
  createdAt!: Date;
  note!: string | null;
}

export class Order {
  id!: number;
  customerId!: number;
  orderDate!: Date;
  total!: number;
}

export class Price {
  id!: string;
  amount!: number;
  validFrom!: Date;
  validTo!: Date | null;
}

/** A typical Customer configuration, sharded by region. */
export function configureCustomer(e: EntityTypeBuilder<Customer>): void {
  e.toTable('Customers');
  e.key((c) => c.id);
  e.property((c) => c.id).int();
  e.property((c) => c.region).string(8);
  e.property((c) => c.name).string(200);
  e.property((c) => c.createdAt).dateTime();
  e.shardBy((c) => c.region);
}

/** Orders sharded by year in the `years` group. */
export function configureOrder(e: EntityTypeBuilder<Order>): void {
  e.toTable('Orders');
  e.key((o) => o.id);
  e.property((o) => o.id).int().generated();
  e.property((o) => o.customerId).int();
  e.property((o) => o.orderDate).dateTime();
  e.property((o) => o.total).decimal(18, 2);
  e.shardByDate((o) => o.orderDate, 'year').useShardGroup('years');
}
