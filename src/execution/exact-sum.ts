import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';

/**
 * Exact addition of partial sums and counts as drivers return them: numbers, bigints (SQLite
 * `safeIntegers`, SQL Server `bigint`) and decimal strings (PostgreSQL `numeric`, `COUNT(*)`).
 *
 * Result type: any decimal string involved → a decimal string (exact, scale = largest input
 * scale); else any bigint → a bigint (exact; numbers join it when the number total is integral,
 * otherwise everything becomes a number); else a number (plain addition, as the in-memory
 * evaluator does). Nothing added → 0.
 *
 * @example
 * const s = new ExactSum(); s.add(2n ** 60n); s.add(null); s.add(1n); s.result(); // 2n ** 60n + 1n
 */
export class ExactSum {
  private numberTotal = 0;
  private bigTotal = 0n;
  private decimal: Decimal = { units: 0n, scale: 0 };
  private sawNumber = false;
  private sawBigint = false;
  private sawString = false;

  /** Adds one partial; null and undefined (SQL SUM over no rows) add nothing. */
  add(value: unknown): void {
    if (value === null || value === undefined) return;
    if (typeof value === 'number') {
      this.numberTotal += value;
      this.sawNumber = true;
    } else if (typeof value === 'bigint') {
      this.bigTotal += value;
      this.sawBigint = true;
    } else if (typeof value === 'string') {
      this.decimal = addDecimal(this.decimal, parseDecimal(value, 'sum'));
      this.sawString = true;
    } else {
      throw notNumeric(value, 'sum');
    }
  }

  result(): number | bigint | string {
    if (this.sawString) {
      let total = addDecimal(this.decimal, { units: this.bigTotal, scale: 0 });
      if (this.sawNumber) total = addDecimal(total, parseDecimal(String(this.numberTotal), 'sum'));
      return formatDecimal(total);
    }
    if (this.sawBigint) {
      if (!this.sawNumber) return this.bigTotal;
      return Number.isInteger(this.numberTotal) ? this.bigTotal + BigInt(this.numberTotal) : Number(this.bigTotal) + this.numberTotal;
    }
    return this.numberTotal;
  }

  /** The sum divided by `count` as a number, with bigint sums divided exactly before rounding. */
  divide(count: bigint): number {
    const total = this.result();
    if (typeof total === 'bigint') {
      const quotient = total / count;
      return Number(quotient) + Number(total - quotient * count) / Number(count);
    }
    return Number(total) / Number(count);
  }
}

/**
 * A count as a driver returned it (number, bigint or digit string) as a bigint; null is 0.
 *
 * @example
 * toCount('42'); // 42n
 */
export function toCount(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^\s*\+?\d+\s*$/.test(value)) return BigInt(value.trim());
  throw notNumeric(value, 'count');
}

/** A total count as the caller sees it: a number while it is exact, a bigint beyond 2^53 - 1. */
export function countResult(count: bigint): number | bigint {
  return count <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(count) : count;
}

interface Decimal {
  /** The value times 10^scale. */
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

function parseDecimal(text: string, operation: string): Decimal {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw notNumeric(text, operation);
  const fraction = m[3] ?? '';
  let units = BigInt((m[2] || '0') + fraction);
  let scale = fraction.length - Number(m[4] ?? 0);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: m[1] === '-' ? -units : units, scale };
}

function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: a.units * 10n ** BigInt(scale - a.scale) + b.units * 10n ** BigInt(scale - b.scale), scale };
}

function formatDecimal({ units, scale }: Decimal): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function notNumeric(value: unknown, operation: string): DtdeInvalidOperationError {
  return new DtdeInvalidOperationError(
    `A shard returned ${typeof value} ${JSON.stringify(String(value))} for a ${operation} where a number was expected; ` +
      'the column or driver type mapping does not match the model.',
    { operation },
  );
}
