import { describe, expect, it } from 'vitest';
import type { EntityTypeBuilder } from '../../src/metadata/entity-type-builder.js';
import { ModelBuilder } from '../../src/metadata/model-builder.js';
import { Customer, Order, Price } from '../support/shop-model.js';

// Compile-time checks: `tsc --noEmit` fails if an expected error disappears or a valid call stops
// compiling. The refused calls sit in functions that never run; the valid ones build a real model.
describe('ModelBuilder typing', () => {
  it('accepts lambdas typed from the entity', () => {
    const model = new ModelBuilder()
      .entity(Customer, (e) => {
        e.toTable('Customers');
        e.key((c) => [c.region, c.id]);
        e.property((c) => c.id)
          .int()
          .column('Id')
          .generated(false);
        e.property((c) => c.region).string(8);
        e.property((c) => c.email)
          .string()
          .nullable();
        e.shardBy((c) => c.region, { caseSensitive: false })
          .withStorageMode('tables')
          .withTablePattern('{Table}_{ShardId}');
      })
      .entity(Order, (e) => {
        e.key((o) => o.id);
        e.property((o) => o.id).int();
        e.property((o) => o.orderDate).dateTime();
        e.useManualSharding((m) =>
          m
            .addTable('dbo.Orders_2023', (o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: new Date(0), to: new Date(1) })
            .addTable('dbo.Orders_Old', (o) => o.id < 10),
        );
      })
      .entity(Price, (e) => {
        e.toTable('Prices');
        e.key((p) => [p.id, p.validFrom]);
        e.property((p) => p.id).uuid();
        e.property((p) => p.validFrom).dateTime();
        e.property((p) => p.validTo)
          .dateTime()
          .nullable();
        e.hasTemporalValidity(
          (p) => p.validFrom,
          (p) => p.validTo,
        );
      })
      .build();
    expect(model.entities.size).toBe(3);
  });

  it('refuses what the entity type rules out (compile-time only)', () => {
    const customer = (e: EntityTypeBuilder<Customer>) => {
      // @ts-expect-error Customer has no property `nope`
      e.property((c) => c.nope);
      // @ts-expect-error a value shard key cannot be a Date
      e.shardBy((c) => c.createdAt);
    };
    const order = (e: EntityTypeBuilder<Order>) => {
      // @ts-expect-error shardByDate needs a Date property
      e.shardByDate((o) => o.total, 'year');
      // @ts-expect-error not an interval
      e.shardByDate((o) => o.orderDate, 'week');
      // @ts-expect-error a hash key cannot be a Date
      e.shardByHash((o) => o.orderDate, 4);
      // @ts-expect-error storage modes are a closed set
      e.shardByHash((o) => o.id, 4).withStorageMode('files');
      // @ts-expect-error the manual predicate reads params that were not passed
      e.useManualSharding((m) => m.addTable('Orders_X', (o, p) => o.orderDate < p.to));
    };
    const price = (e: EntityTypeBuilder<Price>) => {
      e.hasTemporalValidity(
        // @ts-expect-error validFrom must be a Date
        (p) => p.amount,
        (p) => p.validTo,
      );
    };
    expect([customer, order, price]).toHaveLength(3);
  });
});
