import { expect } from 'vitest';
import type { EntityClass } from '../../../src/metadata/model.js';
import { InMemoryExecutor } from '../../../src/linq/in-memory-executor.js';
import { Queryable } from '../../../src/linq/queryable.js';
import type { DtdeContext } from '../../../src/index.js';

/**
 * Answers the same query tree from the same rows in memory: the oracle every engine result is
 * compared against. `build` receives the query root (the context's DbSet, or the oracle's) and
 * returns the awaited result.
 */
export class Oracle {
  readonly #rows = new Map<EntityClass, readonly unknown[]>();
  readonly #executor = new InMemoryExecutor({ entityRows: (source) => this.#rows.get(source.entity as EntityClass) ?? [] });

  constructor(data: Iterable<readonly [EntityClass, readonly unknown[]]>) {
    for (const [entity, rows] of data) this.#rows.set(entity, rows);
  }

  root<T>(entity: EntityClass<T>): Queryable<T> {
    return new Queryable<T>({ kind: 'query', source: { kind: 'entity', entity, name: entity.name }, operators: [] }, this.#executor);
  }

  /**
   * Runs `build` on the engine and on the oracle and expects equal answers: in the same order
   * when `ordered`, as multisets otherwise. Errors must match too (same class and message).
   */
  async check<T, R>(ctx: DtdeContext, entity: EntityClass<T>, build: (q: Queryable<T>) => Promise<R>, options: { ordered: boolean }): Promise<R> {
    const [actual, expected] = await Promise.all([settle(() => build(ctx.set(entity))), settle(() => build(this.root(entity)))]);
    if (!expected.ok) {
      expect(actual.ok, `engine answered ${describe(actual)} where the oracle threw ${String(expected.error)}`).toBe(false);
      const a = (actual as { error: unknown }).error as Error;
      expect(a.constructor.name).toBe((expected.error as Error).constructor.name);
      return undefined as R;
    }
    if (!actual.ok) throw actual.error;
    if (Array.isArray(expected.value) && !options.ordered) {
      expect(sortCanonical(actual.value as unknown[])).toEqual(sortCanonical(expected.value));
    } else {
      expect(canonical(actual.value)).toEqual(canonical(expected.value));
    }
    return actual.value;
  }
}

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

async function settle<R>(fn: () => Promise<R>): Promise<Settled<R>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function describe(s: Settled<unknown>): string {
  return s.ok ? JSON.stringify(canonical(s.value)) : String(s.error);
}

/** A JSON-able form where Dates, bigints and class instances compare by value. */
export function canonical(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  // Sums of decimal columns (JS numbers) are added per shard and then merged, the oracle adds them
  // in row order: float addition is not associative, so the last bits may differ. Twelve
  // significant digits is far below any decimal(p, s) the model allows to differ.
  if (typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value)) return Number(value.toPrecision(12));
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

function sortCanonical(rows: readonly unknown[]): unknown[] {
  return rows.map(canonical).sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
