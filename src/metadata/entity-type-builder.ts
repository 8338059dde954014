import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { parseMemberLambda } from '../linq/parse/parse-member-lambda.js';
import { DEFAULT_MAX_IDENTIFIER_LENGTH, validateIdentifier } from './identifier.js';
import { ManualShardingBuilder } from './manual-sharding-builder.js';
import type { DateInterval, EntityClass, EntityModel, TableName, TemporalModel } from './model.js';
import { PropertyBuilder, type PropertyBuilderFor } from './property-builder.js';
import { ShardingBuilder } from './sharding-builder.js';
import { validateEntityModel } from './validate-entity-model.js';

/** Values a value-sharded key may hold: they become shard ids and table suffixes. */
export type ValueShardKey = string | number | bigint | boolean;
/** Values a hash-sharded key may hold (numbers as integers; UUIDs as strings). */
export type HashShardKey = string | number | bigint;

export interface ShardByOptions {
  /** Whether `'eu'` matches shard `'EU'`. Default `true`. */
  readonly caseSensitive?: boolean;
}

const DATE_INTERVALS: readonly DateInterval[] = ['day', 'month', 'quarter', 'year'];

/**
 * Configures one entity inside `mb.entity(Customer, e => { ... })`. Lambdas are typed from the
 * entity, so `e.property(c => c.region)` autocompletes and `c => c.nope` does not compile; they
 * must be plain member accesses and are parsed once, here.
 *
 * @example
 * mb.entity(Customer, e => {
 *   e.toTable('Customers', 'sales');
 *   e.key(c => c.id);
 *   e.property(c => c.id).int();
 *   e.property(c => c.region).string(8);
 *   e.shardBy(c => c.region, { caseSensitive: false });
 * });
 */
export class EntityTypeBuilder<T> {
  readonly #entity: EntityClass<T>;
  readonly #name: string;
  readonly #maxIdentifierLength: number;
  readonly #properties = new Map<string, PropertyBuilder>();
  #table: TableName | null = null;
  #key: readonly string[] | null = null;
  #sharding: ShardingBuilder | null = null;
  #shardingCall = '';
  #temporal: TemporalModel | null = null;

  /** @internal Created by `ModelBuilder.entity`. */
  constructor(entity: EntityClass<T>, maxIdentifierLength: number = DEFAULT_MAX_IDENTIFIER_LENGTH) {
    this.#entity = entity;
    this.#name = entity.name === '' ? '(anonymous entity class)' : entity.name;
    this.#maxIdentifierLength = maxIdentifierLength;
  }

