import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { DEFAULT_MAX_IDENTIFIER_LENGTH, validateIdentifier } from './identifier.js';
import type { ColumnType, PropertyModel } from './model.js';
import { stringCollation, unknownCollation } from '../linq/evaluate/string-collation.js';

/**
 * What every property can set whatever its column type: nullability, column name and whether the
 * database generates it. Each method returns the same builder, so calls chain.
 *
 * @example e.property(c => c.note).string(500).nullable().column('Note');
 */
export interface PropertySettings {
  /** The column accepts null; see `PropertyBuilder.nullable`. */
  nullable(nullable?: boolean): this;
  /** The SQL column name, when it differs from the property name; see `PropertyBuilder.column`. */
  column(name: string): this;
  /** The database generates the value (identity); see `PropertyBuilder.generated`. */
  generated(generated?: boolean): this;
}

/**
 * The builder of a `number` property: `int()`, `bigint()` (read back as a `bigint`) or
 * `decimal(precision, scale)`.
 *
 * @example e.property(o => o.total).decimal(18, 2);
 */
export interface NumberPropertyBuilder extends PropertySettings {
  /** A 32-bit integer; see `PropertyBuilder.int`. */
  int(): this;
  /** A 64-bit integer, read back as a `bigint`; see `PropertyBuilder.bigint`. */
  bigint(): this;
  /** A decimal with `precision` digits, `scale` after the point; see `PropertyBuilder.decimal`. */
  decimal(precision: number, scale: number): this;
  /** A version number dtde increments on every update; see `PropertyBuilder.concurrencyToken`. */
  concurrencyToken(token?: boolean): this;
  /** A version number dtde increments on every update; see `PropertyBuilder.concurrencyToken`. */
  concurrencyToken(token?: boolean): this;
}

/**
 * The builder of a `bigint` (or `number | bigint`) property: `bigint()`, the one column type
 * that reads back as a `bigint`.
 *
 * @example e.property(o => o.sequence).bigint();
 */
export interface BigIntPropertyBuilder extends PropertySettings {
  /** A 64-bit integer; see `PropertyBuilder.bigint`. */
  bigint(): this;
  /** A version number dtde increments on every update; see `PropertyBuilder.concurrencyToken`. */
  concurrencyToken(token?: boolean): this;
  /** A version number dtde increments on every update; see `PropertyBuilder.concurrencyToken`. */
  concurrencyToken(token?: boolean): this;
}

/**
 * The builder of a `string` property: `string(maxLength?)` or `uuid()`.
 *
 * @example e.property(c => c.region).string(8);
 */
export interface StringPropertyBuilder extends PropertySettings {
  /** Text of at most `maxLength` characters, unbounded without; see `PropertyBuilder.string`. */
  string(maxLength?: number): this;
  /** A UUID held as a string; see `PropertyBuilder.uuid`. */
  uuid(): this;
  /** How the engine compares the column's text; see `PropertyBuilder.collation`. */
  collation(name: string): this;
}

/**
 * The builder of a `Date` property: `dateTime()`.
 *
 * @example e.property(c => c.createdAt).dateTime();
 */
export interface DatePropertyBuilder extends PropertySettings {
  /** A UTC instant; see `PropertyBuilder.dateTime`. */
  dateTime(): this;
}

/**
 * The builder of a `boolean` property: `boolean()`.
 *
 * @example e.property(c => c.active).boolean();
 */
export interface BooleanPropertyBuilder extends PropertySettings {
  /** A boolean; see `PropertyBuilder.boolean`. */
  boolean(): this;
}

/**
 * What `e.property(selector)` returns for a property of TypeScript type `V` (null and undefined
 * aside): only the column types that fit it, so `.int()` on a string property does not compile.
 * `number`: int, bigint, decimal; `bigint` or `number | bigint`: bigint; `string` (and string
 * literal unions): string, uuid; `Date`: dateTime; `boolean`: boolean. An `any` or `unknown`
 * property gets every column type; any other type (arrays, objects) none, as no column holds it.
 *
 * @example
 * e.property(c => c.name).string(200);   // StringPropertyBuilder
 * e.property(c => c.name).int();         // does not compile
 */
