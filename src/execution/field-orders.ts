import { compareValues } from '../linq/evaluate/compare-values.js';
import { BINARY_COLLATION, type StringCollation, stringCollation, unknownCollation } from '../linq/evaluate/string-collation.js';
import type { Dialect } from '../sql/dialect.js';
import type { SqlType } from '../sql/sql-ast.js';
import type { FieldCollations } from './canonical-key.js';
import type { ValueComparer } from './compare-rows.js';

/** How the merge compares the fields of one result shape where dtde's default order is not the engine's. */
export interface FieldOrders {
  /** Per field, the engine's order of two non-null values (a collation's, GUIDs on SQL Server). */
  readonly comparers: Readonly<Record<string, ValueComparer>>;
  /** Per string field whose collation is not code point: what distinct rows and group keys are equal under. */
  readonly collations: FieldCollations;
  /**
   * The collation of the client-side steps over finished rows (operators after a group select, a
   * terminal computed on the client): the fields' one non-code-point collation, code point when
   * they have none or several.
   */
  readonly collation: StringCollation | undefined;
}

// Per result shape (a plan's fieldTypes object, shared by cached plans) and dialect.
const cache = new WeakMap<object, WeakMap<Dialect, FieldOrders>>();

/**
 * The orders the merge needs for a result shape on `dialect`: a string field compares with its
 * column's declared collation or the dialect's default (`Dialect.defaultCollation`), other types
 * with `Dialect.orderComparer` where the engine has its own order.
 *
 * @example
 * fieldOrders({ name: { kind: 'string', collation: 'und-u-ks-level2' } }, postgresDialect).comparers.name('bob', 'Bob'); // 0
 */
export function fieldOrders(fieldTypes: Readonly<Record<string, SqlType>>, dialect: Dialect): FieldOrders {
  let byDialect = cache.get(fieldTypes);
  if (byDialect === undefined) cache.set(fieldTypes, (byDialect = new WeakMap()));
  let orders = byDialect.get(dialect);
  if (orders === undefined) {
    orders = computeOrders(fieldTypes, dialect);
    byDialect.set(dialect, orders);
  }
  return orders;
}

function computeOrders(fieldTypes: Readonly<Record<string, SqlType>>, dialect: Dialect): FieldOrders {
  const comparers: Record<string, ValueComparer> = {};
  const collations: Record<string, StringCollation> = {};
  for (const [field, type] of Object.entries(fieldTypes)) {
    if (type.kind === 'string') {
      const name = type.collation ?? dialect.defaultCollation ?? 'BINARY';
      const collation = stringCollation(name);
      if (collation === undefined) throw unknownCollation(name, `${dialect.name} dialect's defaultCollation`);
      if (collation.compare === BINARY_COLLATION.compare) continue; // dtde's default order already
      collations[field] = collation;
      comparers[field] = (a, b) => (typeof a === 'string' && typeof b === 'string' ? collation.compare(a, b) : compareValues(a, b));
      continue;
    }
    const compare = dialect.orderComparer?.(type);
    if (compare !== undefined) comparers[field] = compare;
  }
  const distinct = new Set(Object.values(collations));
  return { comparers, collations, collation: distinct.size === 1 ? [...distinct][0] : undefined };
}
