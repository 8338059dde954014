import { describe, expect, it } from 'vitest';
import type { EntityTypeBuilder } from '../../src/metadata/entity-type-builder.js';
import type { Model } from '../../src/metadata/model.js';
import { ModelBuilder } from '../../src/metadata/model-builder.js';
import { buildShardLayout, type ShardsBuilder } from '../../src/metadata/shards-builder.js';
import { validateShardLayout } from '../../src/metadata/validate-shard-layout.js';
import { configError } from './expect-config-error.js';
import { configureCustomer, configureOrder, Customer, Event, Order } from '../support/shop-model.js';

function model<T>(cls: abstract new () => T, configure: (e: EntityTypeBuilder<T>) => void): Model {
  return new ModelBuilder()
    .entity(cls, (e) => {
      e.toTable('T');
      configure(e);
    })
    .build();
}
const validate = (m: Model, shards: (s: ShardsBuilder) => unknown) => () =>
  validateShardLayout(
    m,
    buildShardLayout((s) => void shards(s)),
  );

const byDate = (interval: 'day' | 'month' | 'quarter' | 'year') =>
  model(Order, (e) => {
    e.key((o) => o.id);
    e.property((o) => o.id).int();
    e.property((o) => o.orderDate).dateTime();
    e.shardByDate((o) => o.orderDate, interval).useShardGroup('years');
  });

const EXAMPLE = { year: '2024', quarter: '2024Q2', month: '2024-06', day: '2024-06-15' };

describe('validateShardLayout', () => {
  it('accepts a layout that serves every entity', () => {
    const m = new ModelBuilder().entity(Customer, configureCustomer).entity(Order, configureOrder).build();
    expect(validate(m, (s) => s.addShards('EU', 'US').addShardGroup('years', (g) => g.addShards('2024', '2025')))).not.toThrow();
  });

  it('refuses a value entity without shards', () => {
    expect(configError(validate(model(Customer, configureCustomer), () => {})).message).toBe(
      "Customer.shardBy: shard group 'default' has no shards, so no row of Customer has a place; declare them in the context options (shards: s => s.addShards('A', 'B')).",
    );
  });

  it('allows a date entity with an empty group (shards appear on first write)', () => {
    expect(validate(byDate('year'), (s) => s.addShardGroup('years', () => {}))).not.toThrow();
  });

  it('refuses a missing group', () => {
    expect(configError(validate(model(Order, configureOrder), (s) => s.addShard('2024'))).message).toContain(
      "Order.useShardGroup: shard group 'years' is not declared",
    );
  });

  it.each([
    ['year', '2024', '24'],
    ['quarter', '2024Q2', '2024Q5'],
    ['month', '2024-06', '2024-6'],
    ['day', '2024-02-29', '2023-02-29'],
  ] as const)('checks %s shard ids (%s fits, %s does not)', (interval, good, bad) => {
    expect(validate(byDate(interval), (s) => s.addShardGroup('years', (g) => g.addShard(good)))).not.toThrow();
    const error = configError(validate(byDate(interval), (s) => s.addShardGroup('years', (g) => g.addShards(good, bad))));
    expect(error.message).toBe(
      `Order.shardByDate: shard 'years::${bad}' is not a ${interval} id; Order shards by ${interval}, so ids look like '${EXAMPLE[interval]}'.`,
    );
    expect(error.path).toBe('Order.shardByDate');
  });

  it('checks the hash bucket count against the group', () => {
    const m = model(Customer, (e) => {
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.shardByHash((c) => c.id, 3);
    });
    expect(validate(m, (s) => s.addShards('0', '1', '2'))).not.toThrow();
    expect(configError(validate(m, (s) => s.addShards('0', '1'))).message).toBe(
      "Customer.shardByHash: Customer hashes into 3 buckets but shard group 'default' has 2 shards; declare exactly 3 (bucket i is the i-th shard in declaration order) or change shardCount.",
    );
  });

  it('refuses value shards that can never match an integer or boolean key', () => {
    const byUser = model(Event, (e) => {
      e.key((x) => x.id);
      e.property((x) => x.id).int();
      e.property((x) => x.userId).bigint();
      e.shardBy((x) => x.userId);
    });
    expect(validate(byUser, (s) => s.addShards('1', '-2'))).not.toThrow();
    expect(configError(validate(byUser, (s) => s.addShards('1', 'EU'))).message).toBe(
      "Event.shardBy: shard 'EU' can never hold a row: shard key 'userId' is an integer; use integer shard ids or another shard group.",
    );
    const byFlag = model(Customer, (e) => {
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.name as unknown as boolean).boolean();
      e.shardBy((c) => c.name);
    });
    expect(validate(byFlag, (s) => s.addShards('true', 'false'))).not.toThrow();
    expect(configError(validate(byFlag, (s) => s.addShards('yes'))).message).toBe(
      "Customer.shardBy: shard 'yes' can never hold a row: shard key 'name' is boolean; use shard ids 'true' and 'false'.",
    );
  });

  it('refuses databases storage with a shard that has no connection', () => {
    const m = model(Customer, (e) => {
      configureCustomer(e);
    });
    const dbs = model(Order, (e) => {
      e.key((o) => o.id);
      e.property((o) => o.id).int();
      e.property((o) => o.customerId).int();
      e.shardBy((o) => o.customerId).withStorageMode('databases');
    });
    expect(validate(m, (s) => s.addShard('EU'))).not.toThrow();
    expect(configError(validate(dbs, (s) => s.addShard('1', { file: 'a.db' }).addShard('2'))).path).toBe('Order.withStorageMode');
  });
});
