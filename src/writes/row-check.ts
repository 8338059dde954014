import { z } from 'zod';
import type { ColumnType, EntityModel } from '../metadata/model.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

type ValueCheck = (value: unknown) => boolean;

const checks = new WeakMap<EntityModel, (row: unknown) => boolean>();

/**
 * A quick yes for rows that fit `entity`'s model, built once per entity: the same rules as the
 * zod schema of `entityRowSchema` (every written property present unless nullable, of its column's
 * type and limits), as plain tests, about thirty times cheaper per row than `safeParse`. It never
 * accepts a row the schema refuses (a property test holds it to that); a row it refuses goes to
 * the schema, which says what is wrong, so there is one set of messages.
 *
 * @example
 * if (!rows.every(rowCheck(customer))) validateChanges(changes, 'bulkInsert(Customer)'); // throws with every problem
 */
export function rowCheck(entity: EntityModel): (row: unknown) => boolean {
  let check = checks.get(entity);
  if (check === undefined) {
    const written = entity.properties.filter((p) => !p.generated);
    const names = written.map((p) => p.name);
    const tests = written.map((p) => {
      const test = valueCheck(p.type);
      return p.nullable ? (v: unknown) => v === null || v === undefined || test(v) : test;
    });
    check = (row) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) return false;
      const values = row as Record<string, unknown>;
      for (let i = 0; i < names.length; i++) if (!tests[i]!(values[names[i]!])) return false;
      return true;
    };
    checks.set(entity, check);
  }
  return check;
}

function valueCheck(type: ColumnType): ValueCheck {
  switch (type.kind) {
    case 'int':
      return (v) => Number.isSafeInteger(v) && (v as number) >= INT32_MIN && (v as number) <= INT32_MAX;
    case 'bigint':
      return (v) => (typeof v === 'bigint' ? v >= INT64_MIN && v <= INT64_MAX : Number.isSafeInteger(v));
    case 'decimal': {
      const limit = 10 ** (type.precision - type.scale);
      return (v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < limit;
    }
    case 'string': {
      const max = type.maxLength;
      return max === undefined ? (v) => typeof v === 'string' : (v) => typeof v === 'string' && v.length <= max;
    }
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'dateTime':
      return (v) => v instanceof Date && !Number.isNaN(v.getTime());
    case 'uuid': {
      const guid = z.regexes.guid;
      return (v) => typeof v === 'string' && guid.test(v);
    }
  }
}
