import type sql from 'mssql';
import { loadMssql } from './load-mssql.js';
import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import { inferSqlType } from '../../sql/infer-sql-type.js';
import type { DriverParameters, TypedParameter } from '../database-driver.js';
import { mssqlParameterType } from './mssql-parameter-type.js';

/** One `request.input(name, type, value)`: the name without its `@`. */
export interface MssqlInput {
  readonly name: string;
  readonly type: sql.ISqlType;
  readonly value: unknown;
}

/**
 * The inputs of a request, each with the SQL type it is declared with in `sp_executesql`:
 * - the dialect's typed list (`@p0 nvarchar(8)`, …): the declared type as written, so a
 *   parameter's type comes from the model (the column it is compared with), never from its value;
 * - an array of values: `@p0`, `@p1`… in order, typed from each value (as `mssqlParameterType`
 *   types an untyped parameter);
 * - an object of named values: `@name` for each key, typed from the value.
 * Bigints stay exact (tedious binds `bigint` and its decimal text as 64-bit integers).
 */
export function toMssqlInputs(parameters: DriverParameters, database: string): MssqlInput[] {
  if (Array.isArray(parameters)) {
    if (parameters.length > 0 && parameters.every(isTypedParameter)) {
      return (parameters as readonly TypedParameter[]).map((p) => ({
        name: p.name.replace(/^@/, ''),
        type: mssqlType(p.sqlType, database),
        value: p.value,
      }));
    }
    return parameters.map((value, i) => untyped(`p${i}`, value, database));
  }
  return Object.entries(parameters as Readonly<Record<string, unknown>>).map(([name, value]) =>
    untyped(name.replace(/^@/, ''), value, database),
  );
}

function untyped(name: string, value: unknown, database: string): MssqlInput {
  const bound = typeof value === 'bigint' ? value.toString() : value;
  return { name, type: mssqlType(mssqlParameterType({ kind: 'param', value, type: inferSqlType(value) }), database), value: bound };
}

/**
 * The `mssql` type object of a declared T-SQL type, as `mssqlParameterType` and the dialect write
 * them: `nvarchar(n|max)`, `int`, `bigint`, `decimal(p,s)`, `float`, `bit`, `datetime2(7)`,
 * `uniqueidentifier`. Throws `DtdeDatabaseError` for any other text.
 *
 * @example
 * mssqlType('nvarchar(8)', id); // sql.NVarChar(8)
 */
export function mssqlType(sqlType: string, database: string): sql.ISqlType {
  const sql = loadMssql();
  const text = sqlType.trim().toLowerCase();
  const sized = /^(\w+)\s*\(\s*(max|\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(text);
  const name = sized === null ? text : sized[1];
  const first = sized === null ? undefined : sized[2] === 'max' ? sql.MAX : Number(sized[2]);
  const second = sized?.[3] === undefined ? undefined : Number(sized[3]);
  switch (name) {
    case 'nvarchar':
      return sql.NVarChar(first ?? sql.MAX);
    case 'varchar':
      return sql.VarChar(first ?? sql.MAX);
    case 'int':
      return sql.Int();
    case 'bigint':
      return sql.BigInt();
    case 'decimal':
    case 'numeric':
      return sql.Decimal(first ?? 18, second ?? 0);
    case 'float':
      return sql.Float();
    case 'bit':
      return sql.Bit();
    case 'datetime2':
      return sql.DateTime2(first ?? 7);
    case 'uniqueidentifier':
      return sql.UniqueIdentifier();
    default:
      throw new DtdeDatabaseError(
        `SQL Server parameter type '${sqlType}' is not one dtde binds; a dialect declares nvarchar, int, bigint, decimal, float, bit, datetime2 or uniqueidentifier.`,
        { reason: 'failed', database },
      );
  }
}

/** Bound values are never plain objects with these three keys (they are text, numbers, bigints, Dates, null). */
function isTypedParameter(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Date || ArrayBuffer.isView(value)) return false;
  const candidate = value as Partial<Record<keyof TypedParameter, unknown>>;
  return typeof candidate.name === 'string' && typeof candidate.sqlType === 'string' && 'value' in candidate;
}
