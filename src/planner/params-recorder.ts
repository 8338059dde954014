import type { QueryParams } from '../linq/expression/query-expression.js';
import { observeParamsReads, readParamsPath } from '../linq/expression/read-params-path.js';
import { composedParams } from './compose-over-projection.js';

/**
 * One params value a plan read: from the params object of the chain's lambda number `root` (in
 * `chainLambdas` order), at `path`.
 */
export interface ParamsRead {
  readonly root: number;
  readonly path: readonly string[];
  /** The value planning saw. */
  readonly value: unknown;
  /**
   * True when planning decided something from the value itself (routing, a comparison of two known
   * values, a pattern, an IN list): the plan holds for this value only. False when the value only
   * became SQL parameters: the plan holds for any value of the same class (`paramsValueClass`).
   */
  exact: boolean;
}

/** Where a SQL parameter's value came from (`ParamExpr.source`), so a cached plan binds it anew. */
export interface ParamSlot {
  readonly read: ParamsRead;
}

/** The params reads of one planning, keyed by root and path; `failed` when a read could not be traced to a root. */
export interface ParamsRecording {
  readonly reads: readonly ParamsRead[];
  readonly failed: boolean;
}

let active: Recorder | null = null;

/**
 * Plans with every params read recorded: `fn` runs with an observer on `readParamsPath` (reads
 * the planner folds are exact) while the translator reads values it only binds through
 * `boundParamsRead`. `roots` are the params objects of the chain's lambdas.
 *
 * @example
 * const { result: plan, recording } = recordParamsReads(chainParams(query, terminal), () => planQuery(input));
 */
export function recordParamsReads<T>(roots: readonly QueryParams[], fn: () => T): { result: T; recording: ParamsRecording } {
  const recorder = new Recorder(roots);
  const previous = active;
  active = recorder;
  try {
    const result = observeParamsReads(recorder.onExactRead, fn);
    return { result, recording: { reads: [...recorder.reads.values()], failed: recorder.failed } };
  } finally {
    active = previous;
  }
}

/**
 * Reads a params value the translator turns into a SQL parameter and nothing else; the slot
 * goes on the parameter node. Without a recording it is `readParamsPath` with no slot.
 */
export function boundParamsRead(params: QueryParams, path: readonly string[]): { readonly value: unknown; readonly slot?: ParamSlot } {
  return active === null ? { value: readParamsPath(params, path) } : active.bound(params, path);
}

/** The value behind `slot` was folded into the plan after all (compared, tested, made a pattern): the plan holds for it only. */
export function pinParamsRead(slot: ParamSlot | undefined): void {
  if (slot !== undefined) slot.read.exact = true;
}

class Recorder {
  readonly reads = new Map<string, ParamsRead>();
  failed = false;
  readonly #roots = new Map<QueryParams, number>();
  #bounding = false;

  constructor(roots: readonly QueryParams[]) {
    // The first lambda holding a params object stands for it (the cache checks that a later
    // chain shares params objects between the same lambdas).
    roots.forEach((params, i) => {
      if (!this.#roots.has(params)) this.#roots.set(params, i);
    });
  }

  readonly onExactRead = (params: QueryParams, path: readonly string[], value: unknown): void => {
    if (this.#bounding) return;
    const read = this.#read(params, path, value);
    if (read !== undefined) read.exact = true;
  };

  bound(params: QueryParams, path: readonly string[]): { readonly value: unknown; readonly slot?: ParamSlot } {
    this.#bounding = true;
    let value: unknown;
    try {
      value = readParamsPath(params, path);
    } finally {
      this.#bounding = false;
    }
    const read = this.#read(params, path, value);
    return read === undefined ? { value } : { value, slot: { read } };
  }

  #read(params: QueryParams, path: readonly string[], value: unknown): ParamsRead | undefined {
    // A composed lambda reads `{ outer, inner }`: follow the path down to a params object the user passed.
    let from = params;
    let rest = path;
    for (let parts = composedParams(from); parts !== undefined; parts = composedParams(from)) {
      const head = rest[0];
      if (head !== 'outer' && head !== 'inner') {
        this.failed = true;
        return undefined;
      }
      from = parts[head];
      rest = rest.slice(1);
    }
    const root = this.#roots.get(from);
    if (root === undefined) {
      this.failed = true;
      return undefined;
    }
    const key = `${root}\u0000${rest.join('\u0000')}`;
    let read = this.reads.get(key);
    if (read === undefined) this.reads.set(key, (read = { root, path: rest, value, exact: false }));
    else if (!Object.is(read.value, value)) this.failed = true; // a getter that answers differently: no plan holds
    return read;
  }
}
