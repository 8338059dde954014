import { describe, expect, it } from 'vitest';
import { DbSet } from '../../src/context/db-set.js';
import { DtdeContext } from '../../src/context/dtde-context.js';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import type { QueryExecutor } from '../../src/linq/expression/query-expression.js';
import type { ModelBuilder } from '../../src/metadata/model-builder.js';
import type { ShardsBuilder } from '../../src/metadata/shards-builder.js';
import { sqlite } from '../../src/providers/sqlite/sqlite-provider.js';
import { configError } from '../metadata/expect-config-error.js';
import { configureCustomer, configureOrder, Customer, Order, Price } from '../support/shop-model.js';

class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, configureCustomer);
    mb.entity(Order, configureOrder);
  }
}

const shards = (s: ShardsBuilder) => s.addShards('EU', 'US').addShardGroup('years', (g) => g.addShards('2024', '2025'));

describe('DtdeContext', () => {
  it('gives typed sets from class fields, with an entity source', () => {
    const ctx = new ShopContext({ shards });
    expect(ctx.customers).toBeInstanceOf(DbSet);
    expect(ctx.customers).toBe(ctx.set(Customer));
    expect(ctx.customers.entityModel.name).toBe('Customer');
    expect(ctx.orders.toQueryExpression()).toEqual({
      kind: 'query',
      source: { kind: 'entity', entity: Order, name: 'Order' },
      operators: [],
    });
    const filtered = ctx.customers.where((c) => c.region === 'EU').toQueryExpression();
    expect(filtered.operators.map((o) => o.kind)).toEqual(['where']);
  });

  it('builds the model once per context class; each context has its own layout', () => {
    let builds = 0;
    class Counted extends DtdeContext {
      protected override onModelCreating(mb: ModelBuilder): void {
        builds++;
        mb.entity(Customer, configureCustomer);
      }
    }
    class Other extends Counted {}
    const a = new Counted({ shards: (s) => s.addShards('EU') });
    const b = new Counted({ shards: (s) => s.addShards('APAC') });
    expect(a.model).toBe(b.model);
    expect(builds).toBe(1);
    expect(b.shardLayout.groups.get('default')!.map((s) => s.id)).toEqual(['APAC']);
    expect(new Other({ shards: (s) => s.addShards('EU') }).model).not.toBe(a.model);
    expect(builds).toBe(2);
    // The identifier limit takes part in validation, so a context with another limit builds its own model.
    expect(new Counted({ shards: (s) => s.addShards('EU'), maxIdentifierLength: 63 }).model).not.toBe(a.model);
  });

  it('exposes validated options with defaults', () => {
    expect(new ShopContext({ shards }).options).toMatchObject({ maxParallelShards: 8, maxIdentifierLength: 128 });
  });

  it('refuses wrong options and wrong shard declarations in the constructor', () => {
    expect(configError(() => new ShopContext({ shards, maxParallelShards: 0 })).message).toMatch(
      /^new ShopContext\(\{ maxParallelShards \}\): maxParallelShards must be an integer >= 1; got the number 0\.\nIn new ShopContext\(\) at /,
    );
    expect(configError(() => new ShopContext({ shards: (s) => s.addShards('EU', 'EU') })).message).toBe(
      "shards.EU: shard 'EU' is declared twice in the default shard group; remove one declaration.",
    );
  });

  it('refuses a layout that cannot serve the model on first use', () => {
    const error = configError(() => new ShopContext({ shards: (s) => s.addShards('EU') }));
    expect(error.message).toContain("Order.useShardGroup: shard group 'years' is not declared");
  });

  it('names an entity that is not configured, pointing at onModelCreating', () => {
    const ctx = new ShopContext({ shards });
    const error = configError(() => ctx.set(Price));
    expect(error.message.split('\nIn .set() at ')[0]).toBe(
      "Price is not an entity of ShopContext; configure it in onModelCreating with mb.entity(Price, e => { e.toTable('Name'); e.key(...); e.property(...); }).",
    );
    expect(error.path).toBe('ShopContext.onModelCreating');
  });

  it('reports configuration errors of onModelCreating on every use, not cached', () => {
    class Broken extends DtdeContext {
      protected override onModelCreating(mb: ModelBuilder): void {
        mb.entity(Customer, (e) =>
          e
            .toTable('Customers')
            .property((c) => c.id)
            .int(),
        );
      }
    }
    expect(configError(() => new Broken().model).message).toContain('Customer.key: no primary key');
    expect(configError(() => new Broken().set(Customer)).message).toContain('Customer.key: no primary key');
  });

  it('builds lazily, so onModelCreating may read fields set by the subclass constructor', () => {
    class Tenanted extends DtdeContext {
      readonly table: string;
      constructor(table: string) {
        super();
        this.table = table;
      }
      protected override onModelCreating(mb: ModelBuilder): void {
        mb.entity(Price, (e) => {
          e.toTable(this.table);
          e.key((p) => p.id);
          e.property((p) => p.id).uuid();
        });
      }
    }
    expect(new Tenanted('Prices').set(Price).entityModel.table).toEqual({ name: 'Prices' });
  });

  it('a context without entities has an empty model', () => {
    class Empty extends DtdeContext {}
    expect(new Empty().model.entities.size).toBe(0);
  });

  it('without a provider, queries fail with a message saying how to configure one', async () => {
    const ctx = new ShopContext({ shards });
    const failure = await ctx.customers.toArray().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DtdeConfigurationError);
    // The message ends with the caller's line (`In .toArray() at file:line:col`).
    expect((failure as DtdeConfigurationError).message.split('\nIn .toArray() at ')[0]).toBe(
      "ShopContext has no provider configured, so queries cannot run; pass provider: sqlite({ file: 'app.db' }) (or another dtde provider) in the context options.",
    );
    expect((failure as DtdeConfigurationError).path).toBe('options.provider');
    const streamed = await (async () => {
      for await (const _ of ctx.customers) return 'row';
      return 'none';
    })().catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(DtdeConfigurationError);
    // With a provider, queries reach the database: a shard file that was never created is named.
    const withProvider = new ShopContext({ shards, provider: sqlite({ file: 'never-opened.db' }) }); // no I/O until used
    await expect(withProvider.orders.count()).rejects.toThrow(
      /shard 'years::20\d\d' failed: SQLite database file .*never-opened\.db" does not exist/,
    );
    await withProvider.close();
  });

  it('lets a subclass supply the executor', async () => {
    const rows = [Object.assign(new Customer(), { id: 1, region: 'EU' })];
    class Fixed extends ShopContext {
      protected override createExecutor(): QueryExecutor {
        return {
          execute: async (_query, terminal) => (terminal.kind === 'count' ? rows.length : rows),
          stream: async function* () {
            yield* rows;
          },
        };
      }
    }
    const ctx = new Fixed({ shards });
    expect(await ctx.customers.count()).toBe(1);
    expect(await ctx.customers.toArray()).toEqual(rows);
  });
});