export type PropertyBuilderFor<V> = 0 extends 1 & V
  ? PropertyBuilder
  : unknown extends V
    ? PropertyBuilder
    : [NonNullable<V>] extends [never]
      ? PropertySettings
      : [NonNullable<V>] extends [number]
        ? NumberPropertyBuilder
        : [NonNullable<V>] extends [number | bigint]
          ? BigIntPropertyBuilder
          : [NonNullable<V>] extends [string]
            ? StringPropertyBuilder
            : [NonNullable<V>] extends [Date]
              ? DatePropertyBuilder
              : [NonNullable<V>] extends [boolean]
                ? BooleanPropertyBuilder
                : PropertySettings;

/**
 * Configures one property: its column type (required), nullability, column name and whether the
 * database generates it. Every method returns the builder, so calls chain; a later type call
 * replaces an earlier one. `e.property(...)` hands it out typed as `PropertyBuilderFor<V>`, which
 * offers only the column types that fit the property.
 *
 * @example
 * e.property(c => c.id).int().generated();
 * e.property(c => c.total).decimal(18, 2).column('TotalAmount');
 * e.property(c => c.note).string(500).nullable();
 */
export class PropertyBuilder
  implements NumberPropertyBuilder, BigIntPropertyBuilder, StringPropertyBuilder, DatePropertyBuilder, BooleanPropertyBuilder
{
  readonly #name: string;
  readonly #path: string;
  readonly #maxIdentifierLength: number;
  #type: ColumnType | null = null;
  #nullable = false;
  #column: string | null = null;
  #generated = false;
  #concurrencyToken = false;
  #collation: string | null = null;

  /** @internal Created by `EntityTypeBuilder.property`. */
  constructor(entityName: string, name: string, maxIdentifierLength: number = DEFAULT_MAX_IDENTIFIER_LENGTH) {
    this.#name = name;
    this.#path = `${entityName}.${name}`;
    this.#maxIdentifierLength = maxIdentifierLength;
  }

  /**
   * A 32-bit integer (`number`); writes refuse values outside that range.
   * SQLite column: `INTEGER`; SQL Server: `int`.
   *
   * @example e.property(c => c.id).int();
   */
  int(): this {
    return this.#setType({ kind: 'int' });
  }

  /**
   * A 64-bit integer, written from a `bigint` or a safe-integer `number` and always read back as a
   * JavaScript `bigint`. SQLite column: `INTEGER`; SQL Server: `bigint`.
   *
   * @example e.property(o => o.sequence).bigint();
   */
  bigint(): this {
    return this.#setType({ kind: 'bigint' });
  }

  /**
   * A decimal `number` with `precision` digits, `scale` of them after the point (1 <= precision <= 38,
   * 0 <= scale <= precision). SQLite column: `REAL` (floating point, so sums are not exact);
   * SQL Server: `decimal(precision,scale)`.
   *
   * @example e.property(o => o.total).decimal(18, 2);
   */
  decimal(precision: number, scale: number): this {
    if (!Number.isInteger(precision) || precision < 1 || precision > 38) {
      throw this.#error(`decimal(${precision}, ${scale}): precision must be an integer from 1 to 38`);
    }
    if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw this.#error(`decimal(${precision}, ${scale}): scale must be an integer from 0 to the precision (${precision})`);
    }
    return this.#setType({ kind: 'decimal', precision, scale });
  }

  /**
   * Text, at most `maxLength` characters when given (unbounded otherwise; writes check the
   * length). SQLite column: `TEXT`; SQL Server: `nvarchar(maxLength)`, or `nvarchar(max)` when
   * omitted or over 4000.
   *
   * @example e.property(c => c.region).string(8);
   */
  string(maxLength?: number): this {
    if (maxLength === undefined) return this.#setType({ kind: 'string' });
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw this.#error(`string(${maxLength}): maxLength must be a positive integer, or omitted for unbounded text`);
    }
    return this.#setType({ kind: 'string', maxLength });
  }

  /**
   * A `boolean`. SQLite column: `INTEGER` holding 0 or 1; SQL Server: `bit`.
   *
   * @example e.property(c => c.active).boolean();
   */
  boolean(): this {
    return this.#setType({ kind: 'boolean' });
  }

  /**
   * A UTC instant, read and written as a JavaScript `Date`. SQLite column: `TEXT` holding ISO-8601
   * UTC (`2024-06-15T08:30:00.000Z`); SQL Server: `datetime2(7)`.
   *
   * @example e.property(c => c.createdAt).dateTime();
   */
  dateTime(): this {
    return this.#setType({ kind: 'dateTime' });
  }

  /**
   * A UUID held as a `string` such as `'0f8fad5b-d9cb-469f-a165-70867728950e'`. SQLite column:
   * `TEXT`, stored as given; SQL Server: `uniqueidentifier`, read back in lower case.
   *
   * @example e.property(c => c.externalId).uuid();
   */
  uuid(): this {
    return this.#setType({ kind: 'uuid' });
  }

  /**
   * How the engine compares, orders and groups the column's text, by the engine's own collation
   * name: `'und-u-ks-level2'` (PostgreSQL, a case-insensitive ICU collation dtde creates when
   * missing), `'NOCASE'` (SQLite), `'Latin1_General_100_CI_AS'` or `'Latin1_General_100_BIN2'`
   * (SQL Server). Without it the column gets the provider's default: code-point order on SQLite
   * and PostgreSQL (`BINARY`, `"C"`), the database's default on SQL Server (assumed
   * `SQL_Latin1_General_CP1_CI_AS`, case-insensitive). The merge of shard answers, `distinct`,
   * group keys, `min`/`max` and the in-memory evaluator then compare as that collation does (README
   * "Collation"). A name dtde cannot reproduce on the client is refused here.
   *
   * @example e.property(c => c.name).string(200).collation('und-u-ks-level2');
   */
  collation(name: string): this {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) {
      throw this.#error(`collation('${name}'): a collation name is letters, digits, '_' and '-'`);
    }
    if (stringCollation(name) === undefined) throw unknownCollation(name, `${this.#path}.collation`);
    this.#collation = name;
    return this;
  }

  /**
   * The column accepts null (`NULL` instead of `NOT NULL`); properties are required by default, and
   * `nullable(false)` makes one required again.
   *
   * @example e.property(c => c.note).string(500).nullable();
   */
  nullable(nullable = true): this {
    this.#nullable = nullable;
    return this;
  }

  /**
   * The SQL column name, when it differs from the property name. It must be ASCII letters, digits
   * and underscore, within the identifier length limit; otherwise this throws `DtdeConfigurationError`.
   *
   * @example e.property(c => c.createdAt).dateTime().column('CreatedAt');
   */
  column(name: string): this {
    this.#column = validateIdentifier(name, 'column name', this.#path, this.#maxIdentifierLength);
    return this;
  }

  /**
   * The database generates the value (identity), so inserts never write it; `generated(false)`
   * undoes it. SQLite column: `INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`, so there it must be the
   * whole primary key; SQL Server: the mapped type with `IDENTITY(1,1)`.
   *
   * @example e.property(c => c.id).int().generated();
   */
  generated(generated = true): this {
    this.#generated = generated;
    return this;
  }

  /**
   * The property is a version number that dtde sets to 1 on insert and increments on every
   * update; an update or remove matches it as it was read, so a concurrent change makes the save
   * fail with `DtdeConcurrencyError` instead of overwriting it. An `int` or `bigint` property.
   *
   * @example e.property(c => c.version).int().concurrencyToken();
   */
  concurrencyToken(token = true): this {
    this.#concurrencyToken = token;
    return this;
  }

  /** @internal */
  build(): PropertyModel {
    if (this.#type === null) {
      throw this.#error(
        'no column type; call one of int(), bigint(), decimal(p, s), string(maxLength?), boolean(), dateTime(), uuid() on it',
      );
    }
    if (this.#concurrencyToken && this.#type.kind !== 'int' && this.#type.kind !== 'bigint') {
      throw this.#error(
        `concurrencyToken(): the token is a version number dtde increments, so it must be int() or bigint(), not ${this.#type.kind}()`,
      );
    }
    if (this.#collation !== null && this.#type.kind !== 'string') {
      throw this.#error(`collation('${this.#collation}'): only string() columns have a collation, not ${this.#type.kind}()`);
    }
    const type = this.#collation !== null ? Object.freeze({ ...this.#type, collation: this.#collation }) : this.#type;
    const column =
      this.#column ??
      validateIdentifier(this.#name, 'column name', this.#path, this.#maxIdentifierLength, "; map the property with column('Name')");
    return Object.freeze({
      name: this.#name,
      column,
      type,
      nullable: this.#nullable,
      generated: this.#generated,
      ...(this.#concurrencyToken ? { concurrencyToken: true } : {}),
    });
  }

  #setType(type: ColumnType): this {
    this.#type = Object.freeze(type);
    return this;
  }

  #error(problem: string): DtdeConfigurationError {
    return new DtdeConfigurationError(`${this.#path}: ${problem}.`, { path: this.#path });
  }
}
