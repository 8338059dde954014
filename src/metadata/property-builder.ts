import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { DEFAULT_MAX_IDENTIFIER_LENGTH, validateIdentifier } from './identifier.js';
import type { ColumnType, PropertyModel } from './model.js';

/**
 * Configures one property: its column type (required), nullability, column name and whether the
 * database generates it. Every method returns the builder, so calls chain; a later type call
 * replaces an earlier one.
 *
 * @example
 * e.property(c => c.id).int().generated();
 * e.property(c => c.total).decimal(18, 2).column('TotalAmount');
 * e.property(c => c.note).string(500).nullable();
 */
export class PropertyBuilder {
  readonly #name: string;
  readonly #path: string;
  readonly #maxIdentifierLength: number;
  #type: ColumnType | null = null;
  #nullable = false;
  #column: string | null = null;
  #generated = false;

  /** @internal Created by `EntityTypeBuilder.property`. */
  constructor(entityName: string, name: string, maxIdentifierLength: number = DEFAULT_MAX_IDENTIFIER_LENGTH) {
    this.#name = name;
    this.#path = `${entityName}.${name}`;
    this.#maxIdentifierLength = maxIdentifierLength;
  }

  /** 32-bit integer. */
  int(): this {
    return this.#setType({ kind: 'int' });
  }

  /** 64-bit integer; read back as `bigint` when the value does not fit a JavaScript number exactly. */
  bigint(): this {
    return this.#setType({ kind: 'bigint' });
  }

  /** Exact decimal with `precision` digits, `scale` of them after the point (1 <= precision <= 38, 0 <= scale <= precision). */
  decimal(precision: number, scale: number): this {
    if (!Number.isInteger(precision) || precision < 1 || precision > 38) {
      throw this.#error(`decimal(${precision}, ${scale}): precision must be an integer from 1 to 38`);
    }
    if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw this.#error(`decimal(${precision}, ${scale}): scale must be an integer from 0 to the precision (${precision})`);
    }
    return this.#setType({ kind: 'decimal', precision, scale });
  }

  /** Text, at most `maxLength` characters when given (unbounded otherwise). */
  string(maxLength?: number): this {
    if (maxLength === undefined) return this.#setType({ kind: 'string' });
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw this.#error(`string(${maxLength}): maxLength must be a positive integer, or omitted for unbounded text`);
    }
    return this.#setType({ kind: 'string', maxLength });
  }

  boolean(): this {
    return this.#setType({ kind: 'boolean' });
  }

  /** A UTC instant, read and written as a JavaScript `Date`. */
  dateTime(): this {
    return this.#setType({ kind: 'dateTime' });
  }

  uuid(): this {
    return this.#setType({ kind: 'uuid' });
  }

  /** The column accepts null (properties are required by default). */
  nullable(nullable = true): this {
    this.#nullable = nullable;
    return this;
  }

  /** The SQL column name, when it differs from the property name. */
  column(name: string): this {
    this.#column = validateIdentifier(name, 'column name', this.#path, this.#maxIdentifierLength);
    return this;
  }

  /** The database generates the value (identity); inserts never write it. */
  generated(generated = true): this {
    this.#generated = generated;
    return this;
  }

  /** @internal */
  build(): PropertyModel {
    if (this.#type === null) {
      throw this.#error(
        'no column type; call one of int(), bigint(), decimal(p, s), string(maxLength?), boolean(), dateTime(), uuid() on it',
      );
    }
    const column =
      this.#column ??
      validateIdentifier(this.#name, 'column name', this.#path, this.#maxIdentifierLength, "; map the property with column('Name')");
    return Object.freeze({
      name: this.#name,
      column,
      type: this.#type,
      nullable: this.#nullable,
      generated: this.#generated,
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
