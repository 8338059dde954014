import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../src/errors/dtde-translation-error.js';
import type { EntityTypeBuilder } from '../../src/metadata/entity-type-builder.js';
import type { EntityModel } from '../../src/metadata/model.js';
import { ModelBuilder } from '../../src/metadata/model-builder.js';
import { configError } from './expect-config-error.js';
import { configureCustomer, configureOrder, Customer, Order, Price } from '../support/shop-model.js';

function build<T>(cls: abstract new () => T, configure: (e: EntityTypeBuilder<T>) => void): EntityModel {
  return new ModelBuilder()
    .entity(cls, (e) => {
      e.toTable('T');
      configure(e);
    })
    .build()
    .entities.get(cls)!;
}

function customerWith(extra: (e: EntityTypeBuilder<Customer>) => void): () => EntityModel {
  return () =>
    build(Customer, (e) => {
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      extra(e);
    });
}

describe('ModelBuilder', () => {
  it('builds entities with table, properties in order, key and sharding', () => {
    const model = new ModelBuilder().entity(Customer, configureCustomer).entity(Order, configureOrder).build();
    expect([...model.entities.keys()]).toEqual([Customer, Order]);
    const customer = model.entities.get(Customer)!;
    expect(customer).toMatchObject({
      name: 'Customer',
      entity: Customer,
      table: { name: 'Customers' },
      key: ['id'],
      sharding: {
        strategy: 'value',
        property: 'region',
        caseSensitive: true,
        storageMode: 'tables',
        tablePattern: '{Table}_{ShardId}',
        shardGroup: 'default',
      },
      temporal: null,
    });
    expect(customer.properties.map((p) => p.name)).toEqual(['id', 'region', 'name', 'email', 'createdAt', 'vip', 'score', 'rating']);
    expect(customer.propertyByName.get('region')).toEqual({
      name: 'region',
      column: 'region',
      type: { kind: 'string', maxLength: 8 },
      nullable: false,
      generated: false,
    });
    expect(model.entities.get(Order)!.sharding).toEqual({
      strategy: 'date',
      property: 'orderDate',
      interval: 'year',
      storageMode: 'tables',
      tablePattern: '{Table}_{ShardId}',
      shardGroup: 'years',
    });
    expect(Object.isFrozen(customer)).toBe(true);
    expect(Object.isFrozen(customer.properties)).toBe(true);
  });

  it('toTable names the table, with an optional schema', () => {
    expect(customerWith(() => {})().table).toEqual({ name: 'T' });
    expect(customerWith((e) => e.toTable('Clients', 'sales'))().table).toEqual({ name: 'Clients', schema: 'sales' });
  });

  it('continues the configuration of an entity given twice, and returns the same property builder', () => {
    const mb = new ModelBuilder();
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      expect(e.property((c) => c.id)).toBe(e.property((c) => c.id));
    });
    mb.entity(Customer, (e) => e.property((c) => c.id).column('CustomerId'));
    expect(mb.build().entities.get(Customer)!.propertyByName.get('id')!.column).toBe('CustomerId');
  });

  it('supports composite keys', () => {
    const model = build(Customer, (e) => {
      e.key((c) => [c.region, c.id]);
      e.property((c) => c.region).string(8);
      e.property((c) => c.id).int();
    });
    expect(model.key).toEqual(['region', 'id']);
  });

  it('shardBy with case-insensitive matching, shardByHash, storage options', () => {
    expect(customerWith((e) => e.shardBy((c) => c.region, { caseSensitive: false }))().sharding).toMatchObject({ caseSensitive: false });
    const hashed = customerWith((e) =>
      e
        .shardByHash((c) => c.id, 4)
        .withStorageMode('databases')
        .withTablePattern('{Table}{ShardId}'),
    )();
    expect(hashed.sharding).toEqual({
      strategy: 'hash',
      property: 'id',
      shardCount: 4,
      storageMode: 'databases',
      tablePattern: '{Table}{ShardId}',
      shardGroup: 'default',
    });
  });

  it.each(['day', 'month', 'quarter', 'year'] as const)('shardByDate %s', (interval) => {
    const model = customerWith((e) => {
      e.property((c) => c.createdAt).dateTime();
      e.shardByDate((c) => c.createdAt, interval);
    })();
    expect(model.sharding).toMatchObject({ strategy: 'date', property: 'createdAt', interval });
  });

  it('records temporal validity', () => {
    const model = build(Price, (e) => {
      e.key((p) => [p.id, p.validFrom]);
      e.property((p) => p.id).uuid();
      e.property((p) => p.amount).decimal(10, 2);
      e.property((p) => p.validFrom).dateTime();
      e.property((p) => p.validTo)
        .dateTime()
        .nullable();
      e.hasTemporalValidity(
        (p) => p.validFrom,
        (p) => p.validTo,
      );
    });
    expect(model.temporal).toEqual({ validFrom: 'validFrom', validTo: 'validTo' });
  });

  it('refuses two entities on one table', () => {
    const error = configError(() =>
      new ModelBuilder()
        .entity(Customer, (e) => {
          e.toTable('T');
          e.key((c) => c.id);
          e.property((c) => c.id).int();
        })
        .entity(Order, (e) => {
          e.toTable('t');
          e.key((o) => o.id);
          e.property((o) => o.id).int();
        })
        .build(),
    );
    expect(error.message).toBe("Order.toTable: entities Customer and Order both map to table 't'; give one of them another toTable(name).");
  });

  it('refuses a non-class', () => {
    expect(configError(() => new ModelBuilder().entity(null as never, () => {})).message).toBe(
      'ModelBuilder.entity: expected an entity class, got null.',
    );
  });

  it('checks identifiers against a configurable limit', () => {
    const mb = new ModelBuilder({ maxIdentifierLength: 5 });
    expect(configError(() => mb.entity(Customer, (e) => e.toTable('Customers'))).message).toBe(
      "Customer.toTable: table name 'Customers' is 9 characters long, over the limit of 5; choose a shorter name.",
    );
  });
});

