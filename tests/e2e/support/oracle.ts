import { expect } from 'vitest';
import type { EntityClass } from '../../../src/metadata/model.js';
import { InMemoryExecutor } from '../../../src/linq/evaluate/in-memory-executor.js';
import type { StringCollation } from '../../../src/linq/evaluate/string-collation.js';
import { Queryable } from '../../../src/linq/query/queryable.js';
import type { DtdeContext } from '../../../src/index.js';

/**
 * Answers the same query tree from the same rows in memory: the oracle every engine result is
 * compared against. `build` receives the query root (the context's DbSet, or the oracle's) and
 * returns the awaited result.
 */
export class Oracle {
  readonly #rows = new Map<EntityClass, readonly unknown[]>();
  readonly #executor: InMemoryExecutor;

  /** `collation`: how the oracle compares strings (code point when absent), the engine columns' collation. */
  constructor(data: Iterable<readonly [EntityClass, readonly unknown[]]>, options: { collation?: StringCollation } = {}) {
    for (const [entity, rows] of data) this.#rows.set(entity, rows);
    this.#executor = new InMemoryExecutor({
      entityRows: (source) => this.#rows.get(source.entity as EntityClass) ?? [],
      collation: options.collation,
    });
  }

  root<T>(entity: EntityClass<T>): Queryable<T> {
    return new Queryable<T>({ kind: 'query', source: { kind: 'entity', entity, name: entity.name }, operators: [] }, this.#executor);
  }

  /**
   * Runs `build` on the engine and on the oracle and expects equal answers: in the same order
   * when `ordered`, as multisets otherwise. Errors must match too (same class).
   */
  async check<T, R>(
    ctx: DtdeContext,
    entity: EntityClass<T>,
    build: (q: Queryable<T>) => Promise<R>,
    options: { ordered: boolean },
  ): Promise<R> {
    const [actual, expected] = await Promise.all([settle(() => build(ctx.set(entity))), settle(() => build(this.root(entity)))]);
    expectSameAnswer(actual, expected, options.ordered);
    return (actual as { value: R }).value;
  }
}

export type Settled<R = unknown> = { ok: true; value: R } | { ok: false; error: unknown };

export async function settle<R>(fn: () => Promise<R>): Promise<Settled<R>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The engine's answer must be the oracle's: the same error class, or the same value (rows in the
 * same order when `ordered`, as a multiset otherwise), numbers equal up to float noise.
 */
export function expectSameAnswer(actual: Settled, expected: Settled, ordered: boolean): void {
  if (!expected.ok) {
    // Tests build only shapes dtde supports: an oracle that refuses the query is a test bug.
    expect((expected.error as Error).name, `the oracle refused the query: ${String(expected.error)}`).not.toBe('DtdeTranslationError');
    expect(
      actual.ok,
      `engine answered ${actual.ok ? JSON.stringify(canonical(actual.value)) : ''} where the oracle threw ${String(expected.error)}`,
    ).toBe(false);
    const error = (actual as { error: unknown }).error as Error;
    expect(error.constructor.name, `engine threw ${String(error)}; oracle threw ${String(expected.error)}`).toBe(
      (expected.error as Error).constructor.name,
    );
    return;
  }
  if (!actual.ok) throw actual.error;
  if (Array.isArray(expected.value) && !ordered) {
    const a = (actual.value as unknown[]).map(canonical);
    const e = expected.value.map(canonical);
    expectSame(sameMultiset(a, e), [...a].sort(byText), [...e].sort(byText));
  } else {
    const a = canonical(actual.value);
    const e = canonical(expected.value);
    expectSame(close(a, e), a, e);
  }
}

/**
 * Equal up to float noise. Sums and averages of decimal columns are added per shard and then
 * merged, the oracle adds them in row order, and float addition is not associative: numbers agree
 * within a relative 1e-9 (absolute near zero, where 0.1 + 0.2 - 0.3 is 5.5e-17 in one order and 0
 * in another). Integers, bigints, strings and dates still compare exactly.
 */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const o = b as Record<string, unknown>;
    return ka.length === Object.keys(o).length && ka.every((k) => k in o && close((a as Record<string, unknown>)[k], o[k]));
  }
  return a === b;
}

/** Pairs every expected row with a distinct close actual row (rows are few, so quadratic is fine). */
function sameMultiset(actual: readonly unknown[], expected: readonly unknown[]): boolean {
  if (actual.length !== expected.length) return false;
  const left = [...actual];
  return expected.every((e) => {
    const i = left.findIndex((a) => close(a, e));
    return i >= 0 && left.splice(i, 1).length === 1;
  });
}

const byText = (a: unknown, b: unknown): number => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Fails with a readable diff (canonical forms, sorted when unordered) unless `equal`. */
function expectSame(equal: boolean, actual: unknown, expected: unknown): void {
  if (equal) return;
  expect(actual).toEqual(expected);
  throw new Error(`engine and oracle differ beyond float noise: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
}

/** A JSON-able form where Dates, bigints and class instances compare by value. */
export function canonical(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // Entities must come back as instances of their class, projections as plain objects.
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    if (proto !== null && proto !== Object.prototype) out.$class = proto.constructor?.name;
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
