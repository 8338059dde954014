import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../src/errors/dtde-translation-error.js';
import type { EntityTypeBuilder } from '../../src/metadata/entity-type-builder.js';
import { ModelBuilder } from '../../src/metadata/model-builder.js';
import { shardTargets } from '../../src/metadata/shard-targets.js';
import { buildShardLayout } from '../../src/metadata/shards-builder.js';
import { configError } from './expect-config-error.js';
import { Order } from '../support/shop-model.js';

const y2023 = { from: new Date('2023-01-01T00:00:00Z'), to: new Date('2024-01-01T00:00:00Z') };

function order(configure: (e: EntityTypeBuilder<Order>) => void) {
  return new ModelBuilder()
    .entity(Order, (e) => {
      e.key((o) => o.id);
      e.property((o) => o.id).int();
      e.property((o) => o.orderDate).dateTime();
      configure(e);
    })
    .build()
    .entities.get(Order)!;
}

describe('useManualSharding', () => {
  it('records each table, its id and its bound predicate', () => {
    const params = { ...y2023 };
    const model = order((e) =>
      e.useManualSharding((m) =>
        m
          .addTable('dbo.Orders_2023', (o, p) => o.orderDate >= p.from && o.orderDate < p.to, params)
          .addTable('Orders_Old', (o) => o.id < 1000),
      ),
    );
    params.from = new Date(0); // the model keeps its own copy
    const sharding = model.sharding!;
    expect(sharding.strategy).toBe('manual');
    if (sharding.strategy !== 'manual') return;
    expect(sharding.storageMode).toBe('manual');
    expect(sharding.tables.map((t) => [t.id, t.table])).toEqual([
      ['Orders_2023', { schema: 'dbo', name: 'Orders_2023' }],
      ['Orders_Old', { name: 'Orders_Old' }],
    ]);
    expect(sharding.tables[0]!.predicate.params).toEqual(y2023);
    expect(sharding.tables[0]!.predicate.lambda.body).toMatchObject({ kind: 'binary', operator: '&&' });
    expect(sharding.tables[1]!.predicate.params).toEqual({});
  });

  it('maps each table to a target in the context database', () => {
    const model = order((e) => e.useManualSharding((m) => m.addTable('dbo.Orders_2023', (o, p) => o.orderDate < p.to, y2023)));
    expect(shardTargets(model, buildShardLayout()).map((t) => [t.shard.qualifiedId, t.connection, t.table])).toEqual([
      ['Orders_2023', null, { schema: 'dbo', name: 'Orders_2023' }],
    ]);
  });

  it('refuses no tables, duplicate names and bad names', () => {
    expect(configError(() => order((e) => e.useManualSharding(() => {}))).message).toBe(
      "Order.useManualSharding: no tables; add at least one with m.addTable('schema.Table', predicate, params).",
    );
    expect(
      configError(() =>
        order((e) => e.useManualSharding((m) => m.addTable('a.Orders', (o) => o.id > 0).addTable('b.Orders', (o) => o.id < 0))),
      ).message,
    ).toBe(
      "Order.useManualSharding: tables 'a.Orders' and 'b.Orders' have the same name, which is their shard id; manual tables need distinct names.",
    );
    expect(configError(() => order((e) => e.useManualSharding((m) => m.addTable('dbo.Orders;--', (o) => o.id > 0)))).message).toBe(
      "Order.useManualSharding: table name 'Orders;--' is not a safe SQL identifier; use only ASCII letters, digits and underscore.",
    );
  });

  it('refuses an untranslatable predicate or a missing params object', () => {
    const error = configError(() =>
      order((e) => e.useManualSharding((m) => m.addTable('Orders_X', (o) => [1, 2].map((x) => x).length > o.id))),
    );
    expect(error.message).toMatch(/^Order\.useManualSharding: the predicate of 'Orders_X' cannot be used: /);
    expect(error.cause).toBeInstanceOf(DtdeTranslationError);
    expect(
      configError(() =>
        order((e) => e.useManualSharding((m) => m.addTable('Orders_X', ((o: Order, p: { to: Date }) => o.orderDate < p.to) as never))),
      ).message,
    ).toContain('declares a params parameter but no params object was passed');
  });

  it('refuses a predicate on a property that is not configured', () => {
    expect(configError(() => order((e) => e.useManualSharding((m) => m.addTable('Orders_X', (o) => o.total > 0)))).message).toBe(
      "Order.useManualSharding: property 'total' is not configured; add e.property(x => x.total) with its column type in onModelCreating.",
    );
  });
});
