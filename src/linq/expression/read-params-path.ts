import type { QueryParams } from './query-expression.js';

/** Told of every params read (see `observeParamsReads`). */
export type ParamsReadObserver = (params: QueryParams, path: readonly string[], value: unknown) => void;

let observer: ParamsReadObserver | null = null;

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
    if (value === null || value === undefined) {
      value = undefined;
      break;
    }
    value = (value as Record<string, unknown>)[name];
  }
  if (observer !== null) observer(params, path, value);
  return value;
}

/**
 * Runs `fn` with `next` told of every `readParamsPath` call, and returns its result. The plan
 * cache (src/planner/plan-cache.ts) uses it to learn which params values a plan depends on;
 * planning is synchronous, so one observer at a time is enough.
 *
 * @example
 * const seen: string[] = [];
 * observeParamsReads((_, path) => seen.push(path.join('.')), () => planQuery(input));
 */
export function observeParamsReads<T>(next: ParamsReadObserver, fn: () => T): T {
  const previous = observer;
  observer = next;
  try {
    return fn();
  } finally {
    observer = previous;
  }
}
