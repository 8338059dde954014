import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtdeInvalidOperationError } from '../../../src/errors/dtde-invalid-operation-error.js';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import { applyOperators, groupRows } from '../../../src/linq/evaluate/apply-operators.js';
import { compareValues } from '../../../src/linq/evaluate/compare-values.js';
import { InMemoryExecutor } from '../../../src/linq/evaluate/in-memory-executor.js';
import { parseLambda } from '../../../src/linq/parse/parse-lambda.js';
import type { BoundLambda, QueryExpression, QueryOperator } from '../../../src/linq/expression/query-expression.js';
import { Queryable } from '../../../src/linq/query/queryable.js';
import { runTerminal } from '../../../src/linq/evaluate/run-terminal.js';
import { valueKey } from '../../../src/linq/evaluate/value-key.js';

const bound = (fn: Function, params: Record<string, unknown> = {}): BoundLambda => ({ lambda: parseLambda(fn), params });

class Product {
  id!: number;
  price!: number;
}
const products: Product[] = [
  { id: 1, price: 5 },
  { id: 2, price: 3 },
  { id: 3, price: 5 },
];

const entityQuery = (operators: QueryOperator[] = []): QueryExpression => ({
  kind: 'query',
  source: { kind: 'entity', entity: Product, name: 'Product' },
  operators,
});

describe('InMemoryExecutor', () => {
  it('answers entity sources from the rows it is given (the e2e oracle)', async () => {
    const executor = new InMemoryExecutor({ entityRows: (s) => (s.entity === Product ? products : []) });
    const query = new Queryable<Product>(entityQuery(), executor).where((p) => p.price > 4).orderByDescending((p) => p.id);
    expect(await executor.execute(query.toQueryExpression(), { kind: 'toArray' })).toEqual([products[2], products[0]]);
    expect(await query.count()).toBe(2);
  });

  it('without a resolver, an entity source is an error that says how to fix it', async () => {
    const executor = new InMemoryExecutor();
    await expect(executor.execute(entityQuery(), { kind: 'count' })).rejects.toThrow(DtdeInvalidOperationError);
    await expect(executor.execute(entityQuery(), { kind: 'count' })).rejects.toThrow(
      /no rows for entity 'Product'.*new InMemoryExecutor\(\{ entityRows \}\)/,
    );
  });

  it('streams the rows of the chain', async () => {
    const executor = new InMemoryExecutor({ entityRows: () => products });
    const seen: unknown[] = [];
    for await (const row of executor.stream(entityQuery([{ kind: 'select', selector: bound((p: Product) => p.id) }]))) seen.push(row);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses an already-aborted signal before doing any work', async () => {
    let resolved = 0;
    const executor = new InMemoryExecutor({
      entityRows: () => {
        resolved++;
        return products;
      },
    });
    const signal = AbortSignal.abort();
    await expect(executor.execute(entityQuery(), { kind: 'toArray' }, { signal })).rejects.toThrow();
    expect(resolved).toBe(0);
  });
});

describe('chain shape of hand-built chains', () => {
  const rows = [{ a: 1 }];

  it('thenBy without an ordering before it', () => {
    const ops: QueryOperator[] = [{ kind: 'orderBy', key: bound((r: { a: number }) => r.a), descending: false, thenBy: true }];
    expect(() => applyOperators(rows, ops)).toThrow(DtdeTranslationError);
    expect(() => applyOperators(rows, ops)).toThrow(/thenBy\/thenByDescending must come directly after orderBy/);
  });

  it('groupBy not followed by select', () => {
    const ops: QueryOperator[] = [
      { kind: 'groupBy', key: bound((r: { a: number }) => r.a) },
      { kind: 'take', count: 1 },
    ];
    expect(() => applyOperators(rows, ops)).toThrow(/groupBy\(\.\.\.\) must be followed directly by select/);
  });

  it('invalid skip/take counts', () => {
    expect(() => applyOperators(rows, [{ kind: 'skip', count: -2 }])).toThrow(/skip\(-2\) needs a non-negative integer count/);
  });
});

describe('runTerminal and groupRows (reused for client-side steps)', () => {
  it('runTerminal over plain values', () => {
    expect(runTerminal([3, null, 1], { kind: 'min' })).toBe(1);
    expect(runTerminal([3, null, 1], { kind: 'sum' })).toBe(4);
    expect(runTerminal([null, null], { kind: 'max' })).toBeNull();
    expect(runTerminal([], { kind: 'count' })).toBe(0);
    expect(() => runTerminal([], { kind: 'max' })).toThrow(/max\(\) found no rows/);
  });

  it('groupRows keys groups by value: Dates by instant, 1 and 1n alike, object keys in any order', () => {
    const data = [{ k: { a: 1, d: new Date(0) } }, { k: { d: new Date(0), a: 1n } }, { k: { a: 2, d: new Date(0) } }];
    const groups = groupRows(
      data,
      bound((r: { k: unknown }) => r.k),
    );
    expect(groups.map((g) => g.rows.length)).toEqual([2, 1]);
    expect(groups[0].key).toBe(data[0].k);
  });
});

describe('properties', () => {
  const rowArb = fc.record({ id: fc.integer(), v: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }) });

  it('orderBy + skip + take equals a stable sort sliced once', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), fc.nat(10), fc.nat(10), fc.boolean(), (rows, skip, take, descending) => {
        const ops: QueryOperator[] = [
          { kind: 'orderBy', key: bound((r: { v: number | null }) => r.v), descending, thenBy: false },
          { kind: 'skip', count: skip },
          { kind: 'take', count: take },
        ];
        const expected = rows
          .map((row, index) => ({ row, index }))
          .sort((x, y) => (descending ? -1 : 1) * compareValues(x.row.v, y.row.v) || x.index - y.index)
          .map((x) => x.row)
          .slice(skip, skip + take);
        expect(applyOperators(rows, ops)).toEqual(expected);
      }),
    );
  });

  it('descending puts nulls last; ascending first', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 20 }), (rows) => {
        const desc = applyOperators(rows, [
          { kind: 'orderBy', key: bound((r: { v: number | null }) => r.v), descending: true, thenBy: false },
        ]) as typeof rows;
        const firstNull = desc.findIndex((r) => r.v === null);
        if (firstNull >= 0) expect(desc.slice(firstNull).every((r) => r.v === null)).toBe(true);
      }),
    );
  });

  it('distinct keeps the first of each value, is idempotent, and count equals distinct keys', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }), { maxLength: 30 }), (values) => {
        const once = applyOperators(values, [{ kind: 'distinct' }]);
        expect(applyOperators(once, [{ kind: 'distinct' }])).toEqual(once);
        expect(once.length).toBe(new Set(values.map((v) => valueKey(v))).size);
      }),
    );
  });
});
