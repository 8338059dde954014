import type { QueryParams } from './query-expression.js';

/**
 * Reads `p.a.b` from a params object as JavaScript would, except that a step through `null` or
 * `undefined` gives `undefined` instead of throwing. The evaluator, the SQL translator and the
 * shard-key extractor all read params through this one function, so they agree on every value.
 *
 * @example
 * readParamsPath({ range: { min: 5 } }, ['range', 'min']); // 5
 * readParamsPath({ name: 'abc' }, ['name', 'length']);     // 3
 */
export function readParamsPath(params: QueryParams, path: readonly string[]): unknown {
  let value: unknown = params;
  for (const name of path) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}