describe('EntityTypeBuilder configuration errors', () => {
  it('needs a key', () => {
    const error = configError(() => build(Customer, (e) => e.property((c) => c.id).int()));
    expect(error.message).toBe(
      'Customer.key: no primary key; call e.key(x => x.id), or e.key(x => [x.tenantId, x.id]) for a composite key.',
    );
    expect(error.path).toBe('Customer.key');
  });

  it('names a key property that is not configured', () => {
    const error = configError(() =>
      build(Customer, (e) => {
        e.key((c) => [c.region, c.id]);
        e.property((c) => c.id).int();
      }),
    );
    expect(error.message).toBe(
      "Customer.key: property 'region' is not configured; add e.property(x => x.region) with its column type in onModelCreating.",
    );
  });

  it('refuses a nullable key', () => {
    expect(
      configError(() =>
        build(Customer, (e) => {
          e.key((c) => c.id);
          e.property((c) => c.id)
            .int()
            .nullable();
        }),
      ).message,
    ).toBe("Customer.key: key property 'id' is nullable; a primary key column must be required, remove nullable().");
  });

  it('refuses a lambda that is not a member access, keeping the translation error as cause', () => {
    const error = configError(() => build(Customer, (e) => e.key((c) => c.id + 1)));
    // The wording after the path belongs to parseMemberLambda (tested there); here: path first, source quoted.
    expect(error.message).toMatch(/^Customer\.key: /);
    expect(error.message).toContain('(c) => c.id + 1');
    expect(error.path).toBe('Customer.key');
    expect(error.cause).toBeInstanceOf(DtdeTranslationError);
    expect(configError(() => build(Customer, (e) => e.property((c) => [c.id, c.name]))).message).toBe(
      'Customer.property: expected one property such as c => c.id, got 2 ((c) => [c.id, c.name]).',
    );
    expect(configError(() => build(Customer, (e) => e.shardBy((c) => c.name.length))).path).toBe('Customer.shardBy');
  });

  it('refuses unsafe table and schema names, with a hint for dotted names', () => {
    expect(configError(() => build(Customer, (e) => e.toTable('dbo.Customers'))).message).toBe(
      "Customer.toTable: table name 'dbo.Customers' is not a safe SQL identifier; use only ASCII letters, digits and underscore; pass the schema as the second argument: toTable('Orders', 'dbo').",
    );
    expect(configError(() => build(Customer, (e) => e.toTable('Customers', 'my schema'))).message).toContain("schema name 'my schema'");
  });

  it('takes nothing from the class name: a class name that could not be a table is fine', () => {
    const Weird = class {
      id!: number;
    };
    Object.defineProperty(Weird, 'name', { value: 'Weird$1' });
    const model = build(Weird, (e) => {
      e.key((w) => w.id);
      e.property((w) => w.id).int();
    });
    expect(model.table).toEqual({ name: 'T' });
  });

  it('refuses two properties on one column', () => {
    expect(
      configError(
        customerWith((e) =>
          e
            .property((c) => c.name)
            .string()
            .column('REGION'),
        ),
      ).message,
    ).toBe("Customer.name: maps to column 'REGION', which property 'region' already uses; give one of them another column('Name').");
  });

  it('refuses a second sharding strategy', () => {
    expect(
      configError(
        customerWith((e) => {
          e.shardBy((c) => c.region);
          e.shardByHash((c) => c.id, 2);
        }),
      ).message,
    ).toBe('Customer.shardByHash: the entity is already sharded by shardBy(); an entity has one sharding strategy, remove one call.');
  });

  it('refuses an unconfigured, generated or nullable shard key', () => {
    expect(configError(customerWith((e) => e.shardBy((c) => c.name))).message).toBe(
      "Customer.shardBy: property 'name' is not configured; add e.property(x => x.name) with its column type in onModelCreating.",
    );
    expect(
      configError(
        customerWith((e) => {
          e.property((c) => c.id).generated();
          e.shardByHash((c) => c.id, 2);
        }),
      ).message,
    ).toBe(
      "Customer.shardByHash: shard key 'id' is generated by the database, so its shard is unknown before the insert; shard by a property the application sets, or remove generated().",
    );
    expect(
      configError(
        customerWith((e) => {
          e.property((c) => c.region).nullable();
          e.shardBy((c) => c.region);
        }),
      ).message,
    ).toBe("Customer.shardBy: shard key 'region' is nullable, and a row without a key value has no shard; remove nullable().");
  });

  it('checks the shard key type against the strategy', () => {
    expect(configError(customerWith((e) => e.shardByDate((c) => c.region as unknown as Date, 'year'))).message).toBe(
      "Customer.shardByDate: shard key 'region' is string; shardByDate needs a dateTime() property.",
    );
    expect(
      configError(
        customerWith((e) => {
          e.property((c) => c.createdAt).dateTime();
          e.shardByHash((c) => c.createdAt as unknown as number, 2);
        }),
      ).message,
    ).toBe("Customer.shardByHash: shard key 'createdAt' is dateTime; shardByHash needs an int(), bigint(), string() or uuid() property.");
    expect(
      configError(
        customerWith((e) => {
          e.property((c) => c.createdAt).dateTime();
          e.shardBy((c) => c.createdAt as unknown as string);
        }),
      ).message,
    ).toBe("Customer.shardBy: shard key 'createdAt' is dateTime, which cannot name a shard; use shardByDate for dates.");
    expect(
      configError(
        customerWith((e) => {
          e.property((c) => c.score).decimal(10, 2);
          e.shardBy((c) => c.score);
        }),
      ).message,
    ).toBe(
      "Customer.shardBy: shard key 'score' is decimal, which cannot name a shard; use a string, int, bigint, uuid or boolean property.",
    );
  });

  it('refuses bad strategy arguments', () => {
    expect(configError(customerWith((e) => e.shardByHash((c) => c.id, 0))).message).toBe(
      'Customer.shardByHash: shardCount must be a positive integer, got 0.',
    );
    expect(configError(customerWith((e) => e.shardByDate((c) => c.createdAt, 'week' as never))).message).toBe(
      "Customer.shardByDate: unknown interval 'week'; use 'day', 'month', 'quarter' or 'year'.",
    );
    expect(configError(customerWith((e) => e.shardBy((c) => c.region, { caseSensitive: 'no' as never }))).message).toBe(
      'Customer.shardBy: option caseSensitive must be true or false, got no.',
    );
  });

  describe('temporal validity', () => {
    const price = (configure: (e: EntityTypeBuilder<Price>) => void) => () =>
      build(Price, (e) => {
        e.key((p) => [p.id, p.validFrom]);
        e.property((p) => p.id).uuid();
        configure(e);
      });

    it('needs a nullable validTo', () => {
      const error = configError(
        price((e) => {
          e.property((p) => p.validFrom).dateTime();
          e.property((p) => p.validTo).dateTime();
          e.hasTemporalValidity(
            (p) => p.validFrom,
            (p) => p.validTo,
          );
        }),
      );
      expect(error.message).toBe(
        "Price.hasTemporalValidity: validTo 'validTo' must be nullable (null while the version is current); add .nullable() to it.",
      );
      expect(error.path).toBe('Price.hasTemporalValidity');
    });

    it('needs configured dateTime columns, a required validFrom and two different properties', () => {
      expect(
        configError(
          price((e) =>
            e.hasTemporalValidity(
              (p) => p.validFrom,
              (p) => p.validTo,
            ),
          ),
        ).message,
      ).toBe(
        "Price.key: property 'validFrom' is not configured; add e.property(x => x.validFrom) with its column type in onModelCreating.",
      );
      expect(
        configError(
          price((e) => {
            e.property((p) => p.validFrom as unknown as string).string();
            e.property((p) => p.validTo)
              .dateTime()
              .nullable();
            e.hasTemporalValidity(
              (p) => p.validFrom,
              (p) => p.validTo,
            );
          }),
        ).message,
      ).toBe("Price.hasTemporalValidity: 'validFrom' is string; temporal validity columns must be dateTime().");
      expect(
        configError(
          price((e) => {
            e.property((p) => p.validFrom)
              .dateTime()
              .nullable();
            e.property((p) => p.validTo)
              .dateTime()
              .nullable();
            e.hasTemporalValidity(
              (p) => p.validFrom,
              (p) => p.validTo,
            );
          }),
        ).message,
      ).toBe("Price.key: key property 'validFrom' is nullable; a primary key column must be required, remove nullable().");
      expect(
        configError(
          price((e) =>
            e.hasTemporalValidity(
              (p) => p.validFrom,
              (p) => p.validFrom,
            ),
          ),
        ).message,
      ).toBe("Price.hasTemporalValidity: validFrom and validTo are both 'validFrom'; they must be two different properties.");
    });

    it('needs a key that tells versions apart: the entity key plus validFrom', () => {
      const versionless = () =>
        build(Price, (e) => {
          e.key((p) => p.id);
          e.property((p) => p.id).uuid();
          e.property((p) => p.validFrom).dateTime();
          e.property((p) => p.validTo)
            .dateTime()
            .nullable();
          e.hasTemporalValidity(
            (p) => p.validFrom,
            (p) => p.validTo,
          );
        });
      expect(configError(versionless).message).toBe(
        "Price.key: a temporal entity keeps every version as its own row, so its key must include validFrom 'validFrom'; declare e.key(x => [x.id, x.validFrom]).",
      );
    });
  });
});