  /**
   * The table (and optional schema; the context's default schema when omitted). Required, except
   * with `useManualSharding`, whose `addTable` calls name every table: dtde never derives a table
   * name from the class name, because minifiers rename classes (`Customer` becomes `Ge`).
   *
   * @example e.toTable('Orders', 'sales'); // sales.Orders
   */
  toTable(name: string, schema?: string): this {
    const path = `${this.#name}.toTable`;
    const hint = typeof name === 'string' && name.includes('.') ? "; pass the schema as the second argument: toTable('Orders', 'dbo')" : '';
    const table: TableName = { name: validateIdentifier(name, 'table name', path, this.#maxIdentifierLength, hint) };
    this.#table = Object.freeze(
      schema === undefined ? table : { ...table, schema: validateIdentifier(schema, 'schema name', path, this.#maxIdentifierLength) },
    );
    return this;
  }

  /**
   * The primary key, also the final tie-breaker when shards' ordered answers are merged.
   *
   * @example e.key(c => [c.tenantId, c.id]); // composite; key(c => c.id) for one column
   */
  key(selector: (row: T) => unknown): this {
    this.#key = Object.freeze(this.#members(selector, 'key', 'many'));
    return this;
  }

  /**
   * Configures a property; calling it again for the same property returns the same builder. Every
   * mapped property needs a column type, and the builder offers only those that fit the property's
   * type (`PropertyBuilderFor`): `int()`, `bigint()` or `decimal()` for a number, `string()` or
   * `uuid()` for a string, `dateTime()` for a Date, `boolean()` for a boolean.
   *
   * @example e.property(c => c.name).string(200);
   */
  property<V>(selector: (row: T) => V): PropertyBuilderFor<V> {
    const [name] = this.#members(selector, 'property', 'one');
    let builder = this.#properties.get(name!);
    if (builder === undefined) {
      builder = new PropertyBuilder(this.#name, name!, this.#maxIdentifierLength);
      this.#properties.set(name!, builder);
    }
    return builder as PropertyBuilderFor<V>;
  }

  /**
   * Shards by the property's value: each shard id is a value (`shardBy(c => c.region)` -> shards
   * `EU`, `US`). An entity takes one sharding call.
   *
   * @example e.shardBy(c => c.region, { caseSensitive: false }).withStorageMode('tables');
   */
  shardBy(selector: (row: T) => ValueShardKey, options: ShardByOptions = {}): ShardingBuilder {
    const [property] = this.#members(selector, 'shardBy', 'one');
    const caseSensitive = options.caseSensitive ?? true;
    if (typeof caseSensitive !== 'boolean') {
      throw this.#error('shardBy', `option caseSensitive must be true or false, got ${String(caseSensitive)}`);
    }
    return this.#setSharding('shardBy', { strategy: 'value', property: property!, caseSensitive });
  }

  /**
   * Shards by a date property in UTC intervals; shard ids are `2024`, `2024Q2`, `2024-06` or
   * `2024-06-15` for `'year'`, `'quarter'`, `'month'` or `'day'`.
   *
   * @example e.shardByDate(o => o.orderDate, 'year').useShardGroup('years');
   */
  shardByDate(selector: (row: T) => Date, interval: DateInterval): ShardingBuilder {
    const [property] = this.#members(selector, 'shardByDate', 'one');
    if (!DATE_INTERVALS.includes(interval)) {
      throw this.#error('shardByDate', `unknown interval '${String(interval)}'; use 'day', 'month', 'quarter' or 'year'`);
    }
    return this.#setSharding('shardByDate', { strategy: 'date', property: property!, interval });
  }

  /**
   * Shards by a stable hash of the property into `shardCount` buckets; bucket `i` is the `i`-th
   * shard of the entity's group in declaration order, so the group must hold exactly `shardCount` shards.
   *
   * @example e.shardByHash(c => c.id, 4); // with shards: s => s.addShards('h0', 'h1', 'h2', 'h3')
   */
  shardByHash(selector: (row: T) => HashShardKey, shardCount: number): ShardingBuilder {
    const [property] = this.#members(selector, 'shardByHash', 'one');
    if (!Number.isInteger(shardCount) || shardCount < 1) {
      throw this.#error('shardByHash', `shardCount must be a positive integer, got ${String(shardCount)}`);
    }
    return this.#setSharding('shardByHash', { strategy: 'hash', property: property!, shardCount });
  }

  /**
   * Pre-existing tables, each holding the rows its predicate accepts, in the context's database.
   * dtde never creates or alters them.
   *
   * @example e.useManualSharding(m => m.addTable('dbo.Orders_Old', (o, p) => o.orderDate < p.cut, { cut }));
   */
  useManualSharding(configure: (m: ManualShardingBuilder<T>) => ManualShardingBuilder<T> | void): ShardingBuilder {
    const manual = new ManualShardingBuilder<T>(this.#name, this.#maxIdentifierLength);
    configure(manual);
    return this.#setSharding('useManualSharding', { strategy: 'manual', tables: manual.build() });
  }

  /**
   * Marks the entity as temporal: each row is valid from `validFrom` (inclusive) to `validTo`
   * (exclusive; null while current). `validTo` must be configured `nullable()`.
   *
   * @example e.hasTemporalValidity(p => p.validFrom, p => p.validTo);
   */
  hasTemporalValidity(validFrom: (row: T) => Date, validTo: (row: T) => Date | null | undefined): this {
    const [from] = this.#members(validFrom, 'hasTemporalValidity', 'one');
    const [to] = this.#members(validTo, 'hasTemporalValidity', 'one');
    if (from === to) {
      throw this.#error('hasTemporalValidity', `validFrom and validTo are both '${from!}'; they must be two different properties`);
    }
    this.#temporal = Object.freeze({ validFrom: from!, validTo: to! });
    return this;
  }

  /** @internal Builds and validates the entity model. */
  build(): EntityModel {
    const sharding = this.#sharding?.build() ?? null;
    const table = this.#table ?? (sharding?.strategy === 'manual' ? sharding.tables[0]?.table : undefined);
    if (table === undefined) {
      throw this.#error(
        'toTable',
        `no table name; call e.toTable('Name') in mb.entity(${this.#name}, e => ...). ` +
          'dtde never derives a table name from the class name, because minifiers rename classes',
      );
    }
    const properties = Object.freeze([...this.#properties.values()].map((p) => p.build()));
    const model: EntityModel = Object.freeze({
      name: this.#name,
      entity: this.#entity as EntityClass,
      table,
      properties,
      propertyByName: new Map(properties.map((p) => [p.name, p])),
      key: this.#key ?? Object.freeze([]),
      sharding,
      temporal: this.#temporal,
    });
    validateEntityModel(model, this.#shardingCall);
    return model;
  }

  #setSharding(call: string, draft: ConstructorParameters<typeof ShardingBuilder>[1]): ShardingBuilder {
    if (this.#sharding !== null) {
      throw this.#error(
        call,
        `the entity is already sharded by ${this.#shardingCall}(); an entity has one sharding strategy, remove one call`,
      );
    }
    this.#shardingCall = call;
    this.#sharding = new ShardingBuilder(`${this.#name}.${call}`, draft);
    return this.#sharding;
  }

  #members(selector: (row: T) => unknown, what: string, arity: 'one' | 'many'): string[] {
    const path = `${this.#name}.${what}`;
    let names: readonly string[];
    try {
      names = parseMemberLambda(selector, path);
    } catch (error) {
      // A configuration error (with the lambda error as cause): it is raised while configuring.
      const reason = error instanceof Error ? error.message : String(error);
      throw new DtdeConfigurationError(reason, { path, cause: error });
    }
    if (arity === 'one' && names.length !== 1) {
      throw this.#error(
        what,
        `expected one property such as c => c.id, got ${names.length} (${Function.prototype.toString.call(selector)})`,
      );
    }
    return [...names];
  }

  #error(what: string, problem: string): DtdeConfigurationError {
    return new DtdeConfigurationError(`${this.#name}.${what}: ${problem}.`, { path: `${this.#name}.${what}` });
  }
}
