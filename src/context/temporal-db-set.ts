import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import { validAtPredicate, validBetweenPredicate } from '../linq/expression/validity-predicate.js';
import type { Queryable } from '../linq/query/queryable.js';
import type { TemporalModel } from '../metadata/model.js';
import { DbSet } from './db-set.js';

/**
 * The set of an entity with temporal validity (`hasTemporalValidity(...)`), from
 * `ctx.temporalSet(Contract)`: besides every operator of a set, it answers as of an instant.
 * Used as a plain set, it returns every version (see `allVersions`).
 *
 * @example
 * const current = await ctx.contracts.validAt(new Date()).where(c => c.customerId === 7).toArray();
 */
export class TemporalDbSet<T> extends DbSet<T> {
  /**
   * The versions valid at `at`: `validFrom <= at` and (`validTo` null or `validTo > at`). Composes
   * with every operator after it; on an entity date-sharded by validFrom it skips the shards whose
   * versions all start after `at`.
   *
   * @example ctx.contracts.validAt(new Date('2025-01-01')).orderBy(c => c.id).take(100)
   */
  validAt(at: Date): Queryable<T> {
    const { validFrom, validTo } = this.#temporal('validAt');
    return this.withOperator({ kind: 'where', predicate: validAtPredicate(validFrom, validTo, checkedDate(at, 'validAt', 'at')) });
  }

  /**
   * The versions valid at some instant of the half-open window `[from, to)`: `validFrom < to` and
   * (`validTo` null or `validTo > from`).
   *
   * @example ctx.contracts.validBetween(jan1, feb1).count()
   */
  validBetween(from: Date, to: Date): Queryable<T> {
    const { validFrom, validTo } = this.#temporal('validBetween');
    checkedDate(from, 'validBetween', 'from');
    checkedDate(to, 'validBetween', 'to');
    if (from.getTime() > to.getTime()) {
      throw new DtdeInvalidOperationError(
        `validBetween(from, to): from (${from.toISOString()}) is after to (${to.toISOString()}); pass the earlier instant first.`,
        {
          operation: 'validBetween',
        },
      );
    }
    return this.withOperator({ kind: 'where', predicate: validBetweenPredicate(validFrom, validTo, from, to) });
  }

  /** Every version, current and closed: the same rows as the set itself, said explicitly. */
  allVersions(): Queryable<T> {
    this.#temporal('allVersions');
    return this;
  }

  #temporal(operation: string): TemporalModel {
    const temporal = this.entityModel.temporal;
    if (temporal === null) {
      throw new DtdeInvalidOperationError(
        `${operation}() needs temporal validity: configure e.hasTemporalValidity(...) for ${this.entityModel.name}.`,
        { operation },
      );
    }
    return temporal;
  }
}

function checkedDate(value: Date, operation: string, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DtdeInvalidOperationError(`${operation}(): ${name} must be a valid Date, got ${String(value)}.`, { operation });
  }
  return value;
}
