import { compareValues } from './compare-values.js';
import { evaluateLambda } from './evaluate-expression.js';
import { isTruthy } from './evaluation-scope.js';
import { RowGroup } from '../expression/grouping.js';
import type { BoundLambda, OrderByOperator, QueryOperator, SelectOperator } from '../expression/query-expression.js';
import { assertChainShape } from '../expression/assert-chain-shape.js';
import { valueKey } from './value-key.js';
import type { StringCollation } from './string-collation.js';

/**
 * Run an operator chain over rows in memory with LINQ semantics; the rows are not modified.
 * This is the oracle the SQL engine is compared against, and the engine for client-side steps.
 *
 * - `orderBy` + `thenBy*`: one stable sort by compareValues (nulls first ascending, so nulls last
 *   descending, as SQL Server and SQLite do); a later `orderBy` starts a new ordering.
 * - `distinct`: first occurrence of each deeply-equal value (Dates by instant, null = undefined).
 * - `groupBy` + `select`: groups keyed by value equality (scalar or object-literal keys), in order
 *   of first appearance, rows in source order; the select runs once per group.
 *
 * @example
 * applyOperators(rows, asQueryable(rows).where(c => c.active).toQueryExpression().operators);
 */
export function applyOperators(rows: readonly unknown[], operators: readonly QueryOperator[], collation?: StringCollation): unknown[] {
  const run = (bound: BoundLambda, row: unknown): unknown => evaluateLambda(bound.lambda, row, bound.params, collation);
  assertChainShape(operators);
  let current: unknown[] = rows.slice();
  for (let i = 0; i < operators.length; i++) {
    const op = operators[i];
    switch (op.kind) {
      case 'where':
        current = current.filter((row) => isTruthy(run(op.predicate, row)));
        break;
      case 'select':
        current = current.map((row) => run(op.selector, row));
        break;
      case 'orderBy': {
        const keys: OrderByOperator[] = [op];
        while (operators[i + 1]?.kind === 'orderBy' && (operators[i + 1] as OrderByOperator).thenBy) {
          keys.push(operators[++i] as OrderByOperator);
        }
        current = sortRows(current, keys, run, collation);
        break;
      }
      case 'skip':
        current = current.slice(op.count);
        break;
      case 'take':
        current = current.slice(0, op.count);
        break;
      case 'distinct':
        current = distinctRows(current, collation);
        break;
      case 'groupBy': {
        // assertChainShape guarantees a select follows.
        const select = operators[++i] as SelectOperator;
        current = groupRows(current, op.key, collation).map((group) => run(select.selector, group));
        break;
      }
    }
  }
  return current;
}

function sortRows(
  rows: readonly unknown[],
  keys: readonly OrderByOperator[],
  run: (bound: BoundLambda, row: unknown) => unknown,
  collation: StringCollation | undefined,
): unknown[] {
  // Compute each key once per row, then sort; Array.prototype.sort is stable (ES2019).
  const decorated = rows.map((row) => ({ row, keys: keys.map((k) => run(k.key, row)) }));
  decorated.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compareValues(a.keys[k], b.keys[k], collation);
      if (c !== 0) return keys[k].descending ? -c : c;
    }
    return 0;
  });
  return decorated.map((d) => d.row);
}

function distinctRows(rows: readonly unknown[], collation: StringCollation | undefined): unknown[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = valueKey(row, collation);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Group rows by the key lambda's value. The group's key is the key of its first row.
 *
 * @example
 * groupRows(orders, { lambda: parseLambda((o) => o.customerId), params: {} });
 */
export function groupRows(rows: readonly unknown[], key: BoundLambda, collation?: StringCollation): RowGroup[] {
  const groups = new Map<string, { key: unknown; rows: unknown[] }>();
  for (const row of rows) {
    const value = evaluateLambda(key.lambda, row, key.params, collation);
    const id = valueKey(value, collation);
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { key: value, rows: [row] });
    else group.rows.push(row);
  }
  return [...groups.values()].map((g) => new RowGroup(g.key, g.rows));
}
