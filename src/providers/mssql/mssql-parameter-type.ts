import type { ParamExpr, SqlType } from '../../sql/sql-ast.js';
import { inferSqlType } from '../../sql/infer-sql-type.js';

const MAX_DECIMAL_PRECISION = 38;

/**
 * The declared T-SQL type of a parameter for `sp_executesql`. The type hint comes from the column
 * the value is compared with, widened when the value does not fit it: a declared type that is too
 * narrow would silently truncate or round the value (a 12-character LIKE pattern in an
 * `nvarchar(8)`, 2.555 in a `decimal(10,2)`) and change the answer.
 *
 * @example
 * mssqlParameterType({ kind: 'param', value: 'EU', type: { kind: 'string', maxLength: 8 } }); // 'nvarchar(8)'
 */
export function mssqlParameterType(param: ParamExpr): string {
  const type: SqlType | null = param.type ?? inferSqlType(param.value);
  const value = param.value;
  if (type === null) return 'nvarchar(1)'; // an untyped NULL
  switch (type.kind) {
    case 'string': {
      const length = typeof value === 'string' ? value.length : 0;
      if (type.maxLength !== undefined && length <= type.maxLength && type.maxLength <= 4000) return `nvarchar(${type.maxLength})`;
      return length <= 4000 ? 'nvarchar(4000)' : 'nvarchar(max)';
    }
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2147483647 ? 'int' : 'bigint';
    case 'bigint':
      return 'bigint';
    case 'float':
      return 'float';
    case 'decimal':
      return decimalType(type.precision, type.scale, value);
    case 'boolean':
      return 'bit';
    case 'dateTime':
      return 'datetime2(7)';
    case 'uuid':
      return 'uniqueidentifier';
  }
}

/** decimal(p,s) wide enough for the value's own digits; float when no decimal can hold it. */
function decimalType(precision: number, scale: number, value: unknown): string {
  if (typeof value !== 'number' && typeof value !== 'bigint') return `decimal(${precision},${scale})`;
  const text = typeof value === 'bigint' ? value.toString() : String(value);
  // Exponent notation (1e-7, 1e+21) has more digits than a decimal should carry: use float.
  if (/e/i.test(text)) return 'float';
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const s = Math.max(scale, fraction.length);
  const p = Math.max(precision - scale, whole.length) + s;
  return p > MAX_DECIMAL_PRECISION ? 'float' : `decimal(${p},${s})`;
}
