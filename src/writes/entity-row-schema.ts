import { z } from 'zod';
import { DtdeValidationError } from '../errors/dtde-validation-error.js';
import type { ColumnType, EntityModel, PropertyModel } from '../metadata/model.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A row checker built from an entity model: one zod schema over the written properties. */
export interface EntityRowSchema {
  readonly entity: EntityModel;
  readonly schema: z.ZodType<Record<string, unknown>>;
  /**
   * Throws `DtdeValidationError` naming the row (`rowIndex`), the property, what was expected,
   * what came, and the fix, when `row` does not fit the model.
   */
  check(row: unknown, rowIndex: number | undefined, operation: string): void;
  /** Every problem of `row` (an object), one message per property, in property order; empty when it fits. */
  problems(row: object): readonly { readonly property: string; readonly message: string }[];
}

const cache = new WeakMap<EntityModel, EntityRowSchema>();

/**
 * The validation schema of an entity's rows, built once per entity model: every property that
 * is written (all but generated ones) must be present unless nullable, and of its column's type:
 * `int` a 32-bit integer, `bigint` a 64-bit integer (bigint or safe integer number), `decimal` a
 * finite number that fits its precision, `string` a string within `maxLength`, `boolean`,
 * `dateTime` a valid `Date`, `uuid` a GUID string. Other properties of the object are ignored.
 *
 * @example
 * entityRowSchema(customerModel).check({ id: 1, region: 'EU' }, 0, 'bulkInsert');
 * // DtdeValidationError: bulkInsert(Customer): row 0: property 'name' is missing; ...
 */
export function entityRowSchema(entity: EntityModel): EntityRowSchema {
  let found = cache.get(entity);
  if (found === undefined) {
    found = build(entity);
    cache.set(entity, found);
  }
  return found;
}

function build(entity: EntityModel): EntityRowSchema {
  const written = entity.properties.filter((p) => !p.generated);
  const shape = Object.fromEntries(written.map((p) => [p.name, p.nullable ? columnSchema(p.type).nullish() : columnSchema(p.type)]));
  const schema = z.looseObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
  return {
    entity,
    schema,
    check(row, rowIndex, operation) {
      if (typeof row !== 'object' || row === null) {
        throw new DtdeValidationError(
          `${operation}(${entity.name}): ${where(rowIndex)}is ${row === null ? 'null' : typeof row}, not an object; pass ${entity.name} objects.`,
          { entity: entity.name, rowIndex },
        );
      }
      const result = schema.safeParse(row);
      if (result.success) return;
      const name = String(result.error.issues[0]?.path[0] ?? '');
      const property = entity.propertyByName.get(name);
      if (property === undefined)
        throw new DtdeValidationError(`${operation}(${entity.name}): ${where(rowIndex)}${z.prettifyError(result.error)}`, {
          entity: entity.name,
          rowIndex,
        });
      throw new DtdeValidationError(
        `${operation}(${entity.name}): ${where(rowIndex)}${problem(entity, property, (row as Record<string, unknown>)[name])}`,
        { entity: entity.name, property: name, rowIndex, cause: result.error },
      );
    },
    problems(row) {
      const result = schema.safeParse(row);
      if (result.success) return [];
      const names = new Set(result.error.issues.map((issue) => String(issue.path[0] ?? '')));
      return [...names].map((name) => {
        const property = entity.propertyByName.get(name);
        return {
          property: name,
          message:
            property === undefined ? z.prettifyError(result.error) : problem(entity, property, (row as Record<string, unknown>)[name]),
        };
      });
    },
  };
}

function columnSchema(type: ColumnType): z.ZodType {
  switch (type.kind) {
    case 'int':
      return z.int().min(INT32_MIN).max(INT32_MAX);
    case 'bigint':
      return z.union([z.bigint().min(INT64_MIN).max(INT64_MAX), z.int()]);
    case 'decimal': {
      // Integer digits beyond precision - scale overflow the column (SQL Server refuses them).
      const limit = 10 ** (type.precision - type.scale);
      return z.number().refine((v) => Math.abs(v) < limit);
    }
    case 'string':
      return type.maxLength === undefined ? z.string() : z.string().max(type.maxLength);
    case 'boolean':
      return z.boolean();
    case 'dateTime':
      return z.date();
    case 'uuid':
      return z.guid();
  }
}

function where(rowIndex: number | undefined): string {
  return rowIndex === undefined ? '' : `row ${rowIndex}: `;
}

/** "property 'name' ...: expected X, got Y; fix" for one failed property. */
function problem(entity: EntityModel, p: PropertyModel, value: unknown): string {
  if (value === undefined || (value === null && !p.nullable)) {
    const absent = `property '${p.name}' is ${value === undefined ? 'missing' : 'null'}, but it is`;
    // A key cannot be nullable, so "declare it nullable" would be wrong advice for one.
    if (entity.key.includes(p.name)) {
      const single = entity.key.length === 1;
      const generatable = single && (p.type.kind === 'int' || p.type.kind === 'bigint');
      return (
        `${absent} ${single ? 'the' : 'part of the'} primary key, which every row needs; set it to ${expected(p.type)}. ` +
        (generatable
          ? `A key cannot be nullable; to have the database assign it, configure it with generated() (e.property(x => x.${p.name}).${p.type.kind}().generated()).`
          : 'A key cannot be nullable.')
      );
    }
    if (entity.sharding !== null && entity.sharding.strategy !== 'manual' && entity.sharding.property === p.name) {
      return `${absent} the shard key, which decides the shard the row is written to; set it to ${expected(p.type)}. A shard key cannot be nullable.`;
    }
    return `${absent} required; set it to ${expected(p.type)}, or declare it nullable (e.property(x => x.${p.name}).nullable()).`;
  }
  return (
    `property '${p.name}' must be ${expected(p.type)}, got ${show(value, p.type.kind === 'string')}; ` +
    `fix the value, or change the model of ${entity.name}.${p.name} if the value is right.`
  );
}

function expected(type: ColumnType): string {
  switch (type.kind) {
    case 'int':
      return `an integer from ${INT32_MIN} to ${INT32_MAX} (int)`;
    case 'bigint':
      return 'a 64-bit integer (bigint, or a safe integer number)';
    case 'decimal':
      return `a finite number below 10^${type.precision - type.scale} in magnitude (decimal(${type.precision},${type.scale}))`;
    case 'string':
      return type.maxLength === undefined ? 'a string' : `a string of at most ${type.maxLength} characters`;
    case 'boolean':
      return 'a boolean';
    case 'dateTime':
      return 'a valid Date';
    case 'uuid':
      return "a UUID string ('0f8fad5b-d9cb-469f-a165-70867728950e')";
  }
}

function show(value: unknown, withLength: boolean): string {
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
    return withLength || value.length > 40 ? `${text} (${value.length} characters)` : `the string ${text}`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date ${value.toISOString()}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
